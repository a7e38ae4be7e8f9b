import Foundation
import NIOCore
import NIOPosix
import NIOSSL
public import Store

/// Delivers e-mails to an SMTP server (RFC 5321): plain, upgraded with STARTTLS, or over
/// implicit TLS, with `AUTH PLAIN` when credentials are set (only ever over TLS).
public struct SMTPTransport: MailTransport {
    /// How the connection is protected.
    public enum Security: String, Sendable, Hashable {
        /// No TLS (a relay on the same host or network only).
        case none
        /// Plain connection upgraded with `STARTTLS` before anything else is said.
        case startTLS = "starttls"
        /// TLS from the first byte (port 465).
        case tls
    }

    /// Where and how to connect.
    public struct Configuration: Sendable, Hashable {
        /// The server's host name (also checked against its certificate).
        public var host: String
        /// The server's port.
        public var port: Int
        /// How the connection is protected.
        public var security: Security
        /// `AUTH PLAIN` user name, if any.
        public var username: String?
        /// `AUTH PLAIN` password, if any.
        public var password: String?
        /// A PEM file of CA certificates to trust instead of the system's (for private relays).
        public var trustedCertificatesFile: String?
        /// How long one delivery may take.
        public var timeout: Duration

        /// A configuration; STARTTLS on port 587 unless said otherwise.
        public init(host: String, port: Int = 587, security: Security = .startTLS, username: String? = nil, password: String? = nil, trustedCertificatesFile: String? = nil, timeout: Duration = .seconds(30)) {
            self.host = host
            self.port = port
            self.security = security
            self.username = username
            self.password = password
            self.trustedCertificatesFile = trustedCertificatesFile
            self.timeout = timeout
        }
    }

    /// The transport's settings.
    public let configuration: Configuration

    /// A transport to one server.
    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// A delivery the server refused, with its reply.
    public struct Refused: Error, CustomStringConvertible {
        /// The command that was refused.
        public var command: String
        /// The server's reply.
        public var reply: String
        public var description: String { "SMTP server refused \(command): \(reply)" }
    }

    public func deliver(_ message: OutboxMessage, from sender: String) async throws {
        let text = RFC5322.render(message, from: sender)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // Whichever ends first, the other is cancelled (also when the delivery throws).
            defer { group.cancelAll() }
            group.addTask { try await send(text, from: sender, to: message.recipient) }
            group.addTask {
                try await Task.sleep(for: configuration.timeout)
                throw Refused(command: "delivery", reply: "no answer within \(configuration.timeout)")
            }
            try await group.next()
        }
    }

    private func tlsContext() throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let file = configuration.trustedCertificatesFile { tls.trustRoots = .file(file) }
        return try NIOSSLContext(configuration: tls)
    }

    private func send(_ text: String, from sender: String, to recipient: String) async throws {
        let tls = configuration.security == .none ? nil : try tlsContext()
        let implicitTLS = configuration.security == .tls
        let host = configuration.host
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if implicitTLS, let tls {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: host))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    return try NIOAsyncChannel<SMTPReply, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = inbound.makeAsyncIterator()
            func expect(_ command: String, _ codes: Set<Int>) async throws -> SMTPReply {
                guard let reply = try await replies.next() else { throw Refused(command: command, reply: "connection closed") }
                guard codes.contains(reply.code) else { throw Refused(command: command, reply: reply.description) }
                return reply
            }
            func say(_ line: String, expecting codes: Set<Int>, shownAs shown: String? = nil) async throws -> SMTPReply {
                try await outbound.write(ByteBuffer(string: line + "\r\n"))
                return try await expect(shown ?? line, codes)
            }
            _ = try await expect("greeting", [220])
            var hello = try await say("EHLO paperwork", expecting: [250])
            if configuration.security == .startTLS {
                guard hello.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw Refused(command: "STARTTLS", reply: "the server does not offer STARTTLS")
                }
                _ = try await say("STARTTLS", expecting: [220])
                guard let tls else { throw Refused(command: "STARTTLS", reply: "no TLS context") }
                let pipeline = channel.channel.pipeline
                try await channel.channel.eventLoop.submit {
                    try pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: host), position: .first)
                }.get()
                hello = try await say("EHLO paperwork", expecting: [250])
            }
            if let username = configuration.username, let password = configuration.password {
                guard configuration.security != .none else { throw Refused(command: "AUTH", reply: "credentials are only sent over TLS") }
                let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
                _ = try await say("AUTH PLAIN \(token)", expecting: [235], shownAs: "AUTH PLAIN")
            }
            _ = try await say("MAIL FROM:<\(Self.address(sender))>", expecting: [250])
            _ = try await say("RCPT TO:<\(Self.address(recipient))>", expecting: [250, 251])
            _ = try await say("DATA", expecting: [354])
            // Dot-stuffing: a line that starts with "." gets another one.
            let stuffed = text.split(separator: "\r\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
            try await outbound.write(ByteBuffer(string: stuffed + (stuffed.hasSuffix("\r\n") ? "" : "\r\n") + ".\r\n"))
            _ = try await expect("message", [250])
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }

    /// The bare address from `Name <address>` or `address`; CR and LF never pass.
    static func address(_ text: String) -> String {
        let bare: String
        if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
            bare = String(text[text.index(after: open)..<close])
        } else {
            bare = text
        }
        return bare.filter { $0 != "\r" && $0 != "\n" && $0 != "<" && $0 != ">" }
    }
}

/// One SMTP reply, possibly of several lines (`250-…` then `250 …`).
struct SMTPReply: Sendable, CustomStringConvertible {
    var code: Int
    var lines: [String]
    var description: String { "\(code) \(lines.joined(separator: " / "))" }
}

/// Turns the server's byte stream into whole replies; refuses absurdly long ones.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var pending: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 4096 { throw SMTPTransport.Refused(command: "reply", reply: "line too long") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex + 1
        guard var line = buffer.readString(length: length) else { return .needMoreData }
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        guard line.count >= 3, let code = Int(line.prefix(3)) else {
            throw SMTPTransport.Refused(command: "reply", reply: "malformed: \(line.prefix(80))")
        }
        let text = line.count > 4 ? String(line.dropFirst(4)) : ""
        pending.append(text)
        if pending.count > 100 { throw SMTPTransport.Refused(command: "reply", reply: "too many lines") }
        if line.count > 3, line[line.index(line.startIndex, offsetBy: 3)] == "-" { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: pending)))
        pending = []
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}
