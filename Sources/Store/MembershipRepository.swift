public import Foundation
public import SQLKit

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
