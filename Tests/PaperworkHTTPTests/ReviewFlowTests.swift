import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import SQLKit
import Store
import StoreTestSupport
import Testing
@testable import PaperworkHTTP

/// Uploads a sample as multipart/form-data.
func uploadSample(_ client: some TestClientProtocol, token: String, company: String, _ name: String, type: String = "application/pdf", key: String? = nil) async throws -> Answer {
    let boundary = "paperwork-upload-boundary"
    var body = ByteBuffer()
    body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\((name as NSString).lastPathComponent)\"\r\nContent-Type: \(type)\r\n\r\n")
    body.writeBytes(try sample(name))
    body.writeString("\r\n--\(boundary)--\r\n")
    var headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)"]
    if let key { headers[.init("Idempotency-Key")!] = key }
    return try await client.call(.post, "/v1/companies/\(company)/certificates", token: token, body: body, headers: headers)
}

@Suite("Certificate uploads and the review queue")
struct ReviewFlowTests {
    @Test("upload → isolation from another company → claim → text and page image → approve → verified, e-mailed, audited", arguments: Backend.available)
    func endToEnd(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@northwind.example")
            let company = try #require(try await client.call(.post, "/v1/companies", token: admin, json: [
                "legal_name": "Northwind Connect Ltd", "country": "GB", "registration_number": "12345678",
            ]).string("id"))
            let uploaded = try await uploadSample(client, token: admin, company: company, "uk-certificate-of-incorporation.pdf")
            #expect(uploaded.status == .created)
            #expect(uploaded.string("status") == "queued")
            let certificate = try #require(uploaded.string("id"))
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: admin).string("status") == "pending_review")

            // Another company's member sees nothing of it.
            let other = try await signUp(client, service, email: "eve@other.example")
            _ = try await register(client, token: other, name: "Other Ltd")
            for uri in ["/v1/certificates/\(certificate)", "/v1/certificates/\(certificate)/text", "/v1/certificates/\(certificate)/pages/1/preview.png", "/v1/certificates/\(certificate)/review"] {
                let answer = try await client.call(.get, uri, token: other)
                #expect(answer.status == .notFound, "\(uri)")
                #expect(answer.string("detail") == "no such certificate")
            }
            // Customers cannot use the queue.
            #expect(try await client.call(.get, "/v1/review/queue", token: admin).code == "reviewers_only")

            // A reviewer sees it in the queue, due 72 hours after upload, and claims it.
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let queue = try await client.call(.get, "/v1/review/queue", token: reviewer)
            let item = try #require((queue["items"] as? [[String: Any]])?.first)
            #expect(item["certificate_id"] as? String == certificate)
            #expect(item["legal_name"] as? String == "Northwind Connect Ltd")
            #expect(item["overdue"] as? Bool == false)
            #expect(((item["seconds_left"] as? Int) ?? 0) > 72 * 3600 - 60)
            let before = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(before.contains("paperwork_review_queue_depth 1"))
            let claimed = try await client.call(.post, "/v1/review/claims", token: reviewer, json: [String: String]())
            #expect(claimed.status == .ok)
            #expect((claimed["item"] as? [String: Any])?["claimed_by"] as? String == "reviewer:rita")

            // What the reviewer reads: text per page, the first page as PNG, evidence, declared data.
            let text = try await client.call(.get, "/v1/certificates/\(certificate)/text", token: reviewer)
            let pages = try #require(text["pages"] as? [[String: Any]])
            #expect((pages.first?["text"] as? String)?.contains("NORTHWIND CONNECT LIMITED") == true)
            try await client.execute(uri: "/v1/certificates/\(certificate)/pages/1/preview.png", method: .get, headers: [.authorization: "Bearer \(reviewer)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(Array(buffer: response.body).prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            }
            let review = try await client.call(.get, "/v1/certificates/\(certificate)/review", token: reviewer)
            let evidence = try #require(review["evidence"] as? [String: Any])
            #expect((evidence["registration_number"] as? [String: Any])?["found"] as? Bool == true)
            #expect((review["company"] as? [String: Any])?["registration_number"] as? String == "12345678")

            // Approve it.
            let decided = try await client.call(.post, "/v1/certificates/\(certificate)/decision", token: reviewer, json: [
                "outcome": "approve", "reason_code": "document_matches", "internal_note": "number and name match the register",
            ])
            #expect(decided.status == .ok)
            #expect(decided.string("status") == "approved")
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: admin).string("status") == "verified")
            let after = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(after.contains("paperwork_review_queue_depth 0"))
            #expect(after.contains(#"paperwork_review_decisions_total{outcome="approve"} 1"#))
            #expect(after.contains(#"paperwork_review_time_to_decision_seconds_bucket{le="60.0"} 1"#), "decided within a minute")
            let mails = try await service.mails(to: "admin@northwind.example").filter { $0.kind == "company_verified" }
            #expect(mails.count == 1)
            #expect(mails.first?.subject == "Northwind Connect Ltd is verified on Paperwork")

            // The customer sees the outcome, never the internal note.
            let seen = try await client.call(.get, "/v1/certificates/\(certificate)", token: admin)
            #expect(seen.string("status") == "approved")
            #expect(!String(buffer: seen.raw).contains("number and name match"))

            // The audit log has every step, and only operators read it.
            #expect(try await client.call(.get, "/v1/audit", token: reviewer).code == "operator_only")
            let operatorToken = try await staffToken(service, role: .operator, name: "otto")
            let certificateLog = try await client.call(.get, "/v1/audit?entity_type=certificate&entity_id=\(certificate)", token: operatorToken)
            #expect((certificateLog["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["queued", "claimed", "approved"])
            let companyLog = try await client.call(.get, "/v1/audit?entity_type=company&entity_id=\(company)", token: operatorToken)
            let changes = (companyLog["entries"] as? [[String: Any]]) ?? []
            #expect(changes.compactMap { $0["after"] as? String }.map { $0.contains("\"status\":\"pending_review\"") || $0.contains("\"status\":\"verified\"") } == [true, true])
            #expect(changes.last?["actor"] as? String == "reviewer:rita")
        }
    }

    @Test("a refused file answers 422 with its reasons and id, is kept, and is never queued", arguments: Backend.available)
    func refusedUpload(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@northwind.example")
            let company = try await register(client, token: admin, name: "Northwind Connect Ltd")
            let refused = try await uploadSample(client, token: admin, company: company, "bad/javascript.pdf")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.code == "certificate_refused")
            #expect(refused["reasons"] as? [String] == ["active_content"])
            let id = try #require(refused.string("certificate_id"))
            #expect(try await client.call(.get, "/v1/certificates/\(id)", token: admin).string("status") == "rejected")
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: admin).string("status") == "unverified")
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            #expect((try await client.call(.get, "/v1/review/queue", token: reviewer)["items"] as? [[String: Any]])?.isEmpty == true)
            #expect(try await client.call(.post, "/v1/review/claims", token: reviewer).code == "queue_empty")
        }
    }

    @Test("Idempotency-Key: a retry answers the first result; the key with another file is refused; raw bodies work too")
    func idempotencyAndRawBodies() async throws {
        let service = try await TestService.make(review: { $0.maxUploadBytes = 2 * 1024 * 1024 })
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@northwind.example")
            let company = try await register(client, token: admin, name: "Northwind Connect Ltd")
            let first = try await uploadSample(client, token: admin, company: company, "fr-extrait-kbis.pdf", key: "upload-1")
            let again = try await uploadSample(client, token: admin, company: company, "fr-extrait-kbis.pdf", key: "upload-1")
            #expect(first.status == .created && again.status == .created)
            #expect(first.string("id") == again.string("id"))
            let other = try await uploadSample(client, token: admin, company: company, "de-handelsregister-auszug.pdf", key: "upload-1")
            #expect(other.code == "idempotency_key_reused")

            let raw = try await client.call(.post, "/v1/companies/\(company)/certificates?file_name=scan.png", token: admin,
                                            body: ByteBuffer(bytes: try sample("scan-certificate.png")), headers: [.contentType: "image/png"])
            #expect(raw.status == .created)
            #expect(raw.string("sniffed_mime") == "image/png")
            let list = try await client.call(.get, "/v1/companies/\(company)/certificates", token: admin)
            #expect((list["certificates"] as? [[String: Any]])?.compactMap { $0["status"] as? String } == ["queued", "superseded"], "the newer upload replaces the queued one")

            let tooBig = try await client.call(.post, "/v1/companies/\(company)/certificates?file_name=big.pdf", token: admin,
                                               body: ByteBuffer(repeating: 0x25, count: 2 * 1024 * 1024 + 1), headers: [.contentType: "application/pdf"])
            #expect(tooBig.status == .contentTooLarge)

            // A viewer may not upload.
            _ = try await client.call(.post, "/v1/companies/\(company)/invitations", token: admin, json: ["email": "v@northwind.example", "role": "viewer"])
            let token = try #require(secret(withPrefix: "inv_", in: try await service.mails(to: "v@northwind.example").last!.body))
            let viewer = try #require(((try await client.call(.post, "/v1/invitations/accept", json: ["token": token, "password": "correct horse battery", "full_name": "V"]))["session"] as? [String: Any])?["token"] as? String)
            #expect(try await uploadSample(client, token: viewer, company: company, "fr-extrait-kbis.pdf").code == "permission_denied")
        }
    }

    @Test("claims: never two reviewers on one item, even when many claim at once; a lapsed claim returns the item", arguments: Backend.available)
    func concurrentClaims(_ backend: Backend) async throws {
        let clock = TestClock()
        let service = try await TestService.make(backend, adjust: { policy in policy.clock = { clock.now } })
        try await service.run { client in
            var reviewers: [String] = []
            for n in 0..<6 { reviewers.append(try await staffToken(service, role: .reviewer, name: "r\(n)")) }
            for n in 0..<4 {
                let admin = try await signUp(client, service, email: "admin\(n)@c\(n).example")
                let company = try await register(client, token: admin, name: "Company \(n) Ltd")
                #expect(try await uploadSample(client, token: admin, company: company, "uk-certificate-of-incorporation.pdf").status == .created)
            }
            // Six reviewers claim at once for four items: four get distinct items, two find the queue empty.
            struct Claim: Sendable { var status: HTTPResponse.Status; var code: String?; var item: String? }
            let answers = try await withThrowingTaskGroup(of: Claim.self) { group in
                for reviewer in reviewers {
                    group.addTask {
                        let answer = try await client.call(.post, "/v1/review/claims", token: reviewer)
                        return Claim(status: answer.status, code: answer.code, item: (answer["item"] as? [String: Any])?["certificate_id"] as? String)
                    }
                }
                return try await group.reduce(into: [Claim]()) { $0.append($1) }
            }
            let claimed = answers.compactMap(\.item)
            #expect(claimed.count == 4)
            #expect(Set(claimed).count == 4, "no item claimed twice")
            #expect(answers.filter { $0.code == "queue_empty" }.count == 2)

            // A held item cannot be taken; after the lease lapses it can.
            let item = try #require(claimed.first)
            let claimedByName = try await client.call(.get, "/v1/review/queue", token: reviewers[0])
            #expect((claimedByName["items"] as? [[String: Any]])?.compactMap { $0["claimed_by"] as? String }.count == 4)
            let idle = try await staffToken(service, role: .reviewer, name: "idle")
            #expect(try await client.call(.post, "/v1/review/claims", token: idle, json: ["certificate_id": item]).code == "already_claimed")
            #expect(try await client.call(.post, "/v1/certificates/\(item)/decision", token: idle, json: ["outcome": "approve", "reason_code": "document_matches"]).code == "claim_required")
            clock.advance(by: 16 * 60)
            #expect(try await client.call(.post, "/v1/review/claims", token: idle, json: ["certificate_id": item]).status == .ok)

            // 73 hours later every item is overdue.
            clock.advance(by: 73 * 3600)
            let queue = try await client.call(.get, "/v1/review/queue", token: idle)
            #expect((queue["items"] as? [[String: Any]])?.allSatisfy { $0["overdue"] as? Bool == true } == true)
        }
    }

    @Test("request_info lets the customer upload again; reject is final; both e-mail the reason with the support contact", arguments: Backend.available)
    func requestInfoAndReject(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@northwind.example")
            let company = try await register(client, token: admin, name: "Northwind Connect Ltd")
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let first = try #require(try await uploadSample(client, token: admin, company: company, "scan-certificate.jpg", type: "image/jpeg").string("id"))
            _ = try await client.call(.post, "/v1/review/claims", token: reviewer, json: ["certificate_id": first])
            let badReason = try await client.call(.post, "/v1/certificates/\(first)/decision", token: reviewer, json: ["outcome": "request_info", "reason_code": "document_matches", "message": "x"])
            #expect(badReason.code == "invalid_reason_code")
            #expect(try await client.call(.post, "/v1/certificates/\(first)/decision", token: reviewer, json: ["outcome": "request_info", "reason_code": "illegible_document"]).code == "missing_field")
            let asked = try await client.call(.post, "/v1/certificates/\(first)/decision", token: reviewer, json: [
                "outcome": "request_info", "reason_code": "illegible_document", "message": "The scan is too blurry to read the registration number.",
            ])
            #expect(asked.string("status") == "info_requested")
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: admin).string("status") == "needs_info")
            let needsInfo = try #require(try await service.mails(to: "admin@northwind.example").last)
            #expect(needsInfo.kind == "company_needs_info")
            #expect(needsInfo.body.contains("The scan is too blurry"))
            #expect(needsInfo.body.contains("support@paperwork.test"))

            let second = try #require(try await uploadSample(client, token: admin, company: company, "uk-certificate-of-incorporation.pdf").string("id"))
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: admin).string("status") == "pending_review")
            _ = try await client.call(.post, "/v1/review/claims", token: reviewer, json: ["certificate_id": second])
            let rejected = try await client.call(.post, "/v1/certificates/\(second)/decision", token: reviewer, json: [
                "outcome": "reject", "reason_code": "company_not_registered", "message": "The register has no company with this number.",
            ])
            #expect(rejected.string("status") == "declined")
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: admin).string("status") == "rejected")
            #expect(try await service.mails(to: "admin@northwind.example").last?.kind == "company_rejected")
            #expect(try await uploadSample(client, token: admin, company: company, "uk-certificate-of-incorporation.pdf").code == "company_rejected")
        }
    }

    @Test("four-eyes: an approval takes effect only when a second, different reviewer confirms it", arguments: Backend.available)
    func fourEyes(_ backend: Backend) async throws {
        let service = try await TestService.make(backend, review: { $0.fourEyes = true })
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@northwind.example")
            let company = try await register(client, token: admin, name: "Northwind Connect Ltd")
            let certificate = try #require(try await uploadSample(client, token: admin, company: company, "uk-certificate-of-incorporation.pdf").string("id"))
            let rita = try await staffToken(service, role: .reviewer, name: "rita")
            let sam = try await staffToken(service, role: .reviewer, name: "sam")
            _ = try await client.call(.post, "/v1/review/claims", token: rita)
            let first = try await client.call(.post, "/v1/certificates/\(certificate)/decision", token: rita, json: ["outcome": "approve", "reason_code": "document_matches_with_correction", "company_type": "xaas"])
            #expect(first.string("status") == "awaiting_confirmation")
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: admin).string("status") == "pending_review")
            #expect(try await client.call(.post, "/v1/review/claims", token: rita).code == "queue_empty", "rita cannot confirm her own approval")
            #expect(try await client.call(.post, "/v1/review/claims", token: rita, json: ["certificate_id": certificate]).code == "own_approval")
            #expect(try await client.call(.post, "/v1/review/claims", token: sam).status == .ok)
            let confirmed = try await client.call(.post, "/v1/certificates/\(certificate)/decision", token: sam, json: ["outcome": "approve", "reason_code": "document_matches"])
            #expect(confirmed.string("status") == "approved")
            let verified = try await client.call(.get, "/v1/companies/\(company)", token: admin)
            #expect(verified.string("status") == "verified")
            #expect(verified.string("company_type") == "xaas", "the first reviewer's correction applies")
        }
    }

    @Test("the audit log refuses UPDATE and DELETE in the database itself", arguments: Backend.available)
    func auditIsAppendOnly(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        try await store.transaction { try await AuditRepository.append(actor: "system", entityType: "company", entityID: "c1", action: "test", before: nil, after: "{}", at: Timestamp.now(), on: $0) }
        await #expect(throws: (any Error).self) { try await store.transaction { try await $0.update("audit_log").set("actor", to: SQLBind("mallory")).run() } }
        await #expect(throws: (any Error).self) { try await store.transaction { try await $0.delete(from: "audit_log").run() } }
        let entries = try await store.withSession { try await AuditRepository.entries(.init(), on: $0) }
        #expect(entries.map(\.actor) == ["system"])
        await store.close()
    }
}
