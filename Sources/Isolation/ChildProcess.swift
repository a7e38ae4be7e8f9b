import CSandbox
import Foundation
import Synchronization

/// Runs a helper program to completion and captures its output.
///
/// Foundation's `Process` is not used anywhere in Paperwork: on Linux it delivered termination
/// late and, in a process that also runs the worker pool, a descriptor it closed late could be
/// one the pool had reused for a worker's pipe. This uses the pool's own spawn and reap.
public enum ChildProcess {
    /// The outcome of a finished child.
    public struct Outcome: Sendable {
        /// The exit status, or nil when a signal ended it.
        public var exitStatus: Int32?
        /// The signal that ended it, if any.
        public var signal: Int32?
        /// Everything it wrote to stdout.
        public var output: [UInt8]
        /// Everything it wrote to stderr, when that was captured.
        public var errors: [UInt8]
    }

    /// Starts `executable` with `arguments`, closes its stdin, reads its stdout (and, with
    /// `capturingErrors`, its stderr) to the end and reaps it.
    public static func run(_ executable: String, _ arguments: [String], capturingErrors: Bool = false) throws -> Outcome {
        var toChild: Int32 = -1, fromChild: Int32 = -1, errorsFromChild: Int32 = -1, pid: Int32 = 0
        let argv = ([executable] + arguments).map { $0 + "\0" }.joined()
        let spawned = capturingErrors
            ? paperwork_spawn(executable, argv, argv.utf8.count, &toChild, &fromChild, &errorsFromChild, &pid)
            : paperwork_spawn(executable, argv, argv.utf8.count, &toChild, &fromChild, nil, &pid)
        guard spawned == 0 else {
            throw WorkerPoolError(code: "spawn_failed", message: "\(executable) could not be started: \(String(cString: strerror(errno)))")
        }
        close(toChild)
        // Drain stderr on another thread so that neither pipe can fill up and block the child.
        let errorsBox = ErrorsBox()
        let drained = DispatchSemaphore(value: 0)
        if capturingErrors {
            let handle = FileHandle(fileDescriptor: errorsFromChild, closeOnDealloc: true)
            Thread.detachNewThread {
                errorsBox.set([UInt8]((try? handle.readToEnd()) ?? Data()))
                drained.signal()
            }
        }
        let output = FileHandle(fileDescriptor: fromChild, closeOnDealloc: true)
        let data = (try? output.readToEnd()) ?? Data()
        if capturingErrors { drained.wait() }
        var signal: Int32 = 0, status: Int32 = 0
        _ = paperwork_wait(pid, &signal, &status)
        return Outcome(exitStatus: signal == 0 ? status : nil, signal: signal == 0 ? nil : signal, output: [UInt8](data), errors: errorsBox.get())
    }
}

/// Hands the stderr bytes from the draining thread back to the caller.
private final class ErrorsBox: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    func set(_ value: [UInt8]) { bytes.withLock { $0 = value } }
    func get() -> [UInt8] { bytes.withLock { $0 } }
}
