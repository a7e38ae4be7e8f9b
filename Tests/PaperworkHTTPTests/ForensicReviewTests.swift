import Foundation
import HummingbirdTesting
import Intake
import StoreTestSupport
import Testing
@testable import PaperworkHTTP

/// Forensic signals through the service: reviewers get them with their evidence in the review
/// view, the same file sent for two companies is a duplicate for both, customers never see any,
/// and a revalidation run after a rules change reports the certificates whose signals changed.
@Suite("Forensic signals in review")
struct ForensicReviewTests {
    /// Signs someone up at `email` and registers a company; returns their token and its id.
    func company(_ client: some TestClientProtocol, _ service: TestService, email: String, name: String, country: String, number: String) async throws -> (token: String, id: String) {
        let token = try await signUp(client, service, email: email)
        let id = try #require(try await client.call(.post, "/v1/companies", token: token, json: [
            "legal_name": name, "country": country, "registration_number": number,
        ]).string("id"))
        return (token, id)
    }

    func signals(_ client: some TestClientProtocol, certificate: String, token: String) async throws -> [[String: Any]] {
        let review = try await client.call(.get, "/v1/certificates/\(certificate)/review", token: token)
        #expect(review.status == .ok)
        return try #require(review["signals"] as? [[String: Any]])
    }

    @Test("the same file sent for two companies is a duplicate in both reviews, each linking the other; customers never see it", arguments: Backend.available)
    func duplicateFile(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let (first, northwind) = try await company(client, service, email: "admin@northwind.example", name: "Northwind Connect Limited", country: "GB", number: "12345678")
            let (second, southwind) = try await company(client, service, email: "admin@southwind.example", name: "Southwind Holdings Limited", country: "GB", number: "SC123456")
            let original = try #require(try await uploadSample(client, token: first, company: northwind, "uk-certificate-of-incorporation.pdf").string("id"))
            #expect(try await signals(client, certificate: original, token: reviewer).isEmpty, "one upload is no duplicate")
            let copy = try #require(try await uploadSample(client, token: second, company: southwind, "uk-certificate-of-incorporation.pdf").string("id"))

            for (certificate, other, otherName) in [(copy, original, "Northwind Connect Limited"), (original, copy, "Southwind Holdings Limited")] {
                let found = try await signals(client, certificate: certificate, token: reviewer)
                let duplicate = try #require(found.first { $0["code"] as? String == "duplicate_document" })
                let related = try #require(duplicate["related"] as? [[String: Any]])
                #expect(related.count == 1)
                #expect(related.first?["certificate_id"] as? String == other)
                #expect(related.first?["company_name"] as? String == otherName)
                #expect(related.first?["relation"] as? String == "same_file")
            }
            // The customer's own view says nothing of other companies, nor of signals.
            let customerView = try await client.call(.get, "/v1/certificates/\(copy)", token: second)
            #expect(customerView.status == .ok && customerView["signals"] == nil)
            #expect(try await client.call(.get, "/v1/certificates/\(copy)/review", token: second).status == .forbidden)
        }
    }

    @Test("the same scan sent as a PNG by one company and as a JPEG by another: a near-identical first page")
    func nearIdenticalScan() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let (first, one) = try await company(client, service, email: "admin@one.example", name: "Northwind Connect Limited", country: "GB", number: "12345678")
            let (second, two) = try await company(client, service, email: "admin@two.example", name: "Harbour Peering Limited", country: "HK", number: "3123456")
            let png = try #require(try await uploadSample(client, token: first, company: one, "scan-certificate.png", type: "image/png").string("id"))
            let jpeg = try #require(try await uploadSample(client, token: second, company: two, "scan-certificate.jpg", type: "image/jpeg").string("id"))
            let duplicate = try #require(try await signals(client, certificate: jpeg, token: reviewer).first { $0["code"] as? String == "duplicate_document" })
            let related = try #require(duplicate["related"] as? [[String: Any]])
            #expect(related.map { $0["relation"] as? String } == ["same_first_page"])
            #expect(related.first?["certificate_id"] as? String == png)
            #expect((duplicate["message"] as? String)?.contains("first page looks the same") == true)
        }
    }

    @Test("another company declaring the same registration number is a duplicate too")
    func sameRegistration() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let first = try await signUp(client, service, email: "admin@one.example")
            _ = try await client.call(.post, "/v1/companies", token: first, json: ["legal_name": "Northwind Connect Limited", "country": "GB", "registration_number": "12345678"])
            let (second, twin) = try await company(client, service, email: "admin@two.example", name: "Northwind Connect Ltd", country: "GB", number: "1234 5678")
            let certificate = try #require(try await uploadSample(client, token: second, company: twin, "uk-certificate-of-incorporation.pdf").string("id"))
            let duplicate = try #require(try await signals(client, certificate: certificate, token: reviewer).first { $0["code"] as? String == "duplicate_document" })
            let related = try #require(duplicate["related"] as? [[String: Any]])
            #expect(related.map { $0["relation"] as? String } == ["same_registration"])
            #expect(related.first?["company_name"] as? String == "Northwind Connect Limited")
            #expect(related.first?["certificate_id"] == nil, "the other company has sent no certificate")
        }
    }

    @Test("an altered certificate's signals reach the review view with their evidence")
    func evidenceInReview() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let (admin, registered) = try await company(client, service, email: "admin@southwind.example", name: "Southwind Holdings Limited", country: "GB", number: "12345678")
            let certificate = try #require(try await uploadSample(client, token: admin, company: registered, "tampered/uk-name-rewritten.pdf").string("id"))
            let edited = try #require(try await signals(client, certificate: certificate, token: reviewer).first { $0["code"] as? String == "edited_after_creation" })
            #expect(edited["pages"] as? [Int] == [1])
            #expect(edited["text_removed"] as? [String] == ["NORTHWIND CONNECT LIMITED"])
            #expect(edited["text_added"] as? [String] == ["SOUTHWIND HOLDINGS LIMITED"])
            #expect((edited["message"] as? String)?.isEmpty == false)
        }
    }

    @Test("text in the file but not on the page is found when the review view draws the pages, and kept with the certificate")
    func invisibleTextInReview() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let (admin, registered) = try await company(client, service, email: "admin@southwind.example", name: "Southwind Holdings Limited", country: "GB", number: "12345678")
            let certificate = try #require(try await uploadSample(client, token: admin, company: registered, "tampered/uk-invisible-name.pdf").string("id"))
            for _ in 0..<2 {
                let covered = try #require(try await signals(client, certificate: certificate, token: reviewer).first { $0["code"] as? String == "covered_text" })
                let facts = try #require(covered["facts"] as? [[String: Any]])
                #expect(Set(facts.compactMap { $0["value"] as? String }) == ["SOUTHWIND", "HOLDINGS", "LIMITED"])
            }
        }
    }

    @Test("after the rules change, a revalidation run with signals reports the certificates whose signals changed, and the review shows the new ones", arguments: Backend.available)
    func rulesChange(_ backend: Backend) async throws {
        var strict = ForensicRules()
        strict.maxDocumentAgeDays = ["FR": 90]
        // Uploads run under rules without an age for France; the run under rules with one.
        let service = try await TestService.make(backend, review: { $0.limits.forensics = ForensicRules() }, revalidation: { $0.limits.forensics = strict })
        try await service.run { client in
            let operatorToken = try await staffToken(service, role: .operator, name: "olga")
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let (admin, registered) = try await company(client, service, email: "admin@leman.example", name: "SOCIÉTÉ DES RÉSEAUX DU LÉMAN", country: "FR", number: "912 345 675")
            let old = try #require(try await uploadSample(client, token: admin, company: registered, "tampered/fr-kbis-2021.pdf").string("id"))
            #expect(try await signals(client, certificate: old, token: reviewer).isEmpty)

            // Without signals, a run judges verdicts only: nothing changed.
            let plain = try #require((try await client.call(.post, "/v1/revalidations", token: operatorToken, json: [:])["run"] as? [String: Any])?["id"] as? String)
            _ = try await #require(service.dependencies.revalidation).work(runID: plain, worker: "test")
            #expect(try await client.call(.get, "/v1/revalidations/\(plain)", token: operatorToken)["outcomes"] as? [String: Int] == ["unchanged": 1])

            let started = try await client.call(.post, "/v1/revalidations", token: operatorToken, json: ["signals": true])
            #expect(started.status == .accepted)
            let run = try #require((started["run"] as? [String: Any])?["id"] as? String)
            _ = try await #require(service.dependencies.revalidation).work(runID: run, worker: "test")
            #expect(try await client.call(.get, "/v1/revalidations/\(run)", token: operatorToken)["outcomes"] as? [String: Int] == ["signals_changed": 1])
            let lines = try await client.execute(uri: "/v1/revalidations/\(run)/report", method: .get, headers: [.authorization: "Bearer \(operatorToken)"], body: nil) { response in
                String(buffer: response.body).split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            }
            #expect(lines.count == 1)
            #expect(lines.first?["document_id"] as? String == old)
            #expect(lines.first?["detail"] as? String == "signals: none → document_outdated")
            #expect(try await signals(client, certificate: old, token: reviewer).map { $0["code"] as? String } == ["document_outdated"])
        }
    }
}
