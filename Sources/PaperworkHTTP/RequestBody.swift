import Foundation
import Hummingbird
import NIOCore

/// Reading request bodies with a cap enforced while they stream: a client that sends more
/// than a route accepts is stopped at the limit (413), not after the whole body is in memory.
enum RequestBody {
    /// JSON bodies of the API's small requests.
    static let jsonLimit = 64 * 1024

    /// Decodes a JSON body; malformed JSON, a missing field or a wrong type is a 400 that names
    /// the field.
    static func json<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = jsonLimit) async throws -> T {
        guard let value = try await json(type, from: request, limit: limit, allowEmpty: false) else {
            throw APIError(.badRequest, code: "invalid_json", detail: "send a JSON object as the request body")
        }
        return value
    }

    /// Decodes a JSON body that may be absent (nil then).
    static func json<T: Decodable>(_ type: T.Type, from request: Request, limit: Int = jsonLimit, allowEmpty: Bool) async throws -> T? {
        let buffer = try await collect(request, limit: limit)
        guard buffer.readableBytes > 0 else {
            if allowEmpty { return nil }
            throw APIError(.badRequest, code: "invalid_json", detail: "send a JSON object as the request body")
        }
        do {
            return try JSONDecoder().decode(T.self, from: buffer)
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: "invalid_json", detail: describe(error))
        }
    }

    /// The whole body, up to `limit` bytes (413 past it).
    static func collect(_ request: Request, limit: Int) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge(limit) }
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw tooLarge(limit)
        }
    }

    static func tooLarge(_ limit: Int) -> APIError {
        APIError(.contentTooLarge, code: "body_too_large", detail: "the request body may have at most \(limit) bytes")
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case let .keyNotFound(key, context):
            let parent = path(context.codingPath)
            return "missing field '\(parent.isEmpty ? "" : parent + ".")\(key.stringValue)'"
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return "field '\(path(context.codingPath))' must be \(describe(type))"
        case .dataCorrupted:
            return "the body is not valid JSON"
        @unknown default:
            return "the body does not match the expected JSON"
        }
    }

    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String].Type: "an array of strings"
        default: "of another type"
        }
    }
}
