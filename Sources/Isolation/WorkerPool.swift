import Foundation
public import Intake
#if canImport(Glibc)
import Glibc
#endif

/// Errors of the pool itself (never of a document: those become verdicts).
public struct WorkerPoolError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable code.
    public var code: String
    /// A sentence for operators.
    public var message: String

    /// A new worker did not start or did not say hello.
    public static let workerDidNotStart = WorkerPoolError(code: "worker_did_not_start", message: "a worker process did not start")
    /// The pool was shut down.
    public static let shutDown = WorkerPoolError(code: "pool_shut_down", message: "the worker pool is shut down")

    public var description: String { "\(code): \(message)" }
}

/// A pool of worker processes of the same binary that parse untrusted documents.
///
/// poppler and libmagic are C parsers with a history of crashes, hangs and memory blow-ups on
/// hostile files, and poppler is not safe with documents on several threads. Each worker is
/// single-threaded, sandboxed by ``WorkerSandbox`` and watched by a wall-clock timeout; a worker
/// that dies takes exactly one document with it, which becomes a `rejected` verdict with
/// `processing_failed` or `processing_timeout`, and the pool replaces it.
public actor WorkerPool {
    /// How the pool runs its workers.
    public struct Configuration: Sendable {
        /// Worker processes; defaults to the number of cores.
        public var size: Int = ProcessInfo.processInfo.activeProcessorCount
        /// Documents a worker serves before it is replaced (bounds slow leaks in C libraries).
        public var documentsPerWorker: Int = 500
        /// Wall-clock time one document may take before its worker is killed.
        public var timeout: Duration = .seconds(30)
        /// The executable and arguments that start a worker (`paperwork worker`).
        public var executable: String
        /// Arguments after the executable.
        public var arguments: [String] = ["worker"]
        /// The limits each worker puts on itself.
        public var sandbox = WorkerSandbox()
        /// Lets tests make workers commit ``WorkerFault``s.
        public var allowsFaultInjection = false

        /// A configuration for workers started from `executable` (the `paperwork` binary).
        public init(executable: String = Configuration.currentExecutable) {
            self.executable = executable
        }

        /// The running binary, so that `paperwork` starts copies of itself.
        public static var currentExecutable: String {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        }
    }

    private let configuration: Configuration
    private var idle: [WorkerProcess] = []
    private var busy: [Int32: WorkerProcess] = [:]
    private var starting = 0
    private var waiters: [CheckedContinuation<WorkerProcess?, Never>] = []
    private var isShutDown = false
    /// Workers that died or overran, for metrics and tests.
    public private(set) var replacements = 0

    /// A pool; call ``start()`` to start its workers ahead of need.
    public init(configuration: Configuration) {
        self.configuration = configuration
        // A worker that dies leaves a pipe with no reader; writing to it must fail, not kill us.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Starts every worker and waits until each has said hello.
    public func start() async throws {
        try await withThrowingTaskGroup(of: WorkerProcess.self) { group in
            for _ in 0..<max(1, configuration.size) {
                group.addTask { try await self.spawn() }
            }
            for try await worker in group { idle.append(worker) }
        }
    }

    /// Inspects one document in a worker. Never throws: a worker failure is a verdict.
    public func inspect(
        _ document: [UInt8],
        declared: DeclaredType = DeclaredType(),
        claims: CompanyClaims = CompanyClaims(),
        limits: IntakeLimits = IntakeLimits(),
        previews: PreviewSelection = .none,
        fault: WorkerFault? = nil
    ) async -> Inspection {
        let header = WireProtocol.RequestHeader(declared: declared, claims: claims, limits: limits, previews: previews, fault: fault)
        return await run(header, document: document)
    }

    /// Judges a file over the size limit from its head, in a worker like any other document:
    /// even sniffing is parsing.
    public func inspectOversized(head: [UInt8], size: Int, sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
        let header = WireProtocol.RequestHeader(
            declared: declared, claims: CompanyClaims(), limits: limits, previews: .none,
            oversized: OversizedFile(size: size, sha256: sha256), fault: nil
        )
        return await run(header, document: head)
    }

    private func run(_ header: WireProtocol.RequestHeader, document: [UInt8]) async -> Inspection {
        let declared = header.declared
        guard let request = try? WireProtocol.encodeRequest(header, document: document) else {
            return Self.failure(.processingFailed, "the request could not be encoded", document: document, declared: declared)
        }
        // A worker that dies on a document gets one more try on a fresh worker: it may have
        // died between documents (of a C library's leak, or killed by an operator) before it
        // read this one. A document that kills two workers in a row is the culprit.
        var attempt = 0
        while true {
            attempt += 1
            guard let worker = await checkOut() else {
                return Self.failure(.processingFailed, "the worker pool is shut down", document: document, declared: declared)
            }
            switch await worker.exchange(request, timeout: configuration.timeout) {
            case let .replied(frame):
                guard let inspection = WireProtocol.decodeResult(frame.payload) else {
                    await replace(worker)
                    return Self.failure(.processingFailed, "the worker sent a malformed result", document: document, declared: declared)
                }
                await checkIn(worker)
                return inspection
            case let .died(timedOut):
                let signal = await worker.waitForExit()
                await replace(worker)
                if timedOut {
                    return Self.failure(.processingTimeout, "processing took longer than \(configuration.timeout)", document: document, declared: declared)
                }
                if attempt < 2 { continue }
                let how = signal.map { "signal \($0)" } ?? "an exit"
                return Self.failure(.processingFailed, "the document parser failed (\(how)); the file may be malformed or hostile", document: document, declared: declared)
            }
        }
    }

    /// Pids of every live worker, idle or busy, for operators and for tests that kill one.
    public var workerPIDs: [Int32] { idle.map(\.pid) + busy.keys }

    /// How many worker processes are running; back at ``Configuration/size`` once the pool
    /// has replaced any that died.
    public private(set) var alive = 0

    /// What the workers report they enforce, plus what the pool enforces when it starts them
    /// (only stdin, stdout and stderr cross into a worker).
    public var sandboxReport: WorkerHello? {
        guard var hello = idle.first?.hello else { return nil }
        hello.enforced.append("inherited_descriptors_closed")
        return hello
    }

    /// Retires every worker; later calls return `processing_failed`.
    public func shutdown() async {
        isShutDown = true
        let workers = idle
        idle = []
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters = []
        for worker in workers {
            await worker.retire()
            alive -= 1
        }
    }

    // MARK: Internals

    private func spawn() async throws -> WorkerProcess {
        var arguments = configuration.arguments + configuration.sandbox.arguments
        if configuration.allowsFaultInjection { arguments.append(IsolatedWorker.faultInjectionFlag) }
        let worker = try await WorkerProcess(executable: configuration.executable, arguments: arguments)
        alive += 1
        return worker
    }

    private func checkOut() async -> WorkerProcess? {
        while !isShutDown {
            if let worker = idle.popLast() {
                if worker.hasExited {
                    // Died between documents: costs a restart, nothing else.
                    await replace(worker)
                    continue
                }
                busy[worker.pid] = worker
                return worker
            }
            let worker = await withCheckedContinuation { waiters.append($0) }
            if let worker {
                busy[worker.pid] = worker
                return worker
            }
        }
        return nil
    }

    private func checkIn(_ worker: WorkerProcess) async {
        busy[worker.pid] = nil
        if worker.documentsServed >= configuration.documentsPerWorker || worker.hasExited {
            await replace(worker, retiring: true)
            return
        }
        handOver(worker)
    }

    private func handOver(_ worker: WorkerProcess) {
        if isShutDown {
            Task { await worker.retire() }
            alive -= 1
        } else if !waiters.isEmpty {
            waiters.removeFirst().resume(returning: worker)
        } else {
            idle.append(worker)
        }
    }

    /// Ends a worker and starts its successor, retrying until one starts.
    private func replace(_ worker: WorkerProcess, retiring: Bool = false) async {
        busy[worker.pid] = nil
        if retiring { await worker.retire() } else { await worker.terminate(); replacements += 1 }
        alive -= 1
        guard !isShutDown else { return }
        var delay = Duration.milliseconds(50)
        while !isShutDown {
            if let successor = try? await spawn() {
                handOver(successor)
                return
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(5))
        }
    }

    /// The verdict on a document whose worker failed: rejected, with the reason and identity
    /// the parent can vouch for without parsing anything.
    static func failure(_ code: ReasonCode, _ message: String, document: [UInt8], declared: DeclaredType) -> Inspection {
        Inspection.processingFailure(code, message, document: document, declared: declared)
    }
}
