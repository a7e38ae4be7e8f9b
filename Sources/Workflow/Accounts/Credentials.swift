public import Foundation
public import Store

/// Who is calling: bearer tokens and the reviewer console's sessions. The HTTP layer
/// authenticates through this, never through the token and session tables themselves.
public struct Credentials: Sendable {
    let store: Store

    /// Credentials kept in `store`.
    public init(store: Store) {
        self.store = store
    }

    /// The principal and token a bearer secret stands for; nil for an unknown, revoked or
    /// malformed secret. With `recordingUse`, the token's last use is written at most once a
    /// minute, so most requests stay read-only.
    public func authenticate(_ secret: String, recordingUse: Bool = true, now: Date = Date()) async throws -> (Principal, APIToken)? {
        guard let (principal, token) = try await store.withSession({ try await TokenRepository.authenticate(secret, on: $0) }) else { return nil }
        if recordingUse { try await Self.recordUse(of: token, at: now, in: store) }
        return (principal, token)
    }

    /// Writes a token's last use, at most once a minute, so most requests stay reads.
    static func recordUse(of token: APIToken, at now: Date, in store: Store) async throws {
        let lastUsed = token.lastUsedAt.flatMap { try? Date($0, strategy: .iso8601) } ?? .distantPast
        guard now.timeIntervalSince(lastUsed) > 60 else { return }
        try await store.transaction { try await TokenRepository.touch(token.id, on: $0, now: now) }
    }

    /// The caller's own tokens, never their secrets.
    public func tokens(of principal: Principal) async throws -> [APIToken] {
        try await store.withSession { try await TokenRepository.list(for: principal, on: $0) }
    }

    /// Revokes one of the caller's tokens; false when the caller has no token with that id.
    public func revoke(_ tokenID: String, ownedBy principal: Principal) async throws -> Bool {
        try await store.transaction { try await TokenRepository.revoke(tokenID, ownedBy: principal, on: $0) }
    }

    /// Opens a console session for a staff principal signed in with `tokenID`; returns the
    /// cookie's secret.
    public func openConsoleSession(for principal: Principal, tokenID: String, until expiresAt: Date) async throws -> String {
        try await store.transaction { try await ConsoleSessionRepository.create(principal: principal, tokenID: tokenID, expiresAt: expiresAt, on: $0) }.secret
    }

    /// The live console session a cookie's secret stands for, if any.
    public func consoleSession(_ secret: String) async throws -> ConsoleSession? {
        try await store.withSession { try await ConsoleSessionRepository.session(secret: secret, on: $0) }
    }

    /// Ends a console session (signing out).
    public func closeConsoleSession(_ secret: String) async throws {
        try await store.transaction { try await ConsoleSessionRepository.delete(secret: secret, on: $0) }
    }
}
