import Foundation
public import Hummingbird
import Logging
import Workflow

/// Turns every error into RFC 9457 problem details with a stable code, so clients never see a
/// bare status or an HTML page: workflow errors by their kind, Hummingbird's own errors (no
/// such route, body too large…) by their status, and anything unexpected as a logged 500 that
/// says nothing about internals.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// A middleware for the outermost position of the router.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as WorkflowError {
            throw APIError(error)
        } catch let error as HTTPError {
            // No route: for a method the server does not know at all, 501 says so (RFC 9110 §9.1).
            if error.status == .notFound, !MethodTable.recognized.contains(request.method) {
                throw APIError(.notImplemented, code: "method_not_implemented", detail: "this server does not implement the method \(request.method.rawValue)")
            }
            throw APIError(error)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(String(reflecting: error))", "path": "\(request.uri.path)"])
            throw APIError(.internalServerError, code: "internal_error", detail: "the server failed to answer this request; it has been logged")
        }
    }
}

extension APIError {
    /// A workflow error, with the status its kind calls for.
    init(_ error: WorkflowError) {
        self.init(error.kind.httpStatus, code: error.code, detail: error.message)
    }

    /// One of Hummingbird's errors, with a code derived from its status.
    init(_ error: HTTPError) {
        let code = switch error.status {
        case .notFound: "not_found"
        case .contentTooLarge: "body_too_large"
        case .methodNotAllowed: "method_not_allowed"
        case .unsupportedMediaType: "unsupported_media_type"
        case .badRequest: "bad_request"
        default: error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
        }
        let fallback = switch error.status {
        case .notFound: "no such route; see /openapi.yaml"
        case .contentTooLarge: "the request body is larger than this route accepts"
        default: error.status.reasonPhrase
        }
        self.init(error.status, code: code, detail: error.body ?? fallback)
    }
}

extension WorkflowError.Kind {
    /// The HTTP status of a workflow error of this kind, for the API and the HTML pages alike.
    var httpStatus: HTTPResponse.Status {
        switch self {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict: .conflict
        case .gone: .gone
        case .unauthenticated: .unauthorized
        }
    }
}
