import Foundation
import Hummingbird

/// `GET /openapi.yaml`: the API's contract, kept beside the code and shipped with the binary.
struct OpenAPIController {
    /// The document, read once from the module's resources.
    static let document: ByteBuffer? = Bundle.module.url(forResource: "openapi", withExtension: "yaml")
        .flatMap { try? Data(contentsOf: $0) }
        .map { ByteBuffer(bytes: $0) }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("openapi.yaml") { _, _ -> Response in
            guard let document = Self.document else { throw APIError(.internalServerError, code: "openapi_missing", detail: "the OpenAPI document is not installed") }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: document))
        }
    }
}
