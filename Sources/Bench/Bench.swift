import ArgumentParser
import Foundation
import Intake
import Isolation

/// `paperwork-bench`: speed as a ratio to the reference C programs in `shared/bench/`, run on
/// the same files in the same run (absolute times drift on shared machines; ratios do not).
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paperwork-bench",
        abstract: "Benchmarks Paperwork against the reference C programs.",
        subcommands: [IntakeBench.self]
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

    @Option(help: "The paperwork binary that runs the workers (default: beside this one).")
    var paperwork: String?

    @Argument(help: "The files (e.g. samples/*.pdf).")
    var files: [String]

    func run() async throws {
        let workload = Array(repeating: files, count: repeats).flatMap { $0 }
        var reference: [Double] = []
        var ours: [Double] = []
        var oursPreviews: [Double] = []
        let referenceBinary = try referenceSource.map(Self.compile)
        // Warm up both: font caches, the magic database, page cache.
        if let referenceBinary { _ = try Self.runReference(referenceBinary, files: files) }
        _ = try Self.inspectAll(files, previews: .none)
        for _ in 0..<rounds {
            // Interleave the two so that drift on the machine hits both alike.
            if let referenceBinary { reference.append(try Self.runReference(referenceBinary, files: workload)) }
            ours.append(try Self.inspectAll(workload, previews: .none))
            if withPreviews { oursPreviews.append(try Self.inspectAll(workload, previews: .allPages)) }
        }
        var pooled: [Int: [Double]] = [:]
        if isolated {
            let binary = paperwork ?? URL(fileURLWithPath: WorkerPool.Configuration.currentExecutable)
                .deletingLastPathComponent().appendingPathComponent("paperwork").path
            for size in Set([1, ProcessInfo.processInfo.activeProcessorCount]).sorted() {
                var configuration = WorkerPool.Configuration(executable: binary)
                configuration.size = size
                let pool = WorkerPool(configuration: configuration)
                try await pool.start()
                _ = try await Self.inspectAll(files, through: pool, concurrency: size * 2)
                for _ in 0..<rounds {
                    pooled[size, default: []].append(try await Self.inspectAll(workload, through: pool, concurrency: size * 2))
                }
                await pool.shutdown()
            }
        }
        let oursMedian = Self.median(ours)
        print("files: \(files.count) × \(repeats) per round, \(rounds) rounds (median)")
        print(String(format: "paperwork intake (in process):   %7.3f ms/document", oursMedian))
        if withPreviews {
            print(String(format: "  with a PNG preview of every page: %7.3f ms/document", Self.median(oursPreviews)))
        }
        for (size, times) in pooled.sorted(by: { $0.key < $1.key }) {
            print(String(format: "paperwork intake, %d worker(s):   %7.3f ms/document (wall time / documents)", size, Self.median(times)))
        }
        if !reference.isEmpty {
            let referenceMedian = Self.median(reference)
            // Each round's ratio pairs two runs made seconds apart; the median of those ratios
            // is steadier than a ratio of medians on a machine whose speed drifts.
            let ratios = zip(ours, reference).map { $0 / $1 }.sorted()
            print(String(format: "limit_extract.c (reference):     %7.3f ms/document", referenceMedian))
            print(String(format: "ratio in process / reference:    %7.3f (median of %d paired rounds; quartiles %.3f–%.3f)",
                         Self.median(ratios), ratios.count, ratios[ratios.count / 4], ratios[(3 * ratios.count) / 4]))
            for (size, times) in pooled.sorted(by: { $0.key < $1.key }) {
                print(String(format: "ratio %d worker(s) / reference:   %7.3f", size, Self.median(times) / referenceMedian))
            }
        }
        if let one = pooled[1], let all = pooled[ProcessInfo.processInfo.activeProcessorCount], ProcessInfo.processInfo.activeProcessorCount > 1 {
            print(String(format: "speed-up of %d workers over 1:     %7.2f×", ProcessInfo.processInfo.activeProcessorCount, Self.median(one) / Self.median(all)))
        }
    }

    /// Milliseconds per document: read the file, inspect it, as `paperwork inspect` does.
    static func inspectAll(_ paths: [String], previews: PreviewSelection) throws -> Double {
        let start = ContinuousClock.now
        var accepted = 0
        for path in paths {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            let inspection = CertificateInspector.inspect(bytes, declared: DeclaredType(fileName: path), previews: previews)
            if inspection.verdict != .rejected { accepted += 1 }
        }
        precondition(accepted > 0 || paths.isEmpty, "no file was accepted: benchmark the samples, not the bad inputs")
        return (ContinuousClock.now - start).milliseconds / Double(paths.count)
    }

    /// Milliseconds of wall time per document through a pool, `concurrency` documents in flight.
    static func inspectAll(_ paths: [String], through pool: WorkerPool, concurrency: Int) async throws -> Double {
        let start = ContinuousClock.now
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            var next = 0
            var accepted = 0
            func submit() throws {
                guard next < paths.count else { return }
                let path = paths[next]
                next += 1
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                group.addTask { await pool.inspect(bytes, declared: DeclaredType(fileName: path)).verdict != .rejected }
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
        let binary = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-limit_extract").path
        let flags = try shell("pkg-config --cflags --libs poppler-glib").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try shell("cc -O2 -o '\(binary)' '\(source)' \(flags) -lmagic")
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(executable) failed with status \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
