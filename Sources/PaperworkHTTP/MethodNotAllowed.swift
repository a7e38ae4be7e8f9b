import Hummingbird
import NIOCore

/// Which methods the server recognizes and how `Allow` lists them: a method it does not serve
/// on a path it does serve is `405 Method Not Allowed` with `Allow` (``MethodNotAllowedMiddleware``),
/// a path it does not serve is 404, and a method it does not know at all is 501
/// (``ProblemMiddleware``; RFC 9110 §9.1, §15.5.6).
enum MethodTable {
    /// The methods the server recognizes, in the order `Allow` lists them.
    static let recognized: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace, .connect, HTTPRequest.Method("QUERY")!]

    /// The `Allow` value for a path that serves `methods`: exactly the methods its routes (and
    /// the contract) declare. HEAD is not among them unless declared: the API has no HEAD
    /// operation, so a HEAD request gets 405 like any other undeclared method.
    static func allow(_ methods: Set<HTTPRequest.Method>) -> String {
        let others = methods.subtracting(recognized).map(\.rawValue).sorted()
        return (recognized.filter(methods.contains).map(\.rawValue) + others).joined(separator: ", ")
    }
}

/// Answers 405 with `Allow` for a request whose path the router serves with other methods.
/// Added after the last route, it wraps only the router's not-found responder, so it sees
/// exactly the requests no route took. The methods of each path are read from the router's
/// own table once every route is in, and paths are matched by a router built from that table,
/// with the same rules (`{id}` captures, wildcards) as the real one: a new route needs nothing here.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = PaperworkRequestContext

    /// For each served path, a GET route answering its `Allow` value.
    let allowByPath: RouterResponder<Context>

    init(routes: [Router<Context>.RouteDescription]) {
        var byPath: [String: (path: RouterPath, methods: Set<HTTPRequest.Method>)] = [:]
        for route in routes {
            byPath[route.path.description, default: (route.path, [])].methods.insert(route.method)
        }
        let table = Router(context: Context.self)
        for (path, methods) in byPath.values {
            let allow = MethodTable.allow(methods)
            table.get(path) { _, _ in Response(status: .ok, headers: [.allow: allow]) }
        }
        allowByPath = table.buildResponder()
    }

    /// The `Allow` value of the path of `request`, or nil when no route has that path.
    func allow(for request: Request, context: Context) async -> String? {
        let probe = Request(head: HTTPRequest(method: .get, scheme: nil, authority: nil, path: request.head.path), body: .init(buffer: ByteBuffer()))
        guard let answer = try? await allowByPath.respond(to: probe, context: context), answer.status == .ok else { return nil }
        return answer.headers[.allow]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard MethodTable.recognized.contains(request.method), let allow = await allow(for: request, context: context) else {
            return try await next(request, context)
        }
        var error = APIError(.methodNotAllowed, code: "method_not_allowed", detail: "\(request.method.rawValue) is not allowed here; this path allows \(allow)")
        error.headers[.allow] = allow
        throw error
    }
}
