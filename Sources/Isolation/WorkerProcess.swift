import Foundation
import CSandbox
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How one exchange with a worker ended.
enum ExchangeOutcome {
    case replied(WireProtocol.Frame)
    /// The worker closed its stdout or sent garbage; `timedOut` says whether we killed it.
    case died(timedOut: Bool)
}

/// The pool's handle on one worker process.
///
/// `@unchecked Sendable` is safe here: the pool checks a worker out to exactly one job at a
/// time, so `exchange` is never called concurrently; `process`, `input` and `output` are
/// immutable after `init`; the only state shared with the watchdog and the reaper thread lives
/// in `exit`, behind a mutex.
final class WorkerProcess: @unchecked Sendable {
    /// The worker's process id.
    let pid: Int32
    private let input: FileHandle
    private let output: FileHandle
    private let exit = ExitWatch()
    let hello: WorkerHello
    private(set) var documentsServed = 0

    /// Starts a worker and waits for its hello; throws if it does not say hello.
    init(executable: String, arguments: [String]) async throws {
        var toChild: Int32 = -1, fromChild: Int32 = -1, pid: Int32 = 0
        let argv = ([executable] + arguments).map { $0 + "\0" }.joined()
        guard paperwork_spawn(executable, argv, argv.utf8.count, &toChild, &fromChild, nil, &pid) == 0 else {
            throw WorkerPoolError.workerDidNotStart
        }
        let childPID = pid
        self.pid = childPID
        input = FileHandle(fileDescriptor: toChild, closeOnDealloc: true)
        output = FileHandle(fileDescriptor: fromChild, closeOnDealloc: true)
        // Reap the child on a thread of its own as soon as it ends, whenever that is.
        let exit = self.exit
        Thread.detachNewThread {
            var signal: Int32 = 0, status: Int32 = 0
            _ = paperwork_wait(childPID, &signal, &status)
            exit.record(signal: signal == 0 ? nil : signal)
        }

        let output = self.output
        let frame = await Self.blocking { WireProtocol.readFrame(from: output) }
        guard let frame, frame.kind == .hello, let hello = try? JSONDecoder().decode(WorkerHello.self, from: Data(frame.payload)) else {
            kill(childPID, SIGKILL)
            throw WorkerPoolError.workerDidNotStart
        }
        self.hello = hello
    }

    /// Sends one request and waits for the reply, killing the worker after `timeout`.
    ///
    /// The deadline is kept by the I/O thread itself, with `poll`, rather than by a sleeping
    /// task per document: thousands of cancelled timers kept libdispatch's manager thread
    /// spinning on Linux.
    func exchange(_ request: [UInt8], timeout: Duration) async -> ExchangeOutcome {
        documentsServed += 1
        let pid = self.pid, input = self.input, output = self.output
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        let reply = await Self.blocking { () -> (WireProtocol.Frame?, Bool) in
            do { try input.write(contentsOf: request) } catch { return (nil, false) }
            // The whole reply is written at once when the document is done: its first byte
            // marks the end of the parsing, which is what the deadline bounds.
            switch paperwork_wait_readable(output.fileDescriptor, milliseconds) {
            case 0: return (nil, true)
            case 1: return (WireProtocol.readFrame(from: output), false)
            default: return (nil, false)
            }
        }
        if let frame = reply.0, frame.kind == .result { return .replied(frame) }
        kill(pid, SIGKILL)
        return .died(timedOut: reply.1)
    }

    /// Waits for the process to end; returns the signal that ended it, if any.
    func waitForExit() async -> Int32? {
        await exit.wait()
    }

    /// Whether the process has already ended (it may die between documents).
    var hasExited: Bool { exit.hasExited }

    /// Asks the worker to finish: closing stdin ends its loop. Kills it if it lingers.
    func retire(grace: Duration = .seconds(2)) async {
        try? input.close()
        let pid = self.pid
        let killer = Task {
            try await Task.sleep(for: grace)
            kill(pid, SIGKILL)
        }
        _ = await waitForExit()
        killer.cancel()
    }

    /// Kills the worker now.
    func terminate() async {
        kill(pid, SIGKILL)
        _ = await waitForExit()
    }

    /// Runs blocking pipe I/O on a thread of its own, off Swift's cooperative pool (which has
    /// only as many threads as cores, and must never block).
    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: body()) }
        }
    }
}

/// Learns when a worker process ends and by which signal, and wakes whoever waits for that.
private final class ExitWatch: Sendable {
    private struct State {
        var exited = false
        var signal: Int32?
        var waiters: [CheckedContinuation<Int32?, Never>] = []
    }

    private let state = Mutex(State())

    var hasExited: Bool { state.withLock { $0.exited } }

    func record(signal: Int32?) {
        let waiters = state.withLock { state in
            state.exited = true
            state.signal = signal
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume(returning: signal) }
    }

    func wait() async -> Int32? {
        await withCheckedContinuation { continuation in
            let finished = state.withLock { state -> Int32?? in
                if state.exited { return .some(state.signal) }
                state.waiters.append(continuation)
                return .none
            }
            if let signal = finished { continuation.resume(returning: signal) }
        }
    }
}
