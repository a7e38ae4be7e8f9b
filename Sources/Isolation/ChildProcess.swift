import CSandbox
public import Foundation
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
            ? paperwork_spawn(executable, argv, argv.utf8.count, nil, 0, &toChild, &fromChild, &errorsFromChild, &pid)
            : paperwork_spawn(executable, argv, argv.utf8.count, nil, 0, &toChild, &fromChild, nil, &pid)
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

extension ChildProcess {
    /// A child that runs beside the caller (a test's SMTP server, say) until its stdin closes.
    public final class Running: Sendable {
        /// Its process id.
        public let pid: Int32
        /// Its stdin; closing it is the polite way to ask it to stop.
        public let input: FileHandle
        /// Its stdout.
        public let output: FileHandle

        init(pid: Int32, input: FileHandle, output: FileHandle) {
            self.pid = pid
            self.input = input
            self.output = output
        }

        /// One line of its stdout (without the newline), or nil at the end.
        public func readLine() -> String? {
            var bytes: [UInt8] = []
            while let data = try? output.read(upToCount: 1), let byte = data.first {
                if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
                bytes.append(byte)
            }
            return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
        }

        /// Sends it a signal (`SIGTERM` to ask a server to shut down gracefully).
        public func send(_ signal: Int32) {
            kill(pid, signal)
        }

        /// Waits for it to end and reaps it: its exit status, or the signal that ended it.
        public func waitForExit() -> (exitStatus: Int32?, signal: Int32?) {
            var signal: Int32 = 0, status: Int32 = 0
            guard paperwork_wait(pid, &signal, &status) == 0 else { return (nil, nil) }
            return signal != 0 ? (nil, signal) : (status, nil)
        }

        /// Closes its stdin, waits for it to end (killing it after `grace`) and reaps it.
        public func stop(graceMilliseconds: Int32 = 5000) {
            try? input.close()
            if paperwork_wait_readable(output.fileDescriptor, graceMilliseconds) != 1 { kill(pid, SIGKILL) }
            _ = try? output.readToEnd()
            if paperwork_wait_readable(output.fileDescriptor, graceMilliseconds) != 1 { kill(pid, SIGKILL) }
            var signal: Int32 = 0, status: Int32 = 0
            _ = paperwork_wait(pid, &signal, &status)
        }
    }

    /// Starts `executable` with `arguments`, its stdin and stdout on pipes, its stderr ours.
    public static func start(_ executable: String, _ arguments: [String]) throws -> Running {
        var toChild: Int32 = -1, fromChild: Int32 = -1, pid: Int32 = 0
        let argv = ([executable] + arguments).map { $0 + "\0" }.joined()
        guard paperwork_spawn(executable, argv, argv.utf8.count, nil, 0, &toChild, &fromChild, nil, &pid) == 0 else {
            throw WorkerPoolError(code: "spawn_failed", message: "\(executable) could not be started: \(String(cString: strerror(errno)))")
        }
        return Running(pid: pid, input: FileHandle(fileDescriptor: toChild, closeOnDealloc: true), output: FileHandle(fileDescriptor: fromChild, closeOnDealloc: true))
    }
}

/// Hands the stderr bytes from the draining thread back to the caller.
private final class ErrorsBox: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    func set(_ value: [UInt8]) { bytes.withLock { $0 = value } }
    func get() -> [UInt8] { bytes.withLock { $0 } }
}
