#if canImport(Glibc)
import Glibc
#endif

/// What the raw bytes of a PDF say about its structure, before and beside poppler.
///
/// poppler answers questions about the document it managed to read; this scan answers
/// questions about the file: what precedes the header, what follows the last `%%EOF`, and
/// which risky names appear in its uncompressed objects (poppler's GLib API does not expose
/// launch actions in `/OpenAction`, and it silently repairs what it can).
/// It is a small lexer that skips strings, comments and stream data, so bytes inside
/// compressed streams cannot be mistaken for names. Linear in the file size.
struct PDFByteScan {
    /// Offset of `%PDF-`, searched in the first KiB as readers do; `nil` when absent.
    var headerOffset: Int?
    /// How many `%%EOF` markers the file has (more than one: incremental updates).
    var endOfFileMarkers = 0
    /// Where each revision of the document ends (just after its `%%EOF` and end of line), first
    /// revision first: a PDF edited by incremental updates keeps every earlier revision intact
    /// in its first bytes. The first-page trailer of a linearized file (`startxref 0`) is not a
    /// revision.
    var revisionEnds: [Int] = []
    /// Bytes other than white space after the last `%%EOF` (all bytes when there is none).
    var trailingBytes = 0
    /// Risky names found outside strings and stream data, `#xx` escapes decoded.
    var names: Set<String> = []
    /// A ZIP end-of-central-directory record outside stream data: an archive glued to the PDF.
    var zipArchiveInside = false

    /// The names worth knowing about; anything else is skipped.
    static let watchedNames: Set<String> = [
        "JavaScript", "JS", "Launch", "RichMedia", "SubmitForm", "ImportData", "GoToE",
        "EmbeddedFile", "EmbeddedFiles", "FileAttachment",
        "OpenAction", "AA", "XFA", "URI", "Encrypt",
    ]

    static let watchedNameBytes: [[UInt8]] = watchedNames.map { Array($0.utf8) }
    static let longestWatchedName = watchedNames.map(\.utf8.count).max() ?? 0

    init(_ bytes: UnsafeRawBufferPointer) {
        let b = bytes.bindMemory(to: UInt8.self)
        let n = b.count
        headerOffset = Self.find(Array("%PDF-".utf8), in: b, from: 0, to: min(n, 1024))

        // Last %%EOF and what follows it.
        let eof = Array("%%EOF".utf8)
        var lastEOFEnd: Int?
        var searchFrom = 0
        while let at = Self.find(eof, in: b, from: searchFrom, to: n) {
            endOfFileMarkers += 1
            lastEOFEnd = at + eof.count
            searchFrom = at + eof.count
            if Self.startxrefValue(before: at, in: b) != 0 {
                var end = at + eof.count
                if end < n, b[end] == 0x0D { end += 1 }
                if end < n, b[end] == 0x0A { end += 1 }
                revisionEnds.append(end)
            }
        }
        if let end = lastEOFEnd {
            var i = end
            while i < n, Self.isWhiteSpace(b[i]) { i += 1 }
            trailingBytes = n - i
        } else {
            trailingBytes = n
        }
        scanObjects(b)
    }

    private mutating func scanObjects(_ b: UnsafeBufferPointer<UInt8>) {
        let n = b.count
        var name: [UInt8] = []
        name.reserveCapacity(Self.longestWatchedName + 1)
        let endstream = Array("endstream".utf8)
        var i = headerOffset ?? 0
        while i < n {
            let c = b[i]
            switch c {
            case UInt8(ascii: "%"):
                while i < n, b[i] != 0x0A, b[i] != 0x0D { i += 1 }
            case UInt8(ascii: "("):
                var depth = 1
                i += 1
                while i < n, depth > 0 {
                    switch b[i] {
                    case UInt8(ascii: "\\"): i += 1
                    case UInt8(ascii: "("): depth += 1
                    case UInt8(ascii: ")"): depth -= 1
                    default: break
                    }
                    i += 1
                }
            case UInt8(ascii: "/"):
                i += 1
                name.removeAll(keepingCapacity: true)
                while i < n, !Self.isWhiteSpace(b[i]), !Self.isDelimiter(b[i]) {
                    if name.count < Self.longestWatchedName + 1 {
                        if b[i] == UInt8(ascii: "#"), i + 2 < n, let hi = Self.hexValue(b[i + 1]), let lo = Self.hexValue(b[i + 2]) {
                            name.append(hi << 4 | lo)
                            i += 3
                            continue
                        }
                        name.append(b[i])
                    }
                    i += 1
                }
                // Most names (/Type, /Font, /Length…) are not watched: compare bytes, and make a
                // String only for a hit.
                if name.count <= Self.longestWatchedName, let hit = Self.watchedNameBytes.first(where: { $0 == name }) {
                    names.insert(String(decoding: hit, as: UTF8.self))
                }
            case UInt8(ascii: "s") where Self.matches("stream", in: b, at: i):
                // `stream` must be a keyword (preceded by a delimiter) followed by an end of line.
                let before = i > 0 ? b[i - 1] : 0x20
                var dataStart = i + 6
                if dataStart < n, b[dataStart] == 0x0D { dataStart += 1 }
                if dataStart < n, b[dataStart] == 0x0A { dataStart += 1 }
                let isKeyword = (Self.isWhiteSpace(before) || before == UInt8(ascii: ">")) && dataStart > i + 6
                if isKeyword, let end = Self.find(endstream, in: b, from: dataStart, to: n) {
                    i = end + endstream.count
                } else {
                    i += 6
                }
            case UInt8(ascii: "P") where i + 3 < n && b[i + 1] == UInt8(ascii: "K") && b[i + 2] == 0x05 && b[i + 3] == 0x06:
                zipArchiveInside = true
                i += 4
            default:
                i += 1
            }
        }
    }

    /// The number after the `startxref` keyword that precedes a `%%EOF` at `eof` (within 64
    /// bytes), or nil when there is none: 0 marks a linearized file's first-page trailer.
    static func startxrefValue(before eof: Int, in b: UnsafeBufferPointer<UInt8>) -> Int? {
        let keyword = Array("startxref".utf8)
        let from = max(0, eof - 64)
        var last: Int?
        var i = from
        while let at = find(keyword, in: b, from: i, to: eof) {
            last = at
            i = at + 1
        }
        guard var j = last.map({ $0 + keyword.count }) else { return nil }
        while j < eof, isWhiteSpace(b[j]) { j += 1 }
        var value = 0
        var digits = 0
        while j < eof, b[j] >= UInt8(ascii: "0"), b[j] <= UInt8(ascii: "9"), digits < 15 {
            value = value * 10 + Int(b[j] - UInt8(ascii: "0"))
            digits += 1
            j += 1
        }
        return digits > 0 ? value : nil
    }

    static func isWhiteSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == 0x0C || c == 0x00
    }

    static func isDelimiter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
             UInt8(ascii: "/"), UInt8(ascii: "%"):
            true
        default:
            false
        }
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func matches(_ word: StaticString, in b: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        let count = word.utf8CodeUnitCount
        guard i + count <= b.count else { return false }
        return word.withUTF8Buffer { w in
            for k in 0..<count where b[i + k] != w[k] { return false }
            return true
        }
    }

    /// First offset of `needle` in `b[from..<to]`: glibc's vectorised `memchr` finds each
    /// candidate first byte, then the rest is compared.
    static func find(_ needle: [UInt8], in b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Int? {
        guard let first = needle.first, from >= 0, to <= b.count, to - from >= needle.count, let base = b.baseAddress else { return nil }
        let last = to - needle.count
        var i = from
        while i <= last {
            guard let hit = memchr(base + i, Int32(first), last - i + 1) else { return nil }
            let at = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(hit))
            var k = 1
            while k < needle.count, b[at + k] == needle[k] { k += 1 }
            if k == needle.count { return at }
            i = at + 1
        }
        return nil
    }
}
