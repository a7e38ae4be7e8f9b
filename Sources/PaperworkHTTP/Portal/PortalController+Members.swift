import Foundation
import Hummingbird
import Store
import Workflow

/// A company's members and invitations, as its people manage them: who is in the company and
/// what each may do; for admins, inviting, resending or withdrawing an invitation, changing a
/// role and removing a member; for everyone, leaving. And the page an invitation e-mail links
/// to, where the invitee creates an account (or signs in) and joins.
extension PortalController {
    /// The portal's member and invitation pages (see ``addRoutes(to:)``).
    static let memberPaths: Set<String> = [
        "/companies/{id}/members", "/companies/{id}/members/{member}", "/companies/{id}/members/{member}/remove",
        "/companies/{id}/invitations", "/companies/{id}/invitations/{invitation}/resend", "/companies/{id}/invitations/{invitation}/withdraw",
        "/companies/{id}/leave", "/invitations/accept",
    ]

    /// The templates the member and invitation pages render.
    static let memberTemplates = ["members", "member_confirm", "invitation_accept"]

    /// The notices a members page may show after a change (`?done=`); anything else shows none.
    static let memberNotices: Set<String> = ["invited", "resent", "withdrawn", "changed", "removed"]

    struct InviteForm: Decodable { var csrf: String?; var email: String?; var role: String?; var permissions: [String]? }
    struct MemberForm: Decodable { var csrf: String?; var role: String?; var permissions: [String]? }
    struct AcceptForm: Decodable { var csrf: String?; var token: String?; var password: String?; var full_name: String?; var job_title: String? }

    func addMemberRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("companies/{id}/members") { request, context -> Response in
            let reader = try await reader(request)
            guard reader.user != nil else { return Self.redirect("/signin") }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            let done = request.uri.queryParameters["done"].map(String.init).flatMap { Self.memberNotices.contains($0) ? $0 : nil }
            var values = try await membersValues(view, reader, invite: InviteForm())
            if let done { values["notice"] = texts.text("members_done_" + done, reader.language) }
            return try page("members", reader, title: "members_title", values)
        }
        router.post("companies/{id}/invitations") { request, context -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let form = try await Self.form(InviteForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            if let refusal = limited(.invitation, address: form.email ?? "", request, context) {
                var values = try await membersValues(view, reader, invite: form)
                values["emailError"] = tooManyText(refusal, reader)
                return try tooMany(refusal, page("members", reader, title: "members_title", values, status: .tooManyRequests))
            }
            do {
                _ = try await companies.invite(
                    to: view.company.id, by: .user(id: user.id), email: form.email ?? "", role: form.role,
                    permissions: form.permissions ?? [], language: reader.language
                )
                return Self.redirect("/companies/\(view.company.id)/members?done=invited")
            } catch let error as WorkflowError where error.kind == .invalid || error.kind == .conflict {
                var values = try await membersValues(view, reader, invite: form)
                switch error.code {
                case "invalid_role": values["roleError"] = message(error, reader)
                case "invalid_permission": values["permissionsError"] = message(error, reader)
                default: values["emailError"] = message(error, reader)
                }
                return try page("members", reader, title: "members_title", values, status: error.kind == .invalid ? .unprocessableContent : .conflict)
            } catch let error as WorkflowError {
                return try refused(error, reader)
            }
        }
        router.post("companies/{id}/invitations/{invitation}/resend") { request, context -> Response in
            try await invitationChange(request, context, done: "resent") { companyID, invitationID, principal, language in
                _ = try await companies.resendInvitation(invitationID, of: companyID, by: principal, language: language)
            }
        }
        router.post("companies/{id}/invitations/{invitation}/withdraw") { request, context -> Response in
            try await invitationChange(request, context, done: "withdrawn") { companyID, invitationID, principal, _ in
                try await companies.withdrawInvitation(invitationID, of: companyID, by: principal)
            }
        }
        router.post("companies/{id}/members/{member}") { request, context -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let form = try await Self.form(MemberForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            let memberID = try context.parameters.require("member")
            do {
                // The form shows every extra permission, so none ticked means none: not "keep them".
                _ = try await companies.changeMember(memberID, of: view.company.id, by: .user(id: user.id), role: form.role, permissions: form.permissions ?? [])
                return Self.redirect("/companies/\(view.company.id)/members?done=changed")
            } catch let error as WorkflowError where error.kind == .invalid || error.kind == .conflict {
                var values = try await membersValues(view, reader, invite: InviteForm(), changeError: (memberID, message(error, reader)))
                values["error"] = message(error, reader)
                return try page("members", reader, title: "members_title", values, status: error.kind == .invalid ? .unprocessableContent : .conflict)
            } catch let error as WorkflowError {
                return try refused(error, reader)
            }
        }
        router.get("companies/{id}/members/{member}/remove") { request, context -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            guard let view = companyView(try context.parameters.require("id"), reader),
                  let member = try await member(try context.parameters.require("member"), of: view, user: user) else { return try notFound(reader) }
            guard view.membership?.permissions.contains(.manageMembers) == true else { return try refused(.permissionDenied(Permission.manageMembers.rawValue), reader) }
            return try page("member_confirm", reader, title: "members_confirm_title", removeValues(view, member))
        }
        router.post("companies/{id}/members/{member}/remove") { request, context -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let form = try await Self.form(CSRFForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            guard let view = companyView(try context.parameters.require("id"), reader),
                  let member = try await member(try context.parameters.require("member"), of: view, user: user) else { return try notFound(reader) }
            do {
                try await companies.removeMember(member.user.id, of: view.company.id, by: .user(id: user.id))
                return Self.redirect(member.user.id == user.id ? "/account" : "/companies/\(view.company.id)/members?done=removed")
            } catch let error as WorkflowError where error.kind == .conflict {
                var values = removeValues(view, member)
                values["error"] = message(error, reader)
                return try page("member_confirm", reader, title: "members_confirm_title", values, status: .conflict)
            } catch let error as WorkflowError {
                return try refused(error, reader)
            }
        }
        router.get("companies/{id}/leave") { request, context -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            return try page("member_confirm", reader, title: "members_confirm_title", try await leaveValues(view, reader, user: user))
        }
        router.post("companies/{id}/leave") { request, context -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let form = try await Self.form(CSRFForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            do {
                try await companies.removeMember(user.id, of: view.company.id, by: .user(id: user.id))
                return Self.redirect("/account")
            } catch let error as WorkflowError where error.kind == .conflict {
                var values = try await leaveValues(view, reader, user: user)
                values["error"] = message(error, reader)
                return try page("member_confirm", reader, title: "members_confirm_title", values, status: .conflict)
            } catch let error as WorkflowError {
                return try refused(error, reader)
            }
        }

        router.get("invitations/accept") { request, _ -> Response in
            let reader = try await reader(request)
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            return try await invitationPage(token, reader, kept: AcceptForm())
        }
        router.post("invitations/accept") { request, _ -> Response in
            let reader = try await reader(request)
            let form = try await Self.form(AcceptForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            let token = form.token ?? ""
            do {
                if let principal = reader.principal {
                    let (membership, _) = try await companies.acceptInvitation(token: token, by: principal, password: nil, fullName: nil, jobTitle: nil)
                    return Self.redirect("/companies/\(membership.companyID)")
                }
                let jobTitle = (form.job_title ?? "").trimmingCharacters(in: .whitespaces)
                let (membership, session) = try await companies.acceptInvitation(
                    token: token, by: nil, password: form.password ?? "", fullName: form.full_name ?? "", jobTitle: jobTitle.isEmpty ? nil : jobTitle
                )
                var response = Self.redirect("/companies/\(membership.companyID)")
                if let session {
                    response.setCookie(cookie(Self.sessionCookie, session.secret, maxAge: Self.sessionLifetime, httpOnly: true))
                }
                return response
            } catch let error as WorkflowError where error.kind == .invalid {
                var fields: [String: Any] = [:]
                switch error.code {
                case "weak_password", "password_too_long": fields["passwordError"] = message(error, reader)
                case "invalid_field" where error.message.hasPrefix("job_title"): fields["titleError"] = message(error, reader)
                default: fields["nameError"] = message(error, reader)
                }
                return try await invitationPage(token, reader, kept: form, fields: fields, status: .unprocessableContent)
            } catch let error as WorkflowError {
                // Used, withdrawn or expired meanwhile, another address, an account made meanwhile:
                // the page says so, from the invitation's state as it now is.
                return try await invitationPage(token, reader, kept: form, fields: ["error": message(error, reader)], status: Self.status(of: error))
            }
        }
    }

    // MARK: The members page

    /// The members page: every member with role and permissions in words; for admins, the
    /// invitation form (with what was typed and its errors), pending invitations, and a change
    /// form and remove link per member; for everyone else, who can invite.
    func membersValues(_ view: Companies.View, _ reader: Reader, invite form: InviteForm, changeError: (memberID: String, text: String)? = nil) async throws -> [String: Any] {
        let principal = Principal.user(id: reader.user?.id ?? "")
        let members = try await companies.members(of: view.company.id, by: principal)
        let isAdmin = view.membership?.permissions.contains(.manageMembers) == true
        let rows = members.map { member -> [String: Any] in
            let membership = member.membership
            var row: [String: Any] = [
                "id": member.user.id, "name": member.user.fullName ?? member.user.email, "email": member.user.email,
                "role": texts.text("members_role_" + membership.role.rawValue, reader.language),
                "permissions": membership.permissions.sorted().map { ["label": texts.text("members_permission_" + $0.rawValue, reader.language)] },
                "readOnly": membership.permissions.isEmpty, "isYou": member.user.id == reader.user?.id,
                "roleOptions": roleOptions(reader, chosen: membership.role.rawValue),
                "permissionOptions": permissionOptions(reader, chosen: Set(membership.extraPermissions.map(\.rawValue)), idPrefix: "perm-\(member.user.id)-"),
            ]
            if let title = member.user.jobTitle, !title.isEmpty { row["jobTitle"] = title }
            if let changeError, changeError.memberID == member.user.id { row["changeError"] = changeError.text; row["changeOpen"] = true }
            return row
        }
        var values: [String: Any] = [
            "companyID": view.company.id, "legalName": view.company.legalName, "members": rows, "isAdmin": isAdmin,
        ]
        guard isAdmin else {
            values["admins"] = members.filter { $0.membership.permissions.contains(.manageMembers) }
                .map { ["name": $0.user.fullName ?? $0.user.email, "email": $0.user.email] }
            return values
        }
        values["email"] = form.email ?? ""
        values["roles"] = roleOptions(reader, chosen: form.role ?? CompanyRole.viewer.rawValue)
        values["extraPermissions"] = permissionOptions(reader, chosen: Set(form.permissions ?? []), idPrefix: "invite-")
        let names = Dictionary(members.map { ($0.user.id, $0.user.fullName ?? $0.user.email) }, uniquingKeysWith: { first, _ in first })
        let now = Timestamp.format(Date())
        var pending: [[String: Any]] = []
        for invitation in try await companies.invitations(of: view.company.id, by: principal) {
            // An inviter who has left the company is still named.
            let inviter: String
            if let name = names[invitation.invitedBy] {
                inviter = name
            } else {
                let account = try? await accounts.user(invitation.invitedBy)
                inviter = account?.fullName ?? account?.email ?? ""
            }
            pending.append([
                "id": invitation.id, "email": invitation.email, "role": texts.text("members_role_" + invitation.role.rawValue, reader.language),
                "permissions": invitation.extraPermissions.sorted().map { ["label": texts.text("members_permission_" + $0.rawValue, reader.language)] },
                "inviter": inviter, "expires": moment(invitation.expiresAt, reader), "expired": invitation.expiresAt < now,
            ])
        }
        values["invitations"] = pending
        values["hasInvitations"] = !pending.isEmpty
        return values
    }

    /// Every role, named and explained in a sentence, `chosen` selected.
    func roleOptions(_ reader: Reader, chosen: String) -> [[String: Any]] {
        CompanyRole.allCases.map { role in
            [
                "value": role.rawValue, "label": texts.text("members_role_" + role.rawValue, reader.language),
                "explain": texts.text("members_role_\(role.rawValue)_explain", reader.language), "checked": role.rawValue == chosen,
            ]
        }
    }

    /// Every permission as a checkbox, named and explained, the `chosen` ones ticked; ids
    /// start with `idPrefix` so that several forms on one page keep their labels apart.
    func permissionOptions(_ reader: Reader, chosen: Set<String>, idPrefix: String) -> [[String: Any]] {
        Permission.allCases.map { permission in
            [
                "value": permission.rawValue, "inputID": idPrefix + permission.rawValue,
                "label": texts.text("members_permission_" + permission.rawValue, reader.language),
                "explain": texts.text("members_permission_\(permission.rawValue)_explain", reader.language),
                "checked": chosen.contains(permission.rawValue),
            ]
        }
    }

    /// Resending or withdrawing an invitation: both come back to the members page.
    func invitationChange(
        _ request: Request, _ context: PaperworkRequestContext, done: String,
        _ change: (_ companyID: String, _ invitationID: String, _ principal: Principal, _ language: String) async throws -> Void
    ) async throws -> Response {
        let reader = try await reader(request)
        guard let user = reader.user else { return Self.redirect("/signin") }
        let form = try await Self.form(CSRFForm.self, request)
        guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
        guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
        do {
            try await change(view.company.id, try context.parameters.require("invitation"), .user(id: user.id), reader.language)
            return Self.redirect("/companies/\(view.company.id)/members?done=\(done)")
        } catch let error as WorkflowError where error.kind == .notFound {
            // Accepted or withdrawn meanwhile (perhaps by another admin): the page as it now is.
            var values = try await membersValues(view, reader, invite: InviteForm())
            values["error"] = texts.text("members_invitation_gone", reader.language)
            return try page("members", reader, title: "members_title", values, status: .conflict)
        } catch let error as WorkflowError where error.kind == .conflict {
            var values = try await membersValues(view, reader, invite: InviteForm())
            values["error"] = message(error, reader)
            return try page("members", reader, title: "members_title", values, status: .conflict)
        } catch let error as WorkflowError {
            return try refused(error, reader)
        }
    }

    /// A member of the reader's company, nil when the id names nobody in it.
    func member(_ memberID: String, of view: Companies.View, user: UserAccount) async throws -> Companies.Member? {
        try await companies.members(of: view.company.id, by: .user(id: user.id)).first { $0.user.id == memberID }
    }

    /// Asking before removing someone: "Remove X from Y?".
    func removeValues(_ view: Companies.View, _ member: Companies.Member) -> [String: Any] {
        [
            "companyID": view.company.id, "legalName": view.company.legalName, "remove": true,
            "memberID": member.user.id, "memberName": member.user.fullName ?? member.user.email, "memberEmail": member.user.email,
        ]
    }

    /// Asking before leaving; the company's only admin is told why they cannot, and how to.
    func leaveValues(_ view: Companies.View, _ reader: Reader, user: UserAccount) async throws -> [String: Any] {
        let members = try await companies.members(of: view.company.id, by: .user(id: user.id))
        let otherAdmins = members.filter { $0.user.id != user.id && $0.membership.role == .admin }
        var values: [String: Any] = ["companyID": view.company.id, "legalName": view.company.legalName, "leave": true]
        if view.membership?.role == .admin, otherAdmins.isEmpty {
            values["lastAdmin"] = true
            values["error"] = texts.text("members_last_admin_leave", reader.language)
        }
        return values
    }

    /// An action the reader may not take: the not-allowed page (403), or the not-found page
    /// for what does not exist for them; never an internal error.
    func refused(_ error: WorkflowError, _ reader: Reader) throws -> Response {
        if error.kind == .notFound { return try notFound(reader) }
        return try page("error", reader, title: "error_title", ["message": message(error, reader)], status: Self.status(of: error))
    }

    static func status(of error: WorkflowError) -> HTTPResponse.Status {
        error.kind.httpStatus
    }

    // MARK: Accepting an invitation

    /// The page an invitation e-mail links to: which company invites, with which role, who
    /// invited and until when; then, by who is reading, a form creating the account, a link
    /// to sign in first, an Accept button, or why this account cannot accept. An unusable link
    /// says what to do instead.
    func invitationPage(_ token: String, _ reader: Reader, kept form: AcceptForm, fields: [String: Any] = [:], status: HTTPResponse.Status = .ok) async throws -> Response {
        var values = fields
        values["token"] = token
        let preview: Companies.InvitationPreview
        do {
            preview = try await companies.invitationPreview(token: token)
        } catch let error as WorkflowError where error.kind == .notFound {
            values["problem"] = message(error, reader)
            values["error"] = nil
            return try page("invitation_accept", reader, title: "invitation_title", values, status: .notFound)
        }
        let invitation = preview.invitation
        values["company"] = preview.companyName
        if !preview.inviterName.isEmpty { values["inviter"] = preview.inviterName }
        values["role"] = texts.text("members_role_" + invitation.role.rawValue, reader.language)
        values["roleExplain"] = texts.text("members_role_\(invitation.role.rawValue)_explain", reader.language)
        values["permissions"] = invitation.extraPermissions.sorted().map { ["label": texts.text("members_permission_" + $0.rawValue, reader.language)] }
        values["hasPermissions"] = !invitation.extraPermissions.isEmpty
        values["email"] = invitation.email
        values["expires"] = moment(invitation.expiresAt, reader)
        if let problem = preview.problem {
            values["problem"] = message(problem, reader)
            values["error"] = nil
            if problem.code == "invitation_used", reader.user == nil { values["offerSignIn"] = true }
            return try page("invitation_accept", reader, title: "invitation_title", values, status: status == .ok ? .gone : status)
        }
        if let user = reader.user {
            if user.email == invitation.email {
                values["canAccept"] = true
            } else {
                values["mismatch"] = message(WorkflowError(.forbidden, code: "invitation_email_mismatch", ""), reader)
                values["error"] = nil
            }
        } else if preview.accountExists {
            values["signInFirst"] = true
            values["signInLink"] = "/signin?next=" + ("/invitations/accept?token=" + token).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        } else {
            values["createAccount"] = true
            values["fullName"] = form.full_name ?? ""
            values["jobTitle"] = form.job_title ?? ""
        }
        return try page("invitation_accept", reader, title: "invitation_title", values, status: status)
    }

    /// Where sign-in goes next: `next` when it is a path on this site, nil otherwise (then the
    /// account page), so a link cannot send a person elsewhere once signed in.
    static func signInNext(_ candidate: String?) -> String? {
        guard let candidate, !candidate.isEmpty, localPath(candidate) == candidate else { return nil }
        return candidate
    }
}
