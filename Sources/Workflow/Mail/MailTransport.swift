public import Foundation
public import Store

/// How e-mails leave the outbox.
public protocol MailTransport: Sendable {
    /// Delivers one message; throws to have it retried later.
    func deliver(_ message: OutboxMessage, from sender: String) async throws
}

/// Writes each message as an RFC 5322 `.eml` file under a folder (the default transport:
/// a newcomer sees every e-mail without a mail server; operators can point any MTA at it).
public struct EMLDirectoryTransport: MailTransport {
    /// The folder the files go to (`<data>/outbox`).
    public let directory: String

    /// Uses (and creates) `directory`.
    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    public func deliver(_ message: OutboxMessage, from sender: String) async throws {
        // 8bit: a French e-mail's links and tokens stay whole and readable in the file, as the
        // start-up message tells newcomers to read them there; mail programs open it as is.
        let text = RFC5322.render(message, from: sender, allow8bit: true)
        let final = "\(directory)/\(message.createdAt.filter { $0.isNumber })-\(message.id).eml"
        let temporary = final + ".partial"
        try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
        // Whole file or nothing under the final name.
        if FileManager.default.fileExists(atPath: final) { try FileManager.default.removeItem(atPath: final) }
        try FileManager.default.moveItem(atPath: temporary, toPath: final)
    }
}

/// Plain-text e-mails as RFC 5322 / MIME text, CRLF line ends.
public enum RFC5322 {
    /// The message with its headers; non-ASCII subjects are RFC 2047 encoded. A body of short
    /// ASCII lines goes as it is (`7bit`: links and tokens stay whole and readable in an
    /// `.eml` file); with `allow8bit` (files, not SMTP) a UTF-8 body of short lines goes as it
    /// is too (`8bit`); any other body is UTF-8 quoted-printable, which every transport carries.
    public static func render(_ message: OutboxMessage, from sender: String, date: Date = Date(), allow8bit: Bool = false) -> String {
        let body = message.body.replacingOccurrences(of: "\r\n", with: "\n")
        let shortLines = body.split(separator: "\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 998 }
        let ascii = body.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x09 }
        let eightBit = allow8bit && !ascii && shortLines && body.unicodeScalars.allSatisfy { ($0.value >= 0x20 && $0.value != 0x7F) || $0 == "\n" || $0 == "\t" }
        let plain = ascii && shortLines
        let domain = sender.split(separator: "@").last.map(String.init) ?? "paperwork.invalid"
        var lines = [
            "From: \(sender)",
            "To: \(message.recipient)",
            "Subject: \(encodedWord(message.subject))",
            "Date: \(rfc2822Date(date))",
            "Message-ID: <\(message.id)@\(domain)>",
            "MIME-Version: 1.0",
        ]
        let textHeaders = [
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(plain ? "7bit" : eightBit ? "8bit" : "quoted-printable")",
        ]
        let text = plain || eightBit ? body.replacingOccurrences(of: "\n", with: "\r\n") : quotedPrintable(body)
        guard !message.attachments.isEmpty, message.attachmentData.count == message.attachments.count else {
            lines += textHeaders + ["X-Paperwork-Kind: \(message.kind)", "", text]
            return lines.joined(separator: "\r\n") + "\r\n"
        }
        // multipart/mixed: the text, then each file in base64 (lines of 76 characters).
        let boundary = "=_paperwork_\(message.id)"
        lines += ["Content-Type: multipart/mixed; boundary=\"\(boundary)\"", "X-Paperwork-Kind: \(message.kind)", "",
                  "This is a MIME message with attachments.", "--\(boundary)"]
        lines += textHeaders + ["", text]
        for (attachment, data) in zip(message.attachments, message.attachmentData) {
            let name = attachment.fileName.filter { $0 != "\"" && $0 != "\\" && !$0.isNewline }
            lines += [
                "--\(boundary)",
                "Content-Type: \(attachment.contentType); name=\"\(name)\"",
                "Content-Disposition: attachment; filename=\"\(name)\"",
                "Content-Transfer-Encoding: base64",
                "",
            ]
            let encoded = Array(Data(data).base64EncodedString().utf8)
            var start = 0
            while start < encoded.count {
                let end = min(start + 76, encoded.count)
                lines.append(String(decoding: encoded[start..<end], as: UTF8.self))
                start = end
            }
        }
        lines.append("--\(boundary)--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func encodedWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII || $0.value < 0x20 }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func quotedPrintable(_ text: String) -> String {
        var out: [String] = []
        for line in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            var encoded = ""
            var width = 0
            for byte in line.utf8 {
                let piece: String
                if (byte >= 33 && byte <= 126 && byte != 61) || byte == 32 {
                    piece = String(UnicodeScalar(byte))
                } else {
                    piece = String(format: "=%02X", byte)
                }
                if width + piece.count > 75 {
                    encoded += "=\r\n"
                    width = 0
                }
                encoded += piece
                width += piece.count
            }
            if encoded.hasSuffix(" ") { encoded = String(encoded.dropLast()) + "=20" }
            out.append(encoded)
        }
        return out.joined(separator: "\r\n")
    }

    static func rfc2822Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
