import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import Testing
@testable import PaperworkHTTP
import Isolation
import Store

@Suite("Health and metrics")
struct HealthAndMetricsTests {
    func makeRouter() async throws -> (Router<PaperworkRequestContext>, Store) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-http-\(UUID().uuidString)").path
        let store = try await Store.open(try DatabaseLocation(url: nil, dataDirectory: directory), dataDirectory: directory, logger: Logger(label: "test"))
        try await store.migrate()
        let registry = PrometheusCollectorRegistry()
        let router = buildRouter(dependencies: try await TestService.dependencies(store: store, metrics: registry))
        return (router, store)
    }

    @Test("GET /health answers 200 with the database's state")
    func health() async throws {
        let (router, store) = try await makeRouter()
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(String(buffer: response.body) == #"{"database":"ok","status":"ok"}"#)
            }
        }
        await store.close()
    }

    @Test("GET /health answers 503 when the database is gone")
    func healthWithoutDatabase() async throws {
        let (router, store) = try await makeRouter()
        await store.close()
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }

    @Test("GET /metrics serves Prometheus text")
    func metrics() async throws {
        let (router, store) = try await makeRouter()
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            }
        }
        await store.close()
    }
}
