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

            let (decided, _, after) = try await browser.post(client, certificatePath + "/decision", [
                ("csrf", csrf), ("outcome", "approve"), ("reason_code", "document_matches"), ("company_type", ""), ("message", ""), ("internal_note", "ok"),
            ])
            #expect(decided == .seeOther)
            let (_, result, _) = try await browser.get(client, try #require(after))
            #expect(result.contains(#"<dd id="company-status">verified</dd>"#))
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: admin).string("status") == "verified")

            // Signing out ends the session.
            #expect(try await browser.post(client, "/console/sign-out", [("csrf", csrf)]).0 == .seeOther)
            #expect(try await browser.get(client, "/console/queue").0 == .seeOther)
        }
    }
}
