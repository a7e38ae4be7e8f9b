import Foundation
import Hummingbird
import MultipartKit
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

/// A `multipart/form-data` body read as it streams, with a cap on the total size.
struct MultipartForm {
    /// One form field or file.
    struct Part {
        var name: String
        var fileName: String?
        var contentType: String?
        var bytes: [UInt8]
    }

    var parts: [Part]

    /// The first part with this name.
    subscript(name: String) -> Part? { parts.first { $0.name == name } }

    /// A text field's value.
    func text(_ name: String) -> String? { self[name].map { String(decoding: $0.bytes, as: UTF8.self) } }

    /// Whether the request says it carries a form.
    static func isMultipart(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
    }

    /// Parses the body chunk by chunk, counting bytes as they arrive.
    static func read(_ request: Request, limit: Int) async throws -> MultipartForm {
        guard let contentType = request.headers[.contentType], let boundary = boundary(contentType) else {
            throw APIError(.badRequest, code: "invalid_multipart", detail: "multipart/form-data needs a boundary parameter")
        }
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw RequestBody.tooLarge(limit) }
        let collector = PartCollector(boundary: boundary)
        var received = 0
        do {
            for try await chunk in request.body {
                received += chunk.readableBytes
                guard received <= limit else { throw RequestBody.tooLarge(limit) }
                try collector.parser.execute(chunk)
            }
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.badRequest, code: "invalid_multipart", detail: "the multipart/form-data body is malformed")
        }
        guard collector.finished else {
            throw APIError(.badRequest, code: "invalid_multipart", detail: "the multipart/form-data body ends before its closing boundary")
        }
        return MultipartForm(parts: collector.parts)
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.count > 70 ? nil : value
        }
        return nil
    }

    /// Gathers the parser's callbacks into parts. A class because the parser's callbacks
    /// mutate it; it lives only inside one request's task.
    final class PartCollector {
        let parser: MultipartParser
        var parts: [Part] = []
        var headers: [(String, String)] = []
        var body: [UInt8] = []
        var finished = false

        init(boundary: String) {
            parser = MultipartParser(boundary: boundary)
            parser.onHeader = { [unowned self] name, value in headers.append((name, value)) }
            parser.onBody = { [unowned self] buffer in body.append(contentsOf: buffer.readableBytesView) }
            parser.onPartComplete = { [unowned self] in
                let disposition = headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
                let name = Self.parameter("name", in: disposition) ?? ""
                parts.append(Part(
                    name: name, fileName: Self.parameter("filename", in: disposition),
                    contentType: headers.first { $0.0.lowercased() == "content-type" }?.1, bytes: body
                ))
                headers = []
                body = []
                finished = true
            }
        }

        static func parameter(_ key: String, in header: String) -> String? {
            for item in header.split(separator: ";").dropFirst() {
                let pair = item.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
                return pair[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            return nil
        }
    }
}
