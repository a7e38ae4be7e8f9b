import Foundation
import Hummingbird
import Workflow

/// `GET /health`: whether this instance can serve, for load balancers and operators.
/// 200 when the database answers, 503 when it does not.
struct HealthController {
    let readiness: Readiness

    struct Health: Encodable {
        var status: String
        var database: String
    }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("health") { _, _ -> Response in
            if await readiness.databaseAnswers() {
                return try JSONResponse.make(Health(status: "ok", database: "ok"), status: .ok)
            }
            return try JSONResponse.make(Health(status: "unavailable", database: "unreachable"), status: .serviceUnavailable)
        }
    }
}

/// JSON bodies with an explicit status, for handlers that choose it.
enum JSONResponse {
    static func make(_ value: some Encodable, status: HTTPResponse.Status, contentType: String = "application/json") throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        return Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
