import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import PaperworkHTTP

/// The company's details in the portal: the declared data can be corrected until a review
/// starts, the distributor categories appear once an operator marks the company a partner, and
/// only admins change anything.
@Suite("Customer portal: company details")
struct PortalCompanyDetailsTests {
    @Test("registration offers Enterprise and XaaS only; once an operator marks the company a distributor, its details page offers the partner categories and saves one")
    func distributorCategories() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let admin = try await signUp(client, service, email: "ines@partner.example", name: "Inès Admin")
            var browser = PortalAccountTests.Browser(language: "fr")
            browser.cookies["pw_session"] = admin
            let registration = try await browser.open(client, .get, "/companies/new")
            #expect(registration.html.contains(#"value="enterprise""#) && registration.html.contains(#"value="xaas""#))
            #expect(!registration.html.contains(#"value="cloud""#), "no distributor category before an operator's mark")

            let company = try await register(client, token: admin, name: "Partenaire Réseau SAS", country: "FR")
            let before = try await browser.open(client, .get, "/companies/\(company)/details")
            #expect(before.status == .ok && before.html.contains("Informations de l’entreprise"))
            #expect(!before.html.contains(#"value="internet_exchange""#))

            let operatorToken = try await staffToken(service, role: .operator, name: "details-operator")
            let marked = try await client.call(.put, "/v1/companies/\(company)/distributor", token: operatorToken, json: ["distributor": true, "company_type": "xaas"])
            #expect(marked.status == .ok, "\(marked.json)")
            let after = try await browser.open(client, .get, "/companies/\(company)/details")
            for category in ["cloud", "data_center", "internet_exchange", "service_provider", "xaas"] {
                #expect(after.html.contains(#"value="\#(category)""#), "\(category)")
            }
            #expect(after.html.contains("Point d’échange Internet"), "each category named in the reader's language")

            let saved = try await browser.open(client, .post, "/companies/\(company)/details", form: [
                "legal_name": "Partenaire Réseau SAS", "country": "FR", "registration_number": "912 345 678", "company_type": "internet_exchange",
            ])
            #expect(saved.status == .seeOther && saved.location == "/companies/\(company)/details?saved=1")
            let shown = try await browser.open(client, .get, "/companies/\(company)/details?saved=1")
            #expect(shown.html.contains(#"value="internet_exchange" checked"#))
            #expect(shown.html.contains("Les informations de l’entreprise sont enregistrées."))
            let api = try await client.call(.get, "/v1/companies/\(company)", token: admin)
            #expect(api.string("company_type") == "internet_exchange" && api.string("registration_number") == "912 345 678")
            // Each change of the declared data is in the audit trail, for the reviewers.
            let audit = try await client.call(.get, "/v1/audit?entity_type=company&entity_id=\(company)&action=details_changed", token: operatorToken)
            let changes = try #require(audit["entries"] as? [[String: Any]])
            #expect(changes.count == 2, "the operator's mark, then the admin's save")
            #expect((changes.last?["after"] as? String)?.contains(#""company_type":"internet_exchange""#) == true)
        }
    }

    @Test("once a certificate is under review the declared data is read-only and a forged change keeps it; a refused field keeps what was typed; another company's details are not found")
    func lockedAndRefused() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let admin = try await signUp(client, service, email: "kim@locked.example", name: "Kim Admin")
            let company = try await register(client, token: admin, name: "Locked Ltd")
            var browser = PortalAccountTests.Browser()
            browser.cookies["pw_session"] = admin

            let refused = try await browser.open(client, .post, "/companies/\(company)/details", form: [
                "legal_name": "Locked Ltd", "country": "XX", "registration_number": "0123", "company_type": "enterprise",
            ])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains(#"id="country-error""#) && refused.html.contains(#"value="0123""#), "the error beside its field, the rest kept")

            let upload = try await client.execute(
                uri: "/v1/companies/\(company)/certificates", method: .post,
                headers: [.authorization: "Bearer \(admin)", .contentType: "application/pdf"],
                body: .init(bytes: try sample("uk-certificate-of-incorporation.pdf"))
            ) { $0.status }
            #expect(upload == .created)
            let locked = try await browser.open(client, .get, "/companies/\(company)/details")
            #expect(locked.html.contains("cannot change while a certificate is being checked"))
            #expect(locked.html.contains(#"name="legal_name" type="text" autocomplete="organization" required value="Locked Ltd" readonly"#))
            let forged = try await browser.open(client, .post, "/companies/\(company)/details", form: [
                "legal_name": "Someone Else Ltd", "country": "GB", "registration_number": "1", "company_type": "xaas",
            ])
            #expect(forged.status == .seeOther, "the type may still change")
            let api = try await client.call(.get, "/v1/companies/\(company)", token: admin)
            #expect(api.string("legal_name") == "Locked Ltd" && api.string("company_type") == "xaas")

            let stranger = try await signUp(client, service, email: "eve@elsewhere.example", name: "Eve")
            var other = PortalAccountTests.Browser()
            other.cookies["pw_session"] = stranger
            #expect(try await other.open(client, .get, "/companies/\(company)/details").status == .notFound)
            #expect(try await other.open(client, .post, "/companies/\(company)/details", form: ["company_type": "enterprise"]).status == .notFound)
        }
    }
}
