import Foundation
import Drawing

/// The UK certificate as a flatbed scanner would return it: rasterised at 150 dpi, a little
/// skewed and off-centre on a grey scanner bed, on off-white paper with seeded dust and toner
/// speckles and slightly muddy contrast. No text layer survives, which is the point.
enum Scan {
    static let dotsPerInch = 150.0
    static let skewDegrees = 0.6
    static let seed: UInt64 = 0x5CA7_2024_0315

    static func image() throws -> RasterImage {
        try image(dotsPerInch: dotsPerInch, seed: seed) { UKCertificate.draw(on: $0) }
    }

    /// The Japanese excerpt scanned the same way at 200 dpi, a common setting for CJK text,
    /// whose strokes 150 dpi blurs together.
    static func japaneseImage() throws -> RasterImage {
        try image(dotsPerInch: 200, seed: 0x5CA7_2024_0316) { JapaneseRegistryCertificate.drawExcerpt(on: $0) }
    }

    private static func image(dotsPerInch: Double, seed: UInt64, draw: (Canvas) -> Void) throws -> RasterImage {
        let canvas = try RasterCanvas(pageSize: .a4, dotsPerInch: dotsPerInch, background: Color(hex: 0xA9A9A4))
        let page = canvas.pageSize
        canvas.withTransform(translateX: page.width / 2 + 2.5, translateY: page.height / 2 + 1.8, rotationDegrees: skewDegrees) {
            canvas.withTransform(translateX: -page.width / 2, translateY: -page.height / 2) {
                canvas.rectangle(Rect(x: 0, y: 0, width: page.width, height: page.height), fill: Color(hex: 0xEDEBE4))
                draw(canvas)
            }
        }
        addSpeckles(on: canvas, page: page, seed: seed)
        return try muddy(canvas.image())
    }

    /// Toner dots, dust and a couple of hairs, all from a fixed seed.
    private static func addSpeckles(on canvas: Canvas, page: Size, seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        for _ in 0..<1400 {
            let center = Point(x: random.unit(0...page.width), y: random.unit(0...page.height))
            canvas.circle(center: center, radius: random.unit(0.12...0.42), fill: .gray(random.unit(0.15...0.5), alpha: random.unit(0.35...0.9)))
        }
        for _ in 0..<14 {
            // Dust: small irregular blobs.
            let center = Point(x: random.unit(20...(page.width - 20)), y: random.unit(20...(page.height - 20)))
            var points: [Point] = []
            for step in 0..<9 {
                let angle = Double(step) * 2 * .pi / 9
                let radius = random.unit(0.5...1.6)
                points.append(Point(x: center.x + radius * cos(angle), y: center.y + radius * sin(angle)))
            }
            canvas.polygon(points, fill: .gray(random.unit(0.25...0.45), alpha: 0.8))
        }
        for _ in 0..<2 {
            let start = Point(x: random.unit(40...(page.width - 80)), y: random.unit(40...(page.height - 80)))
            canvas.curve([
                start,
                Point(x: start.x + random.unit(5...15), y: start.y + random.unit(-10...10)),
                Point(x: start.x + random.unit(15...30), y: start.y + random.unit(-10...10)),
                Point(x: start.x + random.unit(25...45), y: start.y + random.unit(-6...6)),
            ], stroke: Stroke(color: .gray(0.35, alpha: 0.7), width: 0.25))
        }
        // The lid's shadow along the top edge.
        canvas.rectangle(Rect(x: 0, y: 0, width: page.width, height: 2.2), fill: .gray(0.35, alpha: 0.55))
    }

    /// Lifts blacks, dims whites, and shades the page slightly darker towards the bottom, as
    /// cheap scanners do. Smooth changes only, so the PNG stays compressible.
    private static func muddy(_ image: RasterImage) throws -> RasterImage {
        var pixels = image.rgba
        let height = image.height
        let width = image.width
        pixels.withUnsafeMutableBufferPointer { buffer in
            for row in 0..<height {
                let shade = 1 - 0.035 * Double(row) / Double(height)
                var table = [UInt8](repeating: 0, count: 256)
                for value in 0..<256 {
                    table[value] = UInt8(min(255, (22 + Double(value) * 0.9) * shade))
                }
                for column in 0..<width {
                    let offset = (row * width + column) * 4
                    buffer[offset] = table[Int(buffer[offset])]
                    buffer[offset + 1] = table[Int(buffer[offset + 1])]
                    buffer[offset + 2] = table[Int(buffer[offset + 2])]
                }
            }
        }
        return try RasterImage(width: width, height: height, rgba: pixels)
    }

    /// An image-only PDF: one A4 page holding the scan as a JPEG, like a scanner's "scan to PDF".
    static func pdf(of image: RasterImage) throws -> [UInt8] {
        let canvas = try PDFCanvas(pageSize: .a4, metadata: PDFMetadata(
            title: "Scan 2024-03-15 10.31.07",
            author: "",
            subject: "",
            creator: "Paperwork sample maker (simulated flatbed scanner)",
            creationDate: "2024-03-15T10:31:07Z"
        ))
        try canvas.image(image, in: Rect(x: 0, y: 0, width: canvas.pageSize.width, height: canvas.pageSize.height), encoding: .jpeg(quality: 85))
        return try canvas.finish()
    }
}
