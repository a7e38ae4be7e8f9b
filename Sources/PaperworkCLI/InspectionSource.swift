import Crypto
import Foundation
import Intake

/// A file read from disk for inspection, without trusting it: only regular files (a FIFO or
/// `/dev/zero` would never end), and never more than the size limit in memory; the rest of an
/// oversized file is only hashed as it streams past.
enum LoadedFile {
    case whole([UInt8])
    case oversized(head: [UInt8], size: Int, sha256: String)

    struct ReadError: Error, CustomStringConvertible {
        var description: String
    }

    static func load(path: String, limits: IntakeLimits) throws -> LoadedFile {
        var status = stat()
        guard stat(path, &status) == 0 else { throw ReadError(description: String(cString: strerror(errno))) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw ReadError(description: "not a regular file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ReadError(description: "cannot open the file") }
        defer { try? handle.close() }

        var bytes: [UInt8] = []
        let chunk = 1 << 20
        while bytes.count <= limits.maxFileBytes {
            guard let data = try handle.read(upToCount: chunk), !data.isEmpty else { return .whole(bytes) }
            bytes.append(contentsOf: data)
        }
        var digest = SHA256()
        digest.update(data: bytes)
        var size = bytes.count
        while let data = try handle.read(upToCount: chunk), !data.isEmpty {
            digest.update(data: data)
            size += data.count
        }
        let sha256 = hexadecimal(digest.finalize())
        return .oversized(head: Array(bytes.prefix(limits.maxSniffBytes)), size: size, sha256: sha256)
    }
}
