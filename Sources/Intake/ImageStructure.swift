/// What a PNG's or JPEG's own headers say, read without decoding a single pixel.
///
/// The pixel-count limit must hold before any decoder allocates a frame buffer (a
/// 60000×60000 PNG is a few KiB on disk and 10 GiB in memory), and the end marker tells a
/// truncated upload or a polyglot from a whole image.
struct ImageStructure: Equatable {
    enum Format: Equatable { case png, jpeg }

    var format: Format
    var width: Int
    var height: Int
    /// The end marker (`IEND`, `EOI`) was found.
    var complete: Bool
    /// Bytes other than padding after the end marker.
    var trailingBytes: Int
    /// The JPEG is CMYK or YCCK (decoded through a conversion).
    var isCMYK = false

    var pixels: Int { width * height }

    /// Parses the headers; `nil` when the bytes do not even start like the format.
    init?(png b: UnsafeBufferPointer<UInt8>) {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard b.count >= 33, (0..<8).allSatisfy({ b[$0] == signature[$0] }) else { return nil }
        guard Self.be32(b, 12) == 0x4948_4452 else { return nil } // IHDR first
        format = .png
        width = Self.be32(b, 16)
        height = Self.be32(b, 20)
        complete = false
        trailingBytes = 0
        // Walk the chunks: length, type, data, CRC.
        var i = 8
        while i + 12 <= b.count {
            let length = Self.be32(b, i)
            let type = Self.be32(b, i + 4)
            let next = i + 12 + length
            guard length <= 0x7FFF_FFFF, next <= b.count else { break }
            i = next
            if type == 0x4945_4E44 { // IEND
                complete = true
                trailingBytes = Self.countNonPadding(b, from: i)
                break
            }
        }
    }

    /// Parses the markers up to the frame header, then follows the scans to `EOI`.
    init?(jpeg b: UnsafeBufferPointer<UInt8>) {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF else { return nil }
        format = .jpeg
        width = 0
        height = 0
        complete = false
        trailingBytes = 0
        var i = 2
        var sawFrame = false
        markers: while i + 2 <= b.count {
            guard b[i] == 0xFF else { break } // not a marker where one must be: damaged
            var marker = b[i + 1]
            while marker == 0xFF, i + 2 < b.count { i += 1; marker = b[i + 1] } // fill bytes
            guard marker != 0xFF else { break }
            i += 2
            switch marker {
            case 0xD9: // EOI
                complete = true
                trailingBytes = Self.countNonPadding(b, from: i)
                break markers
            case 0xD0...0xD7, 0x01:
                continue // no length
            default:
                guard i + 2 <= b.count else { break markers }
                let length = Int(b[i]) << 8 | Int(b[i + 1])
                guard length >= 2, i + length <= b.count else { break markers }
                if [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF].contains(marker), length >= 8 {
                    height = Int(b[i + 3]) << 8 | Int(b[i + 4])
                    width = Int(b[i + 5]) << 8 | Int(b[i + 6])
                    isCMYK = b[i + 7] == 4
                    sawFrame = true
                }
                i += length
                if marker == 0xDA { // start of scan: entropy-coded data until the next real marker
                    while i + 1 < b.count {
                        if b[i] == 0xFF, b[i + 1] != 0x00, !(0xD0...0xD7).contains(b[i + 1]), b[i + 1] != 0xFF {
                            break
                        }
                        i += 1
                    }
                }
            }
        }
        if !sawFrame { width = 0; height = 0 }
    }

    private static func be32(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    /// Bytes after `from` other than white space and NUL padding, which some writers add.
    private static func countNonPadding(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int {
        var i = from
        while i < b.count, PDFByteScan.isWhiteSpace(b[i]) { i += 1 }
        return b.count - i
    }
}
