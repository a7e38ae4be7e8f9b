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
            return try decodeRefusingNull(T.self, from: buffer)
        } catch let error as DecodingError {
            throw APIError(.badRequest, code: "invalid_json", detail: describe(error))
        }
    }

    /// Decodes `T`, refusing `null` for any field `T` reads. No request field of the API is
    /// nullable (the contract says so), but `Decodable` reads `null` as absent, which would take
    /// `"permissions": null` as "no change". So each `null` is replaced by a value no field
    /// accepts (an empty object: no request field is an object of optional fields), and the
    /// decoder's error at such a place is reported as a `null`. A `null` in a field `T` does not
    /// read (an unknown field, which the contract allows) is ignored like the field.
    static func decodeRefusingNull<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        guard buffer.readableBytesView.contains(UInt8(ascii: "n")),
              let root = try? JSONSerialization.jsonObject(with: Data(buffer: buffer), options: [.fragmentsAllowed])
        else { return try JSONDecoder().decode(T.self, from: buffer) }
        if root is NSNull { throw APIError(.badRequest, code: "invalid_json", detail: "send a JSON object as the request body") }
        var nulls: Set<String> = []
        func replacingNulls(_ value: Any, _ path: String) -> Any {
            switch value {
            case is NSNull:
                nulls.insert(path)
                return [String: Any]()
            case let object as [String: Any]:
                return object.reduce(into: [String: Any]()) { $0[$1.key] = replacingNulls($1.value, path.isEmpty ? $1.key : "\(path).\($1.key)") }
            case let array as [Any]:
                return array.enumerated().map { replacingNulls($0.element, "\(path)[\($0.offset)]") }
            default:
                return value
            }
        }
        let replaced = replacingNulls(root, "")
        guard !nulls.isEmpty else { return try JSONDecoder().decode(T.self, from: buffer) }
        do {
            return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: replaced, options: [.fragmentsAllowed]))
        } catch let DecodingError.typeMismatch(_, context) where nulls.contains(path(context.codingPath)) {
            throw APIError(.badRequest, code: "invalid_json", detail: "field '\(path(context.codingPath))' must not be null; leave it out instead")
        }
    }

    /// A coding path as the API names fields: `panels[0].media`.
    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.reduce("") { path, key in
            if let index = key.intValue { return "\(path)[\(index)]" }
            return path.isEmpty ? key.stringValue : "\(path).\(key.stringValue)"
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
