import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import StoreTestSupport
import Testing
@testable import PaperworkHTTP

/// A browser's cookie jar and form posts, over the test client.
struct ConsoleBrowser {
    var cookies: [String: String] = [:]

    var cookieHeader: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")]
    }

    mutating func remember(_ response: TestResponse) {
        for value in response.headers[values: .setCookie] {
            let pair = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if value.contains("Max-Age=0") { cookies[String(pair[0])] = nil } else { cookies[String(pair[0])] = String(pair[1]) }
        }
    }

    mutating func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, String, String?) {
        let response = try await client.execute(uri: uri, method: .get, headers: cookieHeader, body: nil)
        remember(response)
        return (response.status, String(buffer: response.body), response.headers[.location])
    }

    mutating func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [(String, String)]) async throws -> (HTTPResponse.Status, String, String?) {
        var headers = cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
        remember(response)
        return (response.status, String(buffer: response.body), response.headers[.location])
    }

    /// The value of the hidden CSRF field in a page.
    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value="([A-Za-z0-9_-]+)""#, options: .regularExpression) else { return nil }
        return String(html[range]).components(separatedBy: "value=\"")[1].dropLast().description
    }
}

@Suite("Reviewer console")
struct ConsoleTests {
    @Test("sign in with a staff token, claim, see page images beside the text, approve: the company is verified; names are escaped")
    func reviewThroughTheConsole() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@evil.example")
            let company = try #require(try await client.call(.post, "/v1/companies", token: admin, json: [
                "legal_name": "<script>alert(1)</script> Ltd", "country": "GB", "registration_number": "12345678",
            ]).string("id"))
            #expect(try await uploadSample(client, token: admin, company: company, "uk-certificate-of-incorporation.pdf").status == .created)
            let reviewerToken = try await staffToken(service, role: .reviewer, name: "rita")

            var browser = ConsoleBrowser()
            let (status, _, location) = try await browser.get(client, "/console/queue")
            #expect(status == .seeOther && location == "/console/sign-in", "signed-out visitors are sent to sign in")
            let (_, signInPage, _) = try await browser.get(client, "/console/sign-in")
            let preCSRF = try #require(ConsoleBrowser.csrf(in: signInPage))

            // A wrong CSRF value, and a customer token, are refused.
            #expect(try await browser.post(client, "/console/sign-in", [("csrf", "forged"), ("token", reviewerToken)]).0 == .forbidden)
            #expect(try await browser.post(client, "/console/sign-in", [("csrf", preCSRF), ("token", admin)]).0 == .unauthorized)
            let (signedIn, _, next) = try await browser.post(client, "/console/sign-in", [("csrf", preCSRF), ("token", reviewerToken)])
            #expect(signedIn == .seeOther && next == "/console/queue")

            let (queueStatus, queue, _) = try await browser.get(client, "/console/queue")
            #expect(queueStatus == .ok)
            #expect(queue.contains("&lt;script&gt;alert(1)&lt;/script&gt; Ltd"), "the legal name is shown as text")
            #expect(!queue.contains("<script>alert"))
            let csrf = try #require(ConsoleBrowser.csrf(in: queue))

            #expect(try await browser.post(client, "/console/claims", [("csrf", "forged")]).0 == .forbidden, "forms without the session's CSRF token are refused")
            let (claimStatus, _, itemPage) = try await browser.post(client, "/console/claims", [("csrf", csrf)])
            #expect(claimStatus == .seeOther)
            let certificatePath = try #require(itemPage)
            let (_, certificate, _) = try await browser.get(client, certificatePath)
            #expect(certificate.contains("NORTHWIND CONNECT LIMITED"), "the extracted text is on the page")
            #expect(certificate.contains("/pages/1.png"))
            #expect(!certificate.contains("<script>alert"))
            let image = try await client.execute(uri: certificatePath + "/pages/1.png", method: .get, headers: browser.cookieHeader, body: nil)
            #expect(image.status == .ok && image.headers[.contentType] == "image/png")
            // Full resolution: 300 dpi, rendered once, then from the blob store.
            let sharp = try await client.execute(uri: certificatePath + "/pages/1.png?dpi=300", method: .get, headers: browser.cookieHeader, body: nil)
            #expect(sharp.status == .ok && sharp.headers[.contentType] == "image/png")
            #expect(Self.pngWidth(Array(buffer: sharp.body)) > 2 * Self.pngWidth(Array(buffer: image.body)), "sharper than the preview")
            let certificateID = String(certificatePath.split(separator: "/").last ?? "")
            let cached = try await service.store.withSession { try await CertificateRepository.pageImage(certificateID: certificateID, page: 1, dpi: 300, on: $0) }
            #expect(cached?.width == Self.pngWidth(Array(buffer: sharp.body)))
            #expect(try await client.execute(uri: certificatePath + "/pages/1.png?dpi=72", method: .get, headers: browser.cookieHeader, body: nil).status == .unprocessableContent)

            // The declared name is not on this certificate: approving needs the reviewer's explicit word,
            // and the refusal keeps what was typed.
            let (guarded, guardedPage, _) = try await browser.post(client, certificatePath + "/decision", [
                ("csrf", csrf), ("outcome", "approve"), ("reason_code", "document_matches"), ("company_type", ""), ("message", ""), ("internal_note", "checked by eye"),
            ])
            #expect(guarded == .unprocessableContent)
            #expect(guardedPage.contains(#"id="confirm-error""#) && guardedPage.contains("was not found in the text"))
            #expect(guardedPage.contains(">checked by eye</textarea>"), "the internal note is kept")
            let (decided, _, after) = try await browser.post(client, certificatePath + "/decision", [
                ("csrf", csrf), ("outcome", "approve"), ("reason_code", "document_matches"), ("company_type", ""), ("message", ""), ("internal_note", "ok"), ("confirm", "yes"),
            ])
            #expect(decided == .seeOther)
            let (_, result, _) = try await browser.get(client, try #require(after))
            #expect(result.contains(#"<dd id="company-status" data-code="verified">Verified"#))
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: admin).string("status") == "verified")

            // The decision is found again in the history, and the company's file tells the whole story.
            let (_, history, _) = try await browser.get(client, "/console/history?q=script&outcome=approve")
            #expect(history.contains("&lt;script&gt;alert(1)&lt;/script&gt; Ltd") && history.contains("reviewer:rita"))
            #expect(!(try await browser.get(client, "/console/history?outcome=reject").1.contains("alert(1)")))
            #expect(try await browser.get(client, "/console/history?mine=1").1.contains("alert(1)"), "the reader's own decisions")
            #expect(try await browser.get(client, "/console/history?from=yesterday").0 == .unprocessableContent)
            let (fileStatus, file, _) = try await browser.get(client, "/console/companies/\(company)")
            #expect(fileStatus == .ok)
            #expect(file.contains("uk-certificate-of-incorporation.pdf") && file.contains("Internal note: ok"))
            #expect(file.contains("status: pending_review → verified"), "the audit trail, field by field")
            #expect(try await browser.get(client, "/console/companies/00000000-0000-0000-0000-000000000000").0 == .notFound)
            let (_, dashboard, _) = try await browser.get(client, "/console/dashboard")
            #expect(dashboard.contains(#"<strong id="sla-share">100 %</strong> of 1 decision(s)"#))
            #expect(dashboard.contains("<svg") && !dashboard.contains("<script>"), "charts drawn on the server, no inline script")

            // Signing out ends the session.
            #expect(try await browser.post(client, "/console/sign-out", [("csrf", csrf)]).0 == .seeOther)
            #expect(try await browser.get(client, "/console/queue").0 == .seeOther)
        }
    }

    /// The width in a PNG's header.
    static func pngWidth(_ png: [UInt8]) -> Int {
        guard png.count > 24 else { return 0 }
        return png[16..<20].reduce(0) { $0 << 8 | Int($1) }
    }

    /// Signs a reviewer into the console; returns the browser and the session's CSRF token.
    static func signIn(_ client: some TestClientProtocol, token: String) async throws -> (ConsoleBrowser, String) {
        var browser = ConsoleBrowser()
        let (_, signInPage, _) = try await browser.get(client, "/console/sign-in")
        let preCSRF = try #require(ConsoleBrowser.csrf(in: signInPage))
        _ = try await browser.post(client, "/console/sign-in", [("csrf", preCSRF), ("token", token)])
        let (_, queue, _) = try await browser.get(client, "/console/queue")
        return (browser, try #require(ConsoleBrowser.csrf(in: queue)))
    }

    @Test("the queue: counts per state, a search by name, number or e-mail, filters by verdict, flag and country; any item opens without a claim, and a claimed one is marked as the reader's")
    func queueFiltersAndOpening() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let northwind = try await signUp(client, service, email: "ops@northwind.example", name: "Nora North")
            let northwindCompany = try #require(try await client.call(.post, "/v1/companies", token: northwind, json: [
                "legal_name": "Northwind Connect Limited", "country": "GB", "registration_number": "12 345 678",
            ]).string("id"))
            #expect(try await uploadSample(client, token: northwind, company: northwindCompany, "uk-certificate-of-incorporation.pdf").status == .created)
            let scanner = try await signUp(client, service, email: "legal@scanned.example", name: "Sam Scan")
            let scannedCompany = try #require(try await client.call(.post, "/v1/companies", token: scanner, json: [
                "legal_name": "Société Scannée SARL", "country": "FR", "registration_number": "552 100 554",
            ]).string("id"))
            #expect(try await uploadSample(client, token: scanner, company: scannedCompany, "scan-certificate.png", type: "image/png").status == .created)

            let (browser0, csrf) = try await Self.signIn(client, token: try await staffToken(service, role: .reviewer, name: "quinn"))
            var browser = browser0
            let (_, all, _) = try await browser.get(client, "/console/queue")
            #expect(all.contains("Northwind Connect Limited") && all.contains("Société Scannée SARL"))
            #expect(all.contains(#"Not claimed <span class="count">2</span>"#))

            func listed(_ query: String) async throws -> (northwind: Bool, scanned: Bool) {
                let (status, page, _) = try await browser.get(client, "/console/queue?" + query)
                #expect(status == .ok, "\(query)")
                return (page.contains("Northwind Connect Limited"), page.contains("Société Scannée SARL"))
            }
            #expect(try await listed("q=northwind") == (true, false), "by name, any case")
            #expect(try await listed("q=societe%20scannee") == (false, true), "accents folded")
            #expect(try await listed("q=12345678") == (true, false), "by number, spaces ignored")
            #expect(try await listed("q=legal%40scanned") == (false, true), "by a person's e-mail")
            #expect(try await listed("verdict=needs_visual_review") == (false, true))
            #expect(try await listed("flag=image_only") == (false, true))
            #expect(try await listed("country=gb") == (true, false))
            #expect(try await listed("source=revalidation") == (false, false))

            // Opened without claiming: readable, but no decision form; the scan says it has no text.
            let scanned = try await service.store.withSession { try await CertificateRepository.certificates(ofCompany: scannedCompany, on: $0) }
            let scanID = try #require(scanned.first?.id)
            let (opened, scanPage, _) = try await browser.get(client, "/console/certificates/\(scanID)")
            #expect(opened == .ok)
            #expect(scanPage.contains(#"id="image-only""#) && scanPage.contains("No text layer."))
            #expect(scanPage.contains("not searchable (no text)"), "missing evidence is not shown as a failure when there is no text")
            #expect(!scanPage.contains(#"id="decide""#) && scanPage.contains(#"id="claim-this""#))

            // Claimed, it is the reader's; the decision offers only the chosen outcome's reasons,
            // with the message prefilled in the customer's language.
            #expect(try await browser.post(client, "/console/claims", [("csrf", csrf), ("certificate_id", scanID)]).0 == .seeOther)
            let (_, mine, _) = try await browser.get(client, "/console/queue?state=mine")
            #expect(mine.contains("Société Scannée SARL") && mine.contains("<strong>yours</strong>") && !mine.contains("Northwind Connect Limited"))
            let (_, asking, _) = try await browser.get(client, "/console/certificates/\(scanID)?outcome=request_info&reason=illegible_document")
            #expect(asking.contains("We could not read your certificate of registration."))
            #expect(asking.contains("name_mismatch") && !asking.contains("forged_or_altered") && !asking.contains(">document_matches<"))
            let (refused, refusedPage, _) = try await browser.post(client, "/console/certificates/\(scanID)/decision", [
                ("csrf", csrf), ("outcome", "request_info"), ("reason_code", "illegible_document"), ("message", " "), ("internal_note", "blurry stamp"),
            ])
            #expect(refused == .unprocessableContent)
            #expect(refusedPage.contains(#"id="message-error""#) && refusedPage.contains(">blurry stamp</textarea>"), "the error beside the message, the note kept")
        }
    }
}
