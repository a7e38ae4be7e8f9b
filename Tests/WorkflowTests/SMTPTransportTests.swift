import Foundation
import Isolation
import Store
import Testing
@testable import Workflow

/// Deliveries to a real SMTP server (aiosmtpd, started on 127.0.0.1 for each test) that
/// demands STARTTLS and authenticates `paperwork`/`secret`.
@Suite("SMTP transport")
struct SMTPTransportTests {
    struct Server {
        var process: ChildProcess.Running
        var port: Int
        var maildir: String
        var certificate: String
    }

    /// A delivery's deadline here: generous, because CI machines run many suites at once and
    /// a loaded 2-core machine can be slow to schedule the server; a refusal still comes at once.
    static let patience: Duration = .seconds(180)

    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_test_server.py").path

    func startServer() throws -> Server {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-smtp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let certificate = folder + "/cert.pem", key = folder + "/key.pem"
        let made = try ChildProcess.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", certificate,
            "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
        ], capturingErrors: true)
        try #require(made.exitStatus == 0, "openssl: \(String(decoding: made.errors, as: UTF8.self))")
        let process = try ChildProcess.start("/usr/bin/env", ["python3", Self.script, folder + "/mail", certificate, key])
        let ready = try #require(process.readLine(), "the SMTP server did not start (is aiosmtpd installed?)")
        let port = try #require(Int(ready.dropFirst("READY ".count)))
        return Server(process: process, port: port, maildir: folder + "/mail", certificate: certificate)
    }

    func message(to recipient: String = "admin@northwind.example") -> OutboxMessage {
        OutboxMessage(id: UUID().uuidString.lowercased(), createdAt: "2026-11-26T10:00:00.000Z", kind: "company_verified", recipient: recipient,
                      subject: "Your company has been verified", body: "NORTHWIND CONNECT LIMITED is verified.\n.\nA line with a lone dot above.",
                      status: .pending, attempts: 0, lastError: nil)
    }

    @Test("a message goes over STARTTLS with AUTH PLAIN and arrives whole")
    func deliversOverStartTLS() async throws {
        let server = try startServer()
        defer { server.process.stop() }
        let transport = SMTPTransport(configuration: .init(host: "localhost", port: server.port, security: .startTLS,
                                                           username: "paperwork", password: "secret", trustedCertificatesFile: server.certificate, timeout: Self.patience))
        try await transport.deliver(message(), from: "Paperwork <noreply@paperwork.example>")
        let files = try FileManager.default.contentsOfDirectory(atPath: server.maildir)
        #expect(files == ["1.eml"])
        let text = try String(contentsOfFile: server.maildir + "/1.eml", encoding: .utf8)
        #expect(text.contains("X-Envelope-From: noreply@paperwork.example"))
        #expect(text.contains("X-Envelope-To: admin@northwind.example"))
        #expect(text.contains("X-Authenticated: True"))
        #expect(text.contains("Subject: Your company has been verified"))
        #expect(text.contains("NORTHWIND CONNECT LIMITED is verified."))
        #expect(text.contains("\r\n.\r\nA line with a lone dot above."), "dot-stuffing is undone by the server")
    }

    @Test("a wrong password is refused, so the outbox retries later")
    func wrongPassword() async throws {
        let server = try startServer()
        defer { server.process.stop() }
        let transport = SMTPTransport(configuration: .init(host: "localhost", port: server.port, security: .startTLS,
                                                           username: "paperwork", password: "wrong", trustedCertificatesFile: server.certificate, timeout: Self.patience))
        await #expect(throws: SMTPTransport.Refused.self) { try await transport.deliver(message(), from: "noreply@paperwork.example") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.maildir).isEmpty)
    }

    @Test("a server certificate nobody vouches for ends the delivery before any credential is sent")
    func untrustedCertificate() async throws {
        let server = try startServer()
        defer { server.process.stop() }
        let transport = SMTPTransport(configuration: .init(host: "localhost", port: server.port, security: .startTLS,
                                                           username: "paperwork", password: "secret"))
        await #expect(throws: (any Error).self) { try await transport.deliver(message(), from: "noreply@paperwork.example") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.maildir).isEmpty)
    }

    @Test("without STARTTLS the server refuses the message, and no password is ever sent in clear")
    func plainIsRefused() async throws {
        let server = try startServer()
        defer { server.process.stop() }
        let withCredentials = SMTPTransport(configuration: .init(host: "localhost", port: server.port, security: .none, username: "paperwork", password: "secret"))
        await #expect(throws: SMTPTransport.Refused.self) { try await withCredentials.deliver(message(), from: "noreply@paperwork.example") }
        let anonymous = SMTPTransport(configuration: .init(host: "localhost", port: server.port, security: .none))
        await #expect(throws: SMTPTransport.Refused.self) { try await anonymous.deliver(message(), from: "noreply@paperwork.example") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: server.maildir).isEmpty)
    }
}
