import Foundation
import Testing
import TestSupport
@testable import PaperworkHTTP

/// A form body as a browser writes it: each part's headers, an empty line, its bytes.
private func form(boundary: String, preamble: String = "", epilogue: String = "", _ parts: [(headers: String, bytes: [UInt8])]) -> [UInt8] {
    var body = Array(preamble.utf8)
    for (index, part) in parts.enumerated() {
        body += Array(((index == 0 && preamble.isEmpty) ? "" : "\r\n").utf8)
        body += Array("--\(boundary)\r\n\(part.headers)\r\n\r\n".utf8)
        body += part.bytes
    }
    body += Array("\r\n--\(boundary)--\(epilogue)".utf8)
    return body
}

private func fileHeaders(_ name: String = "file", fileName: String, type: String = "application/pdf") -> String {
    "Content-Disposition: form-data; name=\"\(name)\"; filename=\"\(fileName)\"\r\nContent-Type: \(type)"
}

@Suite("multipart/form-data bodies")
struct MultipartFormTests {
    static let sampleNames = try! FileManager.default.contentsOfDirectory(atPath: SourceTree.root.appendingPathComponent("samples").path)
        .filter { $0.hasSuffix(".pdf") || $0.hasSuffix(".png") || $0.hasSuffix(".jpg") }.sorted()

    @Test("every sample comes out byte for byte, whatever CR, LF and dash bytes it holds", arguments: sampleNames)
    func samplesRoundTrip(_ name: String) throws {
        let bytes = try sample(name)
        let boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
        let body = form(boundary: boundary, [
            (headers: "Content-Disposition: form-data; name=\"note\"", bytes: Array("hello".utf8)),
            (headers: fileHeaders(fileName: name), bytes: bytes),
        ])
        let parsed = try MultipartForm.parse(body, boundary: boundary)
        #expect(parsed.parts.count == 2)
        #expect(parsed.text("note") == "hello")
        let file = try #require(parsed["file"])
        #expect(file.fileName == name)
        #expect(file.contentType == "application/pdf")
        #expect(file.bytes == bytes)
    }

    @Test("a preamble, an epilogue, padding after a boundary and near-boundaries inside a part are all accepted")
    func rfc2046Details() throws {
        let boundary = "xyz"
        // The part's content holds CRLF "--xy" and "--xyz" without a CRLF: neither is a delimiter.
        let content = Array("line\r\n--xy not it\r\n--x\r\n-x--xyz\r\n".utf8)
        var body = Array("this preamble is ignored\r\n--xyz \t\r\n".utf8)
        body += Array("Content-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n".utf8)
        body += content
        body += Array("\r\n--xyz--\r\nand this epilogue too".utf8)
        let parsed = try MultipartForm.parse(body, boundary: boundary)
        #expect(parsed["file"]?.bytes == content)
    }

    @Test("an empty part and a part with no Content-Type are read as such")
    func emptyParts() throws {
        let body = form(boundary: "b", [(headers: "Content-Disposition: form-data; name=\"photo\"; filename=\"\"", bytes: [])])
        let parsed = try MultipartForm.parse(body, boundary: "b")
        #expect(parsed["photo"]?.bytes == [])
        #expect(parsed["photo"]?.fileName == "")
        #expect(parsed["photo"]?.contentType == nil)
    }

    @Test("malformed bodies are refused with a reason", arguments: [
        ("no boundary at all", Array("just some bytes".utf8), "the boundary never occurs"),
        ("no closing boundary", Array("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nbytes".utf8), "it ends before its closing boundary"),
        ("cut after a boundary", Array("--b".utf8), "it ends before its closing boundary"),
        ("headers never end", Array("--b\r\nContent-Disposition: form-data; name=\"file\"\r\n".utf8), "a part's headers are not ended by an empty line"),
        ("junk after a boundary", Array("--bjunk\r\n\r\n\r\n--b--".utf8), "a boundary is not followed by a line break"),
        ("a header without a colon", Array("--b\r\nnot a header\r\n\r\nx\r\n--b--".utf8), "a part has a malformed header line"),
        ("a folded header", Array("--b\r\nContent-Disposition: form-data;\r\n name=\"file\"\r\n\r\nx\r\n--b--".utf8), "a part has a malformed header line"),
        ("a part that is not form-data", Array("--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--".utf8), "a part has no Content-Disposition: form-data header"),
    ])
    func malformed(_ what: String, _ body: [UInt8], _ detail: String) {
        #expect(throws: MultipartForm.ParseError(detail: detail), "\(what)") { try MultipartForm.parse(body, boundary: "b") }
    }

    @Test("hostile sizes stop early: endless headers and thousands of tiny parts")
    func hostileSizes() {
        let endless = Array("--b\r\nX-Padding: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        #expect(throws: MultipartForm.ParseError(detail: "a part's headers are longer than \(MultipartForm.maxHeaderBytes) bytes")) {
            try MultipartForm.parse(endless, boundary: "b")
        }
        let tiny = Array(String(repeating: "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n", count: 5000).utf8) + Array("--b--".utf8)
        #expect(throws: MultipartForm.ParseError(detail: "more than \(MultipartForm.maxParts) parts")) {
            try MultipartForm.parse(tiny, boundary: "b")
        }
    }

    @Test("header parameters: quoted strings with semicolons and escapes, any case, name never mistaken for filename")
    func headerParameters() {
        let disposition = #"form-data; Name="file"; filename="Kbis; 2024 \"final\".pdf""#
        #expect(HeaderParameters.value(of: "name", in: disposition) == "file")
        #expect(HeaderParameters.value(of: "filename", in: disposition) == #"Kbis; 2024 "final".pdf"#)
        #expect(HeaderParameters.value(of: "name", in: #"form-data; filename="a.pdf""#) == nil)
        #expect(HeaderParameters.value(of: "filename", in: #"form-data; name="file"; filename="never closed"#) == nil)
        #expect(MultipartForm.boundary("multipart/form-data; charset=utf-8; boundary=\"abc def\"") == "abc def")
        #expect(MultipartForm.boundary("multipart/form-data; boundary=" + String(repeating: "x", count: 71)) == nil)
        #expect(MultipartForm.boundary("multipart/form-data") == nil)
    }
}
