public import Foundation
public import Hummingbird
public import NIOCore
public import Store

/// The request context of every route: who is calling, once a bearer token said so.
public struct PaperworkRequestContext: RequestContext, RemoteAddressRequestContext {
    /// Hummingbird's own per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The caller, set by ``BearerAuthenticationMiddleware`` for a valid token.
    public var principal: Principal?
    /// The token that authenticated the caller.
    public var tokenID: String?
    /// The peer's socket address (nil in in-process tests), for per-client rate limits and
    /// request traces.
    public let remoteAddress: SocketAddress?

    /// JSON answers with sorted keys: the same object always prints the same way.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A context for a new request.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The caller, or a 401 problem.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw APIError.unauthenticated }
        return principal
    }
}
