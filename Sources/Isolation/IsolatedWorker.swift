import CSandbox
import Foundation
import Intake
#if canImport(Glibc)
import Glibc
#endif

/// The child side of the pool: `paperwork worker` runs this and nothing else.
///
/// One document at a time, read from stdin, inspected in-process, answered on stdout. The
/// protocol's stdout is moved to a private descriptor first and fd 1 is pointed at stderr, so
/// nothing a C library prints can corrupt a frame.
public enum IsolatedWorker {
    /// The `paperwork worker` flag that enables ``WorkerFault``s; only tests' pools pass it.
    public static let faultInjectionFlag = "--allow-fault-injection"

    /// Serves documents until stdin closes; returns the exit status.
    public static func run(sandbox: WorkerSandbox, allowsFaultInjection faultsAllowed: Bool) -> Int32 {
        let (enforced, notEnforced) = sandbox.apply()
        // The protocol's stdout moves to a fresh descriptor of its own.
        let protocolOut = dup(STDOUT_FILENO)
        guard protocolOut >= 0, dup2(STDERR_FILENO, STDOUT_FILENO) >= 0 else { return 70 }
        defer { close(protocolOut) }

        // Everything a document needs that outlives it is built before hello, once per worker.
        CertificateInspector.warmUp()
        let hello = WorkerHello(pid: getpid(), libraryVersions: CertificateInspector.libraryVersions, enforced: enforced, notEnforced: notEnforced)
        guard let helloJSON = try? JSONEncoder().encode(hello),
              WireProtocol.write(WireProtocol.frame(.hello, [UInt8](helloJSON)), to: protocolOut) else { return 74 }

        while let frame = WireProtocol.readFrame(from: STDIN_FILENO) {
            guard frame.kind == .request, let (header, document) = WireProtocol.decodeRequest(frame.payload) else { return 65 }
            // An OCR request may use one document's CPU budget plus each page's.
            sandbox.armCPULimit(extraSeconds: header.ocr.map { Int($0.secondsPerPage.rounded(.up)) * header.limits.maxPages } ?? 0)
            let fault = faultsAllowed ? header.fault : nil
            if let fault { commit(fault) }
            let inspection = if let oversized = header.oversized {
                CertificateInspector.inspectOversized(head: document, size: oversized.size, sha256: oversized.sha256, declared: header.declared, limits: header.limits)
            } else if let page = header.renderPage {
                CertificateInspector.inspect(document, declared: header.declared, renderingPage: page, limits: header.limits)
            } else if let sha256 = header.judgeStoredFile {
                CertificateInspector.judge(document, sha256: sha256, declared: header.declared, limits: header.limits)
            } else {
                CertificateInspector.inspect(
                    document, declared: header.declared, claims: header.claims, limits: header.limits, previews: header.previews,
                    receivedOn: header.receivedOn, ocr: header.ocr
                )
            }
            let encoded = header.judgeStoredFile == nil ? try? WireProtocol.encodeResult(inspection) : try? WireProtocol.encodeJudgement(inspection)
            guard let reply = encoded, WireProtocol.write(reply, to: protocolOut) else { return 74 }
            if fault == .exitAfterReply { return 0 }
        }
        return 0
    }

    private static func commit(_ fault: WorkerFault) {
        switch fault {
        case .segmentationFault:
            paperwork_segfault_for_testing()
        case .killSelf:
            kill(getpid(), SIGKILL)
        case .spin:
            var x: UInt64 = 1
            while x != 0 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
        case .exhaustMemory:
            var hoard: [[UInt8]] = []
            while true { hoard.append([UInt8](repeating: 1, count: 64 << 20)) }
        case .exitAfterReply:
            break
        }
    }
}
