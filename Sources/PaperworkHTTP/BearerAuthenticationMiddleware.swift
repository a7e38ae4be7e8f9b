import Foundation
public import Hummingbird
public import Workflow

/// Reads `Authorization: Bearer pw_…` and, for a valid token, records who is calling.
/// It never rejects: routes that need a caller ask for one (``PaperworkRequestContext/requirePrincipal()``).
public struct BearerAuthenticationMiddleware: RouterMiddleware {
    let credentials: Credentials

    /// Authenticates through `credentials`.
    public init(credentials: Credentials) {
        self.credentials = credentials
    }

    public func handle(_ request: Request, context: PaperworkRequestContext, next: (Request, PaperworkRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
            let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
            // The use is recorded at most once a minute: most requests stay read-only.
            if let (principal, token) = try await credentials.authenticate(secret, recordingUse: true) {
                context.principal = principal
                context.tokenID = token.id
            }
        }
        return try await next(request, context)
    }
}


