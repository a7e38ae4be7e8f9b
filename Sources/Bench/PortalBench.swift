import ArgumentParser
import Foundation
import Isolation
import NIOCore
import NIOHTTP1

/// The customer portal's signed-in pages under load: a real `paperwork serve` (SQLite, fresh
/// data directory) with verified companies, their members and ports, and the sample catalog.
///
/// Two figures, per page and over all pages:
/// - **server CPU per page**: one session asks for each page in turn, sequentially, and the
///   server's own CPU time (from `/proc`) is divided by the pages served;
/// - **latency with N concurrent sessions**: N keep-alive connections, each with a session
///   cookie, ask for the pages in turn for a few seconds; median and p99 of the answer times.
///   Twice: as people browse (each session waits a think time between pages, 0.5–1.5 ×
///   `--think-ms`; our Swift client), then saturated (no wait: N requests always outstanding,
///   so the answer time is N ÷ throughput by Little's law, and the figure is the server's
///   throughput). The saturated load comes from wrk, whose CPU per page is a third of our
///   Swift client's: on two shared cores the client's CPU is taken from the server's.
struct PortalBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "portal",
        abstract: "Server CPU per signed-in portal page, and answer times with many concurrent sessions, against a real paperwork serve."
    )

    @Option(help: "Concurrent signed-in sessions (keep-alive connections with a session cookie).")
    var sessions = 50

    @Option(help: "Customer companies, each verified, with ports; the sessions are spread over them.")
    var companies = 10

    @Option(help: "Ports ordered per company.")
    var ports = 3

    @Option(help: "Sequential requests of each page for the CPU figure.")
    var repeats = 400

    @Option(help: "Mean think time of a browsing session between two pages, in milliseconds.")
    var thinkMs = 1000

    @Option(help: "Seconds of concurrent load per round.")
    var seconds = 10

    @Option(help: "Rounds; the median round counts.")
    var rounds = 3

    @Option(help: "The paperwork binary (default: beside this one).")
    var paperwork: String?

    @Option(help: "The templates folder (the repository's templates/).")
    var templates = "templates"

    @Option(help: "The samples folder (the repository's samples/): the catalog and a certificate.")
    var samples = "samples"

    @Flag(help: "Keep the server's temporary data directory.")
    var keepData = false

    /// The pages measured, by name, for a session of `company`.
    static func pages(company: String) -> [(name: String, path: String)] {
        [
            ("status", "/companies/\(company)"),
            ("members", "/companies/\(company)/members"),
            ("ports", "/companies/\(company)/ports"),
            ("datacenter search", "/datacenters?q=example&country=GB"),
        ]
    }

    func run() async throws {
        guard sessions > 0, companies > 0, repeats > 0, seconds > 0, rounds > 0 else { throw ValidationError("give positive counts") }
        let binary = paperwork ?? URL(fileURLWithPath: WorkerPool.Configuration.currentExecutable)
            .deletingLastPathComponent().appendingPathComponent("paperwork").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-portal-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if !keepData { try? FileManager.default.removeItem(atPath: directory) } }
        let port = Int.random(in: 20_000..<40_000)
        let server = try ServerUnderTest.start(binary: binary, dataDirectory: directory, port: port, workers: 1, templates: templates)
        defer { server.stop() }
        try await server.waitUntilHealthy()

        let customers = try await PortalFixtures.make(
            server: server, binary: binary, companies: companies, portsEach: ports, samples: samples
        )
        // One signed-in session each: the companies' admins, signed in again as needed.
        var signedIn: [Customer] = []
        try await HTTPConnection.with(port: port) { connection in
            for index in 0..<sessions {
                var customer = customers[index % customers.count]
                if index >= customers.count {
                    customer.token = try await connection.send(.POST, "/v1/sessions", json: ["email": customer.email, "password": Customers.password])
                        .expect(201).decode(Customers.Session.self).token
                }
                signedIn.append(customer)
            }
        }
        print("portal bench: \(customers.count) verified companies with \(ports) ports each, \(sessions) sessions, binary \(binary)")

        // Server CPU per page: one session, one page kind at a time, after a warm-up.
        var cpuRows: [(String, Double)] = []
        try await HTTPConnection.with(port: port) { connection in
            let customer = customers[0]
            for (name, path) in Self.pages(company: customer.companyID) {
                for _ in 0..<20 { try await Self.get(connection, path, token: customer.token) }
                try await server.waitUntilIdle()
                let before = CPUTime.ofProcessTree(server.pid).server
                for _ in 0..<repeats { try await Self.get(connection, path, token: customer.token) }
                let after = CPUTime.ofProcessTree(server.pid).server
                cpuRows.append((name, (after - before) / Double(repeats) * 1000))
            }
        }
        print("\nserver CPU per page (ms), \(repeats) sequential requests each:")
        for (name, ms) in cpuRows { print("  \(name.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(format: "%.2f", ms))") }
        let cpuMedian = cpuRows.map(\.1).sorted()[cpuRows.count / 2]
        print("  median over pages: \(String(format: "%.2f", cpuMedian)) ms (target ≤ 5 ms)")

        // Answer times with every session signed in at once: browsing, then saturated.
        let browsing = "browsing, think time \(thinkMs) ms"
        var roundFigures: [RoundFigure] = []
        for round in 1...rounds {
            let figure = try await browsingRound(server: server, sessions: signedIn, thinkMs: thinkMs)
            roundFigures.append(figure)
            print(String(format: "%@ round %d: %d pages, %.0f pages/s, p50 %.1f ms, p99 %.1f ms, server CPU %.2f ms/page",
                         browsing, round, figure.pages, figure.perSecond, figure.p50, figure.p99, figure.cpu))
        }
        Self.summarize(roundFigures, sessions: sessions, label: browsing)

        let load = try WrkLoad.prepare(
            name: "portal",
            requests: (0..<Self.pages(company: "").count).flatMap { page in
                signedIn.map { customer in
                    WrkLoad.Request(method: "GET", path: Self.pages(company: customer.companyID)[page].path, headers: Self.browserHeaders(token: customer.token), body: nil)
                }
            },
            expectedStatus: 200, directory: directory
        )
        // Warm-up, not timed: the server opens its database connections as load needs them,
        // and each new SQLite connection reads the schema on its first statement.
        _ = try load.run(port: port, connections: sessions, seconds: 2)
        roundFigures = []
        for round in 1...rounds {
            try await server.waitUntilIdle()
            let cpuBefore = CPUTime.ofProcessTree(server.pid).server
            let answered = try load.run(port: port, connections: sessions, seconds: seconds)
            let cpu = (CPUTime.ofProcessTree(server.pid).server - cpuBefore) / Double(max(1, answered.requests)) * 1000
            guard answered.errors.isEmpty else { throw ValidationError("wrk: \(answered.errors.joined(separator: "; "))") }
            let figure = RoundFigure(pages: answered.requests, perSecond: Double(answered.requests) / answered.seconds, p50: answered.p50, p99: answered.p99, cpu: cpu,
                                     clientCPU: answered.cpu / Double(max(1, answered.requests)) * 1000)
            roundFigures.append(figure)
            print(String(format: "saturated (wrk) round %d: %d pages, %.0f pages/s, p50 %.1f ms, p99 %.1f ms, server CPU %.2f ms/page, wrk %.2f ms/page",
                         round, figure.pages, figure.perSecond, figure.p50, figure.p99, figure.cpu, figure.clientCPU ?? 0))
        }
        Self.summarize(roundFigures, sessions: sessions, label: "saturated, no think time (wrk)")
    }

    /// Prints the round with the median p99.
    static func summarize(_ roundFigures: [RoundFigure], sessions: Int, label: String) {
        let median = roundFigures.sorted { $0.p99 < $1.p99 }[roundFigures.count / 2]
        print(String(format: "%d concurrent sessions, %@ (median round by p99): p50 %.1f ms, p99 %.1f ms (target ≤ 50 ms), %.0f pages/s, server CPU %.2f ms/page\n",
                     sessions, label, median.p50, median.p99, median.perSecond, median.cpu))
    }

    /// One round's figures.
    struct RoundFigure { var pages: Int; var perSecond: Double; var p50: Double; var p99: Double; var cpu: Double; var clientCPU: Double? = nil }

    /// Every session asks for its pages in turn for `seconds`, waiting 0.5–1.5 × `thinkMs`
    /// between two (none when 0).
    func browsingRound(server: ServerUnderTest, sessions: [Customer], thinkMs: Int) async throws -> RoundFigure {
        try await server.waitUntilIdle()
        let port = server.port
        let cpuBefore = CPUTime.ofProcessTree(server.pid).server
        let started = ContinuousClock.now
        let deadline = started + .seconds(seconds)
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for (index, customer) in sessions.enumerated() {
                group.addTask {
                    try await HTTPConnection.with(port: port) { connection in
                        var times: [Double] = []
                        let pages = Self.pages(company: customer.companyID)
                        var next = index % pages.count
                        // Sessions start spread over one think time, as people do.
                        if thinkMs > 0 { try await Task.sleep(for: .milliseconds(Int.random(in: 0..<thinkMs))) }
                        while ContinuousClock.now < deadline {
                            let sent = ContinuousClock.now
                            try await Self.get(connection, pages[next].path, token: customer.token)
                            let elapsed = ContinuousClock.now - sent
                            times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                            next = (next + 1) % pages.count
                            if thinkMs > 0 { try await Task.sleep(for: .milliseconds(Int.random(in: thinkMs / 2...thinkMs * 3 / 2))) }
                        }
                        return times
                    }
                }
            }
            var all: [Double] = []
            for try await times in group { all += times }
            return all.sorted()
        }
        let wall = ContinuousClock.now - started
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        let cpu = (CPUTime.ofProcessTree(server.pid).server - cpuBefore) / Double(max(1, latencies.count)) * 1000
        return RoundFigure(
            pages: latencies.count, perSecond: Double(latencies.count) / wallSeconds,
            p50: latencies[latencies.count / 2], p99: latencies[min(latencies.count - 1, latencies.count * 99 / 100)], cpu: cpu
        )
    }

    /// What a signed-in French reader's browser sends.
    static func browserHeaders(token: String) -> [(String, String)] {
        [("Cookie", "pw_session=\(token); pw_lang=fr"), ("Accept-Language", "fr-FR,fr;q=0.9")]
    }

    /// Asks for a page as a signed-in browser does; anything but 200 stops the bench.
    static func get(_ connection: HTTPConnection, _ path: String, token: String) async throws {
        let answer = try await connection.send(.GET, path, headers: browserHeaders(token: token))
        guard answer.status == 200 else { throw ValidationError("GET \(path) answered \(answer.status): \(answer.text.prefix(200))") }
    }
}

/// Verified companies with ports, made through the API as customers, a reviewer and an
/// operator would: sign-up, company, certificate, approval, ports.
enum PortalFixtures {
    static func make(server: ServerUnderTest, binary: String, companies: Int, portsEach: Int, samples: String) async throws -> [Customer] {
        let operatorToken = try staffToken(binary: binary, role: "operator", dataDirectory: server.dataDirectory)
        let reviewerToken = try staffToken(binary: binary, role: "reviewer", dataDirectory: server.dataDirectory)
        try await HTTPConnection.with(port: server.port) { connection in
            let catalog = ByteBuffer(bytes: try readFile(samples + "/catalog/datacenters.json"))
            _ = try await connection.send(.POST, "/v1/datacenters/import", headers: [("Authorization", "Bearer \(operatorToken)"), ("Content-Type", "application/json")], body: catalog).expect(200)
            struct PanelsFile: Decodable { var panels: [[String: JSONValue]] }
            let panels = try JSONDecoder().decode(PanelsFile.self, from: Data(try readFile(samples + "/catalog/patch-panels.json"))).panels
            for var panel in panels {
                guard case let .number(id) = panel["peeringdb_id"] else { continue }
                panel["peeringdb_id"] = nil
                let body = ByteBuffer(bytes: try JSONEncoder().encode(["panels": [panel]]))
                _ = try await connection.send(.POST, "/v1/datacenters/pdb-\(Int(id))/panels", headers: [("Authorization", "Bearer \(operatorToken)"), ("Content-Type", "application/json")], body: body).expect(201)
            }
        }
        let customers = try await Customers.create(count: companies, server: server)
        let certificate = try UploadFile(path: samples + "/uk-certificate-of-incorporation.pdf")
        struct Created: Decodable { var id: String }
        for customer in customers {
            try await HTTPConnection.with(port: server.port) { connection in
                let uploaded = try await connection.send(.POST, "/v1/companies/\(customer.companyID)/certificates",
                                                         headers: [("Authorization", "Bearer \(customer.token)"), ("Content-Type", certificate.contentType)], body: certificate.form)
                    .expect(201).decode(Created.self)
                _ = try await connection.send(.POST, "/v1/review/claims", json: ["certificate_id": uploaded.id], bearer: reviewerToken)
                _ = try await connection.send(.POST, "/v1/certificates/\(uploaded.id)/decision", json: ["outcome": "approve", "reason_code": "document_matches"], bearer: reviewerToken).expect(200)
                for index in 0..<portsEach {
                    _ = try await connection.send(.POST, "/v1/ports", json: [
                        "company_id": customer.companyID, "datacenter_id": index % 2 == 0 ? "pdb-900003" : "pdb-900006", "speed": "10G",
                    ], bearer: customer.token).expect(201)
                }
            }
        }
        return customers
    }

    /// A staff token from `paperwork tokens create`, as an operator makes one.
    static func staffToken(binary: String, role: String, dataDirectory: String) throws -> String {
        let made = try ChildProcess.run(binary, ["tokens", "create", "--role", role, "--name", "bench-\(role)", "--data-directory", dataDirectory, "--env-file", dataDirectory + "/empty.env"], capturingErrors: true)
        guard made.exitStatus == 0, let token = String(decoding: made.output, as: UTF8.self).firstMatch(of: /pw_[A-Za-z0-9_-]+/) else {
            throw ValidationError("paperwork tokens create failed: \(String(decoding: made.errors, as: UTF8.self).prefix(300))")
        }
        return String(token.output)
    }
}

/// A JSON value, enough to pass the sample panels file through unchanged.
enum JSONValue: Codable, Sendable {
    case string(String), number(Double), bool(Bool), null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else { self = .string(try container.decode(String.self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case let .string(value): try container.encode(value)
        case let .number(value): value.rounded() == value && abs(value) < 1e15 ? try container.encode(Int(value)) : try container.encode(value)
        case let .bool(value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
