import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import StoreTestSupport
import Testing
@testable import PaperworkHTTP

/// A company's members and invitations in the customer portal, as browsers send them: the
/// session cookie, the CSRF cookie and the form's token, in the reader's language.
@Suite("Customer portal: members and invitations")
struct PortalMembersTests {
    /// A page as the browser gets it.
    struct Page {
        var status: HTTPResponse.Status
        var html: String
        var headers: HTTPFields

        var location: String? { headers[.location] }

        /// The session a response signs in with, if it sets one.
        var session: String? {
            headers[values: .setCookie].lazy.compactMap { cookie -> String? in
                guard cookie.hasPrefix("pw_session=") else { return nil }
                let value = cookie.dropFirst("pw_session=".count).prefix { $0 != ";" }
                return value.isEmpty ? nil : String(value)
            }.first
        }
    }

    static let csrf = String(repeating: "m", count: 40)

    /// A request with the reader's cookies (none for a visitor) and, for a form, its fields in
    /// order (a field may repeat, as checkboxes do), with the CSRF token unless `csrf` is false.
    private static func open(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, session: String?, language: String = "en",
        form: [(String, String)]? = nil, csrf: Bool = true
    ) async throws -> Page {
        var cookies = "pw_csrf=\(Self.csrf); pw_lang=\(language)"
        if let session { cookies += "; pw_session=\(session)" }
        var headers: HTTPFields = [.cookie: cookies]
        var body: ByteBuffer?
        if var form {
            if csrf { form.append(("csrf", Self.csrf)) }
            headers[.contentType] = "application/x-www-form-urlencoded"
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            body = ByteBuffer(string: form.map { key, value in
                "\(key.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            }.joined(separator: "&"))
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Page(status: response.status, html: String(buffer: response.body), headers: response.headers)
        }
    }

    /// The path of the invitation link in the newest e-mail to `address`.
    private static func invitationLink(_ service: TestService, to address: String) async throws -> String {
        let mail = try #require(try await service.mails(to: address).last)
        let token = try #require(secret(withPrefix: "inv_", in: mail.body))
        #expect(mail.body.contains("https://paperwork.test/invitations/accept?token=\(token)"), "the e-mail links to the portal's accept page")
        return "/invitations/accept?token=\(token)"
    }

    /// The first match of a regular expression's first group in `html`.
    private static func first(_ pattern: String, in html: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
              let range = Range(match.range(at: 1), in: html) else { return nil }
        return String(html[range])
    }

    /// An admin invites `email` with `role` from the portal; the invitee creates an account from
    /// the link; returns the invitee's session.
    private static func join(
        _ client: some TestClientProtocol, _ service: TestService, admin: String, company: String, email: String, name: String, role: String
    ) async throws -> String {
        let invited = try await open(client, .post, "/companies/\(company)/invitations", session: admin, form: [("email", email), ("role", role)])
        #expect(invited.status == .seeOther)
        let link = try await invitationLink(service, to: email)
        let token = String(link.split(separator: "=").last ?? "")
        let accepted = try await open(client, .post, "/invitations/accept", session: nil,
                                      form: [("token", token), ("password", "correct horse battery"), ("full_name", name)])
        #expect(accepted.location == "/companies/\(company)")
        return try #require(accepted.session)
    }

    @Test("an admin invites from a French page; the e-mail is French; the invitee opens the link, creates an account and lands on the company", arguments: Backend.available)
    func inviteAndJoin(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let admin = try await signUp(client, service, email: "ada@acme.example", name: "Ada Admin")
            let company = try await register(client, token: admin, name: "Acme SAS", country: "FR")

            let members = try await Self.open(client, .get, "/companies/\(company)/members", session: admin, language: "fr")
            #expect(members.status == .ok)
            #expect(members.html.contains("Ada Admin") && members.html.contains("ada@acme.example") && members.html.contains(">vous<"), "the reader is marked")
            #expect(members.html.contains("Administrateur") && members.html.contains("Commander et annuler des ports"), "role and permissions in words, in French")
            #expect(members.html.contains("Inviter un nouveau membre"))
            #expect(members.html.contains("pour les ingénieurs réseau"), "each role is explained")

            let refused = try await Self.open(client, .post, "/companies/\(company)/invitations", session: admin, language: "fr",
                                              form: [("email", "pas-une-adresse"), ("role", "technical"), ("permissions[]", "upload_certificates")])
            #expect(refused.status == .unprocessableContent)
            #expect(refused.html.contains("invite-email-error") && refused.html.contains("value=\"pas-une-adresse\""), "the error beside the field, what was typed kept")
            #expect(refused.html.contains("value=\"technical\" checked") && refused.html.contains("value=\"upload_certificates\" checked"))
            let already = try await Self.open(client, .post, "/companies/\(company)/invitations", session: admin, form: [("email", "ada@acme.example"), ("role", "viewer")])
            #expect(already.status == .conflict && already.html.contains("already a member"))

            let invited = try await Self.open(client, .post, "/companies/\(company)/invitations", session: admin, language: "fr",
                                              form: [("email", "Noe@Acme.example"), ("role", "technical"), ("permissions[]", "upload_certificates")])
            #expect(invited.status == .seeOther)
            #expect(invited.location == "/companies/\(company)/members?done=invited")
            let mail = try #require(try await service.mails(to: "noe@acme.example").last)
            let frenchTemplate = FileManager.default.fileExists(atPath: TestService.settings.templatesDirectory + "/mail/invitation.fr.mustache")
            #expect(mail.body.contains("To accept, open:") == !frenchTemplate, "written in the inviter's page language when its template exists")
            let link = try await Self.invitationLink(service, to: "noe@acme.example")
            let pending = try await Self.open(client, .get, "/companies/\(company)/members?done=invited", session: admin, language: "fr")
            #expect(pending.html.contains("L’invitation est envoyée."))
            #expect(pending.html.contains("noe@acme.example") && pending.html.contains("invitée par Ada Admin") && pending.html.contains("UTC"), "address, inviter and expiry")

            let landing = try await Self.open(client, .get, link, session: nil, language: "fr")
            #expect(landing.status == .ok)
            #expect(landing.html.contains("<strong>Ada Admin</strong> vous invite à rejoindre <strong>Acme SAS</strong> avec le rôle <strong>Technique</strong>"))
            #expect(landing.html.contains("Envoyer les certificats d’immatriculation"), "the extra permission")
            #expect(landing.html.contains("Au moins 12 caractères"), "the password rules before typing")
            let token = String(link.split(separator: "=").last ?? "")
            let weak = try await Self.open(client, .post, "/invitations/accept", session: nil, language: "fr",
                                           form: [("token", token), ("password", "court"), ("full_name", "Noé Technicienne"), ("job_title", "NOC")])
            #expect(weak.status == .unprocessableContent)
            #expect(weak.html.contains("password-error") && weak.html.contains("value=\"Noé Technicienne\""), "the name is kept")

            let accepted = try await Self.open(client, .post, "/invitations/accept", session: nil, language: "fr",
                                               form: [("token", token), ("password", "correct horse battery"), ("full_name", "Noé Technicienne"), ("job_title", "NOC")])
            #expect(accepted.status == .seeOther)
            #expect(accepted.location == "/companies/\(company)")
            let noe = try #require(accepted.session, "the new account is signed in")
            let home = try await Self.open(client, .get, "/companies/\(company)", session: noe)
            #expect(home.status == .ok && home.html.contains("Acme SAS"))

            let team = try await Self.open(client, .get, "/companies/\(company)/members", session: admin)
            #expect(team.html.contains("Noé Technicienne") && team.html.contains("NOC") && team.html.contains("Technical"))
            #expect(team.html.contains("Upload certificates of registration"))
            #expect(team.html.contains("No invitation is waiting"))
            let again = try await Self.open(client, .get, link, session: nil)
            #expect(again.status == .gone && again.html.contains("already accepted"))
            let unknown = try await Self.open(client, .get, "/invitations/accept?token=inv_nothing", session: nil)
            #expect(unknown.status == .notFound && unknown.html.contains("Copy the whole link"))
        }
    }

    @Test("resending sends a fresh link and the first stops working; withdrawing stops the link", arguments: Backend.available)
    func resendAndWithdraw(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let admin = try await signUp(client, service, email: "ada@resend.example", name: "Ada Admin")
            let company = try await register(client, token: admin, name: "Resend Ltd")
            _ = try await Self.open(client, .post, "/companies/\(company)/invitations", session: admin, form: [("email", "sam@resend.example"), ("role", "viewer")])
            let first = try await Self.invitationLink(service, to: "sam@resend.example")
            let members = try await Self.open(client, .get, "/companies/\(company)/members", session: admin)
            let invitation = try #require(Self.first("/invitations/([0-9a-f-]+)/resend", in: members.html))

            let forged = try await Self.open(client, .post, "/companies/\(company)/invitations/\(invitation)/resend", session: admin, form: [], csrf: false)
            #expect(forged.status == .forbidden)
            #expect(try await service.mails(to: "sam@resend.example").count == 1, "a form without its CSRF token sends nothing")

            let resent = try await Self.open(client, .post, "/companies/\(company)/invitations/\(invitation)/resend", session: admin, form: [])
            #expect(resent.location == "/companies/\(company)/members?done=resent")
            let second = try await Self.invitationLink(service, to: "sam@resend.example")
            #expect(second != first)
            let old = try await Self.open(client, .get, first, session: nil)
            #expect(old.status == .gone && old.html.contains("replaced by a newer one"))
            #expect(try await Self.open(client, .get, second, session: nil).status == .ok)

            let stale = try await Self.open(client, .post, "/companies/\(company)/invitations/\(invitation)/withdraw", session: admin, form: [])
            #expect(stale.status == .conflict && stale.html.contains("no longer pending"), "the replaced invitation is no longer there")
            let current = try #require(Self.first("/invitations/([0-9a-f-]+)/withdraw", in: try await Self.open(client, .get, "/companies/\(company)/members", session: admin).html))
            let withdrawn = try await Self.open(client, .post, "/companies/\(company)/invitations/\(current)/withdraw", session: admin, form: [])
            #expect(withdrawn.location == "/companies/\(company)/members?done=withdrawn")
            let dead = try await Self.open(client, .get, second, session: nil)
            #expect(dead.status == .gone && dead.html.contains("withdrawn"))
            #expect(try await Self.open(client, .get, "/companies/\(company)/members", session: admin).html.contains("No invitation is waiting"))
        }
    }

    @Test("an admin changes a member's role, removes a member after a confirmation; a member leaves; the last admin cannot leave", arguments: Backend.available)
    func changeRemoveLeave(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let admin = try await signUp(client, service, email: "ada@team.example", name: "Ada Admin")
            let company = try await register(client, token: admin, name: "Team Ltd")
            _ = try await Self.join(client, service, admin: admin, company: company, email: "bob@team.example", name: "Bob Builder", role: "viewer")
            let members = try await Self.open(client, .get, "/companies/\(company)/members", session: admin)
            let bob = try #require(Self.first("/members/([^/\"]+)/remove", in: members.html))
            let ada = try #require(Self.first("action=\"/companies/\(company)/members/([^/\"]+)\"", in: members.html))
            #expect(ada != bob)

            let changed = try await Self.open(client, .post, "/companies/\(company)/members/\(bob)", session: admin,
                                              form: [("role", "compliance"), ("permissions[]", "download_loas")])
            #expect(changed.location == "/companies/\(company)/members?done=changed")
            let after = try await Self.open(client, .get, "/companies/\(company)/members", session: admin)
            #expect(after.html.contains("Compliance") && after.html.contains("Download Letters of Authorization"))
            let cleared = try await Self.open(client, .post, "/companies/\(company)/members/\(bob)", session: admin, form: [("role", "compliance")])
            #expect(cleared.status == .seeOther)
            let bobRow = try #require(try await Self.open(client, .get, "/companies/\(company)/members", session: admin).html
                .components(separatedBy: "<li class=\"member\">").first { $0.contains("bob@team.example") })
            // What Bob may do is listed before his change form (whose boxes name every permission).
            let bobMay = try #require(bobRow.components(separatedBy: "<details").first)
            #expect(bobMay.contains("Compliance") && !bobMay.contains("Download Letters of Authorization"), "no box ticked means no extra permission")
            #expect(!bobRow.contains(#"value="download_loas" checked"#))
            let demoted = try await Self.open(client, .post, "/companies/\(company)/members/\(ada)", session: admin, form: [("role", "viewer")])
            #expect(demoted.status == .conflict && demoted.html.contains("at least one admin"), "the only admin cannot demote themselves")

            let confirm = try await Self.open(client, .get, "/companies/\(company)/members/\(bob)/remove", session: admin)
            #expect(confirm.status == .ok)
            #expect(confirm.html.contains("Remove Bob Builder from Team Ltd?"))
            #expect(confirm.html.contains("action=\"/companies/\(company)/members/\(bob)/remove\"") && confirm.html.contains("href=\"/companies/\(company)/members\">Cancel"))
            let forged = try await Self.open(client, .post, "/companies/\(company)/members/\(bob)/remove", session: admin, form: [], csrf: false)
            #expect(forged.status == .forbidden)
            let removed = try await Self.open(client, .post, "/companies/\(company)/members/\(bob)/remove", session: admin, form: [])
            #expect(removed.location == "/companies/\(company)/members?done=removed")
            #expect(!(try await Self.open(client, .get, "/companies/\(company)/members", session: admin).html.contains("Bob Builder")))

            let carol = try await Self.join(client, service, admin: admin, company: company, email: "carol@team.example", name: "Carol Viewer", role: "viewer")
            let leaving = try await Self.open(client, .get, "/companies/\(company)/leave", session: carol)
            #expect(leaving.html.contains("Leave Team Ltd?") && leaving.html.contains("action=\"/companies/\(company)/leave\""))
            let left = try await Self.open(client, .post, "/companies/\(company)/leave", session: carol, form: [])
            #expect(left.location == "/account")
            #expect(try await Self.open(client, .get, "/companies/\(company)/members", session: carol).status == .notFound)

            let lastAdmin = try await Self.open(client, .get, "/companies/\(company)/leave", session: admin)
            #expect(lastAdmin.html.contains("only admin") && !lastAdmin.html.contains("action=\"/companies/\(company)/leave\""), "a sentence instead of the button")
            let refused = try await Self.open(client, .post, "/companies/\(company)/leave", session: admin, form: [])
            #expect(refused.status == .conflict && refused.html.contains("at least one admin"))
            #expect(try await Self.open(client, .get, "/companies/\(company)/members", session: admin).status == .ok, "still a member")
        }
    }

    @Test("a viewer sees the members read-only and who can invite; a forged invitation, change or removal answers the not-allowed page")
    func viewerCannotManage() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let admin = try await signUp(client, service, email: "ada@view.example", name: "Ada Admin")
            let company = try await register(client, token: admin, name: "View Ltd")
            let viewer = try await Self.join(client, service, admin: admin, company: company, email: "vic@view.example", name: "Vic Viewer", role: "viewer")
            // The first member's change form, as the admin sees it: the admin's own.
            let ada = try #require(Self.first("action=\"/companies/\(company)/members/([^/\"]+)\"", in: try await Self.open(client, .get, "/companies/\(company)/members", session: admin).html))

            let page = try await Self.open(client, .get, "/companies/\(company)/members", session: viewer)
            #expect(page.status == .ok)
            #expect(page.html.contains("Ada Admin") && page.html.contains("Vic Viewer") && page.html.contains("Reads the company’s pages and changes nothing"))
            #expect(!page.html.contains("action=\"/companies/\(company)/invitations\""), "no invitation form")
            #expect(!page.html.contains("/remove\"") && !page.html.contains("Change role or permissions"), "nothing to change")
            #expect(page.html.contains("Only the company’s admins can invite members"))

            let forged = try await Self.open(client, .post, "/companies/\(company)/invitations", session: viewer, form: [("email", "eve@view.example"), ("role", "admin")])
            #expect(forged.status == .forbidden && forged.html.contains("Your role does not allow this"))
            #expect(try await service.mails(to: "eve@view.example").isEmpty)
            let promoted = try await Self.open(client, .post, "/companies/\(company)/members/\(ada)", session: viewer, form: [("role", "viewer")])
            #expect(promoted.status == .forbidden)
            #expect(try await Self.open(client, .get, "/companies/\(company)/members/\(ada)/remove", session: viewer).status == .forbidden)
            #expect(try await Self.open(client, .post, "/companies/\(company)/members/\(ada)/remove", session: viewer, form: []).status == .forbidden)
        }
    }

    @Test("another company's members page answers the same not-found page as an unknown id; a form without its CSRF token invites nobody")
    func isolationAndCSRF() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let owner = try await signUp(client, service, email: "owner@one.example", name: "Owner One")
            let company = try await register(client, token: owner, name: "One Ltd")
            let stranger = try await signUp(client, service, email: "someone@two.example", name: "Someone Two")
            _ = try await register(client, token: stranger, name: "Two Ltd")

            let foreign = try await Self.open(client, .get, "/companies/\(company)/members", session: stranger)
            let unknown = try await Self.open(client, .get, "/companies/00000000-0000-0000-0000-000000000000/members", session: stranger)
            #expect(foreign.status == .notFound && unknown.status == .notFound)
            // Alike but for the path itself, which the language switch links back to.
            #expect(foreign.html.replacingOccurrences(of: company, with: "ID") == unknown.html.replacingOccurrences(of: "00000000-0000-0000-0000-000000000000", with: "ID"))
            #expect(!foreign.html.contains("One Ltd") && !foreign.html.contains("Owner One"))
            let foreignInvite = try await Self.open(client, .post, "/companies/\(company)/invitations", session: stranger, form: [("email", "spy@two.example")])
            #expect(foreignInvite.status == .notFound)
            #expect(try await Self.open(client, .get, "/companies/\(company)/leave", session: stranger).status == .notFound)

            let forged = try await Self.open(client, .post, "/companies/\(company)/invitations", session: owner, form: [("email", "new@one.example")], csrf: false)
            #expect(forged.status == .forbidden && forged.html.contains("This form has expired"))
            #expect(try await service.mails(to: "new@one.example").isEmpty)
            #expect(try await Self.open(client, .get, "/companies/\(company)/members", session: nil).location == "/signin")
        }
    }

    @Test("a name such as <script> shows as text on the members page and on the invitation page")
    func namesAreEscaped() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let admin = try await signUp(client, service, email: "x@escape.example", name: "<script>alert(1)</script>")
            let company = try await register(client, token: admin, name: "Escape Ltd")
            _ = try await Self.open(client, .post, "/companies/\(company)/invitations", session: admin, form: [("email", "y@escape.example"), ("role", "viewer")])
            let members = try await Self.open(client, .get, "/companies/\(company)/members", session: admin)
            let landing = try await Self.open(client, .get, try await Self.invitationLink(service, to: "y@escape.example"), session: nil)
            for page in [members, landing] {
                #expect(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(!page.html.contains("<script>"))
            }
        }
    }

    @Test("someone with an account signs in first and comes back to accept; another account is told the invitation is not theirs")
    func signInToAccept() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let admin = try await signUp(client, service, email: "ada@join.example", name: "Ada Admin")
            let company = try await register(client, token: admin, name: "Join Ltd")
            _ = try await signUp(client, service, email: "kim@else.example", name: "Kim Known")
            let other = try await signUp(client, service, email: "lou@else.example", name: "Lou Other")
            _ = try await Self.open(client, .post, "/companies/\(company)/invitations", session: admin, form: [("email", "kim@else.example"), ("role", "technical")])
            let link = try await Self.invitationLink(service, to: "kim@else.example")
            let token = String(link.split(separator: "=").last ?? "")

            let visitor = try await Self.open(client, .get, link, session: nil)
            #expect(visitor.html.contains("Sign in first") && !visitor.html.contains("name=\"password\""), "no account form for an address that has one")
            let signInLink = try #require(Self.first("href=\"(/signin\\?next=[^\"]+)\"", in: visitor.html))
            let signInPage = try await Self.open(client, .get, signInLink, session: nil)
            #expect(signInPage.html.contains("name=\"next\" value=\"\(link)\""), "the way back rides along in the form")
            let failed = try await Self.open(client, .post, "/signin", session: nil, form: [("email", "kim@else.example"), ("password", "wrong wrong wrong"), ("next", link)])
            #expect(failed.status == .unauthorized && failed.html.contains("name=\"next\" value=\"\(link)\""), "kept across a failed attempt")
            let signedIn = try await Self.open(client, .post, "/signin", session: nil, form: [("email", "kim@else.example"), ("password", "correct horse battery"), ("next", link)])
            #expect(signedIn.location == link)
            let kim = try #require(signedIn.session)
            let elsewhere = try await Self.open(client, .post, "/signin", session: nil, form: [("email", "kim@else.example"), ("password", "correct horse battery"), ("next", "//evil.example/")])
            #expect(elsewhere.location == "/account", "only a path on this site")

            let mismatch = try await Self.open(client, .get, link, session: other)
            #expect(mismatch.html.contains("sent to another e-mail address") && mismatch.html.contains("lou@else.example") && mismatch.html.contains("action=\"/signout\""))
            let refused = try await Self.open(client, .post, "/invitations/accept", session: other, form: [("token", token)])
            #expect(refused.status == .forbidden)

            let ready = try await Self.open(client, .get, link, session: kim)
            #expect(ready.html.contains("Accept and join"))
            let joined = try await Self.open(client, .post, "/invitations/accept", session: kim, form: [("token", token)])
            #expect(joined.location == "/companies/\(company)")
            #expect(try await Self.open(client, .get, "/companies/\(company)/members", session: kim).html.contains("Kim Known"))
        }
    }
}
