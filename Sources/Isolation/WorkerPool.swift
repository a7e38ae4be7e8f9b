import Foundation
public import Intake
import Synchronization
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
///
/// Each worker has a slot: a thread of its own that owns the process, takes the next document
/// from a shared queue as soon as the last one is answered, and does the blocking pipe I/O,
/// so no document waits on a hop through Swift's cooperative pool between two others.
public final class WorkerPool: Sendable {
    /// How the pool runs its workers.
    public struct Configuration: Sendable {
        /// Worker processes; defaults to the number of cores.
        public var size: Int = ProcessInfo.processInfo.activeProcessorCount
        /// Documents a worker serves before it is replaced (bounds slow leaks in C libraries).
        public var documentsPerWorker: Int = 500
        /// Wall-clock time one document may take before its worker is killed.
        public var timeout: Duration = .seconds(30)
        /// The executable that starts a worker (the `paperwork` binary).
        public var executable: String
        /// Arguments after the executable.
        public var arguments: [String] = ["worker"]
        /// The limits each worker puts on itself.
        public var sandbox = WorkerSandbox()
        /// Lets tests make workers commit ``WorkerFault``s.
        public var allowsFaultInjection = false
        /// Variables set in each worker's environment over this process's. OpenMP, which
        /// Tesseract uses, starts a thread per core in every process unless told otherwise:
        /// one thread per worker, since the pool's processes are its parallelism.
        public var environment: [String: String] = ["OMP_THREAD_LIMIT": "1"]

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
    private let queue = JobQueue()
    private let state = Mutex(State())

    private struct State {
        var pids: Set<Int32> = []
        var replacements = 0
        var hello: WorkerHello?
        var started = false
        var exited: [CheckedContinuation<Void, Never>] = []
        var slotsRunning = 0
    }

    /// A pool; call ``start()`` to start its workers ahead of need.
    public init(configuration: Configuration) {
        self.configuration = configuration
        // A worker that dies leaves a pipe with no reader; writing to it must fail, not kill us.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Starts every worker and waits until each has said hello.
    public func start() async throws {
        let first = state.withLock { state -> Bool in
            defer { state.started = true }
            return !state.started
        }
        guard first else { return }
        let size = max(1, configuration.size)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<size {
                group.addTask {
                    try await withCheckedThrowingContinuation { (ready: CheckedContinuation<Void, any Error>) in
                        self.state.withLock { $0.slotsRunning += 1 }
                        Thread.detachNewThread { self.runSlot(ready: ready) }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Inspects one document in a worker. Never throws: a worker failure is a verdict.
    public func inspect(
        _ document: [UInt8],
        declared: DeclaredType = DeclaredType(),
        claims: CompanyClaims = CompanyClaims(),
        limits: IntakeLimits = IntakeLimits(),
        previews: PreviewSelection = .none,
        receivedOn: CalendarDay? = nil,
        fault: WorkerFault? = nil
    ) async -> Inspection {
        let header = WireProtocol.RequestHeader(declared: declared, claims: claims, limits: limits, previews: previews, receivedOn: receivedOn, fault: fault)
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

    /// Renders one page of a stored file at the limits' resolution, in a worker like any other
    /// document (see ``CertificateInspector/inspect(_:declared:renderingPage:limits:)``).
    public func render(_ document: [UInt8], page: Int, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
        let header = WireProtocol.RequestHeader(declared: declared, claims: CompanyClaims(), limits: limits, previews: .none, renderPage: page, fault: nil)
        return await run(header, document: document)
    }

    /// Inspects a file and, when it is image-only, reads its pages by OCR under `policy` (see
    /// ``CertificateInspector/inspect(_:declared:claims:limits:previews:receivedOn:forensics:ocr:)``),
    /// in a worker like any other document. The worker may take the pool's timeout plus
    /// each examined page's OCR time limit.
    public func recognize(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, policy: OCRPolicy, receivedOn: CalendarDay? = nil, fault: WorkerFault? = nil) async -> Inspection {
        let header = WireProtocol.RequestHeader(declared: declared, claims: claims, limits: limits, previews: .none, receivedOn: receivedOn, ocr: policy, fault: fault)
        return await run(header, document: document)
    }

    /// Judges a stored file whose digest is known: verdict and reasons only (see
    /// ``CertificateInspector/judge(_:sha256:declared:limits:)``), in a worker like any other document.
    public func judge(_ document: [UInt8], sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
        let header = WireProtocol.RequestHeader(
            declared: declared, claims: CompanyClaims(), limits: limits, previews: .none, judgeStoredFile: sha256, fault: nil
        )
        return await run(header, document: document)
    }

    private func run(_ header: WireProtocol.RequestHeader, document: [UInt8]) async -> Inspection {
        if !state.withLock({ $0.started }) {
            do { try await start() } catch {
                return Self.failure(.processingFailed, "no worker could be started: \(error)", document: document, declared: header.declared)
            }
        }
        guard let request = try? WireProtocol.encodeRequest(header, document: document) else {
            return Self.failure(.processingFailed, "the request could not be encoded", document: document, declared: header.declared)
        }
        return await withCheckedContinuation { continuation in
            var timeout = configuration.timeout
            if let ocr = header.ocr { timeout += .seconds(ocr.secondsPerPage * Double(header.limits.maxPages)) }
            let job = Job(request: request, document: document, declared: header.declared, judged: header.judgeStoredFile != nil, timeout: timeout, continuation: continuation)
            if let refused = queue.put(job) {
                refused.continuation.resume(returning: Self.failure(.processingFailed, "the worker pool is shut down", document: document, declared: header.declared))
            }
        }
    }

    /// Pids of every live worker, for operators and for tests that kill one.
    public var workerPIDs: [Int32] { state.withLock { Array($0.pids) } }

    /// How many worker processes are running; back at ``Configuration/size`` once the pool
    /// has replaced any that died.
    public var alive: Int { state.withLock { $0.pids.count } }

    /// Workers that died or overran (not those retired after their quota).
    public var replacements: Int { state.withLock { $0.replacements } }

    /// What the workers report they enforce, plus what the pool enforces when it starts them
    /// (only stdin, stdout and stderr cross into a worker).
    public var sandboxReport: WorkerHello? {
        guard var hello = state.withLock({ $0.hello }) else { return nil }
        hello.enforced.append("inherited_descriptors_closed")
        return hello
    }

    /// Retires every worker once the documents already queued are done; later calls return
    /// `processing_failed`.
    public func shutdown() async {
        queue.close()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { state -> Bool in
                if state.slotsRunning == 0 { return true }
                state.exited.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    // MARK: The slot thread

    private func runSlot(ready: CheckedContinuation<Void, any Error>) {
        var worker: WorkerProcess?
        do {
            worker = try spawn()
            ready.resume()
        } catch {
            ready.resume(throwing: error)
        }
        while var job = queue.take() {
            if let current = worker, current.diedWhileIdle {
                // Died between documents: costs a restart, nothing else.
                forget(current, signal: current.terminate(), failed: true)
                worker = nil
            }
            if worker == nil { worker = spawnUntilStarted() }
            guard let current = worker else {
                job.continuation.resume(returning: Self.failure(.processingFailed, "no worker could be started", document: job.document, declared: job.declared))
                continue
            }
            switch current.exchange(job.request, timeout: job.timeout) {
            case let .replied(frame):
                // The answer must be of the kind asked for: a judgement never stands in for an inspection.
                let decoded = job.judged
                    ? (frame.kind == .judgement ? WireProtocol.decodeJudgement(frame.payload) : nil)
                    : (frame.kind == .result ? WireProtocol.decodeResult(frame.payload) : nil)
                if let inspection = decoded {
                    job.continuation.resume(returning: inspection)
                } else {
                    forget(current, signal: current.terminate(), failed: true)
                    worker = nil
                    job.continuation.resume(returning: Self.failure(.processingFailed, "the worker sent a malformed result", document: job.document, declared: job.declared))
                }
                if worker != nil, current.documentsServed >= configuration.documentsPerWorker {
                    current.retire()
                    forget(current, signal: nil, failed: false)
                    worker = nil
                }
            case let .died(timedOut):
                let signal = current.terminate()
                forget(current, signal: signal, failed: true)
                worker = nil
                if timedOut {
                    job.continuation.resume(returning: Self.failure(.processingTimeout, "processing took longer than \(job.timeout)", document: job.document, declared: job.declared))
                } else if job.attempt < 2 {
                    // One more try on a fresh worker: this one may have died of something else
                    // before it read the document. A document that kills two is the culprit.
                    job.attempt += 1
                    queue.putFirst(job)
                } else {
                    let how = signal.map { "signal \($0)" } ?? "an exit"
                    job.continuation.resume(returning: Self.failure(.processingFailed, "the document parser failed (\(how)); the file may be malformed or hostile", document: job.document, declared: job.declared))
                }
            }
            // Back to full strength before the next document, not when it arrives.
            if worker == nil, !queue.isClosed { worker = spawnUntilStarted() }
        }
        if let worker {
            worker.retire()
            forget(worker, signal: nil, failed: false)
        }
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.slotsRunning -= 1
            guard state.slotsRunning == 0 else { return [] }
            defer { state.exited = [] }
            return state.exited
        }
        waiters.forEach { $0.resume() }
    }

    private func spawn() throws -> WorkerProcess {
        var arguments = configuration.arguments + configuration.sandbox.arguments
        if configuration.allowsFaultInjection { arguments.append(IsolatedWorker.faultInjectionFlag) }
        let worker = try WorkerProcess(executable: configuration.executable, arguments: arguments, environment: configuration.environment)
        let hello = worker.hello
        state.withLock { state in
            state.pids.insert(worker.pid)
            if state.hello == nil { state.hello = hello }
        }
        return worker
    }

    /// Starts a replacement, backing off while starting fails; gives up when the pool closes.
    private func spawnUntilStarted() -> WorkerProcess? {
        var delay = 0.05
        while !queue.isClosed {
            if let worker = try? spawn() { return worker }
            Thread.sleep(forTimeInterval: delay)
            delay = min(delay * 2, 5)
        }
        return try? spawn()
    }

    private func forget(_ worker: WorkerProcess, signal: Int32?, failed: Bool) {
        state.withLock { state in
            state.pids.remove(worker.pid)
            if failed { state.replacements += 1 }
        }
    }

    /// The verdict on a document whose worker failed: rejected, with the reason and identity
    /// the parent can vouch for without parsing anything.
    static func failure(_ code: ReasonCode, _ message: String, document: [UInt8], declared: DeclaredType) -> Inspection {
        Inspection.processingFailure(code, message, document: document, declared: declared)
    }
}

/// One document waiting for, or in, a worker.
struct Job: Sendable {
    let request: [UInt8]
    let document: [UInt8]
    let declared: DeclaredType
    /// Whether this is a judge request, answered by a ``Judgement``.
    let judged: Bool
    /// How long the worker may take: the pool's timeout, more for an OCR request.
    let timeout: Duration
    let continuation: CheckedContinuation<Inspection, Never>
    var attempt = 1
}

/// The documents waiting for a worker, first in first out; slot threads block on it.
final class JobQueue: Sendable {
    private struct State {
        var jobs: [Job] = []
        var head = 0
        var closed = false
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Queues a job; hands it back when the queue is closed.
    func put(_ job: Job) -> Job? {
        let accepted = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.jobs.append(job)
            return true
        }
        guard accepted else { return job }
        available.signal()
        return nil
    }

    /// Puts a job back at the front (a retry goes before newer documents).
    func putFirst(_ job: Job) {
        state.withLock { state in
            if state.head > 0 {
                state.head -= 1
                state.jobs[state.head] = job
            } else {
                state.jobs.insert(job, at: 0)
            }
        }
        available.signal()
    }

    /// The next job, blocking until there is one; `nil` once closed and drained.
    func take() -> Job? {
        while true {
            available.wait()
            let next = state.withLock { state -> (Job?, Bool) in
                if state.head < state.jobs.count {
                    let job = state.jobs[state.head]
                    state.head += 1
                    if state.head > 64, state.head * 2 > state.jobs.count {
                        state.jobs.removeFirst(state.head)
                        state.head = 0
                    }
                    return (job, false)
                }
                return (nil, state.closed)
            }
            if let job = next.0 { return job }
            if next.1 {
                available.signal() // wake the next slot thread so it sees the close too
                return nil
            }
        }
    }

    /// No new jobs; slot threads finish the queued ones and stop.
    func close() {
        state.withLock { $0.closed = true }
        available.signal()
    }
}
