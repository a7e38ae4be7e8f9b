import Foundation
import Store

/// Forgotten and changed passwords. A new password ends every way in that the old one opened:
/// a reset revokes all the account's tokens (portal sessions and API tokens alike), a change
/// revokes all but the session that made it.
extension Accounts {
    /// Forgot password: e-mails a one-use reset link valid for `policy.passwordResetLifetime`
    /// to the account with this address, in `language` (the page's), else in the account's
    /// preferred language, else in English. An address without an account gets nothing and
    /// the caller cannot tell: the answer is the same.
    public func startPasswordReset(email rawEmail: String, language: String? = nil) async throws {
        let email = try InputRules.email(rawEmail)
        if let language { try Self.checkLanguage(language) }
        let now = policy.clock()
        let expires = now.addingTimeInterval(policy.passwordResetLifetime)
        let mail = self.mail
        try await store.transaction { database in
            guard let user = try await AccountRepository.user(email: email, on: database) else { return }
            let secret = try await PasswordResetRepository.start(userID: user.id, expiresAt: expires, on: database, now: now)
            let message = try mail.compose(
                "password_reset", ["email": email, "token": secret, "expires_at": Timestamp.format(expires)],
                language: language ?? user.preferredLanguage
            )
            _ = try await OutboxRepository.enqueue(kind: "password_reset", to: email, subject: message.subject, body: message.body, on: database, now: now)
        }
    }

    /// Checks a reset link before the page asks for a new password: `password_reset_not_found`,
    /// `password_reset_used` or `password_reset_expired` (which also covers a link replaced by
    /// a newer one), so the page can say which and offer a new link.
    public func checkPasswordReset(token: String) async throws {
        _ = try await usableReset(token)
    }

    /// Sets a new password from a reset link, once: every token of the account is revoked
    /// (whoever had the old password is signed out everywhere), then the person is signed in
    /// with a fresh session named `tokenName`.
    public func resetPassword(token: String, password: String, tokenName: String = "portal") async throws -> Session {
        let reset = try await usableReset(token)
        try InputRules.password(password)
        let name = try InputRules.text(tokenName, field: "token_name")
        let hash = try await policy.hasher.hash(password)
        let now = policy.clock()
        return try await store.transaction { database in
            // Re-checked inside the transaction: two requests with one link reset once.
            guard try await PasswordResetRepository.use(reset, on: database, now: now) else {
                throw Self.resetUsed
            }
            guard let user = try await AccountRepository.user(id: reset.userID, on: database) else {
                throw Self.resetNotFound
            }
            try await AccountRepository.setPassword(user.id, passwordHash: hash, on: database)
            try await TokenRepository.revokeAll(userID: user.id, on: database, now: now)
            let (token, secret) = try await TokenRepository.create(name: name, for: .user(id: user.id), on: database, now: now)
            return Session(user: user, token: token, secret: secret)
        }
    }

    /// Change password, signed in: the current password must be right (`wrong_password`,
    /// forbidden: the caller is known but has not proved it is them), the new one must follow the rules; then every other token of the account is
    /// revoked and `keptTokenID` (the session that asked) stays signed in.
    public func changePassword(userID: String, current: String, new password: String, keeping keptTokenID: String?) async throws {
        let stored = try await store.withSession { try await AccountRepository.passwordHash(userID: userID, on: $0) }
        guard current.utf8.count <= 1024, try await policy.hasher.verify(current, against: stored) else {
            throw WorkflowError(.forbidden, code: "wrong_password", "the current password is not right")
        }
        try InputRules.password(password)
        let hash = try await policy.hasher.hash(password)
        let now = policy.clock()
        try await store.transaction { database in
            try await AccountRepository.setPassword(userID, passwordHash: hash, on: database)
            try await TokenRepository.revokeAll(userID: userID, except: keptTokenID, on: database, now: now)
        }
    }

    /// The reset a link stands for, if it can still be used.
    private func usableReset(_ token: String) async throws -> PasswordReset {
        guard let reset = try await store.withSession({ try await PasswordResetRepository.reset(secret: token, on: $0) }) else {
            throw Self.resetNotFound
        }
        if reset.usedAt != nil { throw Self.resetUsed }
        // Expired at the instant itself: a link replaced by a newer one ends at that moment.
        if reset.expiresAt <= Timestamp.format(policy.clock()) {
            throw WorkflowError(.gone, code: "password_reset_expired", "this password-reset link has expired or a newer one was sent; ask for a new one")
        }
        return reset
    }

    static var resetNotFound: WorkflowError {
        WorkflowError(.notFound, code: "password_reset_not_found", "this password-reset link is unknown; ask for a new one")
    }

    static var resetUsed: WorkflowError {
        WorkflowError(.gone, code: "password_reset_used", "this password-reset link was already used; sign in, or ask for a new one")
    }
}
