import ArgumentParser
import Foundation
import Intake
import Isolation
import LOA

/// `paperwork-bench`: speed as a ratio to the reference C programs in `shared/bench/`, run on
/// the same files in the same run (absolute times drift on shared machines; ratios do not).
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paperwork-bench",
        abstract: "Benchmarks Paperwork against the reference C programs.",
        subcommands: [IntakeBench.self, InspectBench.self, LOABench.self, UploadsBench.self, RevalidationBench.self, PortalBench.self, PagesBench.self, ConsoleBench.self, OCRBench.self]
    )
}

/// Intake: read + sniff + open + text of every page (+ policy, evidence, structure checks).
struct IntakeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Per-document intake time over certificate files, against limit_extract.c."
    )

    @Option(help: "The reference program's source (compiled here with cc -O2), e.g. ../shared/bench/limit_extract.c.")
    var referenceSource: String?

    @Option(help: "How many times each file is processed per round.")
    var repeats = 10

    @Option(help: "Rounds, each running the reference and Paperwork back to back; the median counts.")
    var rounds = 15

    @Flag(help: "Also time inspection with a preview of every page (not part of the ratio).")
    var withPreviews = false

    @Flag(help: "Also measure through the worker pool: 1 worker, and one per core.")
    var isolated = false

    @Flag(help: "Also time inspection without the forensic checks, and print what they add (CPU per document in the same process).")
    var forensicsCost = false

    @Option(help: "The paperwork binary that runs the workers (default: beside this one).")
    var paperwork: String?

    @Argument(help: "The files (e.g. samples/*.pdf).")
    var files: [String]

    func run() async throws {
        let workload = Array(repeating: files, count: repeats).flatMap { $0 }
        let referenceBinary = try referenceSource.map(Self.compile)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        var pools: [(size: Int, pool: WorkerPool)] = []
        if isolated {
            let binary = paperwork ?? URL(fileURLWithPath: WorkerPool.Configuration.currentExecutable)
                .deletingLastPathComponent().appendingPathComponent("paperwork").path
            for size in Set([1, cores]).sorted() {
                var configuration = WorkerPool.Configuration(executable: binary)
                configuration.size = size
                let pool = WorkerPool(configuration: configuration)
                try await pool.start()
                pools.append((size, pool))
            }
        }
        // Warm up everything: font caches, the magic database, the page cache, the workers.
        if let referenceBinary { _ = try Self.runReference(referenceBinary, files: files) }
        _ = try Self.inspectAll(files, previews: .none)
        for (size, pool) in pools { _ = try await Self.inspectAll(files, through: pool, concurrency: size * 2) }

        // Every round runs each contender back to back on the same files, so that a drift in
        // the machine's speed hits them alike; ratios are taken within a round.
        var reference: [Double] = [], ours: [Double] = [], oursPreviews: [Double] = [], withoutForensics: [Double] = []
        var pooled: [Int: [Double]] = [:]
        for _ in 0..<rounds {
            if let referenceBinary { reference.append(try Self.runReference(referenceBinary, files: workload)) }
            ours.append(try Self.inspectAll(workload, previews: .none))
            if forensicsCost { withoutForensics.append(try Self.inspectAll(workload, previews: .none, forensics: false)) }
            if withPreviews { oursPreviews.append(try Self.inspectAll(workload, previews: .allPages)) }
            for (size, pool) in pools {
                pooled[size, default: []].append(try await Self.inspectAll(workload, through: pool, concurrency: size * 2))
            }
        }
        for (_, pool) in pools { await pool.shutdown() }

        print("files: \(files.count) × \(repeats) per round, \(rounds) rounds; medians; ratios are medians of per-round ratios")
        print(String(format: "paperwork intake, in process:     %7.3f ms/document", Self.median(ours)))
        if withPreviews {
            print(String(format: "  with a PNG preview of every page: %7.3f ms/document", Self.median(oursPreviews)))
        }
        if forensicsCost {
            print(String(format: "  without the forensic checks:      %7.3f ms/document", Self.median(withoutForensics)))
            Self.printRatio("with / without forensics", ours, withoutForensics)
        }
        for (size, times) in pooled.sorted(by: { $0.key < $1.key }) {
            print(String(format: "paperwork intake, %d worker(s):    %7.3f ms/document (wall time / documents)", size, Self.median(times)))
        }
        if !reference.isEmpty {
            print(String(format: "limit_extract.c (reference):      %7.3f ms/document", Self.median(reference)))
            Self.printRatio("in process / reference", ours, reference)
            for (size, times) in pooled.sorted(by: { $0.key < $1.key }) {
                Self.printRatio("\(size) worker(s) / reference", times, reference)
            }
        }
        if cores > 1, let one = pooled[1], let all = pooled[cores] {
            print(String(format: "throughput of %d workers over 1:    %7.2f×", cores, Self.median(zip(one, all).map { $0 / $1 })))
        }
    }

    static func printRatio(_ label: String, _ ours: [Double], _ reference: [Double]) {
        let ratios = zip(ours, reference).map { $0 / $1 }.sorted()
        print(String(format: "ratio %@ %7.3f (quartiles %.3f–%.3f)", (label + ":").padding(toLength: 28, withPad: " ", startingAt: 0),
                     median(ratios), ratios[ratios.count / 4], ratios[(3 * ratios.count) / 4]))
    }

    /// Milliseconds per document: read the file, inspect it against the company's claims (see
    /// ``SampleClaims``), as an upload is.
    static func inspectAll(_ paths: [String], previews: PreviewSelection, forensics: Bool = true) throws -> Double {
        let start = ContinuousClock.now
        var accepted = 0
        for path in paths {
            let bytes = try readFile(path)
            let inspection = CertificateInspector.inspect(
                bytes, declared: DeclaredType(fileName: path), claims: SampleClaims.claims(for: path), previews: previews, forensics: forensics
            )
            if inspection.verdict != .rejected { accepted += 1 }
        }
        precondition(accepted > 0 || paths.isEmpty, "no file was accepted: benchmark the samples, not the bad inputs")
        return (ContinuousClock.now - start).milliseconds / Double(paths.count)
    }

    /// Milliseconds of wall time per document through a pool, `concurrency` documents in flight.
    /// `claims` gives the company claims the document at an index is checked against, as an
    /// upload's are against its company's (none by default).
    static func inspectAll(_ paths: [String], through pool: WorkerPool, concurrency: Int, claims: @escaping @Sendable (Int) -> CompanyClaims = { _ in CompanyClaims() }) async throws -> Double {
        let start = ContinuousClock.now
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            var next = 0
            var accepted = 0
            func submit() throws {
                guard next < paths.count else { return }
                let path = paths[next], claimed = claims(next)
                next += 1
                let bytes = try readFile(path)
                group.addTask { await pool.inspect(bytes, declared: DeclaredType(fileName: path), claims: claimed).verdict != .rejected }
            }
            for _ in 0..<concurrency { try submit() }
            for try await ok in group {
                if ok { accepted += 1 }
                try submit()
            }
            return accepted
        }
        precondition(accepted > 0 || paths.isEmpty, "no file was accepted through the pool")
        return (ContinuousClock.now - start).milliseconds / Double(paths.count)
    }

    static func compile(_ source: String) throws -> String {
        try compile(source, named: "limit_extract", packages: "poppler-glib", libraries: "-lmagic")
    }

    /// Builds a reference program as `shared/bench/README.md` says: `cc -O2` with pkg-config flags.
    static func compile(_ source: String, named name: String, packages: String, libraries: String = "") throws -> String {
        let binary = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-\(name)").path
        let flags = try shell("pkg-config --cflags --libs \(packages)").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try shell("cc -O2 -o '\(binary)' '\(source)' \(flags) \(libraries)")
        return binary
    }

    /// The reference's own per-file figure (`per_file_ms=`), which excludes its start-up.
    static func runReference(_ binary: String, files: [String]) throws -> Double {
        let output = try run(binary, files)
        guard let field = output.split(separator: " ").first(where: { $0.hasPrefix("per_file_ms=") }),
              let value = Double(field.dropFirst("per_file_ms=".count)) else {
            throw ValidationError("unexpected output from the reference: \(output)")
        }
        return value
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }

    static func shell(_ command: String) throws -> String {
        try run("/bin/sh", ["-c", command])
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let outcome = try ChildProcess.run(executable, arguments)
        guard outcome.exitStatus == 0 else {
            throw ValidationError("\(executable) failed: \(outcome.exitStatus.map { "status \($0)" } ?? "signal \(outcome.signal ?? 0)")")
        }
        return String(decoding: outcome.output, as: UTF8.self)
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

/// The whole file in one `read`, as the reference's `g_file_get_contents` does.
func readFile(_ path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { throw ValidationError("cannot open \(path)") }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else { throw ValidationError("cannot stat \(path)") }
    let size = Int(status.st_size)
    return try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        count = 0
        while count < size {
            let n = read(fd, buffer.baseAddress! + count, size - count)
            guard n > 0 else { throw ValidationError("cannot read \(path)") }
            count += n
        }
    }
}
