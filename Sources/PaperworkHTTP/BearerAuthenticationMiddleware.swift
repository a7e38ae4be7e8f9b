import Foundation
public import Hummingbird
public import Store

/// Reads `Authorization: Bearer pw_…` and, for a valid token, records who is calling.
/// It never rejects: routes that need a caller ask for one (``PaperworkRequestContext/requirePrincipal()``).
public struct BearerAuthenticationMiddleware: RouterMiddleware {
    let store: Store

    /// Authenticates against `store`'s tokens.
    public init(store: Store) {
        self.store = store
    }

    public func handle(_ request: Request, context: PaperworkRequestContext, next: (Request, PaperworkRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            if let (principal, token) = try await store.withSession({ try await TokenRepository.authenticate(secret, on: $0) }) {
                context.principal = principal
                context.tokenID = token.id
                // Record the use, at most once a minute: most requests stay read-only.
                let lastUsed = token.lastUsedAt.flatMap { try? Date($0, strategy: .iso8601) } ?? .distantPast
                if Date().timeIntervalSince(lastUsed) > 60 {
                    try await store.transaction { try await TokenRepository.touch(token.id, on: $0) }
                }
            }
        }
        return try await next(request, context)
    }
}


