import CMagic
import Synchronization

/// MIME sniffing with libmagic, on the bytes only.
///
/// A `magic_t` must not be used by two threads at once, so the one handle lives behind a
/// mutex; sniffing costs a few microseconds, so contention is not worth a pool.
enum MagicSniffer {
    /// The handle, opened on first use (Swift initialises statics once, thread-safely);
    /// `nil` when libmagic could not load its database.
    private static let handle = MagicHandle()
    /// Held for every libmagic call on ``handle``.
    private static let lock = Mutex<Void>(())

    /// Opens the handle and loads libmagic's database now rather than on the first sniff.
    static func load() {
        _ = handle
    }

    /// The MIME type of `bytes`, looking at no more than `maxBytes` of them.
    static func mimeType(of bytes: UnsafeRawBufferPointer, maxBytes: Int) -> String {
        guard let magic = handle?.pointer else { return "application/octet-stream" }
        return lock.withLock { _ -> String in
            let count = min(bytes.count, maxBytes)
            guard count > 0, let base = bytes.baseAddress else { return "application/x-empty" }
            guard let result = magic_buffer(magic, base, count) else { return "application/octet-stream" }
            return String(cString: result)
        }
    }

    /// libmagic's version, e.g. `5.44`.
    static var version: String {
        let v = magic_version()
        return "\(v / 100).\(v % 100)"
    }
}

/// Owns one `magic_t`.
///
/// `@unchecked Sendable` is safe here: `pointer` is immutable after `init`, the handle is only
/// created as ``MagicSniffer``'s static, and libmagic is only ever called on it inside
/// ``MagicSniffer``'s lock, so no two threads use the `magic_t` at once.
private final class MagicHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init?() {
        // MIME type only; never decompress (no MAGIC_COMPRESS), never look inside compressed
        // files; report errors instead of guessing.
        let flags = MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS | MAGIC_ERROR
        guard let magic = magic_open(flags) else { return nil }
        guard magic_load(magic, nil) == 0 else {
            magic_close(magic)
            return nil
        }
        // Bound the work on hostile input. magic_setparam takes a pointer to a size_t.
        var bytesMax = 1024 * 1024
        _ = magic_setparam(magic, MAGIC_PARAM_BYTES_MAX, &bytesMax)
        var indirectionMax = 8
        _ = magic_setparam(magic, MAGIC_PARAM_INDIR_MAX, &indirectionMax)
        var regexMax = 4096
        _ = magic_setparam(magic, MAGIC_PARAM_REGEX_MAX, &regexMax)
        pointer = magic
    }

    deinit { magic_close(pointer) }
}
