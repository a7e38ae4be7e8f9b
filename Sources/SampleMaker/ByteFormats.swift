/// Small binary formats written by hand, so the hostile samples are exactly what we say they are
/// and need no compression or archive library.
enum ByteFormats {
    // MARK: Checksums

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 {
            value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1
        }
        return value
    }

    /// CRC-32 (IEEE 802.3), as used by ZIP and PNG.
    static func crc32<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return crc ^ 0xFFFF_FFFF
    }

    /// Adler-32, the zlib stream trailer.
    static func adler32<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return b << 16 | a
    }

    static func littleEndian16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
    static func littleEndian32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
    static func littleEndian64(_ value: UInt64) -> [UInt8] { (0..<8).map { UInt8((value >> (8 * UInt64($0))) & 0xFF) } }
    static func bigEndian32(_ value: UInt32) -> [UInt8] { (0..<4).reversed().map { UInt8((value >> (8 * $0)) & 0xFF) } }

    // MARK: ZIP

    /// A ZIP archive of stored (uncompressed) files: local headers, central directory, end
    /// record, CRC-32 per file. Timestamps are a fixed DOS date so the archive is reproducible.
    /// `baseOffset` is where the archive will start in the final file, so an archive appended to
    /// other bytes (a polyglot) has correct absolute offsets, as `zip -A` would write them.
    static func zip(_ files: [(name: String, contents: [UInt8])], baseOffset: Int = 0) -> [UInt8] {
        let dosTime = littleEndian16(10 << 11 | 0 << 5 | 0) // 10:00:00
        let dosDate = littleEndian16((2024 - 1980) << 9 | 3 << 5 | 15) // 2024-03-15
        var archive: [UInt8] = []
        var central: [UInt8] = []
        for file in files {
            let name = Array(file.name.utf8)
            let crc = crc32(file.contents)
            let size = littleEndian32(UInt32(file.contents.count))
            let offset = UInt32(baseOffset + archive.count)
            archive += littleEndian32(0x0403_4B50) + littleEndian16(10) + littleEndian16(0) + littleEndian16(0)
            archive += dosTime + dosDate + littleEndian32(crc) + size + size
            archive += littleEndian16(name.count) + littleEndian16(0) + name + file.contents
            central += littleEndian32(0x0201_4B50) + littleEndian16(3 << 8 | 20) + littleEndian16(10)
            central += littleEndian16(0) + littleEndian16(0) + dosTime + dosDate + littleEndian32(crc) + size + size
            central += littleEndian16(name.count) + littleEndian16(0) + littleEndian16(0) + littleEndian16(0)
            central += littleEndian16(1) + littleEndian32(0o100644 << 16) + littleEndian32(offset) + name
        }
        let centralOffset = UInt32(baseOffset + archive.count)
        archive += central
        archive += littleEndian32(0x0605_4B50) + littleEndian16(0) + littleEndian16(0)
        archive += littleEndian16(files.count) + littleEndian16(files.count)
        archive += littleEndian32(UInt32(central.count)) + littleEndian32(centralOffset) + littleEndian16(0)
        return archive
    }

    // MARK: ELF

    /// A minimal static x86-64 ELF executable: ELF header, one PT_LOAD program header and six
    /// instructions that exit(0). `file` calls it an ELF 64-bit LSB executable.
    static func elfExecutable() -> [UInt8] {
        let base: UInt64 = 0x40_0000
        let headerSize = 64
        let programHeaderSize = 56
        let code: [UInt8] = [
            0xB8, 0x3C, 0x00, 0x00, 0x00, // mov eax, 60 (exit)
            0x31, 0xFF, // xor edi, edi
            0x0F, 0x05, // syscall
        ]
        let entry = base + UInt64(headerSize + programHeaderSize)
        let fileSize = UInt64(headerSize + programHeaderSize + code.count)
        var elf: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] + [UInt8](repeating: 0, count: 8) // ELFCLASS64, LSB, v1, SYSV
        elf += littleEndian16(2) + littleEndian16(62) + littleEndian32(1) // ET_EXEC, EM_X86_64, EV_CURRENT
        elf += littleEndian64(entry) + littleEndian64(UInt64(headerSize)) + littleEndian64(0) // entry, phoff, shoff
        elf += littleEndian32(0) + littleEndian16(headerSize) + littleEndian16(programHeaderSize) + littleEndian16(1) // flags, ehsize, phentsize, phnum
        elf += littleEndian16(64) + littleEndian16(0) + littleEndian16(0) // shentsize, shnum, shstrndx
        elf += littleEndian32(1) + littleEndian32(5) // PT_LOAD, PF_R | PF_X
        elf += littleEndian64(0) + littleEndian64(base) + littleEndian64(base) // offset, vaddr, paddr
        elf += littleEndian64(fileSize) + littleEndian64(fileSize) + littleEndian64(0x1000) // filesz, memsz, align
        return elf + code
    }

    // MARK: PNG

    private static func pngChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian32(UInt32(data.count)) + typeBytes + data + bigEndian32(crc32(typeBytes + data))
    }

    /// A "decompression bomb" PNG: the header claims `width`×`height` 8-bit RGB (60000×60000 is
    /// 10.8 GB of pixels) while the file holds a few KB: one IDAT with the first `rows` white
    /// rows, then IEND. The rows are deflated by hand (see `deflateRuns`).
    static func pixelBombPNG(width: Int, height: Int, rows: Int) -> [UInt8] {
        let rowBytes = 1 + width * 3
        // Raw scanlines: filter byte 0, then white pixels.
        let runs: [(byte: UInt8, count: Int)] = (0..<rows).flatMap { _ in [(UInt8(0), 1), (UInt8(0xFF), rowBytes - 1)] }
        var adlerA: UInt32 = 1
        var adlerB: UInt32 = 0
        for run in runs {
            for _ in 0..<run.count {
                adlerA = (adlerA + UInt32(run.byte)) % 65521
                adlerB = (adlerB + adlerA) % 65521
            }
        }
        let zlib: [UInt8] = [0x78, 0x01] + deflateRuns(runs) + bigEndian32(adlerB << 16 | adlerA)
        var header = bigEndian32(UInt32(width)) + bigEndian32(UInt32(height))
        header += [8, 2, 0, 0, 0] // 8-bit, truecolour, deflate, adaptive filtering, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + pngChunk("IHDR", header) + pngChunk("IDAT", zlib) + pngChunk("IEND", [])
    }

    /// One final deflate block with fixed Huffman codes, encoding each run as a literal then
    /// distance-1 back-references of up to 258 bytes (13 bits per 258 bytes). Stored blocks
    /// would not do here: a single 60000-pixel row is 180 KB raw.
    static func deflateRuns(_ runs: [(byte: UInt8, count: Int)]) -> [UInt8] {
        var writer = BitWriter()
        writer.write(bits: 1, count: 1) // BFINAL
        writer.write(bits: 1, count: 2) // BTYPE = 01, fixed Huffman
        func literal(_ value: UInt8) {
            if value < 144 {
                writer.writeHuffman(code: 0x30 + UInt32(value), length: 8)
            } else {
                writer.writeHuffman(code: 0x190 + UInt32(value) - 144, length: 9)
            }
        }
        func repeatPrevious(_ length: Int) {
            // Length codes 257...285 with their extra bits, then distance code 0 (distance 1).
            let table: [(code: UInt32, base: Int, extra: Int)] = [
                (257, 3, 0), (258, 4, 0), (259, 5, 0), (260, 6, 0), (261, 7, 0), (262, 8, 0), (263, 9, 0), (264, 10, 0),
                (265, 11, 1), (266, 13, 1), (267, 15, 1), (268, 17, 1), (269, 19, 2), (270, 23, 2), (271, 27, 2), (272, 31, 2),
                (273, 35, 3), (274, 43, 3), (275, 51, 3), (276, 59, 3), (277, 67, 4), (278, 83, 4), (279, 99, 4), (280, 115, 4),
                (281, 131, 5), (282, 163, 5), (283, 195, 5), (284, 227, 5), (285, 258, 0),
            ]
            let entry = length == 258 ? table[28] : table.last { $0.base <= length && $0.code != 285 }!
            if entry.code < 280 {
                writer.writeHuffman(code: entry.code - 256, length: 7)
            } else {
                writer.writeHuffman(code: 0xC0 + entry.code - 280, length: 8)
            }
            writer.write(bits: UInt32(length - entry.base), count: entry.extra)
            writer.writeHuffman(code: 0, length: 5)
        }
        for run in runs {
            literal(run.byte)
            var remaining = run.count - 1
            while remaining > 0 {
                if remaining < 3 {
                    literal(run.byte)
                    remaining -= 1
                } else {
                    let length = min(258, remaining)
                    // Avoid leaving 1 or 2 bytes that can only go as literals mid-run.
                    let take = (remaining - length > 0 && remaining - length < 3) ? length - 3 : length
                    repeatPrevious(take)
                    remaining -= take
                }
            }
        }
        writer.writeHuffman(code: 0, length: 7) // end of block (256)
        return writer.finish()
    }

    /// LSB-first bit packing as deflate wants; Huffman codes go most significant bit first.
    struct BitWriter {
        private var bytes: [UInt8] = []
        private var current: UInt32 = 0
        private var used = 0

        mutating func write(bits: UInt32, count: Int) {
            for index in 0..<count {
                current |= ((bits >> index) & 1) << used
                used += 1
                if used == 8 {
                    bytes.append(UInt8(current))
                    current = 0
                    used = 0
                }
            }
        }

        mutating func writeHuffman(code: UInt32, length: Int) {
            for index in (0..<length).reversed() {
                write(bits: (code >> index) & 1, count: 1)
            }
        }

        mutating func finish() -> [UInt8] {
            if used > 0 { bytes.append(UInt8(current)) }
            return bytes
        }
    }

    // MARK: JPEG

    /// A JPEG that starts right (SOI, a JFIF APP0, the start of a quantisation table) and then
    /// dissolves into seeded garbage with no end-of-image marker.
    static func corruptJPEG() -> [UInt8] {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array("JFIF".utf8) + [0x00, 0x01, 0x01, 0x00, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00]
        bytes += [0xFF, 0xDB, 0x00, 0x43, 0x00, 0x08, 0x06, 0x06, 0x07, 0x06, 0x05, 0x08]
        var random = SeededGenerator(seed: 0xBAD_1BE6)
        for _ in 0..<2048 {
            var byte = UInt8(truncatingIfNeeded: random.next())
            if byte == 0xFF { byte = 0xFE } // no accidental markers
            bytes.append(byte)
        }
        return bytes
    }
}
