import AsyncHTTPClient
public import Foundation
public import LOA
import NIOCore
import NIOHTTP1
import NIOSSL

/// A time-stamping authority (RFC 3161) that LOA signatures are timestamped by (PAdES B-T).
///
/// A timestamp proves the signature existed at that time, so a letter still verifies after
/// its signing certificate expires or is revoked. An authority that is slow or down never
/// blocks a letter: callers issue it at B-B and timestamp it later.
public struct TimestampAuthority: Sendable {
    /// Where the authority is and how to trust it.
    public struct Settings: Sendable, Hashable {
        /// The authority's URL (`http://` or `https://`), POSTed `application/timestamp-query`.
        public var url: String
        /// HTTP Basic credentials, when the authority asks for them.
        public var username: String?
        /// See ``username``.
        public var password: String?
        /// The authority's CA certificates (PEM): trusted for its `https://` server, and the
        /// chain a validator checks its tokens against. Tokens are not verified here beyond
        /// their imprint and nonce: tokens signed by OpenSSL-based authorities carry signed
        /// attributes out of DER order, which swift-certificates' strict DER refuses, while
        /// PDF validators (pyHanko, Acrobat) accept them.
        public var caFile: String?
        /// How long one request may take before the letter is issued without a timestamp.
        public var timeout: Duration = .seconds(10)

        /// An authority at `url`.
        public init(url: String, username: String? = nil, password: String? = nil, caFile: String? = nil, timeout: Duration = .seconds(10)) {
            self.url = url
            self.username = username
            self.password = password
            self.caFile = caFile
            self.timeout = timeout
        }
    }

    /// The settings in force.
    public let settings: Settings

    /// An authority per `settings`.
    public init(settings: Settings) {
        self.settings = settings
    }

    /// Why a timestamp could not be had, with a stable code.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// `timestamp_unavailable` (network, HTTP status, timeout) or `timestamp_refused`.
        public var code: String
        /// What happened, for operators.
        public var message: String
        public var description: String { "\(code): \(message)" }
    }

    /// Sends `request` and returns the checked token and the time it states.
    public func stamp(_ request: SignatureTimestampRequest) async throws(Failure) -> (token: [UInt8], time: Date) {
        var configuration = HTTPClient.Configuration()
        if settings.url.hasPrefix("https://"), let caFile = settings.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw Failure(code: "timestamp_unavailable", message: "the authority's CA file \(caFile) cannot be read")
            }
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .file(caFile)
            configuration.tlsConfiguration = tls
        }
        configuration.timeout = .init(connect: .init(settings.timeout), read: .init(settings.timeout))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let response: [UInt8]
        do {
            response = try await Self.post(request.der, to: settings, with: client)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        let stamped: (token: [UInt8], time: Date)
        do { stamped = try request.token(from: response) } catch {
            throw Failure(code: error.code, message: error.message)
        }
        return stamped
    }

    private static func post(_ body: [UInt8], to settings: Settings, with client: HTTPClient) async throws(Failure) -> [UInt8] {
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/timestamp-query")
        request.headers.add(name: "Accept", value: "application/timestamp-reply")
        if let username = settings.username {
            let credentials = Data("\(username):\(settings.password ?? "")".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(credentials)")
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .init(settings.timeout))
            guard response.status == .ok else {
                throw Failure(code: "timestamp_unavailable", message: "the authority answered HTTP \(response.status.code)")
            }
            let buffer = try await response.body.collect(upTo: 1 << 20)
            return Array(buffer: buffer)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(code: "timestamp_unavailable", message: "the authority could not be reached: \(error)")
        }
    }
}
