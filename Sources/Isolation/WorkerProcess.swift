import CSandbox
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// How one exchange with a worker ended.
enum ExchangeOutcome {
    case replied(WireProtocol.Frame)
    /// The worker closed its stdout or sent garbage; `timedOut` says whether we killed it.
    case died(timedOut: Bool)
}

/// The pool's handle on one worker process, used only by the slot thread that owns it.
///
/// Every call blocks; that is why it lives on a thread of its own and never on Swift's
/// cooperative pool (which has only as many threads as cores). Not `Sendable`: it never
/// leaves its slot thread.
final class WorkerProcess {
    /// The worker's process id.
    let pid: Int32
    private let input: FileHandle
    private let output: FileHandle
    private var reaped = false
    /// What the worker said when it started.
    let hello: WorkerHello
    private(set) var documentsServed = 0

    /// How long a new worker may take to say hello.
    static let startTimeoutMilliseconds: Int32 = 30_000

    /// Starts a worker with `environment` over this process's, and waits for its hello;
    /// throws if it does not say hello in time.
    init(executable: String, arguments: [String], environment: [String: String] = [:]) throws {
        var toChild: Int32 = -1, fromChild: Int32 = -1, pid: Int32 = 0
        let argv = ([executable] + arguments).map { $0 + "\0" }.joined()
        let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)\0" }.joined()
        guard paperwork_spawn(executable, argv, argv.utf8.count, variables, variables.utf8.count, &toChild, &fromChild, nil, &pid) == 0 else {
            throw WorkerPoolError.workerDidNotStart
        }
        self.pid = pid
        input = FileHandle(fileDescriptor: toChild, closeOnDealloc: true)
        output = FileHandle(fileDescriptor: fromChild, closeOnDealloc: true)
        guard paperwork_wait_readable(fromChild, Self.startTimeoutMilliseconds) == 1,
              let frame = WireProtocol.readFrame(from: fromChild), frame.kind == .hello,
              let hello = try? JSONDecoder().decode(WorkerHello.self, from: Data(frame.payload)) else {
            kill(pid, SIGKILL)
            var signal: Int32 = 0, status: Int32 = 0
            _ = paperwork_wait(pid, &signal, &status)
            reaped = true
            throw WorkerPoolError.workerDidNotStart
        }
        self.hello = hello
    }

    deinit {
        if !reaped {
            kill(pid, SIGKILL)
            var signal: Int32 = 0, status: Int32 = 0
            _ = paperwork_wait(pid, &signal, &status)
        }
    }

    /// Whether the worker ended while it had nothing to do (its stdout is readable: at end of
    /// file, or holding bytes nobody asked for).
    var diedWhileIdle: Bool {
        paperwork_wait_readable(output.fileDescriptor, 0) != 0
    }

    /// Sends one request and waits for the reply, killing the worker after `timeout`. The
    /// deadline is kept here with `poll`, not by a timer task per document.
    func exchange(_ request: [UInt8], timeout: Duration) -> ExchangeOutcome {
        documentsServed += 1
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        guard WireProtocol.write(request, to: input.fileDescriptor) else { return .died(timedOut: false) }
        // The reply is written at once when the document is done: its first byte marks the
        // end of the parsing, which is what the deadline bounds.
        switch paperwork_wait_readable(output.fileDescriptor, milliseconds) {
        case 1:
            if let frame = WireProtocol.readFrame(from: output.fileDescriptor), frame.kind == .result || frame.kind == .judgement { return .replied(frame) }
            return .died(timedOut: false)
        case 0:
            return .died(timedOut: true)
        default:
            return .died(timedOut: false)
        }
    }

    /// Kills the worker (if it still runs) and reaps it; returns the signal that ended it.
    @discardableResult
    func terminate() -> Int32? {
        kill(pid, SIGKILL)
        return reap()
    }

    /// Asks the worker to finish by closing its stdin; kills it if it lingers past `grace`.
    func retire(graceMilliseconds: Int32 = 2000) {
        try? input.close()
        if paperwork_wait_readable(output.fileDescriptor, graceMilliseconds) != 1 { kill(pid, SIGKILL) }
        reap()
    }

    @discardableResult
    private func reap() -> Int32? {
        guard !reaped else { return nil }
        var signal: Int32 = 0, status: Int32 = 0
        _ = paperwork_wait(pid, &signal, &status)
        reaped = true
        return signal == 0 ? nil : signal
    }
}
