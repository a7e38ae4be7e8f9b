import ArgumentParser
import Composition
import Configuration
import Foundation
import Intake
import Isolation
import Logging
import Store
import Workflow

/// Revalidation: documents per second over a store of many documents, through the worker pool
/// and the database, against twice the single-core rate of `limit_extract.c` (the best two
/// cores could do with the reference's own work), and the coordinator's peak memory.
struct RevalidationBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revalidate",
        abstract: "Revalidation runs over a seeded store (SQLite, or PostgreSQL with --database-url), against limit_extract.c."
    )

    @Option(help: "The reference program's source, e.g. ../shared/bench/limit_extract.c.")
    var referenceSource: String

    @Option(help: "Stored documents (the files, cycled).")
    var documents = 10_000

    @Option(help: "Rounds: each runs the reference, then a whole revalidation run.")
    var rounds = 3

    @Option(help: "How many times the reference reads each file per round.")
    var referenceRepeats = 100

    @Option(help: "Worker processes (0: one per core).")
    var workers = 0

    @Option(help: "Documents a worker examines before it is replaced (0: the pool's default).")
    var documentsPerWorker = 0

    @Option(help: "Items claimed at a time by each lane.")
    var batchSize = 32

    @Option(help: "postgres://… to measure on PostgreSQL instead of a SQLite file.")
    var databaseURL: String?

    @Option(help: "The paperwork binary that runs the workers (default: beside this one).")
    var paperwork: String?

    @Argument(help: "The files (e.g. samples/*.pdf).")
    var files: [String]

    func run() async throws {
        let reference = try IntakeBench.compile(referenceSource)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-bench-revalidate-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var logger = Logger(label: "paperwork.bench")
        logger.logLevel = .warning
        // Wired as `paperwork revalidate` wires it, on a fresh data directory.
        let wiring = Wiring(settings: ServerSettings(config: ConfigReader(provider: InMemoryProvider(values: [
            "data.directory": .init(.string(directory), isSecret: false),
            "database.url": .init(.string(databaseURL ?? ""), isSecret: true),
        ]))), logger: logger)
        let store = try await wiring.openStore()
        var configuration = WorkerPool.Configuration(executable: paperwork ?? URL(fileURLWithPath: WorkerPool.Configuration.currentExecutable)
            .deletingLastPathComponent().appendingPathComponent("paperwork").path)
        if workers > 0 { configuration.size = workers }
        if documentsPerWorker > 0 { configuration.documentsPerWorker = documentsPerWorker }
        let pool = WorkerPool(configuration: configuration)
        do {
            try await seed(store)
            try await pool.start()
            let revalidation = wiring.revalidation(store: store, inspector: pool, ports: nil, poolSize: pool.alive) {
                $0.batchSize = batchSize
            }
            // Warm up: the reference, the workers, the page cache, the database.
            _ = try IntakeBench.runReference(reference, files: files)
            _ = try IntakeBench.runReference(reference, files: files)
            let cores = ProcessInfo.processInfo.activeProcessorCount
            var ratios: [Double] = [], rates: [Double] = [], references: [Double] = []
            for round in 1...rounds {
                // The reference runs just before and just after the run, and their mean counts:
                // this machine's speed drifts over a run of a minute.
                let workload = Array(repeating: files, count: referenceRepeats).flatMap { $0 }
                let before = try IntakeBench.runReference(reference, files: workload)
                let run = try await revalidation.start(.init(), by: "operator:bench", executor: "cli")
                let start = ContinuousClock.now
                let summary = try await revalidation.work(runID: run.id, worker: "bench")
                let seconds = (ContinuousClock.now - start).milliseconds / 1000
                let referenceMS = (before + (try IntakeBench.runReference(reference, files: workload))) / 2
                let status = try await revalidation.status(run.id)
                guard summary.finished, status.done == documents, status.outcomes["unchanged"] == documents else {
                    throw ValidationError("round \(round): not every document was examined unchanged: \(status.outcomes)")
                }
                let rate = Double(documents) / seconds
                let ceiling = Double(min(cores, pool.alive)) * 1000 / referenceMS
                rates.append(rate)
                references.append(referenceMS)
                ratios.append(rate / ceiling)
                print(String(format: "round %d: %.0f documents/s; reference %.3f ms/document, so %d cores × it = %.0f/s; ratio %.3f", round, rate, referenceMS, min(cores, pool.alive), ceiling, rate / ceiling))
            }
            let workerPeaks = pool.workerPIDs.compactMap(Self.peakResidentKiB)
            let workerCount = pool.alive
            await pool.shutdown()
            await store.close()
            let peak = Self.peakResidentKiB(getpid()) ?? 0
            print("""
                \(documents) stored documents (\(files.count) files cycled), \(store.dialect.rawValue), \(workerCount) workers, \(revalidation.settings.lanes) lanes × \(batchSize); \(rounds) rounds, medians
                revalidation:            \(String(format: "%.0f", IntakeBench.median(rates))) documents/s
                limit_extract.c:         \(String(format: "%.3f", IntakeBench.median(references))) ms/document on one core
                ratio to 2 × reference:  \(String(format: "%.3f", IntakeBench.median(ratios))) (rounds: \(ratios.map { String(format: "%.3f", $0) }.joined(separator: ", ")))
                peak memory:             coordinator \(peak / 1024) MiB; workers \(workerPeaks.map { "\($0 / 1024) MiB" }.joined(separator: ", "))
                """)
        } catch {
            await pool.shutdown()
            await store.close()
            throw error
        }
    }

    /// One company, the files as blobs, and `documents` certificates recorded with the verdicts
    /// the files get today (so a run finds them unchanged, as most would be).
    func seed(_ store: Store) async throws {
        var samples: [(name: String, sha256: String, size: Int, inspection: Inspection)] = []
        for path in files {
            let bytes = try readFile(path)
            let inspection = CertificateInspector.inspect(bytes, declared: DeclaredType(fileName: path), claims: CompanyClaims(legalName: "Bench Ltd", registrationNumber: "00000000"))
            samples.append(((path as NSString).lastPathComponent, try await store.blobs.put(bytes), bytes.count, inspection))
        }
        let count = documents
        let seeded = samples
        try await store.transaction { database in
            let user = try await AccountRepository.createUser(email: "bench@example.com", passwordHash: "-", fullName: "Bench", jobTitle: nil, on: database)
            let company = try await CompanyRepository.create(legalName: "Bench Ltd", country: "GB", registrationNumber: "00000000", companyType: .enterprise, createdBy: user.id, on: database)
            let stamp = Timestamp.now()
            for index in 0..<count {
                let sample = seeded[index % seeded.count]
                try await CertificateRepository.insert(CertificateRecord(
                    id: String(format: "bench-%07d", index), companyID: company.id, uploadedBy: user.id, sha256: sample.sha256, size: sample.size,
                    fileName: sample.name, declaredType: nil, sniffedMIME: sample.inspection.sniffedMIME, verdict: sample.inspection.verdict.rawValue,
                    reasons: sample.inspection.reasons.map(\.rawValue), flags: sample.inspection.flags.map(\.rawValue), pages: sample.inspection.pages,
                    status: .approved, source: "upload", createdAt: stamp, updatedAt: stamp, queuedAt: nil, dueAt: nil, claimedBy: nil, claimUntil: nil, firstApprovalBy: nil
                ), inspectionJSON: "{}", idempotencyKey: nil, on: database)
            }
        }
    }

    /// A process's peak resident set (`VmHWM`), in KiB.
    static func peakResidentKiB(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return nil }
        return Int(line.split(separator: " ").dropFirst().first ?? "")
    }
}
