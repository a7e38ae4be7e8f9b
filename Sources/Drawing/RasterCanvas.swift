import CCairo

/// An in-memory picture with the same drawing calls as a PDF page: used to fake scans (draw the
/// document, tilt it, add speckles) and to produce PNG and JPEG files.
public final class RasterCanvas: Canvas {
    private let surface: OpaquePointer
    /// Width of the picture in pixels.
    public let pixelWidth: Int
    /// Height of the picture in pixels.
    public let pixelHeight: Int

    /// Creates an opaque picture filled with `background`; drawing coordinates are multiplied by
    /// `pixelsPerUnit`, so layouts written in points can be rasterised at any resolution.
    public init(pixelWidth: Int, pixelHeight: Int, pixelsPerUnit: Double = 1, background: Color = .white) throws {
        guard pixelWidth > 0, pixelHeight > 0, pixelWidth <= 32767, pixelHeight <= 32767, pixelsPerUnit > 0 else {
            throw DrawingError(code: "invalid_image", message: "raster size \(pixelWidth)×\(pixelHeight) is out of range")
        }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(pixelWidth), Int32(pixelHeight)) else {
            throw DrawingError(code: "cairo_failure", message: "could not create an image surface")
        }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw DrawingError(code: "cairo_failure", message: "image surface: \(String(cString: cairo_status_to_string(status)))")
        }
        self.surface = surface
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
        let context = cairo_create(surface)!
        cairo_set_source_rgb(context, background.red, background.green, background.blue)
        cairo_paint(context)
        cairo_scale(context, pixelsPerUnit, pixelsPerUnit)
        super.init(
            context: context,
            pageSize: Size(width: Double(pixelWidth) / pixelsPerUnit, height: Double(pixelHeight) / pixelsPerUnit)
        )
    }

    /// A picture of a page of `pageSize` points scanned at `dotsPerInch` (A4 at 150 dpi is
    /// 1240×1754 px); draw on it in points as on a PDF page.
    public convenience init(pageSize: Size, dotsPerInch: Double, background: Color = .white) throws {
        let scale = dotsPerInch / 72
        try self.init(
            pixelWidth: Int((pageSize.width * scale).rounded()),
            pixelHeight: Int((pageSize.height * scale).rounded()),
            pixelsPerUnit: scale,
            background: background
        )
    }

    deinit {
        cairo_surface_destroy(surface)
    }

    /// The pixels drawn so far, e.g. to place the picture on a PDF page.
    public func image() throws -> RasterImage {
        try checkStatus("drawing raster")
        return try RasterImage.fromCairoSurface(surface)
    }

    /// The picture as a PNG file (RGB, 8 bits per channel).
    public func pngData() throws -> [UInt8] {
        try checkStatus("drawing raster")
        cairo_surface_flush(surface)
        return try pngBytes(of: surface)
    }

    /// The picture as a baseline JPEG file at `quality` 1...100.
    public func jpegData(quality: Int) throws -> [UInt8] {
        try image().jpegData(quality: quality)
    }
}
