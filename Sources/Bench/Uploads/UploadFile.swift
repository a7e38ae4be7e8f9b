import Foundation
import NIOCore

/// A file read once and wrapped in a multipart/form-data body (field `file`).
struct UploadFile: Sendable {
    static let boundary = "paperwork-bench-7d1c9f0e"
    let name: String
    let form: ByteBuffer
    var contentType: String { "multipart/form-data; boundary=\(Self.boundary)" }

    /// The Content-Type a browser would send for the file, from its extension.
    static func mimeType(of path: String) -> String {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "pdf": "application/pdf"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        default: "application/octet-stream"
        }
    }

    init(path: String) throws {
        name = URL(fileURLWithPath: path).lastPathComponent
        let mime = Self.mimeType(of: path)
        var form = ByteBuffer()
        form.writeString("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: \(mime)\r\n\r\n")
        form.writeBytes(try readFile(path))
        form.writeString("\r\n--\(Self.boundary)--\r\n")
        self.form = form
    }
}
