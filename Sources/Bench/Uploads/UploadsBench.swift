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

            // One prepared upload per (file, company) pair, taken in turn as the Swift client takes them.
            let pairs = (0..<Self.lcm(samples.count, customers.count)).map { (samples[$0 % samples.count], customers[$0 % customers.count]) }
            let load = try WrkLoad.prepare(
                name: "uploads",
                requests: pairs.map { sample, customer in
                    WrkLoad.Request(method: "POST", path: "/v1/companies/\(customer.companyID)/certificates",
                                    headers: [("Authorization", "Bearer \(customer.token)"), ("Content-Type", sample.contentType)], body: sample.form)
                },
                expectedStatus: 201, tally: #""verdict"%s*:%s*"([%w_]+)""#, directory: dataDirectory
            )
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
        let verdicts = rounds.reduce(into: [String: Int]()) { $0.merge($1.tallies, uniquingKeysWith: +) }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
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

    static func lcm(_ a: Int, _ b: Int) -> Int {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        return a / gcd(a, b) * b
    }
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
