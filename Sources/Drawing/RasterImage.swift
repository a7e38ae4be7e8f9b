import CCairo
import CTurboJPEG

/// Pixels in memory: row-major RGBA, 8 bits per channel, straight alpha. The hand-off format
/// between a raster canvas, image files and PDF pages, with no C types attached.
public struct RasterImage: Equatable, Sendable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// `width * height * 4` bytes, R G B A per pixel, top row first.
    public let rgba: [UInt8]

    /// Wraps existing pixels; fails with `invalid_image` when the byte count doesn't match.
    public init(width: Int, height: Int, rgba: [UInt8]) throws {
        guard width > 0, height > 0, width <= 32767, height <= 32767 else {
            throw DrawingError(code: "invalid_image", message: "image size \(width)×\(height) is out of range")
        }
        guard rgba.count == width * height * 4 else {
            throw DrawingError(code: "invalid_image", message: "expected \(width * height * 4) RGBA bytes, got \(rgba.count)")
        }
        self.width = width
        self.height = height
        self.rgba = rgba
    }

    /// Whether every pixel is fully opaque; opaque images are written without an alpha channel.
    public var isOpaque: Bool {
        var index = 3
        while index < rgba.count {
            if rgba[index] != 255 { return false }
            index += 4
        }
        return true
    }

    /// Encodes as a baseline JPEG (4:2:0) with libjpeg-turbo; `quality` is clamped to 1...100.
    /// Alpha is dropped, so draw on an opaque background first.
    public func jpegData(quality: Int) throws -> [UInt8] {
        guard let handle = tjInitCompress() else {
            throw DrawingError(code: "jpeg_failure", message: "tjInitCompress failed")
        }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var outputSize: UInt = 0
        let result = rgba.withUnsafeBufferPointer { pixels in
            tjCompress2(
                handle, pixels.baseAddress, Int32(width), 0, Int32(height), Int32(TJPF_RGBA.rawValue),
                &output, &outputSize, Int32(TJSAMP_420.rawValue), Int32(min(max(quality, 1), 100)), TJFLAG_ACCURATEDCT
            )
        }
        defer { if let output { tjFree(output) } }
        guard result == 0, let output else {
            throw DrawingError(code: "jpeg_failure", message: String(cString: tjGetErrorStr2(handle)))
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(outputSize)))
    }

    /// Encodes as PNG with cairo (RGB when opaque, RGBA otherwise).
    public func pngData() throws -> [UInt8] {
        let surface = try makeCairoSurface()
        defer { cairo_surface_destroy(surface) }
        return try pngBytes(of: surface)
    }

    /// A new cairo image surface holding these pixels (premultiplied, native-endian ARGB as cairo
    /// wants); the caller destroys it.
    func makeCairoSurface() throws -> OpaquePointer {
        let opaque = isOpaque
        let format = opaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32
        guard let surface = cairo_image_surface_create(format, Int32(width), Int32(height)),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS,
              let data = cairo_image_surface_get_data(surface)
        else {
            throw DrawingError(code: "cairo_failure", message: "could not create a \(width)×\(height) image surface")
        }
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        rgba.withUnsafeBufferPointer { source in
            for row in 0..<height {
                let rowStart = UnsafeMutableRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
                for column in 0..<width {
                    let offset = (row * width + column) * 4
                    let alpha = UInt32(source[offset + 3])
                    func premultiply(_ value: UInt8) -> UInt32 {
                        opaque ? UInt32(value) : (UInt32(value) * alpha + 127) / 255
                    }
                    rowStart[column] = alpha << 24 | premultiply(source[offset]) << 16
                        | premultiply(source[offset + 1]) << 8 | premultiply(source[offset + 2])
                }
            }
        }
        cairo_surface_mark_dirty(surface)
        return surface
    }

    /// Reads a cairo image surface (ARGB32 or RGB24) back into straight RGBA.
    static func fromCairoSurface(_ surface: OpaquePointer) throws -> RasterImage {
        cairo_surface_flush(surface)
        let width = Int(cairo_image_surface_get_width(surface))
        let height = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let hasAlpha = cairo_image_surface_get_format(surface) == CAIRO_FORMAT_ARGB32
        guard let data = cairo_image_surface_get_data(surface) else {
            throw DrawingError(code: "cairo_failure", message: "image surface has no pixel data")
        }
        var rgba = [UInt8](repeating: 0, count: width * height * 4)
        rgba.withUnsafeMutableBufferPointer { target in
            for row in 0..<height {
                let rowStart = UnsafeMutableRawPointer(data + row * stride).assumingMemoryBound(to: UInt32.self)
                for column in 0..<width {
                    let pixel = rowStart[column]
                    let alpha = hasAlpha ? pixel >> 24 : 255
                    func unpremultiply(_ value: UInt32) -> UInt8 {
                        if alpha == 255 { return UInt8(value & 0xFF) }
                        if alpha == 0 { return 0 }
                        return UInt8(min(255, ((value & 0xFF) * 255 + alpha / 2) / alpha))
                    }
                    let offset = (row * width + column) * 4
                    target[offset] = unpremultiply(pixel >> 16)
                    target[offset + 1] = unpremultiply(pixel >> 8)
                    target[offset + 2] = unpremultiply(pixel)
                    target[offset + 3] = UInt8(alpha)
                }
            }
        }
        return try RasterImage(width: width, height: height, rgba: rgba)
    }
}

/// Writes any cairo surface as PNG bytes.
func pngBytes(of surface: OpaquePointer) throws -> [UInt8] {
    let sink = ByteSink()
    let status = withExtendedLifetime(sink) {
        cairo_surface_write_to_png_stream(surface, writeToByteSink, sink.opaquePointer)
    }
    guard status == CAIRO_STATUS_SUCCESS else {
        throw DrawingError(code: "cairo_failure", message: "writing PNG: \(String(cString: cairo_status_to_string(status)))")
    }
    return sink.bytes
}
