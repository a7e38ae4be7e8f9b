public import Foundation
public import SQLKit

/// A reviewer console session: a browser signed in with a staff token.
public struct ConsoleSession: Sendable, Hashable {
    /// Who is signed in.
    public var principal: Principal
    /// The API token the session was opened with (revoking it ends the session).
    public var tokenID: String
    /// The per-session token every form must echo (CSRF protection).
    public var csrfToken: String
    /// When the session ends.
    public var expiresAt: String
}

/// Console sessions, stored as SHA-256 digests of their cookie values. A session lives only as
/// long as its staff token: a revoked token ends every session opened with it.
public enum ConsoleSessionRepository {
    /// Opens a session; returns the cookie value (shown once) and the session.
    public static func create(principal: Principal, tokenID: String, expiresAt: Date, on database: any SQLDatabase, now: Date = Date()) async throws -> (secret: String, session: ConsoleSession) {
        guard case let .staff(role, name) = principal else { throw StoreError(code: "staff_only", message: "console sessions are for staff") }
        let secret = LinkSecret.make(prefix: "cs_")
        let session = ConsoleSession(principal: principal, tokenID: tokenID, csrfToken: LinkSecret.make(prefix: ""), expiresAt: Timestamp.format(expiresAt))
        try await database.insert(into: "console_sessions")
            .columns("id_sha256", "token_id", "staff_role", "staff_name", "csrf_token", "created_at", "expires_at")
            .values(SQLBind(LinkSecret.digest(secret)), SQLBind(tokenID), SQLBind(role.rawValue), SQLBind(name), SQLBind(session.csrfToken), SQLBind(Timestamp.format(now)), SQLBind(session.expiresAt))
            .run()
        return (secret, session)
    }

    /// The live session a cookie value belongs to: not expired, its token not revoked.
    public static func session(secret: String, on database: any SQLDatabase, now: Date = Date()) async throws -> ConsoleSession? {
        guard secret.hasPrefix("cs_"), secret.utf8.count < 100 else { return nil }
        struct Row: Decodable { var token_id: String; var staff_role: String; var staff_name: String; var csrf_token: String; var expires_at: String }
        guard let row = try await database.select()
            .columns(SQLColumn("token_id", table: "console_sessions"), SQLColumn("staff_role", table: "console_sessions"),
                     SQLColumn("staff_name", table: "console_sessions"), SQLColumn("csrf_token", table: "console_sessions"),
                     SQLColumn("expires_at", table: "console_sessions"))
            .from("console_sessions")
            .join("api_tokens", on: SQLColumn("id", table: "api_tokens"), .equal, SQLColumn("token_id", table: "console_sessions"))
            .where(SQLColumn("id_sha256", table: "console_sessions"), .equal, SQLBind(LinkSecret.digest(secret)))
            .where(SQLColumn("revoked_at", table: "api_tokens"), .is, SQLLiteral.null)
            .where(SQLColumn("expires_at", table: "console_sessions"), .greaterThan, SQLBind(Timestamp.format(now)))
            .first(decoding: Row.self),
            let role = StaffRole(rawValue: row.staff_role)
        else { return nil }
        return ConsoleSession(principal: .staff(role: role, tokenName: row.staff_name), tokenID: row.token_id, csrfToken: row.csrf_token, expiresAt: row.expires_at)
    }

    /// Ends a session.
    public static func delete(secret: String, on database: any SQLDatabase) async throws {
        try await database.delete(from: "console_sessions").where("id_sha256", .equal, SQLBind(LinkSecret.digest(secret))).run()
    }
}
