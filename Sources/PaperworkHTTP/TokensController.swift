import Foundation
import Hummingbird
import Workflow

/// `GET /v1/tokens` lists the caller's API tokens; `DELETE /v1/tokens/{id}` revokes one.
struct TokensController {
    let credentials: Credentials

    struct TokenList: ResponseEncodable {
        var tokens: [TokenResponse]
    }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("v1/tokens") { _, context -> TokenList in
            let principal = try context.requirePrincipal()
            return TokenList(tokens: try await credentials.tokens(of: principal).map(TokenResponse.init))
        }
        router.delete("v1/tokens/{id}") { _, context -> HTTPResponse.Status in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            guard try await credentials.revoke(id, ownedBy: principal) else {
                throw APIError.notFound("token")
            }
            return .noContent
        }
    }
}
