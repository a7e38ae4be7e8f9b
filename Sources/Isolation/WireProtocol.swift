import Foundation
public import Intake
#if canImport(Glibc)
import Glibc
#endif

/// The framed protocol between the pool and a worker process, over the worker's stdin/stdout.
///
/// A frame is a 4-byte big-endian length, a 1-byte kind and a payload. Payloads are small
/// headers in ``WireCoding`` (the hello, sent once, is JSON) followed by raw bytes, so
/// documents and preview PNGs are never re-encoded.
/// Both sides bound what they accept: a frame larger than ``maxFrameBytes`` ends the session.
enum WireProtocol {
    enum Kind: UInt8 {
        /// worker → pool, once at start: the worker's ``WorkerHello``.
        case hello = 1
        /// pool → worker: one document to inspect.
        case request = 2
        /// worker → pool: the inspection of that document.
        case result = 3
        /// worker → pool: the ``Judgement`` of a stored file, for judge requests.
        case judgement = 4
    }

    /// The largest frame either side accepts: a document at the 20 MiB default plus headroom,
    /// or a result with its previews. Above this the sender is misbehaving.
    static let maxFrameBytes = 256 * 1024 * 1024

    struct Frame {
        var kind: Kind
        var payload: [UInt8]
    }

    static func frame(_ kind: Kind, _ payload: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(payload.count + 5)
        appendUInt32(UInt32(payload.count + 1), to: &out)
        out.append(kind.rawValue)
        out += payload
        return out
    }

    /// Reads one frame from a descriptor; `nil` at end of stream, on a read error or on
    /// anything malformed. Reads straight into the payload's array: going through
    /// `FileHandle` copied every document and result once more, as `Data`.
    static func readFrame(from descriptor: Int32) -> Frame? {
        var header = [UInt8](repeating: 0, count: 5)
        guard readExactly(descriptor, into: &header) else { return nil }
        let length = Int(readUInt32(header, at: 0))
        guard length >= 1, length <= maxFrameBytes, let kind = Kind(rawValue: header[4]) else { return nil }
        let remaining = length - 1
        if remaining == 0 { return Frame(kind: kind, payload: []) }
        var failed = false
        let payload = [UInt8](unsafeUninitializedCapacity: remaining) { buffer, count in
            var done = 0
            while done < remaining {
                let got = read(descriptor, buffer.baseAddress! + done, remaining - done)
                if got > 0 {
                    done += got
                } else if got < 0, errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            // Bytes never read are zeroed, never left uninitialised; the frame is refused below.
            if done < remaining {
                failed = true
                buffer.baseAddress!.advanced(by: done).initialize(repeating: 0, count: remaining - done)
            }
            count = remaining
        }
        return failed ? nil : Frame(kind: kind, payload: payload)
    }

    private static func readExactly(_ descriptor: Int32, into bytes: inout [UInt8]) -> Bool {
        let wanted = bytes.count
        return bytes.withUnsafeMutableBytes { buffer in
            var done = 0
            while done < wanted {
                let got = read(descriptor, buffer.baseAddress! + done, wanted - done)
                if got > 0 {
                    done += got
                } else if got < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    /// Writes all of `bytes` to a descriptor; false when the other end is gone (the pool
    /// ignores SIGPIPE, so that is an error here, not a signal).
    static func write(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            while done < buffer.count {
                let wrote = Glibc.write(descriptor, buffer.baseAddress! + done, buffer.count - done)
                if wrote > 0 {
                    done += wrote
                } else if wrote < 0, errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    static func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
        out += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func readUInt32(_ bytes: [UInt8], at i: Int) -> UInt32 {
        UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
    }

    // MARK: Requests

    /// What travels with a document to the worker.
    struct RequestHeader: Codable {
        var declared: DeclaredType
        var claims: CompanyClaims
        var limits: IntakeLimits
        var previews: PreviewSelection
        /// The day the file was received, which its age is counted to; today when nil.
        var receivedOn: CalendarDay? = nil
        /// Set when the document is only the head of a file over the size limit.
        var oversized: OversizedFile?
        /// Set to the stored file's known digest to judge it (verdict and reasons) rather
        /// than inspect it in full: what a revalidation run compares.
        var judgeStoredFile: String?
        /// Set to render this page (1-based) at the limits' resolution, after judging the file
        /// again: the reviewers' full-resolution view.
        var renderPage: Int?
        /// Set to read an image-only document's pages by OCR under this policy, after
        /// inspecting it: an OCR job.
        var ocr: OCRPolicy? = nil
        /// A test-only fault, obeyed only by a worker started with fault injection enabled.
        var fault: WorkerFault?
    }

    static func encodeRequest(_ header: RequestHeader, document: [UInt8]) throws -> [UInt8] {
        let encoded = try WireCoding.encode(header)
        var out: [UInt8] = []
        out.reserveCapacity(encoded.count + document.count + 9)
        appendUInt32(UInt32(encoded.count + document.count + 5), to: &out)
        out.append(Kind.request.rawValue)
        appendUInt32(UInt32(encoded.count), to: &out)
        out += encoded
        out += document
        return out
    }

    static func decodeRequest(_ payload: [UInt8]) -> (RequestHeader, [UInt8])? {
        guard payload.count >= 4 else { return nil }
        let headerLength = Int(readUInt32(payload, at: 0))
        guard headerLength <= payload.count - 4,
              let header = try? WireCoding.decode(RequestHeader.self, from: payload, in: 4..<(4 + headerLength)) else { return nil }
        return (header, Array(payload[(4 + headerLength)...]))
    }

    // MARK: Results

    /// The inspection without its previews, then each preview's PNG as raw bytes.
    static func encodeResult(_ inspection: Inspection) throws -> [UInt8] {
        var bare = inspection
        bare.previews = []
        let encoded = try WireCoding.encode(bare)
        // The frame is built in place: its length is known once the previews are in.
        var out: [UInt8] = [0, 0, 0, 0, Kind.result.rawValue]
        out.reserveCapacity(encoded.count + 13 + inspection.previews.reduce(0) { $0 + 16 + $1.png.count })
        appendUInt32(UInt32(encoded.count), to: &out)
        out += encoded
        appendUInt32(UInt32(inspection.previews.count), to: &out)
        for preview in inspection.previews {
            for value in [preview.page, preview.width, preview.height, preview.png.count] {
                appendUInt32(UInt32(value), to: &out)
            }
            out += preview.png
        }
        let length = UInt32(out.count - 4)
        out[0] = UInt8(length >> 24)
        out[1] = UInt8(length >> 16 & 0xFF)
        out[2] = UInt8(length >> 8 & 0xFF)
        out[3] = UInt8(length & 0xFF)
        return out
    }

    static func decodeResult(_ payload: [UInt8]) -> Inspection? {
        guard payload.count >= 4 else { return nil }
        let encodedLength = Int(readUInt32(payload, at: 0))
        var i = 4 + encodedLength
        guard encodedLength <= payload.count - 8,
              var inspection = try? WireCoding.decode(Inspection.self, from: payload, in: 4..<i) else { return nil }
        let count = Int(readUInt32(payload, at: i))
        i += 4
        for _ in 0..<count {
            guard i + 16 <= payload.count else { return nil }
            let page = Int(readUInt32(payload, at: i)), width = Int(readUInt32(payload, at: i + 4))
            let height = Int(readUInt32(payload, at: i + 8)), length = Int(readUInt32(payload, at: i + 12))
            i += 16
            guard length <= payload.count - i else { return nil }
            inspection.previews.append(PagePreview(page: page, width: width, height: height, png: Array(payload[i..<(i + length)])))
            i += length
        }
        return inspection
    }
}

extension WireProtocol {
    /// A judge request's answer: the ``Judgement`` only.
    static func encodeJudgement(_ inspection: Inspection) throws -> [UInt8] {
        frame(.judgement, try WireCoding.encode(Judgement(inspection)))
    }

    static func decodeJudgement(_ payload: [UInt8]) -> Inspection? {
        (try? WireCoding.decode(Judgement.self, from: payload))?.inspection
    }
}

/// The full size and digest of a file of which only the head is sent.
struct OversizedFile: Codable {
    var size: Int
    var sha256: String
}

/// What a worker says about itself when it starts: proof it is alive, and what it enforces.
public struct WorkerHello: Codable, Sendable, Hashable {
    /// The worker's process id.
    public var pid: Int32
    /// The C library versions it will inspect with.
    public var libraryVersions: LibraryVersions
    /// The limits the kernel accepted, for the README's claims to be checked at run time.
    public var enforced: [String]
    /// The limits that could not be applied on this machine, and why.
    public var notEnforced: [String]
}

/// A fault a test asks a worker to commit, to prove the pool recovers from real process failures.
public enum WorkerFault: String, Codable, Sendable, CaseIterable {
    /// Dereference a bad pointer: the worker dies of SIGSEGV mid-document.
    case segmentationFault = "segfault"
    /// The worker SIGKILLs itself mid-document.
    case killSelf = "sigkill"
    /// Spin forever on the CPU: the parent's timeout (or the CPU rlimit) must end it.
    case spin
    /// Allocate until the address-space limit stops it.
    case exhaustMemory = "exhaust_memory"
    /// Answer correctly, then exit: a worker dying between documents.
    case exitAfterReply = "exit_after_reply"
}
