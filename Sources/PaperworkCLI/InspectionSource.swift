import Crypto
import Foundation
import Intake

/// Reads a file from disk for inspection without trusting it: only regular files (a FIFO or
/// `/dev/zero` would never end), and never more than the size limit in memory; the rest of an
/// oversized file is only hashed.
enum InspectionSource {
    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static func inspect(path: String, declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection) throws -> Inspection {
        var status = stat()
        guard stat(path, &status) == 0 else { throw ReadError(description: String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw ReadError(description: "not a regular file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ReadError(description: "cannot open the file") }
        defer { try? handle.close() }

        var bytes: [UInt8] = []
        let chunk = 1 << 20
        while bytes.count <= limits.maxFileBytes {
            guard let data = try handle.read(upToCount: chunk), !data.isEmpty else {
                return CertificateInspector.inspect(bytes, declared: declared, claims: claims, limits: limits, previews: previews)
            }
            bytes.append(contentsOf: data)
        }
        // Over the limit: keep the head for sniffing, hash the rest as it streams past.
        var digest = SHA256()
        digest.update(data: bytes)
        var size = bytes.count
        while let data = try handle.read(upToCount: chunk), !data.isEmpty {
            digest.update(data: data)
            size += data.count
        }
        let sha256 = digest.finalize().map { String(format: "%02x", $0) }.joined()
        return CertificateInspector.inspectOversized(
            head: Array(bytes.prefix(limits.maxSniffBytes)), size: size, sha256: sha256, declared: declared, limits: limits
        )
    }
}
