import Testing
@testable import Intake

@Suite("Reading structure from raw bytes")
struct StructureScanTests {
    func scan(_ text: String) -> PDFByteScan {
        Array(text.utf8).withUnsafeBytes { PDFByteScan($0) }
    }

    @Test("risky names are found even when written with #xx escapes")
    func escapedNames() {
        let result = scan("%PDF-1.7\n1 0 obj << /S /J#61vaScript /JS (app.alert(1)) >> endobj\n%%EOF\n")
        #expect(result.names.contains("JavaScript"))
        #expect(result.names.contains("JS"))
    }

    @Test("names inside strings, comments and stream data are not mistaken for actions")
    func skipsStringsCommentsStreams() {
        let result = scan("%PDF-1.7\n% /Launch in a comment\n1 0 obj (a /Launch in a string) endobj\n2 0 obj << /Length 9 >> stream\n/Launch x\nendstream endobj\n%%EOF\n")
        #expect(result.names.isEmpty)
    }

    @Test("bytes before the header and after the last %%EOF are counted")
    func leadingAndTrailing() {
        let result = scan("junk%PDF-1.4\n%%EOF\n%%EOF\r\nPK\u{05}\u{06}rest")
        #expect(result.headerOffset == 4)
        #expect(result.endOfFileMarkers == 2)
        #expect(result.trailingBytes == 8)
        #expect(result.zipArchiveInside)
    }

    @Test("white space after %%EOF is not trailing data")
    func whiteSpaceAfterEOF() {
        #expect(scan("%PDF-1.4\n%%EOF\r\n\n  \u{0}").trailingBytes == 0)
    }

    @Test("a PNG's size comes from IHDR and its end from IEND")
    func pngHeader() {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += [0, 0, 0, 13] + Array("IHDR".utf8) + [0, 0, 0xEA, 0x60, 0, 0, 0xEA, 0x60, 8, 2, 0, 0, 0] + [0, 0, 0, 0]
        let open = bytes.withUnsafeBufferPointer { ImageStructure(png: $0) }
        #expect(open?.width == 60000 && open?.height == 60000 && open?.complete == false)
        bytes += [0, 0, 0, 0] + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82] + Array("PK".utf8)
        let closed = bytes.withUnsafeBufferPointer { ImageStructure(png: $0) }
        #expect(closed?.complete == true && closed?.trailingBytes == 2)
    }

    @Test("a JPEG's size comes from its frame header, and a missing EOI means truncated")
    func jpegHeader() {
        let sof: [UInt8] = [0xFF, 0xC0, 0, 11, 8, 0x01, 0x00, 0x02, 0x00, 1, 1, 0x11, 0]
        let scanData: [UInt8] = [0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0, 0x12, 0xFF, 0x00, 0x34]
        let body: [UInt8] = [0xFF, 0xD8] + sof + scanData
        let truncated = body.withUnsafeBufferPointer { ImageStructure(jpeg: $0) }
        #expect(truncated?.width == 512 && truncated?.height == 256 && truncated?.complete == false)
        let whole = (body + [0xFF, 0xD9]).withUnsafeBufferPointer { ImageStructure(jpeg: $0) }
        #expect(whole?.complete == true && whole?.trailingBytes == 0)
    }
}
