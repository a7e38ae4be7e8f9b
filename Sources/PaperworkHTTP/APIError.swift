import Foundation
public import Hummingbird

/// An API error as RFC 9457 problem details, with a stable `code` clients act on.
public struct APIError: Error, HTTPResponseError, Sendable {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// The stable code (`unauthenticated`, `not_found`…).
    public var code: String
    /// A sentence for people.
    public var detail: String
    /// For a refused upload: the intake's reason codes.
    public var reasons: [String]?
    /// For a refused upload: the stored certificate's id, for reference.
    public var certificateID: String?
    /// Headers the answer carries besides the problem (`Allow` for a 405…).
    public var headers: HTTPFields = [:]

    /// An error with a status, code and sentence.
    public init(_ status: HTTPResponse.Status, code: String, detail: String) {
        self.status = status
        self.code = code
        self.detail = detail
    }

    /// No valid bearer token.
    public static let unauthenticated = APIError(.unauthorized, code: "unauthenticated", detail: "send a valid API token as 'Authorization: Bearer pw_…'")
    /// Unknown, or not the caller's: the two are answered alike.
    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", detail: "no such \(what)")
    }

    struct Problem: Encodable {
        var type: String
        var title: String
        var status: Int
        var code: String
        var detail: String
        var reasons: [String]?
        var certificate_id: String?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let problem = Problem(type: "/problems/\(code)", title: status.reasonPhrase, status: status.code, code: code, detail: detail, reasons: reasons, certificate_id: certificateID)
        var response = try JSONResponse.make(problem, status: status, contentType: "application/problem+json")
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
        response.headers.append(contentsOf: headers)
        return response
    }
}
