public import ArgumentParser
import Composition
import Foundation
import Isolation
import Logging
import Store
import Workflow

/// `paperwork revalidate`: re-examines stored certificates with today's policy through the
/// worker pool, re-checks stored LOAs, and reports what changed. Runs are recorded in the
/// database, so a run killed at any moment resumes (`--resume RUN`), and on PostgreSQL several
/// processes share one (`--join RUN`).
public struct RevalidateCommand: AsyncParsableCommand {
    /// How the command appears in `paperwork --help`.
    public static let configuration = CommandConfiguration(
        commandName: "revalidate",
        abstract: "Re-examine stored certificates and LOAs; report what changed.",
        subcommands: [Run.self, List.self, Status.self, Report.self],
        defaultSubcommand: Run.self
    )

    /// Required by ArgumentParser.
    public init() {}

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a run (or resume or join one) and work it to the end.",
            discussion: """
                Certificates whose verdict changed and whose company a reviewer verified go back to the review \
                queue, marked as coming from revalidation; no company's status changes by itself.
                Exit status: 0 when the run is finished, 3 when other processes still hold some of its items, \
                65 on a bad selection or a policy mismatch.
                """
        )

        @Option(name: .customLong("status"), help: "Only certificates with this status (repeatable): \(CertificateStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        var statuses: [String] = []

        @Option(help: "Only certificates uploaded on or after this date (YYYY-MM-DD) or instant (ISO 8601).")
        var uploadedSince: String?

        @Option(help: "Only certificates uploaded before this date or instant.")
        var uploadedBefore: String?

        @Option(help: "Only this company's certificates.")
        var company: String?

        @Flag(help: "Re-check no certificates (with --loas: LOAs only).")
        var noCertificates = false

        @Flag(help: "Re-check the signature and integrity of every stored LOA.")
        var loas = false

        @Option(help: "With --loas: report valid LOAs expiring within this many days.")
        var loaExpiringWithin: Int?

        @Flag(help: "With --loa-expiring-within: reissue them (the old ones are superseded).")
        var reissueExpiring = false

        @Flag(help: "Recompute the forensic signals of every certificate a reviewer can see, and report those whose signals changed (after the forensic rules change; slower: each is inspected in full).")
        var signals = false

        @Flag(help: "Then read every scan (a certificate with no text layer) again by OCR, and recompute its evidence (after a Tesseract or language-pack upgrade): their OCR jobs are queued and worked by this process's workers, beside any server on the same database.")
        var ocr = false

        @Flag(help: "Then add a signature timestamp to every valid LOA (and rendition) that lacks one, from the authority in loa.tsa.url (after it was down, or for letters signed before PAdES).")
        var addTimestamps = false

        @Option(help: "Resume this run after its process died: its claimed items return to the queue first.")
        var resume: String?

        @Option(help: "Work this run beside the processes already on it (PostgreSQL: on any machine).")
        var join: String?

        @Option(help: "Document worker processes (0: one per core).")
        var workers = 0

        @Option(help: "Items claimed at a time by each lane.")
        var batchSize = 32

        @Option(help: "Seconds a claim lasts; a dead process's items return after this.")
        var leaseSeconds = 120

        @Option(help: "Write the report (what changed) to this file when the run is finished.")
        var report: String?

        @Option(help: "The report's format: jsonl or csv.")
        var reportFormat: String = "jsonl"

        @Option(help: "Progress: auto (a bar on a terminal, lines otherwise), bar, lines, or none.")
        var progress: String = "auto"

        @Option(help: "Seconds between progress lines when not on a terminal.")
        var progressInterval = 10

        @Option(help: "Who starts the run, for the audit log (default: operator:$USER).")
        var startedBy: String?

        @OptionGroup var data: DataOptions

        func validate() throws {
            if resume != nil, join != nil { throw ValidationError("--resume and --join exclude each other") }
            if Revalidation.ReportFormat(rawValue: reportFormat) == nil { throw ValidationError("--report-format must be jsonl or csv") }
            if !["auto", "bar", "lines", "none"].contains(progress) { throw ValidationError("--progress must be auto, bar, lines or none") }
            if batchSize < 1 || batchSize > 1000 { throw ValidationError("--batch-size must be 1 to 1000") }
            if leaseSeconds < 10 { throw ValidationError("--lease-seconds must be at least 10") }
        }

        func run() async throws {
            let settings = try await data.settings()
            var logger = Logger(label: "paperwork.revalidate")
            logger.logLevel = .warning
            let wiring = Wiring(settings: settings, logger: logger)
            let store = try await wiring.openStore()
            let pool = wiring.workerPool(size: workers)
            let code: Int32
            do {
                try await pool.start()
                code = try await work(wiring: wiring, store: store, pool: pool)
            } catch {
                await pool.shutdown()
                await store.close()
                if let error = error as? WorkflowError {
                    FileHandle.standardError.write(Data("paperwork revalidate: \(error.code): \(error.message)\n".utf8))
                    throw ExitCode(65)
                }
                throw error
            }
            await pool.shutdown()
            await store.close()
            if code != 0 { throw ExitCode(code) }
        }

        private func work(wiring: Wiring, store: Store, pool: WorkerPool) async throws -> Int32 {
            // LOA checks need the LOA issuer (templates, signing identity); certificates do not.
            // A run that asks for them fails here if the issuer cannot be loaded; a resumed or
            // joined run may hold none, so it goes on without, and says why.
            var ports: Ports?
            if loas {
                ports = try await wiring.ports(store: store, inspector: pool)
            } else if resume != nil || join != nil {
                do {
                    ports = try await wiring.ports(store: store, inspector: pool)
                } catch {
                    FileHandle.standardError.write(Data("paperwork revalidate: LOA checks unavailable, certificates only: \(error)\n".utf8))
                }
            }
            let revalidation = wiring.revalidation(store: store, inspector: pool, ports: ports, poolSize: pool.alive) {
                $0.batchSize = batchSize
                $0.lease = TimeInterval(leaseSeconds)
            }

            let runID: String
            if let existing = resume ?? join {
                runID = existing
            } else {
                let request = Revalidation.Request(
                    certificates: noCertificates ? nil : CertificateSelection(
                        statuses: statuses.isEmpty ? nil : statuses, uploadedSince: uploadedSince, uploadedBefore: uploadedBefore, companyID: company
                    ),
                    loas: loas, loaExpiringWithinDays: loaExpiringWithin, reissueExpiring: reissueExpiring, signals: signals
                )
                let actor = startedBy ?? "operator:\(ProcessInfo.processInfo.environment["USER"] ?? "cli")"
                let run = try await revalidation.start(request, by: actor, executor: "cli")
                runID = run.id
                FileHandle.standardError.write(Data("""
                    revalidation \(run.id): \(run.total) documents, policy \(run.policyVersion), libmagic \(run.libmagicVersion), poppler \(run.popplerVersion)
                    (if this process is stopped: paperwork revalidate --resume \(run.id))\n
                    """.utf8))
            }
            let display = ProgressDisplay(mode: progress, runID: runID)
            let worker = "\(ProcessInfo.processInfo.hostName)/\(getpid())"
            let summary = try await revalidation.work(
                runID: runID, worker: worker, resume: resume != nil,
                progressInterval: display.isBar ? .milliseconds(250) : .seconds(max(1, progressInterval)),
                progress: { await display.show($0) }
            )
            await display.finish()
            let status = try await revalidation.status(runID)
            let outcomes = status.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("run \(runID): \(status.done)/\(status.run.total) done (\(summary.recorded) by this process)\(outcomes.isEmpty ? "" : ": " + outcomes)")
            guard summary.finished else {
                print("other processes still hold \(status.inProgress) items; when they are gone: paperwork revalidate --resume \(runID)")
                return 3
            }
            if let report, let format = Revalidation.ReportFormat(rawValue: reportFormat) {
                try await RevalidateCommand.writeReport(revalidation, runID: runID, format: format, everything: false, to: report)
                print("report: \(report)")
            }
            if ocr { try await readScansAgain(wiring: wiring, store: store, pool: pool, worker: worker) }
            if addTimestamps {
                let issuer: Ports
                if let ports { issuer = ports } else { issuer = try await wiring.ports(store: store, inspector: pool) }
                var total = Ports.TimestampRun()
                while true {
                    let batch = try await issuer.addMissingTimestamps()
                    total.stamped += batch.stamped
                    total.longTerm += batch.longTerm
                    total.failed += batch.failed
                    total.firstFailure = total.firstFailure ?? batch.firstFailure
                    if batch.stamped + batch.longTerm == 0 || batch.failed > 0 { break }
                }
                print("timestamps: \(total.stamped) signatures timestamped, \(total.longTerm) with revocation data (B-LT), \(total.failed) failed\(total.firstFailure.map { " (first: \($0))" } ?? "")")
                if total.failed > 0 { return 4 }
            }
            return 0
        }

        /// Queues every scan's OCR job again and works them on `pool`, one lane per worker.
        private func readScansAgain(wiring: Wiring, store: Store, pool: WorkerPool, worker: String) async throws {
            let recognition = wiring.scanRecognition(store: store, recognizer: pool, metrics: nil)
            let queued = try await recognition.requeueAllScans()
            let outcomes = try await withThrowingTaskGroup(of: [ScanRecognition.Outcome: Int].self) { group in
                for lane in 0..<max(1, pool.alive) {
                    group.addTask { try await recognition.drain(as: "\(worker)/ocr-\(lane)") }
                }
                var total: [ScanRecognition.Outcome: Int] = [:]
                for try await lane in group { total.merge(lane, uniquingKeysWith: +) }
                return total
            }
            let counts = [ScanRecognition.Outcome.done, .failed, .retried, .lost].compactMap { outcome in outcomes[outcome].map { "\(outcome.rawValue) \($0)" } }
            print("ocr: \(queued) scans queued; by this process: \(counts.isEmpty ? "none" : counts.joined(separator: ", "))")
            if (outcomes[.retried] ?? 0) > 0 { print("ocr: jobs to retry are taken again by a server, or by the next paperwork revalidate --ocr") }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the latest runs.")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let (store, revalidation) = try await RevalidateCommand.open(data)
            let runs = try await revalidation.runs()
            await store.close()
            for run in runs {
                print("\(run.id)  \(run.startedAt)  \(run.status)  \(run.total) documents  policy \(run.policyVersion)  by \(run.startedBy)")
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run's progress and counts as JSON.")

        @Argument(help: "The run's id.") var runID: String
        @OptionGroup var data: DataOptions

        func run() async throws {
            let (store, revalidation) = try await RevalidateCommand.open(data)
            do {
                let status = try await revalidation.status(runID)
                await store.close()
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(status), as: UTF8.self))
            } catch let error as WorkflowError {
                await store.close()
                FileHandle.standardError.write(Data("\(error.code): \(error.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a run's report: the documents whose verdict or reasons changed, and LOAs at fault or expiring.")

        @Argument(help: "The run's id.") var runID: String
        @Option(help: "jsonl or csv.") var format: String = "jsonl"
        @Flag(help: "Every document, changed or not.") var all = false
        @Option(name: .shortAndLong, help: "The file to write (default: standard output).") var output: String?
        @OptionGroup var data: DataOptions

        func run() async throws {
            guard let format = Revalidation.ReportFormat(rawValue: format) else { throw ValidationError("--format must be jsonl or csv") }
            let (store, revalidation) = try await RevalidateCommand.open(data)
            do {
                try await RevalidateCommand.writeReport(revalidation, runID: runID, format: format, everything: all, to: output)
                await store.close()
            } catch let error as WorkflowError {
                await store.close()
                FileHandle.standardError.write(Data("\(error.code): \(error.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    static func open(_ data: DataOptions) async throws -> (Store, Revalidation) {
        let settings = try await data.settings()
        var logger = Logger(label: "paperwork.revalidate")
        logger.logLevel = .warning
        let wiring = Wiring(settings: settings, logger: logger)
        let store = try await wiring.openStore()
        // Reading runs and reports examines nothing: no worker pool is started.
        return (store, wiring.revalidation(store: store, inspector: InProcessInspector(), ports: nil, poolSize: 1))
    }

    /// Writes a report to a file (through a temporary file renamed at the end, so a reader
    /// never sees half of one) or to standard output.
    static func writeReport(_ revalidation: Revalidation, runID: String, format: Revalidation.ReportFormat, everything: Bool, to path: String?) async throws {
        guard let path, path != "-" else {
            try await revalidation.writeReport(runID: runID, format: format, everything: everything) { FileHandle.standardOutput.write(Data($0.utf8)) }
            return
        }
        let temporary = path + ".partial"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw ValidationError("cannot write \(path)")
        }
        do {
            try await revalidation.writeReport(runID: runID, format: format, everything: everything) { try handle.write(contentsOf: Data($0.utf8)) }
            try handle.close()
            _ = try? FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
    }
}

/// Progress on standard error: a bar redrawn in place on a terminal, plain lines otherwise
/// (logs and CI keep every line readable).
actor ProgressDisplay {
    let isBar: Bool
    let quiet: Bool
    let runID: String
    private var drewBar = false

    init(mode: String, runID: String) {
        let terminal = isatty(STDERR_FILENO) == 1
        isBar = mode == "bar" || (mode == "auto" && terminal)
        quiet = mode == "none"
        self.runID = runID
    }

    func show(_ progress: Revalidation.Progress) {
        guard !quiet else { return }
        let fraction = progress.total > 0 ? Double(progress.done) / Double(progress.total) : 1
        let percent = Int((fraction * 100).rounded(.down))
        let rate = String(format: "%.0f/s", progress.rate)
        let left = progress.secondsLeft.map(Self.duration) ?? "?"
        if isBar {
            let width = 30
            let filled = Int((fraction * Double(width)).rounded(.down))
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            FileHandle.standardError.write(Data("\r\u{1B}[2K\(bar) \(progress.done)/\(progress.total) \(percent)%  \(rate)  \(left) left".utf8))
            drewBar = true
        } else {
            FileHandle.standardError.write(Data("revalidation \(runID): \(progress.done)/\(progress.total) (\(percent)%), \(rate), \(left) left\n".utf8))
        }
    }

    func finish() {
        if drewBar { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60) : String(format: "%d:%02d", total / 60, total % 60)
    }
}
