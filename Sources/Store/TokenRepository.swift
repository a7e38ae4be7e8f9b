public import Foundation
public import SQLKit

/// Staff roles: support people who review certificates, and operators who run the platform.
public enum StaffRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Reviews certificates of registration.
    case reviewer
    /// Runs the platform: catalog, ports, revalidation, staff tokens.
    case `operator`
}

/// Who a bearer token speaks for: a signed-up user, or a member of staff.
public enum Principal: Sendable, Hashable {
    /// A customer's user account.
    case user(id: String)
    /// A reviewer or operator (staff tokens are made with `paperwork tokens create`).
    case staff(role: StaffRole, tokenName: String)
}

/// An API token as listed to its owner: never the secret itself.
public struct APIToken: Sendable, Hashable, Codable {
    /// The token's identifier (for revocation).
    public var id: String
    /// What its owner called it.
    public var name: String
    /// The staff role, for staff tokens.
    public var staffRole: StaffRole?
    /// The user, for user tokens.
    public var userID: String?
    /// When it was made.
    public var createdAt: String
    /// When it was last used to authenticate.
    public var lastUsedAt: String?
    /// When it was revoked, if it was.
    public var revokedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, name
        case staffRole = "staff_role"
        case userID = "user_id"
        case createdAt = "created_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}

/// Bearer tokens: random 256-bit secrets shown once, stored only as their SHA-256, so a
/// database leak reveals no usable token.
public enum TokenRepository {
    /// Makes a token; returns its record and the secret, which is never stored.
    public static func create(name: String, for principal: Principal, on database: any SQLDatabase, now: Date = Date()) async throws -> (APIToken, secret: String) {
        let secret = LinkSecret.make(prefix: "pw_")
        let token = APIToken(
            id: UUID().uuidString.lowercased(), name: name,
            staffRole: { if case let .staff(role, _) = principal { role } else { nil } }(),
            userID: { if case let .user(id) = principal { id } else { nil } }(),
            createdAt: Timestamp.format(now), lastUsedAt: nil, revokedAt: nil
        )
        try await database.insert(into: "api_tokens")
            .columns("id", "name", "token_sha256", "user_id", "staff_role", "created_at")
            .values(SQLBind(token.id), SQLBind(name), SQLBind(digest(secret)), SQLBind(token.userID), SQLBind(token.staffRole?.rawValue), SQLBind(token.createdAt))
            .run()
        return (token, secret)
    }

    /// The principal a presented secret speaks for, or nil (unknown, malformed or revoked).
    /// A read only: recording the use is ``touch(_:on:now:)``'s job, in a write transaction.
    public static func authenticate(_ secret: String, on database: any SQLDatabase) async throws -> (Principal, token: APIToken)? {
        guard secret.hasPrefix("pw_"), secret.utf8.count < 100 else { return nil }
        // Raw SQL: every authenticated request runs it, and the builder's serialisation cost
        // more than SQLite's own work.
        guard let token = try await database.raw("""
            SELECT id, name, staff_role, user_id, created_at, last_used_at, revoked_at FROM api_tokens WHERE token_sha256 = \(bind: digest(secret))
            """).first(decoding: APIToken.self), token.revokedAt == nil else { return nil }
        if let role = token.staffRole { return (.staff(role: role, tokenName: token.name), token) }
        if let user = token.userID { return (.user(id: user), token) }
        return nil
    }

    /// Records that a token was used (callers do it at most once a minute per token, so that
    /// reads stay reads).
    public static func touch(_ tokenID: String, on database: any SQLDatabase, now: Date = Date()) async throws {
        try await database.update("api_tokens").set("last_used_at", to: SQLBind(Timestamp.format(now))).where("id", .equal, SQLBind(tokenID)).run()
    }

    /// The tokens a principal owns (a user's, or every staff token of that role's holder).
    public static func list(for principal: Principal, on database: any SQLDatabase) async throws -> [APIToken] {
        let query = database.select()
            .columns("id", "name", "staff_role", "user_id", "created_at", "last_used_at", "revoked_at")
            .from("api_tokens")
        switch principal {
        case let .user(id): query.where("user_id", .equal, SQLBind(id))
        case let .staff(role, name): query.where("staff_role", .equal, SQLBind(role.rawValue)).where("name", .equal, SQLBind(name))
        }
        return try await query.orderBy("created_at").all(decoding: APIToken.self)
    }

    /// Revokes one of the principal's tokens; false when it has no such token (another
    /// owner's token is treated exactly as an unknown one).
    public static func revoke(_ id: String, ownedBy principal: Principal, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        guard try await list(for: principal, on: database).contains(where: { $0.id == id }) else { return false }
        try await database.update("api_tokens").set("revoked_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(id)).where("revoked_at", .is, SQLLiteral.null).run()
        return true
    }

    /// Revokes every live token of a user but `keptTokenID` (the session that asked, when it
    /// stays signed in): after a password changes, nothing opened with the old one still
    /// works. Returns how many tokens were revoked.
    @discardableResult
    public static func revokeAll(userID: String, except keptTokenID: String? = nil, on database: any SQLDatabase, now: Date = Date()) async throws -> Int {
        let update = database.update("api_tokens").set("revoked_at", to: SQLBind(Timestamp.format(now)))
            .where("user_id", .equal, SQLBind(userID)).where("revoked_at", .is, SQLLiteral.null)
        if let keptTokenID { update.where("id", .notEqual, SQLBind(keptTokenID)) }
        return try await update.returning("id").all().count
    }

    static func digest(_ secret: String) -> String {
        LinkSecret.digest(secret)
    }
}
