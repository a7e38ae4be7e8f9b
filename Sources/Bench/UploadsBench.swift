import ArgumentParser
import Foundation
import Intake
import Isolation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Uploads end to end: a real `paperwork serve` (SQLite, fresh data directory, its own worker
/// pool) is started as a child process, customers sign up and register companies through the
/// API, and wrk uploads the files concurrently over keep-alive connections. Each round then
/// runs the same files through an in-process worker pool of the same size, so that the ratio
/// end to end ÷ pool is taken within a round, as the other benchmarks take theirs.
struct UploadsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uploads",
        abstract: "Certificate uploads through the HTTP API of a real paperwork serve, against the worker pool's intake rate."
    )

    @Option(help: "Seconds of uploads per round (sent by wrk).")
    var seconds = 4

    @Option(help: "Pool documents per round: each file this many times.")
    var repeats = 60

    @Option(help: "Rounds, each running the uploads and the pool back to back; the median counts.")
    var rounds = 7

    @Option(help: "Concurrent keep-alive connections, and documents in flight in the pool (default: 4 per core).")
    var connections: Int?

    @Option(help: "Customer companies (one signed-up user each) that the uploads are spread over.")
    var companies = 12

    @Option(help: "Document workers, in the server and in the in-process pool (default: one per core).")
    var workers: Int?

    @Option(help: "The paperwork binary (default: beside this one).")
    var paperwork: String?

    @Option(help: "The templates folder (the repository's templates/).")
    var templates = "templates"

    @Flag(help: "Keep the server's temporary data directory (its database, blobs, outbox and log).")
    var keepData = false

    @Argument(help: "The files (e.g. samples/*.pdf); every upload must be answered 201.")
    var files: [String]

    func run() async throws {
        guard !files.isEmpty, repeats > 0, seconds > 0, rounds > 0, companies > 0 else { throw ValidationError("give files, and positive counts") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let poolSize = workers ?? cores
        // An upload spends part of its time outside the workers (its body arriving, its commit,
        // its answer): with 2 per core the workers waited for work; 4 per core keeps them busy.
        let inFlight = connections ?? 4 * cores
        let binary = paperwork ?? URL(fileURLWithPath: WorkerPool.Configuration.currentExecutable)
            .deletingLastPathComponent().appendingPathComponent("paperwork").path
        let samples = try files.map { try UploadFile(path: $0) }

        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-uploads-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let port = try await Self.freePort()
        let server = try ServerUnderTest.start(binary: binary, dataDirectory: dataDirectory, port: port, workers: poolSize, templates: templates)
        print("server: \(binary) serve on 127.0.0.1:\(port), SQLite in \(dataDirectory), \(poolSize) workers, log \(server.logFile)")

        var results: [RoundResult] = []
        var warmUpErrors: [String] = []
        do {
            try await server.waitUntilHealthy()
            let setupStart = ContinuousClock.now
            let customers = try await Customers.create(count: companies, server: server)
            print(String(format: "setup: %d users signed up (tokens from the outbox .eml files), signed in, %d companies registered in %.1f s",
                         customers.count, customers.count, (ContinuousClock.now - setupStart).milliseconds / 1000))

            let load = try WrkLoad.prepare(files: files, customers: customers, directory: dataDirectory)
            var configuration = WorkerPool.Configuration(executable: binary)
            configuration.size = poolSize
            let pool = WorkerPool(configuration: configuration)
            try await pool.start()

            // Warm up both paths: the server's workers, its connection pools and page cache,
            // the in-process pool.
            warmUpErrors = try await Self.upload(samples, count: max(files.count * 2, inFlight * 4), connections: inFlight, customers: customers, server: server)
            _ = try await IntakeBench.inspectAll(files, through: pool, concurrency: inFlight)

            let workload = Array(repeating: files, count: repeats).flatMap { $0 }
            for round in 0..<rounds {
                let serverBefore = CPUTime.ofProcessTree(server.pid)
                let uploads = try load.run(port: server.port, connections: inFlight, seconds: seconds)
                let serverAfter = CPUTime.ofProcessTree(server.pid)
                // wrk leaves up to one upload per connection in flight; let the server finish
                // them before the pool runs, or they would slow the pool down.
                try await server.waitUntilIdle()
                let poolBefore = CPUTime.ofProcessTree(getpid())
                // The pool checks each document against the claims of the company its upload
                // went to, as intake does: evidence search is part of intake's work.
                let poolMilliseconds = try await IntakeBench.inspectAll(workload, through: pool, concurrency: inFlight) {
                    CompanyClaims(legalName: customers[$0 % customers.count].legalName, registrationNumber: customers[$0 % customers.count].registrationNumber)
                }
                let poolAfter = CPUTime.ofProcessTree(getpid())
                let result = RoundResult(
                    uploads: uploads, poolDocumentsPerSecond: 1000 / poolMilliseconds,
                    serverCPU: serverAfter.server - serverBefore.server, workersCPU: serverAfter.workers - serverBefore.workers,
                    clientCPU: uploads.cpu,
                    poolParentCPU: poolAfter.server - poolBefore.server, poolWorkersCPU: poolAfter.workers - poolBefore.workers,
                    poolDocuments: workload.count
                )
                results.append(result)
                print(String(format: "round %2d: %7.1f uploads/s end to end, pool %7.1f documents/s, ratio %.3f, errors %d",
                             round + 1, result.uploadsPerSecond, result.poolDocumentsPerSecond, result.ratio, uploads.errors.count))
            }
            await pool.shutdown()
        } catch {
            server.stop()
            print("kept for diagnosis: \(dataDirectory)")
            throw error
        }
        let exit = server.stop()

        let rounds = results.map(\.uploads)
        // Warm-up answers are not timed, but they must be 201 too.
        let errors = warmUpErrors.map { "warm-up: " + $0 } + rounds.flatMap(\.errors)
        let ratios = results.map(\.ratio).sorted()
        let count = Double(rounds.map(\.requests).reduce(0, +))
        print("""
            uploads: \(files.count) files for \(companies) companies, \(seconds) s per round from wrk, \(rounds.count) rounds, \
            \(inFlight) connections (keep-alive); pool: each file × \(repeats) per round; medians of rounds
            """)
        print(String(format: "end to end:             %7.1f uploads/s (wall)", Self.median(results.map(\.uploadsPerSecond))))
        print(String(format: "latency (wrk, rounds):  p50 %.1f ms (median of rounds), p99 %.1f ms (worst round), max %.1f ms",
                     Self.median(rounds.map(\.p50)), rounds.map(\.p99).max() ?? .nan, rounds.map(\.max).max() ?? .nan))
        print(String(format: "pool intake in process: %7.1f documents/s (%d workers, %d in flight)", Self.median(results.map(\.poolDocumentsPerSecond)), poolSize, inFlight))
        print(String(format: "ratio end to end / pool: %.3f (quartiles %.3f–%.3f; target ≥ 0.70)",
                     Self.median(ratios), ratios[ratios.count / 4], ratios[(3 * ratios.count) / 4]))
        print(String(format: "CPU per upload: server %.2f ms, its workers %.2f ms, load generator %.2f ms (of %.2f ms wall × %d cores)",
                     results.map(\.serverCPU).reduce(0, +) * 1000 / count, results.map(\.workersCPU).reduce(0, +) * 1000 / count,
                     results.map(\.clientCPU).reduce(0, +) * 1000 / count, 1000 / Self.median(results.map(\.uploadsPerSecond)), cores))
        let documents = Double(results.map(\.poolDocuments).reduce(0, +))
        print(String(format: "CPU per document in the pool: this process %.2f ms, its workers %.2f ms",
                     results.map(\.poolParentCPU).reduce(0, +) * 1000 / documents, results.map(\.poolWorkersCPU).reduce(0, +) * 1000 / documents))
        let statuses = rounds.reduce(into: [Int: Int]()) { $0.merge($1.statuses, uniquingKeysWith: +) }.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", ")
        let verdicts = rounds.reduce(into: [String: Int]()) { $0.merge($1.verdicts, uniquingKeysWith: +) }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("answers: \(statuses); verdicts: \(verdicts); errors: \(errors.count)")
        for error in errors.prefix(5) { print("  error: \(error)") }
        print("server: " + (exit.exitStatus.map { "exited with status \($0) after SIGTERM" } ?? "ended by signal \(exit.signal ?? 0)"))

        if keepData || !errors.isEmpty {
            print("data kept in \(dataDirectory)")
        } else {
            try? FileManager.default.removeItem(atPath: dataDirectory)
        }
        guard errors.isEmpty, exit.exitStatus == 0 else { throw ExitCode.failure }
    }

    /// Uploads `count` files over `connections` keep-alive connections, the files and the
    /// companies taken in turn (the warm-up); returns the errors: every answer but a 201 with a
    /// verdict is one.
    static func upload(_ files: [UploadFile], count: Int, connections: Int, customers: [Customer], server: ServerUnderTest) async throws -> [String] {
        let next = JobCounter(limit: count)
        return try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<connections {
                group.addTask {
                    var errors: [String] = []
                    var failuresInARow = 0
                    while next.peek(), failuresInARow < 3 {
                        do {
                            try await HTTPConnection.with(port: server.port) { connection in
                                while connection.reusable, let index = next.take() {
                                    let file = files[index % files.count], customer = customers[index % customers.count]
                                    let answer = try await connection.send(
                                        .POST, "/v1/companies/\(customer.companyID)/certificates",
                                        headers: [("Authorization", "Bearer \(customer.token)"), ("Content-Type", file.contentType)],
                                        body: file.form
                                    )
                                    failuresInARow = 0
                                    if answer.status != 201 || (try? answer.decode(Uploaded.self)) == nil {
                                        errors.append("\(file.name): \(answer.status) \(answer.text.prefix(300))")
                                    }
                                }
                            }
                        } catch {
                            errors.append("connection: \(error)")
                            failuresInARow += 1
                        }
                    }
                    return errors
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
    }

    struct Uploaded: Decodable { var verdict: String; var status: String }

    /// A port that was free a moment ago on 127.0.0.1 (bound, read back and released).
    static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port
        try await channel.close()
        guard let port else { throw ValidationError("no free port") }
        return port
    }

    static func median(_ values: [Double]) -> Double { IntakeBench.median(values) }
}

/// One round's figures.
struct RoundResult {
    var uploads: WrkLoad.Round
    var poolDocumentsPerSecond: Double
    /// CPU seconds of the server process, of its worker processes, and of this process (the
    /// load generator) during the uploads.
    var serverCPU: Double, workersCPU: Double, clientCPU: Double
    /// CPU seconds of this process and of its pool's workers during the pool's run, and its size.
    var poolParentCPU: Double, poolWorkersCPU: Double, poolDocuments: Int

    var uploadsPerSecond: Double { Double(uploads.requests) / uploads.seconds }
    var ratio: Double { uploadsPerSecond / poolDocumentsPerSecond }
}

/// Hands out upload numbers 0..<limit to the connections.
final class JobCounter: Sendable {
    private let next = Mutex(0)
    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The next number, or nil when all are taken.
    func take() -> Int? {
        next.withLock { next in
            guard next < limit else { return nil }
            defer { next += 1 }
            return next
        }
    }

    /// Whether numbers are left.
    func peek() -> Bool { next.withLock { $0 < limit } }
}

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

/// A signed-in customer and the company they administer.
struct Customer: Sendable {
    var email: String
    var token: String
    var companyID: String
    /// What the company declared, which intake looks for in its certificates.
    var legalName: String
    var registrationNumber: String
}

/// Customers made as the README's curl walkthrough makes them: sign up, read the token from
/// the outbox's `.eml` file, complete the sign-up, sign in, register a company.
enum Customers {
    static let password = "correct horse battery staple"

    struct Session: Decodable { var token: String }
    struct Company: Decodable { var id: String; var status: String }

    static func create(count: Int, server: ServerUnderTest) async throws -> [Customer] {
        let run = UUID().uuidString.prefix(8).lowercased()
        let emails = (0..<count).map { "load-\(run)-\($0)@example.com" }
        try await HTTPConnection.with(port: server.port) { connection in
            for email in emails {
                try await connection.send(.POST, "/v1/signup", json: ["email": email]).expect(202)
            }
        }
        let tokens = try await signupTokens(for: emails, outbox: server.dataDirectory + "/outbox")
        return try await withThrowingTaskGroup(of: Customer.self) { group in
            for (index, email) in emails.enumerated() {
                group.addTask {
                    try await HTTPConnection.with(port: server.port) { connection in
                        _ = try await connection.send(.POST, "/v1/signup/complete", json: [
                            "token": tokens[email]!, "password": password, "full_name": "Load Tester \(index)",
                        ]).expect(201)
                        let session = try await connection.send(.POST, "/v1/sessions", json: ["email": email, "password": password])
                            .expect(201).decode(Session.self)
                        let legalName = "Loadtest Networks \(index) Ltd", registrationNumber = String(format: "%08d", 10_000_000 + index)
                        let company = try await connection.send(.POST, "/v1/companies", json: [
                            "legal_name": legalName, "country": "GB", "registration_number": registrationNumber, "company_type": "enterprise",
                        ], bearer: session.token).expect(201).decode(Company.self)
                        return Customer(email: email, token: session.token, companyID: company.id, legalName: legalName, registrationNumber: registrationNumber)
                    }
                }
            }
            var customers: [Customer] = []
            for try await customer in group { customers.append(customer) }
            return customers.sorted { $0.email < $1.email }
        }
    }

    /// Waits (up to 30 s) until every address has its verification e-mail, and reads the tokens.
    static func signupTokens(for emails: [String], outbox: String) async throws -> [String: String] {
        var tokens: [String: String] = [:]
        let deadline = ContinuousClock.now + .seconds(30)
        while tokens.count < emails.count {
            for file in (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? [] where file.hasSuffix(".eml") {
                guard let text = try? String(contentsOfFile: outbox + "/" + file, encoding: .utf8),
                      let recipient = text.split(separator: "\r\n").first(where: { $0.hasPrefix("To: ") })?.dropFirst(4),
                      let token = text.firstMatch(of: /su_[A-Za-z0-9_-]+/) else { continue }
                tokens[String(recipient)] = String(token.output)
            }
            guard ContinuousClock.now < deadline else { throw ValidationError("only \(tokens.count) of \(emails.count) sign-up e-mails arrived in \(outbox)") }
            if tokens.count < emails.count { try await Task.sleep(for: .milliseconds(100)) }
        }
        return tokens
    }
}

/// The `paperwork serve` child: started through `/bin/sh` only to send its stderr (the request
/// log) to a file and to set `DEMO_DATA=false`; `exec` makes the shell's pid the server's.
final class ServerUnderTest: Sendable {
    let process: ChildProcess.Running
    let port: Int
    let dataDirectory: String
    let logFile: String
    var pid: Int32 { process.pid }

    private init(process: ChildProcess.Running, port: Int, dataDirectory: String, logFile: String) {
        self.process = process
        self.port = port
        self.dataDirectory = dataDirectory
        self.logFile = logFile
    }

    /// Starts the server on a fresh SQLite database in `dataDirectory`; settings are passed as
    /// flags, and an empty `.env` file keeps the caller's out.
    static func start(binary: String, dataDirectory: String, port: Int, workers: Int, templates: String) throws -> ServerUnderTest {
        let logFile = dataDirectory + "/server.log", envFile = dataDirectory + "/empty.env"
        _ = FileManager.default.createFile(atPath: envFile, contents: Data())
        let script = #"log="$1"; shift; DEMO_DATA=false exec "$@" 2>>"$log""#
        let process = try ChildProcess.start("/bin/sh", [
            "-c", script, "sh", logFile, binary, "serve", "--host", "127.0.0.1", "--port", String(port),
            "--data-directory", dataDirectory, "--workers", String(workers), "--templates-directory", templates, "--env-file", envFile,
        ])
        return ServerUnderTest(process: process, port: port, dataDirectory: dataDirectory, logFile: logFile)
    }

    /// Polls `GET /health` until it answers 200 (at most 60 s).
    func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if let answer = try? await HTTPConnection.with(port: port, { try await $0.send(.GET, "/health") }), answer.status == 200 { return }
            guard ContinuousClock.now < deadline, kill(pid, 0) == 0 else {
                throw ValidationError("the server did not become healthy; see \(logFile)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits (at most 5 s) until the server and its workers use less than 2 ms of CPU in 100 ms.
    func waitUntilIdle() async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        var last = CPUTime.ofProcessTree(pid)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let now = CPUTime.ofProcessTree(pid)
            if (now.server + now.workers) - (last.server + last.workers) < 0.002 { return }
            last = now
        }
    }

    /// SIGTERM, then waits for the graceful shutdown (SIGKILL after 30 s) and reaps it.
    @discardableResult
    func stop() -> (exitStatus: Int32?, signal: Int32?) {
        process.send(SIGTERM)
        let pid = self.pid
        let done = ShutdownDone()
        Thread.detachNewThread {
            for _ in 0..<300 where !done.value.load(ordering: .acquiring) { usleep(100_000) }
            if !done.value.load(ordering: .acquiring) { kill(pid, SIGKILL) }
        }
        let outcome = process.waitForExit()
        done.value.store(true, ordering: .releasing)
        return outcome
    }
}

/// A flag shared with the shutdown watchdog.
final class ShutdownDone: Sendable {
    let value = Atomic(false)
}

/// CPU time from `/proc` and `getrusage`, in seconds.
enum CPUTime {
    static let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// A process's own user + system time, and that of its children: those still running
    /// (read from `/proc`) plus those it has reaped (`cutime` + `cstime`).
    static func ofProcessTree(_ pid: Int32) -> (server: Double, workers: Double) {
        let own = fields(pid)
        let server = (own[safe: 11] + own[safe: 12]) / ticks
        var workers = (own[safe: 13] + own[safe: 14]) / ticks
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            for child in children.split(separator: " ").compactMap({ Int32($0) }) {
                let theirs = fields(child)
                workers += (theirs[safe: 11] + theirs[safe: 12]) / ticks
            }
        }
        return (server, workers)
    }

    /// The fields of `/proc/<pid>/stat` after the command name, as numbers (state is 0).
    static func fields(_ pid: Int32) -> [Double] {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return [] }
        return stat[stat.index(after: end)...].split(separator: " ").map { Double($0) ?? 0 }
    }

    /// This process's user + system time.
    static func ofSelf() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

extension [Double] {
    fileprivate subscript(safe index: Int) -> Double { indices.contains(index) ? self[index] : 0 }
}

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
        var received = ByteBuffer()
        while let part = try await inbound.next() {
            switch part {
            case let .head(response):
                status = Int(response.status.code)
                reusable = response.isKeepAlive
            case var .body(chunk):
                received.writeBuffer(&chunk)
            case .end:
                guard let status else { throw ValidationError("an answer without a status line") }
                return HTTPAnswer(status: status, body: received)
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

/// A status and a body.
struct HTTPAnswer: Sendable {
    var status: Int
    var body: ByteBuffer

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
