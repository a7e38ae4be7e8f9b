import ArgumentParser
import Dispatch
import Foundation
import Isolation
import Synchronization

/// `paperwork inspect` as a whole process, start-up and output included, against
/// `limit_extract.c` as a whole process on the same files in the same round:
/// - in process: `paperwork inspect --json --in-process FILES` against one reference process;
/// - pooled (the default, one worker per core): `paperwork inspect --json FILES` against one
///   reference process per core, each on its share of the files, started together.
struct InspectBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Whole-process `paperwork inspect` (in process and pooled) against limit_extract.c processes."
    )

    @Option(help: "The reference program's source (compiled here with cc -O2), e.g. ../shared/bench/limit_extract.c.")
    var referenceSource: String

    @Option(help: "Rounds, each running every contender once, back to back; the median counts.")
    var rounds = 11

    @Option(help: "The paperwork binary (default: beside this one).")
    var paperwork: String?

    @Argument(help: "The files (e.g. samples/*.pdf, or a corpus made by paperwork-samples --corpus).")
    var files: [String]

    func run() async throws {
        let reference = try IntakeBench.compile(referenceSource)
        let binary = paperwork ?? URL(fileURLWithPath: WorkerPool.Configuration.currentExecutable)
            .deletingLastPathComponent().appendingPathComponent("paperwork").path
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let shares = (0..<cores).map { core in stride(from: core, to: files.count, by: cores).map { files[$0] } }

        let contenders: [(name: String, run: () throws -> Void)] = [
            ("reference, 1 process", { try Self.timed([(reference, files)]) }),
            ("paperwork inspect --json --in-process", { try Self.timed([(binary, ["inspect", "--json", "--in-process"] + files)]) }),
            ("reference, \(cores) processes", { try Self.timed(shares.map { (reference, $0) }) }),
            ("paperwork inspect --json (\(cores) workers)", { try Self.timed([(binary, ["inspect", "--json"] + files)]) }),
        ]
        // Warm the page cache and the fontconfig cache, once each.
        for contender in contenders { try contender.run() }

        var seconds = Array(repeating: [Double](), count: contenders.count)
        for _ in 0..<rounds {
            for (index, contender) in contenders.enumerated() {
                let start = ContinuousClock.now
                try contender.run()
                seconds[index].append((ContinuousClock.now - start).milliseconds / 1000)
            }
        }
        print("files: \(files.count), \(rounds) rounds; whole processes, wall time; medians; ratios are medians of per-round ratios")
        for (index, contender) in contenders.enumerated() {
            let median = IntakeBench.median(seconds[index])
            print(String(format: "%@ %8.1f ms  (%.3f ms/document)", (contender.name + ":").padding(toLength: 46, withPad: " ", startingAt: 0),
                         median * 1000, median * 1000 / Double(files.count)))
        }
        IntakeBench.printRatio("in process / reference", seconds[1], seconds[0])
        IntakeBench.printRatio("pooled / \(cores) references", seconds[3], seconds[2])
    }

    /// Runs the commands at once and waits for all of them; throws if one fails.
    static func timed(_ commands: [(String, [String])]) throws {
        let failures = FailureList()
        DispatchQueue.concurrentPerform(iterations: commands.count) { index in
            let (executable, arguments) = commands[index]
            do {
                let outcome = try ChildProcess.run(executable, arguments)
                if outcome.exitStatus != 0 { failures.add("\(executable) ended with \(outcome.exitStatus.map { "status \($0)" } ?? "signal \(outcome.signal ?? 0)")") }
            } catch {
                failures.add("\(executable): \(error)")
            }
        }
        if let first = failures.first { throw ValidationError(first) }
    }
}

/// Failures collected from concurrent runs.
private final class FailureList: Sendable {
    private let messages = Mutex<[String]>([])
    func add(_ message: String) { messages.withLock { $0.append(message) } }
    var first: String? { messages.withLock { $0.first } }
}
