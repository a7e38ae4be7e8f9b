import Foundation
import Hummingbird
import NIOCore

/// Header whitespace (RFC 9110's OWS): spaces and tabs only.
private let headerWhitespace = CharacterSet(charactersIn: " \t")

/// A `multipart/form-data` body (RFC 7578 over RFC 2046's multipart syntax), read under the
/// route's cap and then parsed in one pass.
///
/// Not MultipartKit: its parser looks at the body a byte at a time and copies the part's bytes
/// out at every carriage return, which measured 11 % of the server's CPU per upload. Here the
/// delimiter is found with a Horspool search, which skips most of a file's bytes without
/// reading them, and a part's bytes are copied once. The body is in memory either way: the
/// upload is examined whole.
struct MultipartForm: Sendable {
    /// One form field or file.
    struct Part: Sendable {
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

    /// More parts than any of the API's forms has fields: past this the body is refused.
    static let maxParts = 32
    /// The longest header section a part may have; the API's parts need a few hundred bytes.
    static let maxHeaderBytes = 8 * 1024

    /// Whether the request says it carries a form.
    static func isMultipart(_ request: Request) -> Bool {
        request.headers[.contentType]?.lowercased().hasPrefix("multipart/form-data") == true
    }

    /// Reads the body up to `limit` bytes (413 past it, counted as it streams) and parses it;
    /// a malformed body is a 400 `invalid_multipart` that says what is wrong.
    static func read(_ request: Request, limit: Int) async throws -> MultipartForm {
        guard let contentType = request.headers[.contentType], let boundary = boundary(contentType) else {
            throw APIError(.badRequest, code: "invalid_multipart", detail: "multipart/form-data needs a boundary parameter of 1 to 70 characters")
        }
        var body = try await RequestBody.collect(request, limit: limit)
        let bytes = body.readBytes(length: body.readableBytes) ?? []
        do {
            return try parse(bytes, boundary: boundary)
        } catch {
            throw APIError(.badRequest, code: "invalid_multipart", detail: "the multipart/form-data body is malformed: \(error.detail)")
        }
    }

    /// The `boundary` parameter of a multipart Content-Type (RFC 2046: 1 to 70 characters).
    static func boundary(_ contentType: String) -> String? {
        guard let value = HeaderParameters.value(of: "boundary", in: contentType), (1...70).contains(value.utf8.count) else { return nil }
        return value
    }

    /// What is wrong with a body, for the 400's detail.
    struct ParseError: Error, Equatable {
        var detail: String
    }

    /// Parses a whole body: preamble and epilogue are ignored, every part needs its headers
    /// ended by an empty line, and the body must end with the close delimiter.
    static func parse(_ body: [UInt8], boundary: String) throws(ParseError) -> MultipartForm {
        // Every delimiter but a first one at the very start is CRLF "--" boundary.
        let delimiter = DelimiterSearch(pattern: Array("\r\n--\(boundary)".utf8))
        let length = delimiter.pattern.count
        var position: Int
        if body.starts(with: delimiter.pattern.dropFirst(2)) {
            position = length - 2
        } else if let first = delimiter.firstMatch(in: body, from: 0) {
            position = first + length
        } else {
            throw ParseError(detail: "the boundary never occurs")
        }

        var parts: [Part] = []
        while true {
            // After a delimiter: "--" closes the body; otherwise optional padding, then CRLF.
            if body.hasBytes("--", at: position) { return MultipartForm(parts: parts) }
            while position < body.count, body[position] == UInt8(ascii: " ") || body[position] == UInt8(ascii: "\t") { position += 1 }
            guard body.hasBytes("\r\n", at: position) else {
                throw ParseError(detail: position >= body.count ? "it ends before its closing boundary" : "a boundary is not followed by a line break")
            }
            position += 2
            guard parts.count < maxParts else { throw ParseError(detail: "more than \(maxParts) parts") }

            let headers = try headerSection(body, from: &position)
            guard let end = delimiter.firstMatch(in: body, from: position) else {
                throw ParseError(detail: "it ends before its closing boundary")
            }
            let disposition = headers.first { $0.name == "content-disposition" }?.value ?? ""
            guard disposition.lowercased().hasPrefix("form-data") else {
                throw ParseError(detail: "a part has no Content-Disposition: form-data header")
            }
            parts.append(Part(
                name: HeaderParameters.value(of: "name", in: disposition) ?? "",
                fileName: HeaderParameters.value(of: "filename", in: disposition),
                contentType: headers.first { $0.name == "content-type" }?.value,
                bytes: Array(body[position..<end])
            ))
            position = end + length
        }
    }

    /// A part's header lines up to the empty line that ends them; names are lower-cased.
    static func headerSection(_ body: [UInt8], from position: inout Int) throws(ParseError) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        let start = position
        while true {
            guard let lineEnd = body.firstCRLF(from: position, within: start + maxHeaderBytes) else {
                throw ParseError(detail: body.count - start > maxHeaderBytes
                    ? "a part's headers are longer than \(maxHeaderBytes) bytes" : "a part's headers are not ended by an empty line")
            }
            defer { position = lineEnd + 2 }
            if lineEnd == position { return headers }
            let line = body[position..<lineEnd]
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > position,
                  line[..<colon].allSatisfy(isTokenCharacter) else {
                throw ParseError(detail: "a part has a malformed header line")
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: headerWhitespace)
            headers.append((name, value))
        }
    }

    /// RFC 9110 token characters, which header names are made of.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

/// Boyer–Moore–Horspool search for one fixed pattern: on bytes that rarely match the
/// pattern's last byte it reads about one byte in `pattern.count`.
struct DelimiterSearch: Sendable {
    let pattern: [UInt8]
    private let shift: [Int]

    init(pattern: [UInt8]) {
        precondition(!pattern.isEmpty)
        self.pattern = pattern
        var shift = [Int](repeating: pattern.count, count: 256)
        for (index, byte) in pattern.dropLast().enumerated() { shift[Int(byte)] = pattern.count - 1 - index }
        self.shift = shift
    }

    /// Where the pattern first starts at or after `start`.
    func firstMatch(in bytes: [UInt8], from start: Int) -> Int? {
        let count = pattern.count
        guard start >= 0, bytes.count - start >= count else { return nil }
        return bytes.withUnsafeBufferPointer { haystack in
            pattern.withUnsafeBufferPointer { needle in
                shift.withUnsafeBufferPointer { shift in
                    let last = needle[count - 1]
                    var index = start
                    while index <= haystack.count - count {
                        let byte = haystack[index + count - 1]
                        if byte == last {
                            var matched = 0
                            while matched < count - 1, haystack[index + matched] == needle[matched] { matched += 1 }
                            if matched == count - 1 { return index }
                        }
                        index += shift[Int(byte)]
                    }
                    return nil
                }
            }
        }
    }
}

/// Parameters of a structured header value such as `form-data; name="file"; filename="a.pdf"`
/// or `multipart/form-data; boundary=xyz` (RFC 9110 §5.6.6), quoted strings included.
enum HeaderParameters {
    /// The value of parameter `key` (case-insensitive), unquoted; nil when absent or malformed.
    static func value(of key: String, in header: String) -> String? {
        var scalars = Substring(header).unicodeScalars[...]
        // Skip the leading value (`form-data`, the media type) up to the first semicolon.
        guard let firstSemicolon = scalars.firstIndex(of: ";") else { return nil }
        scalars = scalars[scalars.index(after: firstSemicolon)...]
        while !scalars.isEmpty {
            scalars = scalars.drop { $0 == " " || $0 == "\t" }
            let nameEnd = scalars.firstIndex { $0 == "=" || $0 == ";" } ?? scalars.endIndex
            let name = String(Substring(scalars[..<nameEnd])).trimmingCharacters(in: headerWhitespace).lowercased()
            guard nameEnd < scalars.endIndex, scalars[nameEnd] == "=" else {
                scalars = nameEnd < scalars.endIndex ? scalars[scalars.index(after: nameEnd)...] : scalars[scalars.endIndex...]
                continue
            }
            scalars = scalars[scalars.index(after: nameEnd)...].drop { $0 == " " || $0 == "\t" }
            var value = ""
            if scalars.first == "\"" {
                // A quoted string: backslash escapes the next character; it must be closed.
                scalars = scalars.dropFirst()
                var closed = false
                while let scalar = scalars.popFirst() {
                    if scalar == "\"" { closed = true; break }
                    if scalar == "\\", let escaped = scalars.popFirst() { value.unicodeScalars.append(escaped) } else { value.unicodeScalars.append(scalar) }
                }
                guard closed else { return nil }
                scalars = scalars.drop { $0 != ";" }
            } else {
                let end = scalars.firstIndex(of: ";") ?? scalars.endIndex
                value = String(Substring(scalars[..<end])).trimmingCharacters(in: headerWhitespace)
                scalars = scalars[end...]
            }
            if name == key.lowercased() { return value }
            scalars = scalars.dropFirst()  // the semicolon
        }
        return nil
    }
}

extension [UInt8] {
    /// Whether `text`'s bytes occur at `position`.
    fileprivate func hasBytes(_ text: StaticString, at position: Int) -> Bool {
        let count = text.utf8CodeUnitCount
        guard position >= 0, self.count - position >= count else { return false }
        return text.withUTF8Buffer { self[position..<(position + count)].elementsEqual($0) }
    }

    /// The index of the next CRLF at or after `position`, looking no further than `limit`.
    fileprivate func firstCRLF(from position: Int, within limit: Int) -> Int? {
        var index = position
        let end = Swift.min(count - 1, limit)
        while index < end {
            if self[index] == 13, self[index + 1] == 10 { return index }
            index += 1
        }
        return nil
    }
}
