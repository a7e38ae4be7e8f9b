public import Foundation
public import SQLKit

/// A password-reset link as stored: only the SHA-256 of its secret, so the table gives no
/// working link away.
public struct PasswordReset: Sendable, Hashable {
    /// Random identifier.
    public var id: String
    /// The account whose password the link resets.
    public var userID: String
    /// After this instant the link no longer works (a newer link for the same account moves
    /// it to the moment that link was made).
    public var expiresAt: String
    /// When the link was used, once.
    public var usedAt: String?
}

/// One-use password-reset links (`password_resets`, migration 10). Only the newest unused link
/// of an account works: asking again ends the earlier ones, and using one ends them all.
public enum PasswordResetRepository {
    /// Starts a reset for `userID`: earlier unused links stop working (their expiry becomes
    /// `now`), then a new one is stored. Returns the secret for the link, shown only in the
    /// e-mail.
    public static func start(userID: String, expiresAt: Date, on database: any SQLDatabase, now: Date = Date()) async throws -> String {
        try await endUnused(userID: userID, on: database, now: now)
        let secret = LinkSecret.make(prefix: "pr_")
        try await database.insert(into: "password_resets")
            .columns("id", "user_id", "token_sha256", "created_at", "expires_at")
            .values(SQLBind(UUID().uuidString.lowercased()), SQLBind(userID), SQLBind(LinkSecret.digest(secret)), SQLBind(Timestamp.format(now)), SQLBind(Timestamp.format(expiresAt)))
            .run()
        return secret
    }

    /// The link a secret belongs to, used or not, expired or not (the caller tells those
    /// apart, to answer each clearly); nil for an unknown or malformed secret.
    public static func reset(secret: String, on database: any SQLDatabase) async throws -> PasswordReset? {
        guard secret.hasPrefix("pr_"), secret.utf8.count < 100 else { return nil }
        struct Row: Decodable { var id: String; var user_id: String; var expires_at: String; var used_at: String? }
        guard let row = try await database.select().columns("id", "user_id", "expires_at", "used_at").from("password_resets")
            .where("token_sha256", .equal, SQLBind(LinkSecret.digest(secret))).first(decoding: Row.self) else { return nil }
        return PasswordReset(id: row.id, userID: row.user_id, expiresAt: row.expires_at, usedAt: row.used_at)
    }

    /// Marks a link used, once, and ends the account's other unused links: false when another
    /// request used it first.
    public static func use(_ reset: PasswordReset, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        let rows = try await database.update("password_resets").set("used_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(reset.id)).where("used_at", .is, SQLLiteral.null)
            .returning("id").all()
        guard !rows.isEmpty else { return false }
        try await endUnused(userID: reset.userID, on: database, now: now)
        return true
    }

    /// Ends every unused link of the account that is still running.
    static func endUnused(userID: String, on database: any SQLDatabase, now: Date) async throws {
        let stamp = Timestamp.format(now)
        try await database.update("password_resets").set("expires_at", to: SQLBind(stamp))
            .where("user_id", .equal, SQLBind(userID)).where("used_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, SQLBind(stamp))
            .run()
    }
}
