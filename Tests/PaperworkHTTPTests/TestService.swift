import Composition
import Configuration
import Foundation
import Logging
import Synchronization
import Hummingbird
import HummingbirdTesting
import Isolation
import LOA
import NIOCore
import Prometheus
import Store
import StoreTestSupport
import Testing
import TestSupport
import Workflow
@testable import PaperworkHTTP

/// A service over a fresh store of one backend, with the repository's real mail templates and
/// a real inspector; bcrypt at its lowest cost so the suite stays fast.
struct TestService: Sendable {
    let store: Store
    let dependencies: ServiceDependencies

    static func make(
        _ backend: Backend = .sqlite, review: (inout CertificateIntake.Policy) -> Void = { _ in }, adjust: (inout Accounts.Policy) -> Void = { _ in },
        revalidation: (inout Revalidation.Settings) -> Void = { _ in }, rateLimits: RateLimits.Policy? = nil
    ) async throws -> TestService {
        let (store, _) = try await backend.freshStore()
        do {
            try await store.migrate()
            let wiring = Wiring(settings: settings, logger: Logger(label: "paperwork.tests"))
            var policies = wiring.policies(poolSize: 1)
            policies.revalidation.batchSize = 3
            adjust(&policies.accounts)
            review(&policies.review)
            revalidation(&policies.revalidation)
            var dependencies = try await wiring.services(
                store: store, inspector: InProcessInspector(), metrics: PrometheusCollectorRegistry(), identity: try signingIdentity, policies: policies
            )
            if let rateLimits { dependencies.rateLimits = RateLimits(rateLimits) }
            return TestService(store: store, dependencies: dependencies)
        } catch {
            // Close before throwing: an unclosed pool aborts the test process when it is freed.
            await store.close()
            throw error
        }
    }

    /// The services over `store` as the test service wires them, metrics into `metrics`.
    static func dependencies(store: Store, metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) async throws -> ServiceDependencies {
        let wiring = Wiring(settings: settings, logger: Logger(label: "paperwork.tests"))
        return try await wiring.services(store: store, inspector: InProcessInspector(), metrics: metrics, identity: try signingIdentity, policies: wiring.policies(poolSize: 1))
    }

    /// The settings of every test service: the repository's templates, test addresses, bcrypt
    /// at its lowest cost so the suite stays fast.
    static let settings = ServerSettings(config: ConfigReader(provider: InMemoryProvider(values: [
        "templates.directory": .init(.string(SourceTree.root.appendingPathComponent("templates").path), isSecret: false),
        "http.public.url": "https://paperwork.test",
        "mail.support": "support@paperwork.test",
        "auth.bcrypt.cost": 4,
    ])))

    /// One development signing identity for the whole test run.
    static let signingIdentityResult = Result { () throws(LOAError) -> SigningIdentity in try SigningIdentity.generateDevelopment(organization: "Paperwork tests") }
    static var signingIdentity: SigningIdentity { get throws { try signingIdentityResult.get() } }

    /// The repository's mail templates, with test addresses.
    static func mailComposer() async throws -> MailComposer {
        try await settings.mailComposer()
    }

    /// Runs `body` with a test client, then closes the store.
    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        do {
            try await Application(router: buildRouter(dependencies: dependencies)).test(.router, body)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    /// The outbox's messages to one address, oldest first.
    func mails(to address: String) async throws -> [OutboxMessage] {
        try await store.withSession { try await OutboxRepository.all(on: $0) }.filter { $0.recipient == address }
    }
}

/// A JSON answer: status, problem code (if any) and the parsed object.
struct Answer {
    var status: HTTPResponse.Status
    var json: [String: Any]
    var contentType: String?
    var raw: ByteBuffer

    var code: String? { json["code"] as? String }
    subscript(key: String) -> Any? { json[key] }
    func string(_ key: String) -> String? { json[key] as? String }
}

extension TestClientProtocol {
    /// Sends a request (a JSON body when `json` is given) and parses the JSON answer.
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: Any? = nil, body: ByteBuffer? = nil, headers extra: HTTPFields = [:]) async throws -> Answer {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var payload = body
        if let json {
            headers[.contentType] = "application/json"
            payload = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json))
        }
        return try await execute(uri: uri, method: method, headers: headers, body: payload) { response in
            let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any] ?? [:]
            return Answer(status: response.status, json: object, contentType: response.headers[.contentType], raw: response.body)
        }
    }
}

/// The secret in an e-mail's body (`su_…`, `inv_…`).
func secret(withPrefix prefix: String, in body: String) -> String? {
    guard let range = body.range(of: prefix + "[A-Za-z0-9_-]{20,}", options: .regularExpression) else { return nil }
    return String(body[range])
}

/// Signs a user up through the API (start, read the e-mail, complete); returns their token.
func signUp(_ client: some TestClientProtocol, _ service: TestService, email: String, name: String = "Test User") async throws -> String {
    let started = try await client.call(.post, "/v1/signup", json: ["email": email])
    #expect(started.status == .accepted)
    let mail = try #require(try await service.mails(to: email).last)
    let token = try #require(secret(withPrefix: "su_", in: mail.body))
    let completed = try await client.call(.post, "/v1/signup/complete", json: ["token": token, "password": "correct horse battery", "full_name": name])
    #expect(completed.status == .created)
    return try #require(completed.string("token"))
}

/// Registers a company for a signed-up user; returns its id.
func register(_ client: some TestClientProtocol, token: String, name: String, country: String = "GB") async throws -> String {
    let answer = try await client.call(.post, "/v1/companies", token: token, json: ["legal_name": name, "country": country, "registration_number": "0123 4567"])
    #expect(answer.status == .created)
    return try #require(answer.string("id"))
}

/// A clock tests move forward by hand (claims lapse, due times pass).
final class TestClock: Sendable {
    private let current = Mutex(Date())
    var now: Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A staff token made directly in the store (as `paperwork tokens create` does).
func staffToken(_ service: TestService, role: StaffRole, name: String) async throws -> String {
    try await service.store.transaction { try await TokenRepository.create(name: name, for: .staff(role: role, tokenName: name), on: $0) }.secret
}

/// A sample file from `samples/`.
func sample(_ name: String) throws -> [UInt8] {
    try [UInt8](Data(contentsOf: SourceTree.root.appendingPathComponent("samples/" + name)))
}
