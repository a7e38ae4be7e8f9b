import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import StoreTestSupport
import Testing
import TestSupport
@testable import PaperworkHTTP

@Suite("Sign-up and sessions")
struct SignupTests {
    @Test("sign-up: an e-mail with a link, a password and profile, then sign-in with e-mail and password", arguments: Backend.available)
    func signupFlow(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let started = try await client.call(.post, "/v1/signup", json: ["email": "  Ada@Example.COM "])
            #expect(started.status == .accepted)
            let mails = try await service.mails(to: "ada@example.com")
            #expect(mails.map(\.kind) == ["signup_verification"], "the address is normalized and e-mailed once, through the outbox")
            let token = try #require(secret(withPrefix: "su_", in: mails[0].body))
            #expect(mails[0].body.contains("https://paperwork.test/signup/complete?token=\(token)"))

            let weak = try await client.call(.post, "/v1/signup/complete", json: ["token": token, "password": "short", "full_name": "Ada"])
            #expect(weak.status == .unprocessableContent)
            #expect(weak.code == "weak_password")

            let completed = try await client.call(.post, "/v1/signup/complete", json: ["token": token, "password": "correct horse battery", "full_name": "Ada Lovelace", "job_title": "Network architect"])
            #expect(completed.status == .created)
            let bearer = try #require(completed.string("token"))
            #expect(bearer.hasPrefix("pw_"))

            let me = try await client.call(.get, "/v1/me", token: bearer)
            #expect(me.status == .ok)
            let user = try #require(me["user"] as? [String: Any])
            #expect(user["email"] as? String == "ada@example.com")
            #expect(user["full_name"] as? String == "Ada Lovelace")
            #expect(user["job_title"] as? String == "Network architect")

            let again = try await client.call(.post, "/v1/signup/complete", json: ["token": token, "password": "correct horse battery", "full_name": "Ada"])
            #expect(again.status == .gone)
            #expect(again.code == "signup_used")

            let session = try await client.call(.post, "/v1/sessions", json: ["email": "ADA@example.com", "password": "correct horse battery"])
            #expect(session.status == .created)
            #expect(session.string("token")?.hasPrefix("pw_") == true)
            let wrong = try await client.call(.post, "/v1/sessions", json: ["email": "ada@example.com", "password": "wrong horse battery"])
            let unknown = try await client.call(.post, "/v1/sessions", json: ["email": "nobody@example.com", "password": "correct horse battery"])
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(wrong.code == "invalid_credentials" && unknown.code == "invalid_credentials", "unknown address and wrong password look alike")

            // Signing up again with a taken address answers the same, and e-mails a notice instead of a link.
            let repeated = try await client.call(.post, "/v1/signup", json: ["email": "ada@example.com"])
            #expect(repeated.status == .accepted)
            #expect(try await service.mails(to: "ada@example.com").map(\.kind) == ["signup_verification", "account_exists"])

            // Signing out revokes the token used.
            #expect(try await client.call(.delete, "/v1/sessions/current", token: bearer).status == .noContent)
            #expect(try await client.call(.get, "/v1/me", token: bearer).status == .unauthorized)
        }
    }

    @Test("an expired or unknown sign-up link is refused with a clear code")
    func expiredLink() async throws {
        let service = try await TestService.make(adjust: { $0.signupLifetime = -1 })
        try await service.run { client in
            _ = try await client.call(.post, "/v1/signup", json: ["email": "late@example.com"])
            let token = try #require(secret(withPrefix: "su_", in: try await service.mails(to: "late@example.com")[0].body))
            let late = try await client.call(.post, "/v1/signup/complete", json: ["token": token, "password": "correct horse battery", "full_name": "Late"])
            #expect(late.status == .gone)
            #expect(late.code == "signup_expired")
            let unknown = try await client.call(.post, "/v1/signup/complete", json: ["token": "su_doesnotexistdoesnotexist", "password": "correct horse battery", "full_name": "X"])
            #expect(unknown.status == .notFound)
            #expect(unknown.code == "signup_not_found")
        }
    }

    @Test("a profile photo must sniff as PNG or JPEG: the sample scan is kept, a PDF is refused")
    func profilePhoto() async throws {
        let service = try await TestService.make()
        let png = try [UInt8](Data(contentsOf: SourceTree.root.appendingPathComponent("samples/scan-certificate.png")))
        let pdf = try [UInt8](Data(contentsOf: SourceTree.root.appendingPathComponent("samples/uk-certificate-of-incorporation.pdf")))
        try await service.run { client in
            _ = try await client.call(.post, "/v1/signup", json: ["email": "pic@example.com"])
            let token = try #require(secret(withPrefix: "su_", in: try await service.mails(to: "pic@example.com")[0].body))

            // Completing as multipart/form-data with the photo as a file part.
            func form(photo: [UInt8], type: String) -> (ByteBuffer, HTTPFields) {
                let boundary = "paperwork-test-boundary"
                var body = ByteBuffer()
                for (name, value) in [("token", token), ("password", "correct horse battery"), ("full_name", "Pic Ture")] {
                    body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
                }
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"me\"\r\nContent-Type: \(type)\r\n\r\n")
                body.writeBytes(photo)
                body.writeString("\r\n--\(boundary)--\r\n")
                return (body, [.contentType: "multipart/form-data; boundary=\(boundary)"])
            }
            let (pdfForm, pdfHeaders) = form(photo: pdf, type: "image/png")
            let refused = try await client.call(.post, "/v1/signup/complete", body: pdfForm, headers: pdfHeaders)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.code == "invalid_photo")

            let (pngForm, pngHeaders) = form(photo: png, type: "image/png")
            let completed = try await client.call(.post, "/v1/signup/complete", body: pngForm, headers: pngHeaders)
            #expect(completed.status == .created)
            let bearer = try #require(completed.string("token"))
            #expect((completed["user"] as? [String: Any])?["photo_url"] as? String == "/v1/me/photo")
            try await client.execute(uri: "/v1/me/photo", method: .get, headers: [.authorization: "Bearer \(bearer)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/png")
                #expect(Array(buffer: response.body) == png)
            }

            // Replacing it with a raw body: a PDF declared as JPEG is refused and the old photo stays.
            let swapped = try await client.call(.put, "/v1/me/photo", token: bearer, body: ByteBuffer(bytes: pdf), headers: [.contentType: "image/jpeg"])
            #expect(swapped.status == .unprocessableContent)
            #expect(swapped.code == "invalid_photo")
            let tooBig = try await client.call(.put, "/v1/me/photo", token: bearer, body: ByteBuffer(repeating: 0xFF, count: 5 * 1024 * 1024 + 1), headers: [.contentType: "image/jpeg"])
            #expect(tooBig.status == .contentTooLarge)
            #expect(tooBig.code == "body_too_large")
        }
    }

    @Test("passwords through the API: a reset link by e-mail revokes every token and signs in anew; a change needs the current password and keeps only the caller's token; the preferred language is the person's")
    func passwordsThroughTheAPI() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let first = try await signUp(client, service, email: "hedy@example.com", name: "Hedy Lamarr")
            let second = try #require(try await client.call(.post, "/v1/sessions", json: ["email": "hedy@example.com", "password": "correct horse battery"]).string("token"))

            let language = try await client.call(.patch, "/v1/me", token: first, json: ["preferred_language": "fr"])
            #expect(language.string("preferred_language") == "fr")
            #expect(try await client.call(.patch, "/v1/me", token: first, json: ["preferred_language": "de"]).code == "invalid_language")

            let wrong = try await client.call(.post, "/v1/me/password", token: first, json: ["current_password": "not it", "new_password": "a much better passphrase"])
            #expect(wrong.status == .forbidden && wrong.code == "wrong_password")
            let changed = try await client.call(.post, "/v1/me/password", token: first, json: ["current_password": "correct horse battery", "new_password": "a much better passphrase"])
            #expect(changed.status == .noContent)
            #expect(try await client.call(.get, "/v1/me", token: first).status == .ok, "the caller's token stays")
            #expect(try await client.call(.get, "/v1/me", token: second).status == .unauthorized, "every other token is revoked")

            #expect(try await client.call(.post, "/v1/password/forgot", json: ["email": "hedy@example.com", "language": "xx"]).code == "invalid_language")
            let asked = try await client.call(.post, "/v1/password/forgot", json: ["email": "hedy@example.com"])
            #expect(asked.status == .accepted)
            let nobody = try await client.call(.post, "/v1/password/forgot", json: ["email": "nobody@example.com"])
            #expect(nobody.status == .accepted && nobody.json.keys.sorted() == asked.json.keys.sorted(), "the same answer for an address without an account")
            #expect(try await service.mails(to: "nobody@example.com").isEmpty)
            let mail = try #require(try await service.mails(to: "hedy@example.com").last)
            #expect(mail.subject == "Réinitialisez votre mot de passe Paperwork", "in the account's preferred language")
            let token = try #require(secret(withPrefix: "pr_", in: mail.body))
            let reset = try await client.call(.post, "/v1/password/reset", json: ["token": token, "password": "the third passphrase here"])
            #expect(reset.status == .created)
            #expect(try await client.call(.get, "/v1/me", token: first).status == .unauthorized, "a reset revokes every token")
            #expect(try await client.call(.get, "/v1/me", token: reset.string("token")).status == .ok)
            #expect(try await client.call(.post, "/v1/password/reset", json: ["token": token, "password": "yet another passphrase"]).code == "password_reset_used")
            #expect(try await client.call(.post, "/v1/password/reset", json: ["token": "pr_unknown", "password": "yet another passphrase"]).status == .notFound)
        }
    }
}

@Suite("Companies, members and roles")
struct CompanyTests {
    @Test("registering a company: the creator is its admin; the country and type are checked", arguments: Backend.available)
    func registration(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@northwind.example")
            let badCountry = try await client.call(.post, "/v1/companies", token: admin, json: ["legal_name": "Northwind", "country": "UK", "registration_number": "1"])
            #expect(badCountry.status == .unprocessableContent)
            #expect(badCountry.code == "invalid_country")
            let distributorType = try await client.call(.post, "/v1/companies", token: admin, json: ["legal_name": "Northwind", "country": "GB", "registration_number": "1", "company_type": "cloud"])
            #expect(distributorType.code == "company_type_not_allowed", "distributor types need an operator's mark first")

            let created = try await client.call(.post, "/v1/companies", token: admin, json: ["legal_name": "Northwind Connect Ltd", "country": "gb", "registration_number": "12345678", "company_type": "xaas"])
            #expect(created.status == .created)
            #expect(created.string("status") == "unverified")
            #expect(created.string("country") == "GB")
            #expect(created.string("my_role") == "admin")
            #expect(created["my_permissions"] as? [String] == ["manage_members", "upload_certificates", "order_ports", "download_loas"])
            let id = try #require(created.string("id"))

            // An operator marks it a distributor; then the distributor types open up.
            let (_, operatorSecret) = try await service.store.transaction { try await TokenRepository.create(name: "op", for: .staff(role: .operator, tokenName: "op"), on: $0) }
            #expect(try await client.call(.put, "/v1/companies/\(id)/distributor", token: admin, json: ["distributor": true]).code == "operator_only")
            let marked = try await client.call(.put, "/v1/companies/\(id)/distributor", token: operatorSecret, json: ["distributor": true])
            #expect(marked.status == .ok)
            #expect(marked["allowed_company_types"] as? [String] == ["cloud", "data_center", "internet_exchange", "service_provider", "xaas"])
            let retyped = try await client.call(.patch, "/v1/companies/\(id)", token: admin, json: ["company_type": "internet_exchange"])
            #expect(retyped.string("company_type") == "internet_exchange")
            let unmarked = try await client.call(.put, "/v1/companies/\(id)/distributor", token: operatorSecret, json: ["distributor": false])
            #expect(unmarked.status == .conflict)
            #expect(unmarked.code == "company_type_not_allowed")
            let unmarkedWithType = try await client.call(.put, "/v1/companies/\(id)/distributor", token: operatorSecret, json: ["distributor": false, "company_type": "enterprise"])
            #expect(unmarkedWithType.string("company_type") == "enterprise")
            #expect(unmarkedWithType["distributor"] as? Bool == false)
        }
    }

    @Test("invitations: the admin invites, the invitee accepts by creating an account, roles decide what members may do", arguments: Backend.available)
    func invitationsAndRoles(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@northwind.example", name: "Alice Admin")
            let company = try await register(client, token: admin, name: "Northwind Connect Ltd")

            let invited = try await client.call(.post, "/v1/companies/\(company)/invitations", token: admin, json: ["email": "Bob@Northwind.example", "role": "technical"])
            #expect(invited.status == .created)
            #expect(invited.string("email") == "bob@northwind.example")
            let mail = try #require(try await service.mails(to: "bob@northwind.example").last)
            #expect(mail.kind == "invitation")
            #expect(mail.subject == "Alice Admin invited you to Northwind Connect Ltd on Paperwork")
            let token = try #require(secret(withPrefix: "inv_", in: mail.body))

            let pending = try await client.call(.get, "/v1/companies/\(company)/invitations", token: admin)
            #expect((pending["invitations"] as? [[String: Any]])?.count == 1)

            let accepted = try await client.call(.post, "/v1/invitations/accept", json: ["token": token, "password": "bobs strong password", "full_name": "Bob Builder"])
            #expect(accepted.status == .created)
            #expect(accepted.string("role") == "technical")
            #expect(accepted["permissions"] as? [String] == ["order_ports", "download_loas"])
            let bob = try #require((accepted["session"] as? [String: Any])?["token"] as? String)
            let bobID = try #require(((accepted["session"] as? [String: Any])?["user"] as? [String: Any])?["id"] as? String)
            #expect(try await client.call(.post, "/v1/invitations/accept", json: ["token": token, "password": "bobs strong password", "full_name": "Bob"]).code == "invitation_used")

            let members = try await client.call(.get, "/v1/companies/\(company)/members", token: bob)
            #expect((members["members"] as? [[String: Any]])?.compactMap { $0["email"] as? String } == ["admin@northwind.example", "bob@northwind.example"])

            // A technical member may not manage members.
            let refused = try await client.call(.post, "/v1/companies/\(company)/invitations", token: bob, json: ["email": "eve@example.com"])
            #expect(refused.status == .forbidden)
            #expect(refused.code == "permission_denied")

            // The admin makes Bob a compliance member with an extra permission.
            let changed = try await client.call(.patch, "/v1/companies/\(company)/members/\(bobID)", token: admin, json: ["role": "compliance", "permissions": ["download_loas"]])
            #expect(changed.status == .ok)
            #expect(changed["permissions"] as? [String] == ["upload_certificates", "download_loas"])
            let badRole = try await client.call(.patch, "/v1/companies/\(company)/members/\(bobID)", token: admin, json: ["role": "owner"])
            #expect(badRole.code == "invalid_role")

            // The last admin can neither leave nor be demoted.
            let adminID = try #require(((try await client.call(.get, "/v1/me", token: admin))["user"] as? [String: Any])?["id"] as? String)
            #expect(try await client.call(.delete, "/v1/companies/\(company)/members/\(adminID)", token: admin).code == "last_admin")
            #expect(try await client.call(.patch, "/v1/companies/\(company)/members/\(adminID)", token: admin, json: ["role": "viewer"]).code == "last_admin")

            // Bob leaves; he no longer sees the company.
            #expect(try await client.call(.delete, "/v1/companies/\(company)/members/\(bobID)", token: bob).status == .noContent)
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: bob).status == .notFound)
        }
    }

    @Test("an invitation expires, and a newer one replaces an older one")
    func invitationLifetime() async throws {
        let service = try await TestService.make(adjust: { $0.invitationLifetime = -1 })
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@northwind.example")
            let company = try await register(client, token: admin, name: "Northwind")
            _ = try await client.call(.post, "/v1/companies/\(company)/invitations", token: admin, json: ["email": "late@example.com"])
            _ = try await client.call(.post, "/v1/companies/\(company)/invitations", token: admin, json: ["email": "late@example.com"])
            let mails = try await service.mails(to: "late@example.com")
            let first = try #require(secret(withPrefix: "inv_", in: mails[0].body))
            let second = try #require(secret(withPrefix: "inv_", in: mails[1].body))
            #expect(try await client.call(.post, "/v1/invitations/accept", json: ["token": first, "password": "correct horse battery", "full_name": "L"]).code == "invitation_withdrawn")
            let expired = try await client.call(.post, "/v1/invitations/accept", json: ["token": second, "password": "correct horse battery", "full_name": "L"])
            #expect(expired.status == .gone)
            #expect(expired.code == "invitation_expired")
        }
    }

    @Test("an existing user accepts with their own token; someone else's token cannot take the invitation", arguments: Backend.available)
    func acceptAsSignedInUser(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let admin = try await signUp(client, service, email: "admin@northwind.example")
            let carol = try await signUp(client, service, email: "carol@example.com")
            let mallory = try await signUp(client, service, email: "mallory@example.com")
            let company = try await register(client, token: admin, name: "Northwind")
            _ = try await client.call(.post, "/v1/companies/\(company)/invitations", token: admin, json: ["email": "carol@example.com", "role": "compliance"])
            let token = try #require(secret(withPrefix: "inv_", in: try await service.mails(to: "carol@example.com").last!.body))
            #expect(try await client.call(.post, "/v1/invitations/accept", token: mallory, json: ["token": token]).code == "invitation_email_mismatch")
            #expect(try await client.call(.post, "/v1/invitations/accept", json: ["token": token, "password": "correct horse battery", "full_name": "C"]).code == "account_exists")
            let accepted = try await client.call(.post, "/v1/invitations/accept", token: carol, json: ["token": token])
            #expect(accepted.status == .created)
            #expect(accepted["session"] == nil)
            #expect(try await client.call(.get, "/v1/companies/\(company)", token: carol).string("my_role") == "compliance")
        }
    }
}

@Suite("Tenant isolation")
struct TenantIsolationTests {
    @Test("a member of one company gets 404 for every route of another, exactly as for an unknown id", arguments: Backend.available)
    func foreignCompanyIsUnknown(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let alice = try await signUp(client, service, email: "alice@a.example")
            let bob = try await signUp(client, service, email: "bob@b.example")
            let companyA = try await register(client, token: alice, name: "A Networks Ltd")
            let companyB = try await register(client, token: bob, name: "B Networks GmbH", country: "DE")
            let bobID = try #require(((try await client.call(.get, "/v1/me", token: bob))["user"] as? [String: Any])?["id"] as? String)
            let unknown = UUID().uuidString.lowercased()

            for id in [companyB, unknown] {
                let probes: [(HTTPRequest.Method, String, Any?)] = [
                    (.get, "/v1/companies/\(id)", nil),
                    (.patch, "/v1/companies/\(id)", ["legal_name": "Taken Over Ltd"]),
                    (.get, "/v1/companies/\(id)/members", nil),
                    (.patch, "/v1/companies/\(id)/members/\(bobID)", ["role": "viewer"]),
                    (.delete, "/v1/companies/\(id)/members/\(bobID)", nil),
                    (.get, "/v1/companies/\(id)/invitations", nil),
                    (.post, "/v1/companies/\(id)/invitations", ["email": "spy@a.example", "role": "admin"]),
                    (.delete, "/v1/companies/\(id)/invitations/\(unknown)", nil),
                ]
                for (method, uri, json) in probes {
                    let answer = try await client.call(method, uri, token: alice, json: json)
                    #expect(answer.status == .notFound, "\(method) \(uri)")
                    #expect(answer.code == "not_found")
                    #expect(answer.string("detail") == "no such company", "no hint that the id exists")
                }
            }
            let listed = try await client.call(.get, "/v1/companies", token: alice)
            #expect((listed["companies"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [companyA])

            // Nothing changed in B.
            let b = try await client.call(.get, "/v1/companies/\(companyB)", token: bob)
            #expect(b.string("legal_name") == "B Networks GmbH")
            #expect((try await client.call(.get, "/v1/companies/\(companyB)/members", token: bob)["members"] as? [[String: Any]])?.count == 1)
            #expect(try await service.mails(to: "spy@a.example").isEmpty)

            // Staff read every company, but cannot act for one.
            let (_, reviewer) = try await service.store.transaction { try await TokenRepository.create(name: "r", for: .staff(role: .reviewer, tokenName: "r"), on: $0) }
            let all = try await client.call(.get, "/v1/companies", token: reviewer)
            #expect(Set((all["companies"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []) == [companyA, companyB])
            #expect(try await client.call(.post, "/v1/companies/\(companyB)/invitations", token: reviewer, json: ["email": "x@example.com"]).code == "staff_cannot_act_for_customer")
        }
    }
}

@Suite("Bad requests")
struct BadRequestTests {
    @Test("malformed JSON, missing fields, wrong types, oversized bodies and unknown routes get 4xx problem details")
    func badInput() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let notJSON = try await client.call(.post, "/v1/signup", body: ByteBuffer(string: "{\"email\": "), headers: [.contentType: "application/json"])
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.code == "invalid_json")
            #expect(notJSON.contentType == "application/problem+json")
            let missing = try await client.call(.post, "/v1/signup", json: ["mail": "x@example.com"])
            #expect(missing.code == "invalid_json")
            #expect(missing.string("detail") == "missing field 'email'")
            let wrongType = try await client.call(.post, "/v1/signup", json: ["email": 42])
            #expect(wrongType.string("detail") == "field 'email' must be a string")
            let badEmail = try await client.call(.post, "/v1/signup", json: ["email": "not an address"])
            #expect(badEmail.status == .unprocessableContent)
            #expect(badEmail.code == "invalid_email")
            let huge = try await client.call(.post, "/v1/signup", body: ByteBuffer(repeating: UInt8(ascii: " "), count: 200_000), headers: [.contentType: "application/json"])
            #expect(huge.status == .contentTooLarge)
            #expect(huge.code == "body_too_large")
            let nowhere = try await client.call(.get, "/v1/nowhere")
            #expect(nowhere.status == .notFound)
            #expect(nowhere.contentType == "application/problem+json")
            let brokenForm = try await client.call(.post, "/v1/signup/complete", body: ByteBuffer(string: "--x\r\nnonsense"), headers: [.contentType: "multipart/form-data; boundary=x"])
            #expect(brokenForm.status == .badRequest)
            let controlChars = try await client.call(.post, "/v1/companies", token: try await signUp(client, service, email: "c@example.com"), json: ["legal_name": "Evil\u{0007}Corp", "country": "FR", "registration_number": "1"])
            #expect(controlChars.code == "invalid_field")
        }
    }
}
