public import Intake

/// The one way in to document inspection for the CLI, the server and revalidation runs:
/// through the worker pool by default, in-process only for debugging.
public protocol DocumentInspector: Sendable {
    /// Inspects a whole file.
    func inspect(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection) async -> Inspection
    /// Judges a file over the size limit from its head.
    func inspectOversized(head: [UInt8], size: Int, sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection
    /// Judges a stored file whose digest is known: the verdict and reasons only, so a
    /// revalidation run compares cheaply and inspects in full only what changed.
    func judge(_ document: [UInt8], sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection
}

extension WorkerPool: DocumentInspector {
    public func inspect(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection) async -> Inspection {
        await inspect(document, declared: declared, claims: claims, limits: limits, previews: previews, fault: nil)
    }
}

/// Inspection in the calling process, with no isolation: a crash or hang here takes the
/// caller with it. For debugging (`paperwork inspect --in-process`) and benchmarks.
public struct InProcessInspector: DocumentInspector {
    /// The in-process inspector.
    public init() {}

    public func inspect(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection) async -> Inspection {
        CertificateInspector.inspect(document, declared: declared, claims: claims, limits: limits, previews: previews)
    }

    public func inspectOversized(head: [UInt8], size: Int, sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
        CertificateInspector.inspectOversized(head: head, size: size, sha256: sha256, declared: declared, limits: limits)
    }

    public func judge(_ document: [UInt8], sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
        CertificateInspector.judge(document, sha256: sha256, declared: declared, limits: limits)
    }
}
