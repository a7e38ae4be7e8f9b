public import Foundation
public import SQLKit

/// Companies and their verification status. Every query that a customer's request leads to
/// is scoped by the caller's membership in the workflow layer; this layer only stores.
public enum CompanyRepository {
    static let columns = ["id", "legal_name", "country", "registration_number", "company_type", "distributor", "status", "created_at", "updated_at"]

    struct Row: Decodable {
        var id: String
        var legal_name: String
        var country: String
        var registration_number: String
        var company_type: String
        var distributor: Int
        var status: String
        var created_at: String
        var updated_at: String

        var company: Company {
            Company(
                id: id, legalName: legal_name, country: country, registrationNumber: registration_number,
                companyType: CompanyType(rawValue: company_type) ?? .enterprise, distributor: distributor != 0,
                status: CompanyStatus(rawValue: status) ?? .unverified, createdAt: created_at, updatedAt: updated_at
            )
        }
    }

    /// Registers a company (status `unverified`, not a distributor).
    public static func create(legalName: String, country: String, registrationNumber: String, companyType: CompanyType, createdBy: String, on database: any SQLDatabase, now: Date = Date()) async throws -> Company {
        let stamp = Timestamp.format(now)
        let company = Company(id: UUID().uuidString.lowercased(), legalName: legalName, country: country, registrationNumber: registrationNumber, companyType: companyType, distributor: false, status: .unverified, createdAt: stamp, updatedAt: stamp)
        try await database.insert(into: "companies")
            .columns("id", "legal_name", "country", "registration_number", "company_type", "distributor", "status", "created_by", "created_at", "updated_at")
            .values(SQLBind(company.id), SQLBind(legalName), SQLBind(country), SQLBind(registrationNumber), SQLBind(companyType.rawValue), SQLBind(0), SQLBind(company.status.rawValue), SQLBind(createdBy), SQLBind(stamp), SQLBind(stamp))
            .run()
        return company
    }

    /// A company by id.
    public static func company(id: String, on database: any SQLDatabase) async throws -> Company? {
        guard id.utf8.count <= 64 else { return nil }
        return try await database.select().columns(columns).from("companies").where("id", .equal, SQLBind(id)).first(decoding: Row.self)?.company
    }

    /// Several companies by id, in no particular order (absent ids are left out).
    public static func companies(ids: [String], on database: any SQLDatabase) async throws -> [Company] {
        guard !ids.isEmpty else { return [] }
        return try await database.select().columns(columns).from("companies").where("id", .in, SQLBind.group(ids)).all(decoding: Row.self).map(\.company)
    }

    /// A company by id with one user's membership in it (nil when not a member): the access
    /// check behind every customer request, in one query rather than two.
    public static func company(id: String, withMembershipOf userID: String, on database: any SQLDatabase) async throws -> (Company, Membership?)? {
        guard id.utf8.count <= 64 else { return nil }
        struct Joined: Decodable {
            var member_role: String?
            var member_extra_permissions: String?
            var member_created_at: String?
        }
        guard let row = try await database.raw("""
            SELECT c.id, c.legal_name, c.country, c.registration_number, c.company_type, c.distributor, c.status, c.created_at, c.updated_at,
                   m.role AS member_role, m.extra_permissions AS member_extra_permissions, m.created_at AS member_created_at
            FROM companies c LEFT JOIN memberships m ON m.company_id = c.id AND m.user_id = \(bind: userID)
            WHERE c.id = \(bind: id)
            """).first() else { return nil }
        let company = try row.decode(model: Row.self).company
        let joined = try row.decode(model: Joined.self)
        guard let role = joined.member_role, let extra = joined.member_extra_permissions, let since = joined.member_created_at else { return (company, nil) }
        let membership = MembershipRepository.Row(company_id: company.id, user_id: userID, role: role, extra_permissions: extra, created_at: since).membership
        return (company, membership)
    }

    /// The companies a user belongs to, oldest first.
    public static func companies(ofUser userID: String, on database: any SQLDatabase) async throws -> [Company] {
        try await database.select().columns(columns.map { SQLColumn($0, table: "companies") }).from("companies")
            .join("memberships", on: SQLColumn("company_id", table: "memberships"), .equal, SQLColumn("id", table: "companies"))
            .where(SQLColumn("user_id", table: "memberships"), .equal, SQLBind(userID))
            .orderBy(SQLColumn("created_at", table: "companies")).orderBy(SQLColumn("id", table: "companies"))
            .all(decoding: Row.self).map(\.company)
    }

    /// Every company (for staff), optionally of one status, oldest first, one page at a time.
    public static func all(status: CompanyStatus?, limit: Int, offset: Int, on database: any SQLDatabase) async throws -> [Company] {
        let query = database.select().columns(columns).from("companies")
        if let status { query.where("status", .equal, SQLBind(status.rawValue)) }
        return try await query.orderBy("created_at").orderBy("id").limit(limit).offset(offset).all(decoding: Row.self).map(\.company)
    }

    /// Writes a company's declared data, type and distributor mark.
    public static func update(_ company: Company, on database: any SQLDatabase, now: Date = Date()) async throws {
        try await database.update("companies")
            .set("legal_name", to: SQLBind(company.legalName))
            .set("country", to: SQLBind(company.country))
            .set("registration_number", to: SQLBind(company.registrationNumber))
            .set("company_type", to: SQLBind(company.companyType.rawValue))
            .set("distributor", to: SQLBind(company.distributor ? 1 : 0))
            .set("updated_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(company.id)).run()
    }

    /// Moves a company from one status to another, only if it is still in `from`: false when a
    /// concurrent change got there first (the caller re-reads and decides).
    public static func transition(_ id: String, from: CompanyStatus, to: CompanyStatus, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        let rows = try await database.update("companies").set("status", to: SQLBind(to.rawValue)).set("updated_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(id)).where("status", .equal, SQLBind(from.rawValue))
            .returning("id").all()
        return !rows.isEmpty
    }

    /// How many companies exist.
    public static func count(on database: any SQLDatabase) async throws -> Int {
        try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("companies").first(decodingColumn: "n", as: Int.self) ?? 0
    }
}

/// Memberships: who belongs to which company, with which role.
public enum MembershipRepository {
    struct Row: Decodable {
        var company_id: String
        var user_id: String
        var role: String
        var extra_permissions: String
        var created_at: String

        var membership: Membership {
            Membership(companyID: company_id, userID: user_id, role: CompanyRole(rawValue: role) ?? .viewer, extraPermissions: decodePermissions(extra_permissions), createdAt: created_at)
        }
    }

    /// Adds a member.
    public static func add(companyID: String, userID: String, role: CompanyRole, extraPermissions: Set<Permission>, on database: any SQLDatabase, now: Date = Date()) async throws -> Membership {
        let membership = Membership(companyID: companyID, userID: userID, role: role, extraPermissions: extraPermissions, createdAt: Timestamp.format(now))
        try await database.insert(into: "memberships")
            .columns("company_id", "user_id", "role", "extra_permissions", "created_at")
            .values(SQLBind(companyID), SQLBind(userID), SQLBind(role.rawValue), SQLBind(encodePermissions(extraPermissions)), SQLBind(membership.createdAt))
            .run()
        return membership
    }

    /// One user's membership in one company, if any.
    public static func membership(companyID: String, userID: String, on database: any SQLDatabase) async throws -> Membership? {
        try await database.select().columns("company_id", "user_id", "role", "extra_permissions", "created_at").from("memberships")
            .where("company_id", .equal, SQLBind(companyID)).where("user_id", .equal, SQLBind(userID))
            .first(decoding: Row.self)?.membership
    }

    /// A user's memberships, in every company.
    public static func memberships(ofUser userID: String, on database: any SQLDatabase) async throws -> [Membership] {
        try await database.select().columns("company_id", "user_id", "role", "extra_permissions", "created_at").from("memberships")
            .where("user_id", .equal, SQLBind(userID)).orderBy("created_at").all(decoding: Row.self).map(\.membership)
    }

    /// A company's members with their accounts, in joining order.
    public static func members(ofCompany companyID: String, on database: any SQLDatabase) async throws -> [(Membership, UserAccount)] {
        let memberships = try await database.select().columns("company_id", "user_id", "role", "extra_permissions", "created_at").from("memberships")
            .where("company_id", .equal, SQLBind(companyID)).orderBy("created_at").orderBy("user_id").all(decoding: Row.self).map(\.membership)
        guard !memberships.isEmpty else { return [] }
        let users = try await database.select().columns(AccountRepository.userColumns).from("users")
            .where("id", .in, SQLBind.group(memberships.map(\.userID))).all(decoding: UserAccount.self)
        let byID = Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return memberships.compactMap { membership in byID[membership.userID].map { (membership, $0) } }
    }

    /// Changes a member's role and extra permissions.
    public static func update(companyID: String, userID: String, role: CompanyRole, extraPermissions: Set<Permission>, on database: any SQLDatabase) async throws {
        try await database.update("memberships").set("role", to: SQLBind(role.rawValue)).set("extra_permissions", to: SQLBind(encodePermissions(extraPermissions)))
            .where("company_id", .equal, SQLBind(companyID)).where("user_id", .equal, SQLBind(userID)).run()
    }

    /// Removes a member.
    public static func remove(companyID: String, userID: String, on database: any SQLDatabase) async throws {
        try await database.delete(from: "memberships").where("company_id", .equal, SQLBind(companyID)).where("user_id", .equal, SQLBind(userID)).run()
    }

    /// How many admins a company has (it must keep at least one).
    public static func adminCount(companyID: String, on database: any SQLDatabase) async throws -> Int {
        try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("memberships")
            .where("company_id", .equal, SQLBind(companyID)).where("role", .equal, SQLBind(CompanyRole.admin.rawValue))
            .first(decodingColumn: "n", as: Int.self) ?? 0
    }
}

/// Invitations to join a company.
public enum InvitationRepository {
    static let columns = ["id", "company_id", "email", "role", "extra_permissions", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]

    struct Row: Decodable {
        var id: String
        var company_id: String
        var email: String
        var role: String
        var extra_permissions: String
        var invited_by: String
        var created_at: String
        var expires_at: String
        var accepted_at: String?
        var revoked_at: String?

        var invitation: Invitation {
            Invitation(id: id, companyID: company_id, email: email, role: CompanyRole(rawValue: role) ?? .viewer, extraPermissions: decodePermissions(extra_permissions), invitedBy: invited_by, createdAt: created_at, expiresAt: expires_at, acceptedAt: accepted_at, revokedAt: revoked_at)
        }
    }

    /// Creates an invitation, withdrawing any earlier open one for the same address and
    /// company (only the newest link works). Returns it with the secret for the link.
    public static func create(companyID: String, email: String, role: CompanyRole, extraPermissions: Set<Permission>, invitedBy: String, expiresAt: Date, on database: any SQLDatabase, now: Date = Date()) async throws -> (Invitation, secret: String) {
        let stamp = Timestamp.format(now)
        try await database.update("invitations").set("revoked_at", to: SQLBind(stamp))
            .where("company_id", .equal, SQLBind(companyID)).where("email", .equal, SQLBind(email))
            .where("accepted_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null).run()
        let secret = LinkSecret.make(prefix: "inv_")
        let invitation = Invitation(id: UUID().uuidString.lowercased(), companyID: companyID, email: email, role: role, extraPermissions: extraPermissions, invitedBy: invitedBy, createdAt: stamp, expiresAt: Timestamp.format(expiresAt), acceptedAt: nil, revokedAt: nil)
        try await database.insert(into: "invitations")
            .columns("id", "company_id", "email", "role", "extra_permissions", "token_sha256", "invited_by", "created_at", "expires_at")
            .values(SQLBind(invitation.id), SQLBind(companyID), SQLBind(email), SQLBind(role.rawValue), SQLBind(encodePermissions(extraPermissions)), SQLBind(LinkSecret.digest(secret)), SQLBind(invitedBy), SQLBind(stamp), SQLBind(invitation.expiresAt))
            .run()
        return (invitation, secret)
    }

    /// The invitation a link's secret belongs to, whatever its state.
    public static func invitation(secret: String, on database: any SQLDatabase) async throws -> Invitation? {
        guard secret.utf8.count < 100 else { return nil }
        return try await database.select().columns(columns).from("invitations").where("token_sha256", .equal, SQLBind(LinkSecret.digest(secret))).first(decoding: Row.self)?.invitation
    }

    /// A company's invitations not yet accepted or withdrawn (expired ones included, marked by
    /// their expiry), newest first.
    public static func open(companyID: String, on database: any SQLDatabase) async throws -> [Invitation] {
        try await database.select().columns(columns).from("invitations")
            .where("company_id", .equal, SQLBind(companyID)).where("accepted_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
            .orderBy("created_at", .descending).all(decoding: Row.self).map(\.invitation)
    }

    /// Withdraws an open invitation of this company; false when there is none with that id.
    public static func revoke(id: String, companyID: String, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        guard id.utf8.count <= 64 else { return false }
        let rows = try await database.update("invitations").set("revoked_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(id)).where("company_id", .equal, SQLBind(companyID))
            .where("accepted_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
            .returning("id").all()
        return !rows.isEmpty
    }

    /// Marks an invitation accepted, once: false when it was accepted or withdrawn meanwhile.
    public static func markAccepted(id: String, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        let rows = try await database.update("invitations").set("accepted_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(id)).where("accepted_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
            .returning("id").all()
        return !rows.isEmpty
    }
}

/// Permissions are stored as a sorted, comma-separated list of their codes.
func encodePermissions(_ permissions: Set<Permission>) -> String {
    permissions.sorted().map(\.rawValue).joined(separator: ",")
}

func decodePermissions(_ stored: String) -> Set<Permission> {
    Set(stored.split(separator: ",").compactMap { Permission(rawValue: String($0)) })
}
