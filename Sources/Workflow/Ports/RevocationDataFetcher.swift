import AsyncHTTPClient
import LOA
import NIOCore

/// Gathers what a timestamped letter needs to reach PAdES B-LT: the certificates of the
/// signer's and the time-stamping authority's chains and a CRL for each certificate that is
/// not a trust anchor, fetched from the distribution points the certificates name, then
/// stored in the letter's `/DSS`.
///
/// A letter reaches B-LT only when every certificate's revocation data was fetched: a store
/// with gaps would claim more than it proves. Anything that fails leaves the letter at B-T
/// (still valid, timestamped), and the timestamp run tries again later.
///
/// CRLs are cached for ``Settings/cacheLifetime``: one authority's CRL serves every letter
/// issued meanwhile, so B-LT costs a fetch per authority and lifetime, not per letter.
public actor RevocationDataFetcher {
    /// Limits on fetching.
    public struct Settings: Sendable, Hashable {
        /// How long one fetch may take.
        public var timeout: Duration = .seconds(5)
        /// The largest CRL accepted (an authority's whole CRL; 10 MiB).
        public var maximumBytes = 10 << 20
        /// How long a fetched CRL is reused (15 minutes: well within any CRL's next update).
        public var cacheLifetime: Duration = .seconds(15 * 60)

        /// The defaults.
        public init() {}
    }

    /// Why a letter stays at B-T, with a stable code.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// `revocation_data_unavailable`: a certificate names no CRL, or none could be fetched.
        public var code = "revocation_data_unavailable"
        /// What happened, for operators.
        public var message: String
        public var description: String { "\(code): \(message)" }
    }

    /// The limits in force.
    public let settings: Settings
    private var cache: [String: (crl: [UInt8], fetched: ContinuousClock.Instant)] = [:]

    /// A fetcher per `settings`, with an empty cache.
    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// `pdf` (signed and timestamped) with a document security store holding its chains'
    /// certificates (and `anchors`, the time-stamping authority's CA certificates, which tokens
    /// often leave out) and a CRL for each certificate that is not self-signed.
    public func addingValidationData(to pdf: [UInt8], anchors: [[UInt8]]) async throws -> [UInt8] {
        var certificates = try LOASigner.embeddedCertificates(of: pdf)
        for anchor in anchors where !certificates.contains(anchor) { certificates.append(anchor) }
        var crls: [[UInt8]] = []
        for source in LOASigner.revocationSources(of: certificates) {
            guard !source.crlURLs.isEmpty else {
                throw Failure(message: "\(source.subject) names no CRL distribution point")
            }
            var fetched: [UInt8]?
            var problems: [String] = []
            for url in source.crlURLs {
                do {
                    fetched = try await revocationList(at: url)
                    break
                } catch {
                    problems.append("\(url): \(error)")
                }
            }
            guard let crl = fetched else {
                throw Failure(message: "no CRL for \(source.subject): " + problems.joined(separator: "; "))
            }
            if !crls.contains(crl) { crls.append(crl) }
        }
        return try LOASigner.addingValidationData(SignatureValidationData(certificates: certificates, crls: crls), to: pdf)
    }

    /// The CRL at `url`, from the cache while it is fresh.
    func revocationList(at url: String) async throws -> [UInt8] {
        let now = ContinuousClock.now
        if let cached = cache[url], now - cached.fetched < settings.cacheLifetime { return cached.crl }
        let crl = try await fetch(url)
        cache[url] = (crl, now)
        return crl
    }

    private func fetch(_ url: String) async throws -> [UInt8] {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .init(settings.timeout), read: .init(settings.timeout))
        configuration.redirectConfiguration = .follow(max: 3, allowCycles: false)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let body: ByteBuffer
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .init(settings.timeout))
            guard response.status == .ok else { throw Failure(message: "HTTP \(response.status.code)") }
            body = try await response.body.collect(upTo: settings.maximumBytes)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
        guard let crl = LOASigner.revocationList(from: Array(buffer: body)) else {
            throw Failure(message: "not a CRL (DER or PEM)")
        }
        return crl
    }
}
