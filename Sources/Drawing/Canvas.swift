import CCairo
import CPangoCairo

/// The drawing calls shared by PDF pages and raster images, so one layout function can produce
/// both a text PDF and a "scanned" picture of the same document.
///
/// Coordinates are canvas units (points on a PDF, points scaled to pixels on a raster canvas),
/// origin top-left. Not `Sendable`: it owns a cairo context, which must be used from one place
/// at a time; create one per document.
public class Canvas {
    /// The cairo context every drawing call goes through; owned, destroyed in `deinit`.
    let context: OpaquePointer
    /// Size of the page currently being drawn, in canvas units.
    public internal(set) var pageSize: Size

    /// Takes ownership of `context` (one reference) for the canvas's lifetime.
    init(context: OpaquePointer, pageSize: Size) {
        self.context = context
        self.pageSize = pageSize
        cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
    }

    deinit {
        cairo_destroy(context)
    }

    /// Whether `image(_:in:encoding:)` should attach JPEG bytes for the output to embed as-is;
    /// only vector outputs (PDF) can use them.
    var embedsEncodedImages: Bool { false }

    /// The first cairo error recorded on the context, if any; cairo errors are sticky, so
    /// checking once before producing output is enough.
    func checkStatus(_ what: String) throws {
        let status = cairo_status(context)
        if status != CAIRO_STATUS_SUCCESS {
            throw DrawingError(code: "cairo_failure", message: "\(what): \(String(cString: cairo_status_to_string(status)))")
        }
    }

    // MARK: Transforms

    /// Runs `body` with the coordinate system moved, rotated (clockwise, about the new origin)
    /// and scaled, then restores it; used for tilted scans, seal lettering and stamps.
    public func withTransform<Result>(
        translateX: Double = 0,
        translateY: Double = 0,
        rotationDegrees: Double = 0,
        scale: Double = 1,
        _ body: () throws -> Result
    ) rethrows -> Result {
        cairo_save(context)
        defer { cairo_restore(context) }
        cairo_translate(context, translateX, translateY)
        cairo_rotate(context, rotationDegrees * .pi / 180)
        cairo_scale(context, scale, scale)
        return try body()
    }

    // MARK: Shapes

    /// Draws a straight rule, e.g. a signature line or table border.
    public func line(from start: Point, to end: Point, stroke: Stroke = Stroke()) {
        cairo_new_path(context)
        cairo_move_to(context, start.x, start.y)
        cairo_line_to(context, end.x, end.y)
        paint(fill: nil, stroke: stroke)
    }

    /// Draws a rectangle, optionally with rounded corners, filled and/or outlined (fill first).
    public func rectangle(_ rect: Rect, cornerRadius: Double = 0, stroke: Stroke? = nil, fill: Color? = nil) {
        cairo_new_path(context)
        let radius = min(cornerRadius, rect.width / 2, rect.height / 2)
        if radius <= 0 {
            cairo_rectangle(context, rect.x, rect.y, rect.width, rect.height)
        } else {
            cairo_new_sub_path(context)
            cairo_arc(context, rect.maxX - radius, rect.y + radius, radius, -.pi / 2, 0)
            cairo_arc(context, rect.maxX - radius, rect.maxY - radius, radius, 0, .pi / 2)
            cairo_arc(context, rect.x + radius, rect.maxY - radius, radius, .pi / 2, .pi)
            cairo_arc(context, rect.x + radius, rect.y + radius, radius, .pi, 3 * .pi / 2)
            cairo_close_path(context)
        }
        paint(fill: fill, stroke: stroke)
    }

    /// Draws a circle, filled and/or outlined; the building block of seals and stamps.
    public func circle(center: Point, radius: Double, stroke: Stroke? = nil, fill: Color? = nil) {
        cairo_new_path(context)
        cairo_arc(context, center.x, center.y, radius, 0, 2 * .pi)
        cairo_close_path(context)
        paint(fill: fill, stroke: stroke)
    }

    /// Draws an open polyline or a closed polygon (stars, shields, crowns, signatures).
    public func polygon(_ points: [Point], closed: Bool = true, stroke: Stroke? = nil, fill: Color? = nil) {
        guard let first = points.first else { return }
        cairo_new_path(context)
        cairo_move_to(context, first.x, first.y)
        for point in points.dropFirst() {
            cairo_line_to(context, point.x, point.y)
        }
        if closed { cairo_close_path(context) }
        paint(fill: closed ? fill : nil, stroke: stroke)
    }

    /// Draws a smooth open curve through cubic Bézier segments: `points` is a start point then
    /// groups of (control 1, control 2, end); used for handwritten-looking signatures.
    public func curve(_ points: [Point], stroke: Stroke = Stroke()) {
        guard let first = points.first else { return }
        cairo_new_path(context)
        cairo_move_to(context, first.x, first.y)
        var rest = points.dropFirst()
        while rest.count >= 3 {
            let c1 = rest.removeFirst(), c2 = rest.removeFirst(), end = rest.removeFirst()
            cairo_curve_to(context, c1.x, c1.y, c2.x, c2.y, end.x, end.y)
        }
        paint(fill: nil, stroke: stroke)
    }

    /// Fills and then strokes the current path, leaving no path behind.
    private func paint(fill: Color?, stroke: Stroke?) {
        if let fill {
            setSource(fill)
            if stroke != nil { cairo_fill_preserve(context) } else { cairo_fill(context) }
        }
        if let stroke {
            setSource(stroke.color)
            cairo_set_line_width(context, stroke.width)
            stroke.dash.withUnsafeBufferPointer { dashes in
                cairo_set_dash(context, dashes.baseAddress, Int32(dashes.count), 0)
            }
            cairo_stroke(context)
        }
        cairo_new_path(context)
    }

    private func setSource(_ color: Color) {
        cairo_set_source_rgba(context, color.red, color.green, color.blue, color.alpha)
    }

    // MARK: Text

    /// Lays out and draws `string` with pango: wraps at `width` (when given), falls back to other
    /// installed fonts for scripts the family lacks, honours newlines. `origin` is the top-left
    /// of the text box, or (without a width) the left edge, centre or right edge per `alignment`.
    /// Returns the laid-out size so callers can stack paragraphs.
    @discardableResult
    public func text(
        _ string: String,
        at origin: Point,
        width: Double? = nil,
        font: String = FontFamily.sans,
        size: Double = 10,
        weight: FontWeight = .regular,
        italic: Bool = false,
        color: Color = .black,
        alignment: TextAlignment = .left,
        lineSpacing: Double = 1,
        letterSpacing: Double = 0
    ) -> Size {
        let layout = makeLayout(
            string, width: width, font: font, size: size, weight: weight, italic: italic,
            alignment: alignment, lineSpacing: lineSpacing, letterSpacing: letterSpacing
        )
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        let measured = layoutSize(layout)
        var x = origin.x
        if width == nil {
            switch alignment {
            case .center: x -= measured.width / 2
            case .right: x -= measured.width
            case .left, .justified: break
            }
        }
        cairo_save(context)
        setSource(color)
        cairo_move_to(context, x, origin.y)
        pango_cairo_show_layout(context, layout)
        cairo_new_path(context)
        cairo_restore(context)
        return measured
    }

    /// Measures `string` exactly as `text(...)` would lay it out, without drawing it, so callers
    /// can size boxes and centre lettering before committing ink.
    public func measureText(
        _ string: String,
        width: Double? = nil,
        font: String = FontFamily.sans,
        size: Double = 10,
        weight: FontWeight = .regular,
        italic: Bool = false,
        lineSpacing: Double = 1,
        letterSpacing: Double = 0
    ) -> Size {
        let layout = makeLayout(
            string, width: width, font: font, size: size, weight: weight, italic: italic,
            alignment: .left, lineSpacing: lineSpacing, letterSpacing: letterSpacing
        )
        defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
        return layoutSize(layout)
    }

    /// Builds a pango layout bound to this context. Metrics hinting is off and the language is
    /// fixed so the same text lays out identically on PDF and raster canvases, whatever the
    /// process locale; the caller unrefs the layout.
    private func makeLayout(
        _ string: String,
        width: Double?,
        font: String,
        size: Double,
        weight: FontWeight,
        italic: Bool,
        alignment: TextAlignment,
        lineSpacing: Double,
        letterSpacing: Double
    ) -> OpaquePointer {
        let layout = pango_cairo_create_layout(context)!
        let pangoContext = pango_layout_get_context(layout)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(pangoContext, options)
        cairo_font_options_destroy(options)
        pango_context_set_language(pangoContext, pango_language_from_string("en"))
        pango_layout_context_changed(layout)

        let description = pango_font_description_from_string(font)
        pango_font_description_set_absolute_size(description, size * Double(PANGO_SCALE))
        pango_font_description_set_weight(description, weight == .bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_style(description, italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)

        if let width {
            pango_layout_set_width(layout, Int32((width * Double(PANGO_SCALE)).rounded()))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        }
        switch alignment {
        case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
        case .center: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
        case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
        case .justified:
            pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
            pango_layout_set_justify(layout, 1)
        }
        if lineSpacing != 1 {
            pango_layout_set_line_spacing(layout, Float(lineSpacing))
        }
        if letterSpacing != 0 {
            let attributes = pango_attr_list_new()
            pango_attr_list_insert(attributes, pango_attr_letter_spacing_new(Int32((letterSpacing * Double(PANGO_SCALE)).rounded())))
            pango_layout_set_attributes(layout, attributes)
            pango_attr_list_unref(attributes)
        }
        pango_layout_set_text(layout, string, -1)
        return layout
    }

    private func layoutSize(_ layout: OpaquePointer) -> Size {
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        let scale = Double(PANGO_SCALE)
        return Size(width: Double(logical.width) / scale, height: Double(logical.height) / scale)
    }

    // MARK: Images

    /// Draws `image` stretched into `rect`. On a PDF canvas, `.jpeg` embeds the picture as a
    /// JPEG stream (what real scanners produce, and far smaller for photographic pixels);
    /// `.lossless` embeds the exact pixels. Raster canvases ignore the encoding.
    public func image(_ image: RasterImage, in rect: Rect, encoding: ImageEncoding = .lossless) throws {
        let surface = try image.makeCairoSurface()
        defer { cairo_surface_destroy(surface) }
        if embedsEncodedImages, case .jpeg(let quality) = encoding {
            let jpeg = try image.jpegData(quality: quality)
            try attachMimeData(jpeg, type: "image/jpeg", to: surface)
        }
        cairo_save(context)
        defer { cairo_restore(context) }
        cairo_translate(context, rect.x, rect.y)
        cairo_scale(context, rect.width / Double(image.width), rect.height / Double(image.height))
        cairo_set_source_surface(context, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_GOOD)
        cairo_paint(context)
        try checkStatus("drawing image")
    }

    /// Hands a copy of `bytes` to cairo, which frees it when the surface dies.
    private func attachMimeData(_ bytes: [UInt8], type: String, to surface: OpaquePointer) throws {
        let copy = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress { copy.copyMemory(from: base, byteCount: source.count) }
        }
        let status = cairo_surface_set_mime_data(surface, type, copy.assumingMemoryBound(to: UInt8.self), UInt(bytes.count), { $0?.deallocate() }, copy)
        if status != CAIRO_STATUS_SUCCESS {
            copy.deallocate()
            throw DrawingError(code: "cairo_failure", message: "attaching \(type): \(String(cString: cairo_status_to_string(status)))")
        }
    }
}

/// How a PDF canvas stores a raster image.
public enum ImageEncoding: Equatable, Sendable {
    /// Exact pixels, deflate-compressed; right for line art and small images.
    case lossless
    /// A JPEG stream at `quality` 1...100; right for scans and photos.
    case jpeg(quality: Int)
}
