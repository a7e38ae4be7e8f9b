public import ArgumentParser
import Foundation
import Isolation

/// `paperwork worker`: the isolated child process of the worker pool. Not for people: it
/// speaks a binary protocol on stdin and stdout.
public struct WorkerCommand: ParsableCommand {
    /// Hidden from `paperwork --help`.
    public static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run as an isolated document worker (started by the pool; speaks a binary protocol).",
        shouldDisplay: false
    )

    @Option(help: "Address-space limit in bytes.")
    var addressSpaceBytes: Int?

    @Option(help: "CPU seconds per document.")
    var cpuSecondsPerDocument: Int?

    @Flag(name: .customLong("allow-fault-injection"), help: "Obey test-only fault requests.")
    var allowsFaultInjection = false

    /// Required by ArgumentParser.
    public init() {}

    public func run() throws {
        var sandbox = WorkerSandbox()
        if let addressSpaceBytes { sandbox.addressSpaceBytes = addressSpaceBytes }
        if let cpuSecondsPerDocument { sandbox.cpuSecondsPerDocument = cpuSecondsPerDocument }
        throw ExitCode(IsolatedWorker.run(sandbox: sandbox, allowsFaultInjection: allowsFaultInjection))
    }
}
