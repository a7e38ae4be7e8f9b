import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Store
import StoreTestSupport
import Testing
import Workflow
@testable import PaperworkHTTP

/// Passwords, profile and languages in the customer portal, driven as a browser drives the
/// real app: cookies kept from one page to the next, forms sent with their CSRF token, e-mails
/// read from the outbox.
@Suite("Customer portal: passwords, profile and languages")
struct PortalAccountTests {
    /// A browser: keeps the cookies the portal sets and sends forms with the CSRF token.
    struct Browser {
        /// A page as the browser gets it.
        struct Page {
            var status: HTTPResponse.Status
            var html: String
            var headers: HTTPFields
            var body: [UInt8]
            var location: String? { headers[.location] }
        }

        /// A file field of a multipart form.
        struct File {
            var field = "photo"
            var name: String
            var type: String
            var bytes: [UInt8]
        }

        var cookies: [String: String] = ["pw_csrf": String(repeating: "c", count: 40)]

        init(language: String? = nil) {
            if let language { cookies["pw_lang"] = language }
        }

        /// Opens a page, or sends a URL-encoded form (with the CSRF token unless `csrf` is false).
        mutating func open(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, form: [String: String]? = nil, csrf: Bool = true) async throws -> Page {
            var headers: HTTPFields = [:]
            var body: ByteBuffer?
            if var form {
                if csrf { form["csrf"] = cookies["pw_csrf"] }
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                headers[.contentType] = "application/x-www-form-urlencoded"
                body = ByteBuffer(string: form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
            }
            return try await send(client, method, uri, headers: headers, body: body)
        }

        /// Sends a multipart form, as a browser does for a form with a file field (an empty
        /// file when none was chosen).
        mutating func upload(_ client: some TestClientProtocol, _ uri: String, fields: [String: String], file: File?) async throws -> Page {
            let boundary = "paperwork-portal-boundary"
            var body = ByteBuffer()
            var all = ["csrf": cookies["pw_csrf"] ?? ""]
            all.merge(fields) { _, given in given }
            for (name, value) in all.sorted(by: { $0.key < $1.key }) {
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
            }
            let chosen = file ?? File(name: "", type: "application/octet-stream", bytes: [])
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(chosen.field)\"; filename=\"\(chosen.name)\"\r\nContent-Type: \(chosen.type)\r\n\r\n")
            body.writeBytes(chosen.bytes)
            body.writeString("\r\n--\(boundary)--\r\n")
            return try await send(client, .post, uri, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: body)
        }

        private mutating func send(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, headers extra: HTTPFields, body: ByteBuffer?) async throws -> Page {
            var headers = extra
            if !cookies.isEmpty { headers[.cookie] = cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            let page = try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
                Page(status: response.status, html: String(buffer: response.body), headers: response.headers, body: [UInt8](buffer: response.body))
            }
            for header in page.headers[values: .setCookie] {
                guard let pair = header.split(separator: ";").first, let equals = pair.firstIndex(of: "=") else { continue }
                let name = pair[..<equals].trimmingCharacters(in: .whitespaces), value = String(pair[pair.index(after: equals)...])
                if value.isEmpty || header.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
            }
            return page
        }

        /// Signs in through the portal's form.
        mutating func signIn(_ client: some TestClientProtocol, _ email: String, _ password: String = "correct horse battery") async throws {
            let answer = try await open(client, .post, "/signin", form: ["email": email, "password": password])
            #expect(answer.status == .seeOther && cookies["pw_session"] != nil, "signed in as \(email)")
        }
    }

    /// A page opened by a browser that has no cookies yet (signed out).
    static func anonymous(_ client: some TestClientProtocol, _ uri: String) async throws -> Browser.Page {
        var browser = Browser()
        return try await browser.open(client, .get, uri)
    }

    /// The account of an address, as stored.
    static func account(_ service: TestService, _ email: String) async throws -> UserAccount? {
        try await service.store.withSession { try await AccountRepository.user(email: email, on: $0) }
    }

    // MARK: Forgotten passwords

    @Test("a forgotten password is reset from the e-mailed link: every earlier session and API token stops working, the new session works, and the link works once", arguments: Backend.available)
    func forgottenPassword(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let apiToken = try await signUp(client, service, email: "grace@example.com", name: "Grace Hopper")
            var earlier = Browser()
            try await earlier.signIn(client, "grace@example.com")
            #expect(try await earlier.open(client, .get, "/account").status == .ok)

            var browser = Browser()
            let asked = try await browser.open(client, .post, "/password/forgot", form: ["email": " Grace@Example.com "])
            #expect(asked.status == .ok && asked.html.contains("Check your inbox"))
            let mail = try #require(try await service.mails(to: "grace@example.com").last)
            #expect(mail.kind == "password_reset" && mail.subject == "Reset your Paperwork password")
            let token = try #require(secret(withPrefix: "pr_", in: mail.body))
            #expect(mail.body.contains("https://paperwork.test/password/reset?token=\(token)"))

            let form = try await browser.open(client, .get, "/password/reset?token=\(token)")
            #expect(form.status == .ok)
            #expect(form.html.contains("At least 12 characters"), "the rules are shown before typing")
            let weak = try await browser.open(client, .post, "/password/reset", form: ["token": token, "password": "short"])
            #expect(weak.status == .unprocessableContent && weak.html.contains("needs at least 12 characters"), "a weak password is refused and the link kept")

            let reset = try await browser.open(client, .post, "/password/reset", form: ["token": token, "password": "a brand new battery staple"])
            #expect(reset.status == .seeOther && reset.location == "/account")
            #expect(try await browser.open(client, .get, "/account").status == .ok, "signed in with a fresh session")
            #expect(try await earlier.open(client, .get, "/account").location == "/signin", "the earlier portal session is revoked")
            #expect(try await client.call(.get, "/v1/me", token: apiToken).status == .unauthorized, "and so is every API token")
            #expect(try await client.call(.post, "/v1/sessions", json: ["email": "grace@example.com", "password": "correct horse battery"]).status == .unauthorized)
            #expect(try await client.call(.post, "/v1/sessions", json: ["email": "grace@example.com", "password": "a brand new battery staple"]).status == .created)

            var other = Browser()
            let twice = try await other.open(client, .post, "/password/reset", form: ["token": token, "password": "yet another battery staple"])
            #expect(twice.status == .gone && twice.html.contains("already used"), "a link works once")
            #expect(twice.html.contains("href=\"/password/forgot\""), "with a way to ask for a new one")
            #expect(try await other.open(client, .get, "/password/reset?token=\(token)").status == .gone)
            #expect(try await client.call(.post, "/v1/sessions", json: ["email": "grace@example.com", "password": "yet another battery staple"]).status == .unauthorized)
        }
    }

    @Test("an address without an account gets the same page and no e-mail; an invalid one is refused beside the field")
    func unknownAddress() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            _ = try await signUp(client, service, email: "known@example.com")
            var browser = Browser()
            let known = try await browser.open(client, .post, "/password/forgot", form: ["email": "known@example.com"])
            let unknown = try await browser.open(client, .post, "/password/forgot", form: ["email": "nobody@example.com"])
            #expect(known.status == .ok && unknown.status == .ok)
            #expect(known.html.replacingOccurrences(of: "known@example.com", with: "ADDRESS") == unknown.html.replacingOccurrences(of: "nobody@example.com", with: "ADDRESS"),
                    "nothing tells the two apart")
            #expect(try await service.mails(to: "nobody@example.com").isEmpty)
            #expect(try await service.mails(to: "known@example.com").last?.kind == "password_reset")

            let invalid = try await browser.open(client, .post, "/password/forgot", form: ["email": "not an address"])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.html.contains("id=\"email-error\"") && invalid.html.contains("value=\"not an address\""))
            let forged = try await browser.open(client, .post, "/password/forgot", form: ["email": "known@example.com"], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try await service.mails(to: "known@example.com").count == 2, "a forged form sends nothing")
        }
    }

    @Test("only the newest link works, a link lasts one hour, and an unknown link is said to be invalid, in the reader's language")
    func newestAndExpired() async throws {
        let clock = TestClock()
        let service = try await TestService.make(adjust: { $0.clock = { clock.now } })
        try await service.run { client in
            _ = try await signUp(client, service, email: "ada@example.com")
            var browser = Browser(language: "fr")
            _ = try await browser.open(client, .post, "/password/forgot", form: ["email": "ada@example.com"])
            _ = try await browser.open(client, .post, "/password/forgot", form: ["email": "ada@example.com"])
            let mails = try await service.mails(to: "ada@example.com").filter { $0.kind == "password_reset" }
            #expect(mails.count == 2)
            #expect(mails.allSatisfy { $0.subject == "Réinitialisez votre mot de passe Paperwork" }, "written in the page's language")
            let first = try #require(secret(withPrefix: "pr_", in: mails[0].body)), second = try #require(secret(withPrefix: "pr_", in: mails[1].body))

            let replaced = try await browser.open(client, .get, "/password/reset?token=\(first)")
            #expect(replaced.status == .gone && replaced.html.contains("un lien plus récent a été envoyé"))
            #expect(try await browser.open(client, .get, "/password/reset?token=\(second)").status == .ok)

            clock.advance(by: 3601)
            let late = try await browser.open(client, .post, "/password/reset", form: ["token": second, "password": "a brand new battery staple"])
            #expect(late.status == .gone && late.html.contains("Ce lien a expiré"))
            let unknown = try await browser.open(client, .get, "/password/reset?token=pr_doesnotexistdoesnotexistdoesnotexist")
            #expect(unknown.status == .notFound && unknown.html.contains("Ce lien n’est pas valide") && unknown.html.contains("Demander un nouveau lien"))
            #expect(try await client.call(.post, "/v1/sessions", json: ["email": "ada@example.com", "password": "correct horse battery"]).status == .created, "nothing changed")
        }
    }

    // MARK: Changing the password

    @Test("changing the password: a wrong current password is shown beside its field and no password is written back into the page, and the right one signs out every other session and token but this one", arguments: Backend.available)
    func changePassword(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let apiToken = try await signUp(client, service, email: "linus@example.com")
            var here = Browser(), elsewhere = Browser()
            try await here.signIn(client, "linus@example.com")
            try await elsewhere.signIn(client, "linus@example.com")

            let form = try await here.open(client, .get, "/settings/password")
            #expect(form.status == .ok && form.html.contains("Current password") && form.html.contains("At least 12 characters"))
            let wrong = try await here.open(client, .post, "/settings/password", form: ["current_password": "not my password", "new_password": "a fresh battery staple"])
            #expect(wrong.status == .unprocessableContent)
            #expect(wrong.html.contains("id=\"current-error\">This is not your current password."), "the error is beside the current password")
            #expect(!wrong.html.contains("a fresh battery staple") && !wrong.html.contains("not my password"), "no password is ever written back into a page")
            #expect(try await elsewhere.open(client, .get, "/account").status == .ok, "nothing changed")
            #expect(try await client.call(.get, "/v1/me", token: apiToken).status == .ok)

            let weak = try await here.open(client, .post, "/settings/password", form: ["current_password": "correct horse battery", "new_password": "short"])
            #expect(weak.status == .unprocessableContent && weak.html.contains("id=\"new-error\""))

            let changed = try await here.open(client, .post, "/settings/password", form: ["current_password": "correct horse battery", "new_password": "a fresh battery staple"])
            #expect(changed.status == .seeOther && changed.location == "/settings/password?saved=1")
            let saved = try await here.open(client, .get, "/settings/password?saved=1")
            #expect(saved.status == .ok && saved.html.contains("Your password is changed"), "this session stays signed in")
            #expect(try await elsewhere.open(client, .get, "/account").location == "/signin", "another session is signed out")
            #expect(try await client.call(.get, "/v1/me", token: apiToken).status == .unauthorized, "API tokens are revoked")
            #expect(try await client.call(.post, "/v1/sessions", json: ["email": "linus@example.com", "password": "a fresh battery staple"]).status == .created)
            #expect(try await Self.anonymous(client, "/settings/password").location == "/signin")
        }
    }

    // MARK: Profile and languages

    @Test("the profile keeps what was typed beside an error; once saved, its language is used by the next page and by the next e-mail", arguments: Backend.available)
    func profileAndLanguage(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let apiToken = try await signUp(client, service, email: "ada@lovelace.example")
            var browser = Browser()
            try await browser.signIn(client, "ada@lovelace.example")
            let profile = try await browser.open(client, .get, "/settings/profile")
            #expect(profile.status == .ok && profile.html.contains("value=\"Test User\"") && profile.html.contains("ada@lovelace.example"))

            let empty = try await browser.open(client, .post, "/settings/profile", form: ["full_name": "  ", "job_title": "Network architect", "language": "fr"])
            #expect(empty.status == .unprocessableContent && empty.html.contains("id=\"name-error\""))
            #expect(empty.html.contains("value=\"Network architect\""), "what was typed is kept")
            #expect(try await Self.account(service, "ada@lovelace.example")?.preferredLanguage == nil, "nothing is saved")

            let saved = try await browser.open(client, .post, "/settings/profile", form: ["full_name": "Ada Lovelace", "job_title": "Network architect", "language": "fr"])
            #expect(saved.status == .seeOther && saved.location == "/settings/profile?saved=profile")
            #expect(browser.cookies["pw_lang"] == "fr", "the page language follows at once")
            let account = try #require(try await Self.account(service, "ada@lovelace.example"))
            #expect(account.fullName == "Ada Lovelace" && account.jobTitle == "Network architect" && account.preferredLanguage == "fr")

            // Without the cookie (another browser, say) the preference still chooses the language.
            browser.cookies["pw_lang"] = nil
            let next = try await browser.open(client, .get, "/settings/profile?saved=profile")
            #expect(next.html.contains("<html lang=\"fr\">") && next.html.contains("Votre profil est enregistré."))
            #expect(next.html.contains("value=\"fr\" checked"))

            // The next e-mail to her (the company's verification) is in French too.
            let company = try await register(client, token: apiToken, name: "Lovelace Analytical Ltd")
            let certificate = try #require(try await uploadSample(client, token: apiToken, company: company, "uk-certificate-of-incorporation.pdf").string("id"))
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            _ = try await client.call(.post, "/v1/review/claims", token: reviewer, json: ["certificate_id": certificate])
            let decided = try await client.call(.post, "/v1/certificates/\(certificate)/decision", token: reviewer, json: ["outcome": "approve", "reason_code": "document_matches"])
            #expect(decided.string("status") == "approved")
            let verified = try #require(try await service.mails(to: "ada@lovelace.example").last)
            #expect(verified.kind == "company_verified" && verified.subject == "Lovelace Analytical Ltd est vérifiée sur Paperwork")

            // The language switch, signed in, is remembered as the preference.
            let switched = try await browser.open(client, .get, "/language?to=en&back=/account")
            #expect(switched.status == .seeOther && switched.location == "/account")
            #expect(try await Self.account(service, "ada@lovelace.example")?.preferredLanguage == "en")
            #expect(try await Self.anonymous(client, "/language?to=fr&back=/").status == .seeOther, "signed out, only the cookie is set")
        }
    }

    @Test("a photo: a PNG is accepted and served back privately, a document is refused beside the field in the reader's language, and the photo can be removed")
    func photo() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            _ = try await signUp(client, service, email: "marie@example.fr")
            var browser = Browser(language: "fr")
            try await browser.signIn(client, "marie@example.fr")
            #expect(try await browser.open(client, .get, "/settings/photo").status == .notFound, "no photo yet")

            let document = try await browser.upload(client, "/settings/photo", fields: [:], file: .init(name: "me.png", type: "image/png", bytes: try sample("fr-extrait-kbis.pdf")))
            #expect(document.status == .unprocessableContent)
            #expect(document.html.contains("id=\"photo-error\">Ce fichier n’est pas une image PNG ou JPEG."), "refused beside the field, in French")
            let nothing = try await browser.upload(client, "/settings/photo", fields: [:], file: nil)
            #expect(nothing.status == .unprocessableContent && nothing.html.contains("Choisissez un fichier PNG ou JPEG."))
            let forged = try await browser.upload(client, "/settings/photo", fields: ["csrf": "forged"], file: .init(name: "me.png", type: "image/png", bytes: try sample("scan-certificate.png")))
            #expect(forged.status == .forbidden, "a form without its CSRF token changes nothing")

            let png = try sample("scan-certificate.png")
            let accepted = try await browser.upload(client, "/settings/photo", fields: [:], file: .init(name: "me.png", type: "image/png", bytes: png))
            #expect(accepted.status == .seeOther && accepted.location == "/settings/profile?saved=photo")
            let served = try await browser.open(client, .get, "/settings/photo")
            #expect(served.status == .ok && served.body == png)
            #expect(served.headers[.contentType] == "image/png")
            #expect(served.headers[.cacheControl] == "private, no-store")
            #expect(served.headers[.init("X-Content-Type-Options")!] == "nosniff")
            let profile = try await browser.open(client, .get, "/settings/profile?saved=photo")
            #expect(profile.html.contains("src=\"/settings/photo?v=") && profile.html.contains("Votre photo est enregistrée."))
            #expect(try await Self.anonymous(client, "/settings/photo").location == "/signin", "only its owner, signed in, sees it")

            #expect(try await browser.open(client, .post, "/settings/photo/remove", form: [:], csrf: false).status == .forbidden)
            let removed = try await browser.open(client, .post, "/settings/photo/remove", form: [:])
            #expect(removed.status == .seeOther && removed.location == "/settings/profile?saved=photo_removed")
            #expect(try await browser.open(client, .get, "/settings/photo").status == .notFound)
            #expect(try await Self.account(service, "marie@example.fr")?.photoSHA256 == nil)
        }
    }

    @Test("sign-up from a French page: the e-mail is in French, a refused photo keeps the other fields (not the password) and the link, and the account remembers French")
    func signupWithPhoto() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            var browser = Browser(language: "fr")
            let sent = try await browser.open(client, .post, "/signup", form: ["email": "irene@example.fr"])
            #expect(sent.status == .ok)
            let mail = try #require(try await service.mails(to: "irene@example.fr").last)
            #expect(mail.subject == "Confirmez votre adresse e-mail pour Paperwork")
            let token = try #require(secret(withPrefix: "su_", in: mail.body))

            let page = try await browser.open(client, .get, "/signup/complete?token=\(token)")
            #expect(page.html.contains("enctype=\"multipart/form-data\"") && page.html.contains("name=\"photo\""))
            let fields = ["token": token, "password": "radium polonium uranium", "full_name": "Irène Joliot-Curie", "job_title": "Physicienne"]
            let refused = try await browser.upload(client, "/signup/complete?token=\(token)", fields: fields, file: .init(name: "photo.jpg", type: "image/jpeg", bytes: try sample("fr-extrait-kbis.pdf")))
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains("id=\"photo-error\">Ce fichier n’est pas une image PNG ou JPEG."))
            #expect(refused.html.contains("value=\"Irène Joliot-Curie\"") && refused.html.contains("value=\"Physicienne\""), "the other fields are kept")
            #expect(!refused.html.contains("radium polonium uranium"), "the password is never written back into a page")
            #expect(try await Self.account(service, "irene@example.fr") == nil)

            let jpeg = try sample("scan-certificate.jpg")
            let completed = try await browser.upload(client, "/signup/complete?token=\(token)", fields: fields, file: .init(name: "photo.jpg", type: "image/jpeg", bytes: jpeg))
            #expect(completed.status == .seeOther && completed.location == "/account", "the link still works")
            let account = try #require(try await Self.account(service, "irene@example.fr"))
            #expect(account.photoType == "image/jpeg" && account.preferredLanguage == "fr" && account.jobTitle == "Physicienne")
            let served = try await browser.open(client, .get, "/settings/photo")
            #expect(served.status == .ok && served.body == jpeg)

            // Without a photo (an empty file part, as browsers send it) sign-up works as before.
            _ = try await browser.open(client, .post, "/signup", form: ["email": "pierre@example.fr"])
            let invited = try #require(try await service.mails(to: "pierre@example.fr").last)
            let second = try #require(secret(withPrefix: "su_", in: invited.body))
            var newcomer = Browser()
            let plain = try await newcomer.upload(client, "/signup/complete?token=\(second)", fields: ["token": second, "password": "radium polonium uranium", "full_name": "Pierre"], file: nil)
            #expect(plain.status == .seeOther)
            #expect(try await Self.account(service, "pierre@example.fr")?.photoSHA256 == nil)
        }
    }

    // MARK: E-mails

    @Test("every e-mail has a French version written with French typography, and English stays the fallback")
    func frenchMails() async throws {
        let composer = try await TestService.mailComposer()
        let values = [
            "email": "irene@example.fr", "token": "tok_123", "expires_at": "2026-12-05T10:00:00.000Z", "company": "Exemple SAS",
            "reason_code": "name_mismatch", "reason_name_mismatch": "yes", "message": "Merci.", "inviter": "Alice Martin", "role": "admin", "role_admin": "yes",
            "company_id": "c-42", "loa_id": "LOA-7K2M9Q4X3T8B", "facility": "Exemple Paris Jeûneurs", "service_id": "PW-7K2M9Q",
            "port_positions": "1/2", "patch_panel": "PP-0101", "expiry_date": "3 février 2027", "verify_url": "https://paperwork.test/verify/LOA-7K2M9Q4X3T8B",
            "port_id": "p-7",
        ]
        let subjects = [
            "signup_verification": "Confirmez votre adresse e-mail pour Paperwork",
            "account_exists": "Vous avez déjà un compte Paperwork",
            "invitation": "Alice Martin vous invite à rejoindre Exemple SAS sur Paperwork",
            "company_verified": "Exemple SAS est vérifiée sur Paperwork",
            "company_rejected": "Exemple SAS n’a pas pu être vérifiée",
            "company_needs_info": "Informations complémentaires nécessaires pour vérifier Exemple SAS",
            "password_reset": "Réinitialisez votre mot de passe Paperwork",
            "loa_issued": "Lettre d’autorisation LOA-7K2M9Q4X3T8B pour Exemple Paris Jeûneurs",
            "loa_expiring": "La lettre d’autorisation LOA-7K2M9Q4X3T8B expire le 3 février 2027",
        ]
        #expect(Set(subjects.keys) == Set(MailComposer.requiredTemplates))
        for kind in MailComposer.requiredTemplates {
            let french = try composer.compose(kind, values, language: "fr")
            let english = try composer.compose(kind, values, language: "en")
            #expect(french.subject == subjects[kind], "\(kind)")
            #expect(french.body.hasPrefix("Bonjour,") && english.body.hasPrefix("Hello,"), "\(kind)")
            #expect(try composer.compose(kind, values, language: "de").subject == english.subject, "another language falls back to English")
            // Prose only: addresses and the API's JSON examples keep their own punctuation.
            let prose = (french.subject + "\n" + french.body).split(separator: "\n")
                .filter { !$0.hasPrefix("  ") }.joined(separator: "\n")
                .replacingOccurrences(of: "://", with: "").replacingOccurrences(of: values["expires_at"] ?? "", with: "")
            #expect(!prose.contains("'"), "\(kind): curly apostrophes only")
            for mark in [":", ";", "!", "?", "»"] {
                var rest = Substring(prose)
                while let found = rest.firstIndex(of: Character(mark)) {
                    #expect(found > prose.startIndex && prose[prose.index(before: found)] == "\u{202F}", "\(kind): a narrow no-break space before \(mark)")
                    rest = rest[rest.index(after: found)...]
                }
            }
            #expect(!prose.contains("«") || prose.contains("«\u{202F}"), "\(kind): inside « »")
        }
        let invitation = try composer.compose("invitation", values, language: "fr")
        #expect(invitation.body.contains("en tant qu’administrateur."), "the role in words, with French elision")
        let needsInfo = try composer.compose("company_needs_info", values, language: "fr")
        #expect(needsInfo.body.contains("La dénomination figurant sur le document ne correspond pas"), "the reason in words, not its code")
        #expect(!needsInfo.body.contains("name_mismatch"))
        #expect(needsInfo.body.contains("https://paperwork.test/companies/c-42"), "the link opens the company's page")
        let reset = try composer.compose("password_reset", values, language: "fr")
        #expect(reset.body.contains("https://paperwork.test/password/reset?token=tok_123"))
    }
}
