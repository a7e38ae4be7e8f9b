import Foundation
import Hummingbird
import Store

/// `GET /v1/tokens` lists the caller's API tokens; `DELETE /v1/tokens/{id}` revokes one.
struct TokensController {
    let store: Store

    struct TokenList: ResponseEncodable {
        var tokens: [TokenResponse]
    }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("v1/tokens") { _, context -> TokenList in
            let principal = try context.requirePrincipal()
            return TokenList(tokens: try await store.withSession { try await TokenRepository.list(for: principal, on: $0) }.map(TokenResponse.init))
        }
        router.delete("v1/tokens/{id}") { _, context -> HTTPResponse.Status in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard try await store.transaction({ try await TokenRepository.revoke(id, ownedBy: principal, on: $0) }) else {
                throw APIError.notFound("token")
            }
            return .noContent
        }
    }
}
