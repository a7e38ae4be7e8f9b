import Drawing
import Testing

@Suite("Drawing wrapper")
struct DrawingTests {
    @Test("a PDF canvas produces a complete PDF file")
    func pdfCanvasProducesPDF() throws {
        let canvas = try PDFCanvas(pageSize: .a4, metadata: PDFMetadata(title: "Test"))
        canvas.text("Certificate of Incorporation — Société — 株式会社", at: Point(x: 72, y: 72), width: 400, size: 14)
        canvas.rectangle(Rect(x: 72, y: 120, width: 200, height: 40), stroke: Stroke(), fill: .gray(0.9))
        canvas.circle(center: Point(x: 300, y: 300), radius: 30, stroke: Stroke(width: 2))
        canvas.newPage()
        canvas.line(from: Point(x: 72, y: 72), to: Point(x: 300, y: 72))
        let bytes = try canvas.finish()
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        #expect(contains(bytes, Array("%%EOF".utf8)))
        #expect(try canvas.finish() == bytes)
    }

    @Test("the same drawing gives the same PDF bytes")
    func pdfIsReproducible() throws {
        func draw() throws -> [UInt8] {
            let canvas = try PDFCanvas(metadata: PDFMetadata(title: "Same", creationDate: "2024-01-02T03:04:05Z"))
            canvas.text("Company Number 12345678", at: Point(x: 50, y: 50))
            return try canvas.finish()
        }
        #expect(try draw() == draw())
    }

    @Test("wrapped text reports a taller box than one line")
    func textWraps() throws {
        let canvas = try PDFCanvas(metadata: PDFMetadata(title: "Wrap"))
        let line = canvas.measureText("word", size: 10)
        let wrapped = canvas.measureText(String(repeating: "word ", count: 60), width: 100, size: 10)
        #expect(line.height > 0)
        #expect(wrapped.height > line.height * 5)
        #expect(wrapped.width <= 100.5)
    }

    @Test("a raster canvas writes PNG and JPEG files")
    func rasterCanvasEncodes() throws {
        let canvas = try RasterCanvas(pageSize: Size(width: 72, height: 36), dotsPerInch: 144)
        #expect(canvas.pixelWidth == 144 && canvas.pixelHeight == 72)
        canvas.rectangle(Rect(x: 4, y: 4, width: 20, height: 20), fill: Color(hex: 0x1F3A93))
        let png = try canvas.pngData()
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let jpeg = try canvas.jpegData(quality: 85)
        #expect(jpeg.starts(with: [0xFF, 0xD8]))
        #expect(jpeg.suffix(2) == [0xFF, 0xD9])
    }

    @Test("raster pixels round-trip and can be placed on a PDF page")
    func rasterPixelsEmbed() throws {
        let canvas = try RasterCanvas(pixelWidth: 10, pixelHeight: 10, background: Color(hex: 0xFF0000))
        let image = try canvas.image()
        #expect(image.width == 10 && image.height == 10)
        #expect(Array(image.rgba.prefix(4)) == [255, 0, 0, 255])
        let pdf = try PDFCanvas(metadata: PDFMetadata(title: "Image"))
        try pdf.image(image, in: Rect(x: 0, y: 0, width: 100, height: 100), encoding: .jpeg(quality: 80))
        try pdf.image(image, in: Rect(x: 100, y: 0, width: 100, height: 100))
        let bytes = try pdf.finish()
        #expect(contains(bytes, Array("/DCTDecode".utf8)))
    }

    @Test("an abandoned, unfinished PDF canvas is released safely")
    func abandonedCanvas() throws {
        for _ in 0..<3 {
            let canvas = try PDFCanvas(metadata: PDFMetadata(title: "Abandoned"))
            canvas.text("never finished", at: Point(x: 10, y: 10))
        }
    }

    @Test("pixel buffers of the wrong size are refused with a stable code")
    func invalidImage() {
        let error = #expect(throws: DrawingError.self) { try RasterImage(width: 2, height: 2, rgba: [0, 0, 0]) }
        #expect(error?.code == "invalid_image")
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start..<(start + needle.count)].elementsEqual(needle)
        }
    }
}
