import CCairo

/// An owned cairo image surface: the one picture type intake renders, scales and encodes.
///
/// Not `Sendable`: a cairo surface belongs to the thread that uses it. It never leaves the
/// wrapper layer; callers get PNG bytes.
final class RasterSurface {
    let surface: OpaquePointer

    var width: Int { Int(cairo_image_surface_get_width(surface)) }
    var height: Int { Int(cairo_image_surface_get_height(surface)) }

    /// cairo's own limit on an image side.
    static let maxSide = 32767

    private init?(adopting surface: OpaquePointer?) {
        guard let surface else { return nil }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            return nil
        }
        self.surface = surface
    }

    /// A white, opaque canvas.
    convenience init?(width: Int, height: Int) {
        guard width > 0, height > 0, width <= Self.maxSide, height <= Self.maxSide else { return nil }
        self.init(adopting: cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)))
        withContext { cr in
            cairo_set_source_rgb(cr, 1, 1, 1)
            cairo_paint(cr)
        }
    }

    /// Decodes a PNG with cairo (libpng underneath); `nil` when the PNG is damaged.
    convenience init?(png bytes: UnsafeRawBufferPointer) {
        let reader = ByteReader(bytes)
        let surface = withExtendedLifetime(reader) {
            cairo_image_surface_create_from_png_stream({ closure, data, length in
                guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
                let reader = Unmanaged<ByteReader>.fromOpaque(closure).takeUnretainedValue()
                return reader.read(into: data, count: Int(length)) ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_READ_ERROR
            }, Unmanaged.passUnretained(reader).toOpaque())
        }
        self.init(adopting: surface)
    }

    deinit { cairo_surface_destroy(surface) }

    /// Runs `body` with a drawing context on this surface.
    func withContext<T>(_ body: (OpaquePointer) -> T) -> T {
        let cr = cairo_create(surface)!
        defer {
            cairo_destroy(cr)
            cairo_surface_flush(surface)
        }
        return body(cr)
    }

    /// This picture scaled to fit `maxSide` (never enlarged), on white.
    func scaled(toFit maxSide: Int) -> RasterSurface? {
        let factor = min(1.0, Double(maxSide) / Double(max(width, height)))
        if factor == 1.0 { return self }
        let w = max(1, Int((Double(width) * factor).rounded()))
        let h = max(1, Int((Double(height) * factor).rounded()))
        guard let target = RasterSurface(width: w, height: h) else { return nil }
        target.withContext { cr in
            cairo_scale(cr, Double(w) / Double(width), Double(h) / Double(height))
            cairo_set_source_surface(cr, surface, 0, 0)
            cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_GOOD)
            cairo_paint(cr)
        }
        return target
    }

    /// The picture as a PNG file.
    func pngData() -> [UInt8]? {
        let sink = ByteSink()
        let status = withExtendedLifetime(sink) {
            cairo_surface_write_to_png_stream(surface, { closure, data, length in
                guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
                Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
                    .bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            }, Unmanaged.passUnretained(sink).toOpaque())
        }
        return status == CAIRO_STATUS_SUCCESS ? sink.bytes : nil
    }

    /// The share of pixels that are visibly darker than paper: 0 for a blank page.
    /// The page's difference hash (dHash): the picture shrunk to 9 × 8 cells of mean
    /// luminance, one bit per pair of neighbours in a row (is the left one brighter?). Two
    /// renderings of the same page (another encoding, another resolution, a re-saved copy)
    /// differ in a few of the 64 bits; different pages in about half.
    func differenceHash() -> UInt64 {
        guard let data = cairo_image_surface_get_data(surface) else { return 0 }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let w = width, h = height
        guard w > 0, h > 0 else { return 0 }
        var sums = [Double](repeating: 0, count: 72), counts = [Double](repeating: 0, count: 72)
        for y in 0..<h {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            let cellY = min(7, y * 8 / h)
            for x in 0..<w {
                let p = row[x]
                let luminance = 0.299 * Double((p >> 16) & 0xFF) + 0.587 * Double((p >> 8) & 0xFF) + 0.114 * Double(p & 0xFF)
                let cell = cellY * 9 + min(8, x * 9 / w)
                sums[cell] += luminance
                counts[cell] += 1
            }
        }
        var hash: UInt64 = 0
        for y in 0..<8 {
            for x in 0..<8 {
                let left = sums[y * 9 + x] / max(1, counts[y * 9 + x]), right = sums[y * 9 + x + 1] / max(1, counts[y * 9 + x + 1])
                hash = hash << 1 | (left > right ? 1 : 0)
            }
        }
        return hash
    }

    /// The spread of luminance (0–255) in a rectangle of pixels, clipped to the surface; nil
    /// when nothing of it is on the surface.
    func contrast(x: Range<Int>, y: Range<Int>) -> Double? {
        guard let data = cairo_image_surface_get_data(surface) else { return nil }
        let stride = Int(cairo_image_surface_get_stride(surface))
        let xs = x.clamped(to: 0..<width), ys = y.clamped(to: 0..<height)
        guard !xs.isEmpty, !ys.isEmpty else { return nil }
        var low = 255.0, high = 0.0
        for row in ys {
            let pixels = UnsafeRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
            for column in xs {
                let p = pixels[column]
                let luminance = 0.299 * Double((p >> 16) & 0xFF) + 0.587 * Double((p >> 8) & 0xFF) + 0.114 * Double(p & 0xFF)
                low = min(low, luminance)
                high = max(high, luminance)
            }
        }
        return high - low
    }

    /// The picture in grey (Rec. 601 luma), one byte per pixel, for OCR.
    func grayImage(dotsPerInch: Int?) -> GrayImage {
        cairo_surface_flush(surface)
        let w = width, h = height
        var pixels = [UInt8](repeating: 255, count: w * h)
        guard let data = cairo_image_surface_get_data(surface) else { return GrayImage(width: w, height: h, pixels: pixels, dotsPerInch: dotsPerInch) }
        let stride = Int(cairo_image_surface_get_stride(surface))
        pixels.withUnsafeMutableBufferPointer { out in
            for y in 0..<h {
                let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                let base = y * w
                for x in 0..<w {
                    let p = row[x]
                    out[base + x] = UInt8((299 * ((p >> 16) & 0xFF) + 587 * ((p >> 8) & 0xFF) + 114 * (p & 0xFF)) / 1000)
                }
            }
        }
        return GrayImage(width: w, height: h, pixels: pixels, dotsPerInch: dotsPerInch)
    }

    func inkFraction() -> Double {
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return 0 }
        let stride = Int(cairo_image_surface_get_stride(surface))
        let w = width, h = height
        var inked = 0
        for y in 0..<h {
            let row = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            for x in 0..<w {
                let p = row[x]
                let r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF
                // Rec. 601 luma, integer form; paper and JPEG noise stay above 225.
                if (299 * r + 587 * g + 114 * b) / 1000 < 225 { inked += 1 }
            }
        }
        return Double(inked) / Double(max(1, w * h))
    }
}

/// Collects bytes that cairo writes through a callback.
final class ByteSink {
    var bytes: [UInt8] = []
}

/// Hands bytes to cairo's PNG reader through a callback, never past the end.
private final class ByteReader {
    let base: UnsafeRawPointer?
    let count: Int
    var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        base = bytes.baseAddress
        count = bytes.count
    }

    func read(into destination: UnsafeMutablePointer<UInt8>, count wanted: Int) -> Bool {
        guard let base, wanted <= count - offset else { return false }
        UnsafeMutableRawPointer(destination).copyMemory(from: base + offset, byteCount: wanted)
        offset += wanted
        return true
    }
}
