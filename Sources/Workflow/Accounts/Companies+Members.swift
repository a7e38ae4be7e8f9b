import Foundation
public import Store
import SQLKit

extension Companies {
    /// A member as listed: the membership and the account's public profile.
    public struct Member: Sendable {
        /// Role and permissions.
        public var membership: Membership
        /// The account.
        public var user: UserAccount
    }

    /// The company's members (any member, and staff, may list them).
    public func members(of companyID: String, by principal: Principal) async throws -> [Member] {
        try await reading(companyID, by: principal) { database, _ in try await MembershipRepository.members(ofCompany: companyID, on: database) }
            .map { Member(membership: $0.0, user: $0.1) }
    }

    /// Invites someone by e-mail with a role (and extra permissions); the invitation e-mail
    /// is written in the same transaction, in `language` when its template exists (the
    /// inviter's page language: the invitee's own is not known yet). An earlier open
    /// invitation to the same address is withdrawn, so only the newest link works.
    public func invite(to companyID: String, by principal: Principal, email rawEmail: String, role rawRole: String?, permissions rawPermissions: [String]?, language: String? = nil) async throws -> Invitation {
        let view = try await access(companyID, by: principal, needing: .manageMembers)
        let email = try InputRules.email(rawEmail)
        let role = try Self.role(rawRole ?? CompanyRole.viewer.rawValue)
        let permissions = try Self.permissions(rawPermissions ?? [])
        let now = accounts.policy.clock()
        let expires = now.addingTimeInterval(accounts.policy.invitationLifetime)
        let mail = accounts.mail
        let inviterID = view.membership?.userID ?? ""
        return try await store.transaction { database in
            if let existing = try await AccountRepository.user(email: email, on: database),
               try await MembershipRepository.membership(companyID: companyID, userID: existing.id, on: database) != nil {
                throw WorkflowError(.conflict, code: "already_member", "\(email) is already a member of this company")
            }
            let inviter = try await AccountRepository.user(id: inviterID, on: database)
            let (invitation, secret) = try await InvitationRepository.create(companyID: companyID, email: email, role: role, extraPermissions: permissions, invitedBy: inviterID, expiresAt: expires, on: database, now: now)
            let message = try mail.compose("invitation", [
                "inviter": inviter?.fullName ?? inviter?.email ?? "A colleague",
                "company": view.company.legalName, "role": role.rawValue, "role_" + role.rawValue: "yes", "token": secret, "expires_at": invitation.expiresAt,
            ], language: language)
            _ = try await OutboxRepository.enqueue(kind: "invitation", to: email, subject: message.subject, body: message.body, on: database, now: now)
            return invitation
        }
    }

    /// Sends an open invitation again with a fresh link (admins only): same address, role
    /// and permissions, from the admin who resends. Inviting anew withdraws the earlier
    /// invitation, so the old link stops working; an expired one can be resent too.
    public func resendInvitation(_ invitationID: String, of companyID: String, by principal: Principal, language: String? = nil) async throws -> Invitation {
        _ = try await access(companyID, by: principal, needing: .manageMembers)
        let open = try await store.withSession { try await InvitationRepository.open(companyID: companyID, on: $0) }
        guard let earlier = open.first(where: { $0.id == invitationID }) else { throw WorkflowError.notFound("invitation") }
        return try await invite(
            to: companyID, by: principal, email: earlier.email, role: earlier.role.rawValue,
            permissions: earlier.extraPermissions.sorted().map(\.rawValue), language: language
        )
    }

    /// What an invitation link's page shows before anyone accepts: which company invites,
    /// with which role, who invited, and whether the link can still be used.
    public struct InvitationPreview: Sendable {
        /// The invitation (address, role, extra permissions, expiry).
        public var invitation: Invitation
        /// The inviting company's legal name.
        public var companyName: String
        /// The inviter's name (their address when they gave no name).
        public var inviterName: String
        /// Whether the invited address already has an account: it then signs in to accept,
        /// rather than creating one.
        public var accountExists: Bool
        /// Why the link can no longer be accepted (used, withdrawn, expired), nil while it can.
        public var problem: WorkflowError?
    }

    /// The invitation a link's token belongs to, whatever its state; `invitation_not_found`
    /// for a token nobody was sent. Reading needs no account: the token is the proof.
    public func invitationPreview(token: String) async throws -> InvitationPreview {
        let now = accounts.policy.clock()
        let found: InvitationPreview? = try await store.withSession { database in
            guard let invitation = try await InvitationRepository.invitation(secret: token, on: database),
                  let company = try await CompanyRepository.company(id: invitation.companyID, on: database) else { return nil }
            let inviter = try await AccountRepository.user(id: invitation.invitedBy, on: database)
            let invited = try await AccountRepository.user(email: invitation.email, on: database)
            return InvitationPreview(
                invitation: invitation, companyName: company.legalName, inviterName: inviter?.fullName ?? inviter?.email ?? "",
                accountExists: invited != nil, problem: Self.problem(with: invitation, now: now)
            )
        }
        guard let found else { throw Self.unknownInvitation }
        return found
    }

    static let unknownInvitation = WorkflowError(.notFound, code: "invitation_not_found", "this invitation link is unknown; ask the company's admin for a new one")

    /// Why an invitation can no longer be accepted, nil while it can.
    static func problem(with invitation: Invitation, now: Date) -> WorkflowError? {
        if invitation.acceptedAt != nil { return WorkflowError(.gone, code: "invitation_used", "this invitation was already accepted") }
        if invitation.revokedAt != nil { return WorkflowError(.gone, code: "invitation_withdrawn", "this invitation was withdrawn or replaced by a newer one") }
        if invitation.expiresAt < Timestamp.format(now) { return WorkflowError(.gone, code: "invitation_expired", "this invitation has expired; ask the company's admin for a new one") }
        return nil
    }

    /// The company's open invitations (admins only).
    public func invitations(of companyID: String, by principal: Principal) async throws -> [Invitation] {
        try await reading(companyID, by: principal, needing: .manageMembers) { database, _ in try await InvitationRepository.open(companyID: companyID, on: database) }
    }

    /// Withdraws an open invitation (admins only).
    public func withdrawInvitation(_ invitationID: String, of companyID: String, by principal: Principal) async throws {
        _ = try await access(companyID, by: principal, needing: .manageMembers)
        let now = accounts.policy.clock()
        guard try await store.transaction({ try await InvitationRepository.revoke(id: invitationID, companyID: companyID, on: $0, now: now) }) else {
            throw WorkflowError.notFound("invitation")
        }
    }

    /// Accepts an invitation with its link's token. A signed-in user whose address it was sent
    /// to joins at once; someone without an account sends a password and name, and the
    /// account is created (the link proves the address). Returns the membership and, for a
    /// new account, a session.
    public func acceptInvitation(token: String, by principal: Principal?, password: String?, fullName: String?, jobTitle: String?) async throws -> (Membership, Accounts.Session?) {
        guard let invitation = try await store.withSession({ try await InvitationRepository.invitation(secret: token, on: $0) }) else {
            throw Self.unknownInvitation
        }
        let now = accounts.policy.clock()
        if let problem = Self.problem(with: invitation, now: now) { throw problem }

        switch principal {
        case .staff:
            throw WorkflowError(.forbidden, code: "staff_cannot_act_for_customer", "staff tokens cannot join companies")
        case let .user(userID):
            let user = try await accounts.user(userID)
            guard user.email == invitation.email else {
                throw WorkflowError(.forbidden, code: "invitation_email_mismatch", "this invitation was sent to another address; sign in as that address to accept it")
            }
            let membership = try await store.transaction { database in
                try await Self.join(invitation, userID: userID, on: database, now: now)
            }
            return (membership, nil)
        case nil:
            guard let password, let fullName else {
                throw WorkflowError(.invalid, code: "missing_field", "without a bearer token, accepting creates an account: send password and full_name (or sign in first)")
            }
            try InputRules.password(password)
            let name = try InputRules.text(fullName, field: "full_name")
            let title = try jobTitle.map { title throws(WorkflowError) in try InputRules.text(title, field: "job_title") }
            let hash = try await accounts.policy.hasher.hash(password)
            return try await store.transaction { database in
                if try await AccountRepository.user(email: invitation.email, on: database) != nil {
                    throw WorkflowError(.conflict, code: "account_exists", "an account with this address exists; sign in (POST /v1/sessions) and accept with your bearer token")
                }
                let user = try await AccountRepository.createUser(email: invitation.email, passwordHash: hash, fullName: name, jobTitle: title, on: database, now: now)
                let membership = try await Self.join(invitation, userID: user.id, on: database, now: now)
                let (token, secret) = try await TokenRepository.create(name: "invitation", for: .user(id: user.id), on: database, now: now)
                return (membership, Accounts.Session(user: user, token: token, secret: secret))
            }
        }
    }

    private static func join(_ invitation: Invitation, userID: String, on database: any SQLDatabase, now: Date) async throws -> Membership {
        guard try await InvitationRepository.markAccepted(id: invitation.id, on: database, now: now) else {
            throw WorkflowError(.gone, code: "invitation_used", "this invitation was already accepted")
        }
        if try await MembershipRepository.membership(companyID: invitation.companyID, userID: userID, on: database) != nil {
            throw WorkflowError(.conflict, code: "already_member", "you are already a member of this company")
        }
        return try await MembershipRepository.add(companyID: invitation.companyID, userID: userID, role: invitation.role, extraPermissions: invitation.extraPermissions, on: database, now: now)
    }

    /// Changes a member's role or extra permissions (admins only). A company always keeps at
    /// least one admin.
    public func changeMember(_ userID: String, of companyID: String, by principal: Principal, role rawRole: String?, permissions rawPermissions: [String]?) async throws -> Member {
        _ = try await access(companyID, by: principal, needing: .manageMembers)
        let role = try rawRole.map { raw throws(WorkflowError) in try Self.role(raw) }
        let permissions = try rawPermissions.map { raw throws(WorkflowError) in try Self.permissions(raw) }
        let dialect = store.dialect
        try await store.transaction { database in
            try await Self.lockCompany(companyID, on: database, dialect: dialect)
            guard let membership = try await MembershipRepository.membership(companyID: companyID, userID: userID, on: database) else {
                throw WorkflowError.notFound("member")
            }
            try await MembershipRepository.update(companyID: companyID, userID: userID, role: role ?? membership.role, extraPermissions: permissions ?? membership.extraPermissions, on: database)
            try await Self.requireAnAdmin(companyID, on: database)
        }
        guard let member = try await members(of: companyID, by: principal).first(where: { $0.user.id == userID }) else { throw WorkflowError.notFound("member") }
        return member
    }

    /// Removes a member (admins), or lets members leave by removing themselves. A company
    /// always keeps at least one admin.
    public func removeMember(_ userID: String, of companyID: String, by principal: Principal) async throws {
        if case .user(userID) = principal {
            _ = try await access(companyID, by: principal)
        } else {
            _ = try await access(companyID, by: principal, needing: .manageMembers)
        }
        let dialect = store.dialect
        try await store.transaction { database in
            try await Self.lockCompany(companyID, on: database, dialect: dialect)
            guard try await MembershipRepository.membership(companyID: companyID, userID: userID, on: database) != nil else {
                throw WorkflowError.notFound("member")
            }
            try await MembershipRepository.remove(companyID: companyID, userID: userID, on: database)
            try await Self.requireAnAdmin(companyID, on: database)
        }
    }

    /// Member changes of one company take turns on PostgreSQL (a row lock), so two admins
    /// demoting each other at once cannot leave it without one; SQLite's write transactions
    /// already take turns.
    private static func lockCompany(_ companyID: String, on database: any SQLDatabase, dialect: SQLDialectKind) async throws {
        guard dialect == .postgres else { return }
        try await database.raw("SELECT id FROM companies WHERE id = \(bind: companyID) FOR UPDATE").run()
    }

    private static func requireAnAdmin(_ companyID: String, on database: any SQLDatabase) async throws {
        guard try await MembershipRepository.adminCount(companyID: companyID, on: database) > 0 else {
            throw WorkflowError(.conflict, code: "last_admin", "a company needs at least one admin; make another member admin first")
        }
    }

    static func role(_ raw: String) throws(WorkflowError) -> CompanyRole {
        guard let role = CompanyRole(rawValue: raw) else {
            throw WorkflowError(.invalid, code: "invalid_role", "role must be one of \(CompanyRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }

    static func permissions(_ raw: [String]) throws(WorkflowError) -> Set<Permission> {
        var permissions = Set<Permission>()
        for code in raw {
            guard let permission = Permission(rawValue: code) else {
                throw WorkflowError(.invalid, code: "invalid_permission", "unknown permission '\(code.prefix(40))'; permissions are \(Permission.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            permissions.insert(permission)
        }
        return permissions
    }
}
