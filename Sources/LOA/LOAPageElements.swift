import CCairo
import CQREncode
import Foundation

/// The dark and light modules of a QR code (libqrencode), kept as Swift values so the C result
/// is freed at once; drawn as vector squares, so it stays sharp at any zoom or print size.
struct QRMatrix {
    /// Modules per side.
    let size: Int
    /// `size × size` flags, row by row; true is dark.
    let dark: [Bool]

    /// Encodes `text` (the verification URL) as 8-bit data at error-correction level M (15 %
    /// of the code may be damaged, e.g. by a fold or a stamp); throws `qr_code_failed`.
    init(encoding text: String) throws(LOAError) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 2000 else {
            throw LOAError(code: LOAError.Code.qrCodeFailed, message: "a verification URL of \(bytes.count) bytes does not fit a printable QR code")
        }
        let code = bytes.withUnsafeBufferPointer { QRcode_encodeData(Int32($0.count), $0.baseAddress, 0, QR_ECLEVEL_M) }
        guard let code else {
            throw LOAError(code: LOAError.Code.qrCodeFailed, message: "libqrencode could not encode the verification URL (errno \(errno))")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let data = UnsafeBufferPointer(start: code.pointee.data, count: width * width)
        size = width
        dark = data.map { $0 & 1 == 1 }
    }

    /// Draws the code in a `side`-point square at (`x`, `y`) as filled rectangles: each row's
    /// runs of dark modules are merged into one, and identical runs in consecutive rows into
    /// one taller rectangle (fewer operations, no seams inside a shape). Each rectangle is
    /// filled on its own: cairo 1.16's PDF surface takes about 1 ms for one fill of a path of
    /// ~300 rectangles and about 2 µs per fill of a single rectangle (measured).
    func draw(on context: OpaquePointer, x: Double, y: Double, side: Double) {
        let module = side / Double(size)
        cairo_set_source_rgb(context, 0, 0, 0)
        func fill(_ run: Range<Int>, rows: Range<Int>) {
            cairo_rectangle(
                context, x + Double(run.lowerBound) * module, y + Double(rows.lowerBound) * module,
                Double(run.count) * module, Double(rows.count) * module
            )
            cairo_fill(context)
        }
        // Open rectangles, left to right: a run of columns and the row it started in. Arrays,
        // not sets, so the fills come out in the same order in every process (same bytes).
        var open: [(run: Range<Int>, top: Int)] = []
        for row in 0...size {
            var runs: [Range<Int>] = []
            var column = 0
            while row < size, column < size {
                guard dark[row * size + column] else { column += 1; continue }
                let start = column
                while column < size, dark[row * size + column] { column += 1 }
                runs.append(start..<column)
            }
            var stillOpen: [(run: Range<Int>, top: Int)] = []
            for rectangle in open {
                if runs.contains(rectangle.run) {
                    stillOpen.append(rectangle)
                } else {
                    fill(rectangle.run, rows: rectangle.top..<row)
                }
            }
            for run in runs where !stillOpen.contains(where: { $0.run == run }) {
                stillOpen.append((run, row))
            }
            open = stillOpen.sorted { $0.run.lowerBound < $1.run.lowerBound }
        }
    }
}

/// A decoded PNG (the signatory's handwritten signature) as a cairo image surface.
final class PNGImage {
    /// Refuses pictures larger than this on either side, before decoding: a signature needs
    /// a few hundred pixels, and a huge one is a mistake or an attack on memory.
    static let maximumSide = 4000

    let surface: OpaquePointer
    let width: Int
    let height: Int

    /// Decodes `data`; throws `signature_image_invalid` when it is not a sane PNG.
    init(_ data: Data) throws(LOAError) {
        let bytes = [UInt8](data)
        let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard bytes.count > 33, bytes.starts(with: pngSignature), bytes[12..<16].elementsEqual("IHDR".utf8) else {
            throw LOAError(code: LOAError.Code.signatureImageInvalid, message: "the signature image is not a PNG file")
        }
        func bigEndian(_ offset: Int) -> Int { bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) } }
        let declaredWidth = bigEndian(16), declaredHeight = bigEndian(20)
        guard (1...Self.maximumSide).contains(declaredWidth), (1...Self.maximumSide).contains(declaredHeight) else {
            throw LOAError(
                code: LOAError.Code.signatureImageInvalid,
                message: "the signature image is \(declaredWidth)×\(declaredHeight) pixels; at most \(Self.maximumSide) on a side"
            )
        }
        let reader = PNGReader(bytes)
        let surface = cairo_image_surface_create_from_png_stream(readPNGChunk, Unmanaged.passUnretained(reader).toOpaque())!
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw LOAError(code: LOAError.Code.signatureImageInvalid, message: "the signature image cannot be decoded: \(String(cString: cairo_status_to_string(status)))")
        }
        self.surface = surface
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        withExtendedLifetime(reader) {}
    }

    deinit { cairo_surface_destroy(surface) }

    /// Paints the picture with its top-left at (`x`, `y`), scaled by `scale`.
    func draw(on context: OpaquePointer, x: Double, y: Double, scale: Double) {
        cairo_save(context)
        cairo_translate(context, x, y)
        cairo_scale(context, scale, scale)
        cairo_set_source_surface(context, surface, 0, 0)
        cairo_paint(context)
        cairo_restore(context)
    }
}

/// Feeds PNG bytes to cairo's stream reader.
private final class PNGReader {
    let bytes: [UInt8]
    var offset = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// cairo's read callback: copies the next `length` bytes, or fails at the end of the data.
private func readPNGChunk(_ closure: UnsafeMutableRawPointer?, _ data: UnsafeMutablePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
    let reader = Unmanaged<PNGReader>.fromOpaque(closure).takeUnretainedValue()
    let count = Int(length)
    guard reader.bytes.count - reader.offset >= count else { return CAIRO_STATUS_READ_ERROR }
    reader.bytes.withUnsafeBufferPointer { source in
        data.update(from: source.baseAddress! + reader.offset, count: count)
    }
    reader.offset += count
    return CAIRO_STATUS_SUCCESS
}
