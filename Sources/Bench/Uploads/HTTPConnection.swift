import ArgumentParser
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One keep-alive HTTP/1.1 connection to the server, used by one task at a time (swift-nio's
/// HTTP/1 codec over an `NIOAsyncChannel`).
final class HTTPConnection {
    private var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    private let host: String
    /// False once the server has said it will close the connection.
    private(set) var reusable = true

    private init(inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>, outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>, host: String) {
        self.inbound = inbound.makeAsyncIterator()
        self.outbound = outbound
        self.host = host
    }

    /// Connects to 127.0.0.1:`port`, runs `body` and closes the connection.
    static func with<Result: Sendable>(port: Int, _ body: (HTTPConnection) async throws -> Result) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await body(HTTPConnection(inbound: inbound, outbound: outbound, host: "127.0.0.1:\(port)"))
        }
    }

    /// Sends one request and reads the whole answer.
    func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: ByteBuffer? = nil) async throws -> HTTPAnswer {
        var head = HTTPRequestHead(version: .http1_1, method: method, uri: path)
        head.headers.add(name: "Host", value: host)
        head.headers.add(contentsOf: headers)
        if let body { head.headers.add(name: "Content-Length", value: String(body.readableBytes)) }
        var parts: [HTTPClientRequestPart] = [.head(head)]
        if let body { parts.append(.body(.byteBuffer(body))) }
        parts.append(.end(nil))
        try await outbound.write(contentsOf: parts)

        var status: Int?
        var responseHeaders = HTTPHeaders()
        var received = ByteBuffer()
        while let part = try await inbound.next() {
            switch part {
            case let .head(response):
                status = Int(response.status.code)
                responseHeaders = response.headers
                reusable = response.isKeepAlive
            case var .body(chunk):
                received.writeBuffer(&chunk)
            case .end:
                guard let status else { throw ValidationError("an answer without a status line") }
                return HTTPAnswer(status: status, body: received, headers: responseHeaders)
            }
        }
        reusable = false
        throw ValidationError("the server closed the connection mid-answer")
    }

    /// Sends a JSON object (with a bearer token, when given).
    func send(_ method: HTTPMethod, _ path: String, json: [String: String], bearer: String? = nil) async throws -> HTTPAnswer {
        var headers = [("Content-Type", "application/json")]
        if let bearer { headers.append(("Authorization", "Bearer \(bearer)")) }
        return try await send(method, path, headers: headers, body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
    }
}

/// A status, headers and a body.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: ByteBuffer
    /// The answer's headers (cookies a page sets, for instance).
    var headers = HTTPHeaders()

    /// The value of a cookie the answer sets, if it sets it.
    func cookie(_ name: String) -> String? {
        headers["Set-Cookie"].lazy.compactMap { line -> String? in
            guard line.hasPrefix(name + "=") else { return nil }
            return String(line.dropFirst(name.count + 1).prefix { $0 != ";" })
        }.first
    }

    var text: String { String(buffer: body) }

    /// Itself when the status is `expected`; an error naming the answer otherwise.
    @discardableResult
    func expect(_ expected: Int) throws -> HTTPAnswer {
        guard status == expected else { throw ValidationError("expected \(expected), got \(status): \(text.prefix(300))") }
        return self
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(body.readableBytesView))
    }
}
