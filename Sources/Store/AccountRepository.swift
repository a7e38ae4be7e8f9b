public import Foundation
public import SQLKit

/// Users and their pending sign-ups. Passwords arrive here already hashed (bcrypt, by the
/// workflow layer); e-mail addresses arrive normalized.
public enum AccountRepository {
    static let userColumns = ["id", "email", "full_name", "job_title", "photo_sha256", "photo_type", "created_at", "preferred_language"]

    /// Starts (or restarts) an e-mail verification: earlier unfinished sign-ups for the address
    /// stop working, so only the newest link does. Returns the secret for the link.
    public static func startSignup(email: String, expiresAt: Date, on database: any SQLDatabase, now: Date = Date()) async throws -> String {
        try await database.delete(from: "signups").where("email", .equal, SQLBind(email)).where("completed_at", .is, SQLLiteral.null).run()
        let secret = LinkSecret.make(prefix: "su_")
        try await database.insert(into: "signups")
            .columns("id", "email", "token_sha256", "created_at", "expires_at")
            .values(SQLBind(UUID().uuidString.lowercased()), SQLBind(email), SQLBind(LinkSecret.digest(secret)), SQLBind(Timestamp.format(now)), SQLBind(Timestamp.format(expiresAt)))
            .run()
        return secret
    }

    /// The sign-up a link's secret belongs to, finished or not, expired or not (the caller
    /// tells those apart, to answer each clearly).
    public static func signup(secret: String, on database: any SQLDatabase) async throws -> Signup? {
        guard secret.utf8.count < 100 else { return nil }
        struct Row: Decodable { var id: String; var email: String; var expires_at: String; var completed_at: String? }
        guard let row = try await database.select().columns("id", "email", "expires_at", "completed_at").from("signups")
            .where("token_sha256", .equal, SQLBind(LinkSecret.digest(secret))).first(decoding: Row.self) else { return nil }
        return Signup(id: row.id, email: row.email, expiresAt: row.expires_at, completedAt: row.completed_at)
    }

    /// Marks a sign-up finished, once: false when another request finished it first.
    public static func finishSignup(_ id: String, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        let rows = try await database.update("signups").set("completed_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(id)).where("completed_at", .is, SQLLiteral.null)
            .returning("id").all()
        return !rows.isEmpty
    }

    /// Creates a user with a password hash and profile.
    public static func createUser(email: String, passwordHash: String, fullName: String, jobTitle: String?, on database: any SQLDatabase, now: Date = Date()) async throws -> UserAccount {
        let user = UserAccount(id: UUID().uuidString.lowercased(), email: email, fullName: fullName, jobTitle: jobTitle, photoSHA256: nil, photoType: nil, createdAt: Timestamp.format(now))
        try await database.insert(into: "users")
            .columns("id", "email", "password_hash", "full_name", "job_title", "created_at")
            .values(SQLBind(user.id), SQLBind(email), SQLBind(passwordHash), SQLBind(fullName), SQLBind(jobTitle), SQLBind(user.createdAt))
            .run()
        return user
    }

    /// A user by id.
    public static func user(id: String, on database: any SQLDatabase) async throws -> UserAccount? {
        // Raw SQL: every signed-in page reads its user, and the builder's serialisation cost more
        // than SQLite's own work.
        try await database.raw("SELECT \(unsafeRaw: userColumnList) FROM users WHERE id = \(bind: id)").first(decoding: UserAccount.self)
    }

    static let userColumnList = userColumns.joined(separator: ", ")

    /// A user by normalized e-mail address.
    public static func user(email: String, on database: any SQLDatabase) async throws -> UserAccount? {
        try await database.select().columns(userColumns).from("users").where("email", .equal, SQLBind(email)).first(decoding: UserAccount.self)
    }

    /// The stored password hash of the account with this address, for signing in.
    public static func credentials(email: String, on database: any SQLDatabase) async throws -> (UserAccount, passwordHash: String)? {
        guard let user = try await user(email: email, on: database),
              let hash = try await database.select().column("password_hash").from("users").where("id", .equal, SQLBind(user.id))
                .first(decodingColumn: "password_hash", as: String?.self) ?? nil
        else { return nil }
        return (user, hash)
    }

    /// Changes the profile's name and title (nil leaves a field as it is).
    public static func updateProfile(_ id: String, fullName: String?, jobTitle: String?, on database: any SQLDatabase) async throws {
        guard fullName != nil || jobTitle != nil else { return }
        let update = database.update("users")
        if let fullName { update.set("full_name", to: SQLBind(fullName)) }
        if let jobTitle { update.set("job_title", to: SQLBind(jobTitle)) }
        try await update.where("id", .equal, SQLBind(id)).run()
    }

    /// Points the profile at a stored photo.
    public static func setPhoto(_ id: String, sha256: String, mimeType: String, on database: any SQLDatabase) async throws {
        try await database.update("users").set("photo_sha256", to: SQLBind(sha256)).set("photo_type", to: SQLBind(mimeType))
            .where("id", .equal, SQLBind(id)).run()
    }

    /// The stored password hash of an account, for checking the current password before a
    /// change.
    public static func passwordHash(userID: String, on database: any SQLDatabase) async throws -> String? {
        try await database.select().column("password_hash").from("users").where("id", .equal, SQLBind(userID))
            .first(decodingColumn: "password_hash", as: String?.self) ?? nil
    }

    /// Replaces an account's password hash.
    public static func setPassword(_ id: String, passwordHash: String, on database: any SQLDatabase) async throws {
        try await database.update("users").set("password_hash", to: SQLBind(passwordHash)).where("id", .equal, SQLBind(id)).run()
    }

    /// Writes the whole profile as a settings form shows it: name, title (nil clears it) and
    /// preferred language (nil leaves it as it is).
    public static func replaceProfile(_ id: String, fullName: String, jobTitle: String?, preferredLanguage: String?, on database: any SQLDatabase) async throws {
        let update = database.update("users").set("full_name", to: SQLBind(fullName)).set("job_title", to: SQLBind(jobTitle))
        if let preferredLanguage { update.set("preferred_language", to: SQLBind(preferredLanguage)) }
        try await update.where("id", .equal, SQLBind(id)).run()
    }

    /// Records the language the person chose for pages and e-mails.
    public static func setPreferredLanguage(_ id: String, language: String, on database: any SQLDatabase) async throws {
        try await database.update("users").set("preferred_language", to: SQLBind(language)).where("id", .equal, SQLBind(id)).run()
    }

    /// Takes the photo off the profile. The blob stays: blobs are addressed by content and may
    /// be shared.
    public static func removePhoto(_ id: String, on database: any SQLDatabase) async throws {
        try await database.update("users").set("photo_sha256", to: SQLLiteral.null).set("photo_type", to: SQLLiteral.null)
            .where("id", .equal, SQLBind(id)).run()
    }

    /// The accounts whose address contains `fragment` (any case), at most `limit`: the
    /// reviewers' queue search by e-mail.
    public static func userIDs(emailContaining fragment: String, limit: Int, on database: any SQLDatabase) async throws -> [String] {
        try await database.select().column("id").from("users")
            .where(SQLQueryString("LOWER(email) LIKE \(bind: SQLLike.containing(fragment.lowercased())) ESCAPE '\\'"))
            .limit(limit).all(decodingColumn: "id", as: String.self)
    }

    /// How many user accounts exist (for the demo data's "empty database" check).
    public static func userCount(on database: any SQLDatabase) async throws -> Int {
        try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("users").first(decodingColumn: "n", as: Int.self) ?? 0
    }
}
