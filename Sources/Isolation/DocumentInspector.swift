import Dispatch
public import Intake

/// The one way in to document inspection for the CLI, the server and revalidation runs:
/// through the worker pool by default, in-process only for debugging.
public protocol DocumentInspector: Sendable {
    /// Inspects a whole file received on `receivedOn` (today when nil), the day its age is
    /// counted to.
    func inspect(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection, receivedOn: CalendarDay?) async -> Inspection
    /// Judges a file over the size limit from its head.
    func inspectOversized(head: [UInt8], size: Int, sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection
    /// Judges a stored file whose digest is known: the verdict and reasons only, so a
    /// revalidation run compares cheaply and inspects in full only what changed.
    func judge(_ document: [UInt8], sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection
    /// Judges a file again and renders one page (1-based) at the limits' resolution: the
    /// inspection with that page alone in its previews (none when refused or out of range).
    func render(_ document: [UInt8], page: Int, declared: DeclaredType, limits: IntakeLimits) async -> Inspection
    /// Inspects a file and, when it has no text layer, reads its pages by OCR under `policy`:
    /// the inspection with ``Inspection/ocr`` set and the evidence searched for in that text.
    func recognize(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, policy: OCRPolicy, receivedOn: CalendarDay?) async -> Inspection
}

extension DocumentInspector {
    /// Inspects a whole file received today.
    public func inspect(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection) async -> Inspection {
        await inspect(document, declared: declared, claims: claims, limits: limits, previews: previews, receivedOn: nil)
    }
}

extension WorkerPool: DocumentInspector {
    public func recognize(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, policy: OCRPolicy, receivedOn: CalendarDay?) async -> Inspection {
        await recognize(document, declared: declared, claims: claims, limits: limits, policy: policy, receivedOn: receivedOn, fault: nil)
    }

    public func inspect(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection, receivedOn: CalendarDay?) async -> Inspection {
        await inspect(document, declared: declared, claims: claims, limits: limits, previews: previews, receivedOn: receivedOn, fault: nil)
    }
}

/// Inspection in the calling process, with no isolation: a crash or hang here takes the
/// caller with it. For debugging (`paperwork inspect --in-process`) and benchmarks.
///
/// poppler and libmagic take one document at a time per process. Rather than let concurrent
/// callers' threads queue on their locks (a contended `Mutex` on Linux sleeps in the kernel:
/// 0.7 s of system time per 240 documents when `inspect --in-process` ran them concurrently),
/// every in-process inspector hands its documents to one serial queue, which takes them in
/// turn on one thread, and the callers wait as suspended tasks.
public struct InProcessInspector: DocumentInspector {
    /// The one thread that parses documents in this process.
    private static let queue = DispatchQueue(label: "paperwork.in-process-inspection", qos: .userInitiated)

    /// The in-process inspector.
    public init() {}

    public func inspect(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection, receivedOn: CalendarDay?) async -> Inspection {
        await Self.inTurn { CertificateInspector.inspect(document, declared: declared, claims: claims, limits: limits, previews: previews, receivedOn: receivedOn) }
    }

    public func inspectOversized(head: [UInt8], size: Int, sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
        await Self.inTurn { CertificateInspector.inspectOversized(head: head, size: size, sha256: sha256, declared: declared, limits: limits) }
    }

    public func judge(_ document: [UInt8], sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
        await Self.inTurn { CertificateInspector.judge(document, sha256: sha256, declared: declared, limits: limits) }
    }

    public func render(_ document: [UInt8], page: Int, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
        await Self.inTurn { CertificateInspector.inspect(document, declared: declared, renderingPage: page, limits: limits) }
    }

    public func recognize(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, policy: OCRPolicy, receivedOn: CalendarDay?) async -> Inspection {
        await Self.inTurn { CertificateInspector.inspect(document, declared: declared, claims: claims, limits: limits, receivedOn: receivedOn, ocr: policy) }
    }

    /// Runs `work` on ``queue`` after the documents handed over before it.
    private static func inTurn(_ work: @escaping @Sendable () -> Inspection) async -> Inspection {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
