import CCairo
import CPangoCairo
import Foundation

/// Draws Letters of Authorization as one-page PDFs (cairo's PDF surface, text laid out by pango
/// with font fallback, so names in any script print with real glyphs and stay extractable).
///
/// Load it once with the templates folder and reuse it: templates are read and checked at
/// initialisation, not per letter. It holds only values, so one renderer serves every task;
/// each `render` call draws on a surface of its own.
public struct LOARenderer: Sendable {
    /// The wording per language, as loaded from the templates folder.
    public let templates: [LetterOfAuthorization.Language: LOATemplate]

    /// Font families tried in order for every character: Latin, Greek and Cyrillic from Noto
    /// Sans, then CJK, then Arabic (all in Debian's fonts-noto-core and fonts-noto-cjk).
    public static let fontFamilies = "Noto Sans, Noto Sans CJK JP, Noto Sans Arabic, DejaVu Sans"

    /// Reads `<templateDirectory>/loa/<language>.json` for every language; throws
    /// `template_invalid` or `template_placeholder_unknown` naming the file and the problem.
    public init(templateDirectory: String) throws(LOAError) {
        var templates: [LetterOfAuthorization.Language: LOATemplate] = [:]
        for language in LetterOfAuthorization.Language.allCases {
            templates[language] = try LOATemplate.load(language: language, templateDirectory: templateDirectory)
        }
        self.templates = templates
    }

    /// Uses templates already in memory (tests, or an operator preview of unsaved wording).
    public init(templates: [LetterOfAuthorization.Language: LOATemplate]) {
        self.templates = templates
    }

    /// The letter as a complete, unsigned PDF. The same letter always gives the same bytes (the
    /// PDF's dates come from `issueDate`). Throws `letter_invalid`, `signature_image_invalid`,
    /// `qr_code_failed` or `rendering_failed`; never crashes on odd input.
    public func render(_ letter: LetterOfAuthorization) throws(LOAError) -> [UInt8] {
        try Self.check(letter)
        guard let template = templates[letter.language] else {
            throw LOAError(code: LOAError.Code.templateInvalid, message: "no template for language \(letter.language.rawValue)")
        }
        let qr = try QRMatrix(encoding: letter.verificationURL)
        let signature = try letter.signatory.signatureImagePNG.map { data throws(LOAError) in try PNGImage(data) }
        let page = try LOAPage(letter: letter, template: template)
        return try page.draw(qr: qr, signature: signature)
    }

    static func check(_ letter: LetterOfAuthorization) throws(LOAError) {
        let required: [(String, String)] = [
            ("id", letter.id), ("authorized party", letter.authorizedParty), ("issuer legal name", letter.issuer.legalName),
            ("facility name", letter.facility.name), ("port positions", letter.portPositions),
            ("service id", letter.serviceID), ("verification URL", letter.verificationURL),
        ]
        for (name, value) in required where value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw LOAError(code: LOAError.Code.letterInvalid, message: "the letter's \(name) is empty")
        }
        guard letter.expiryDate >= letter.issueDate else {
            throw LOAError(code: LOAError.Code.letterInvalid, message: "expiry \(letter.expiryDate) is before issue \(letter.issueDate)")
        }
    }
}

/// One letter being drawn: the cairo surface, its context and one reused pango layout (creating
/// a layout per string would rebuild a pango context each time).
private final class LOAPage {
    let letter: LetterOfAuthorization
    let template: LOATemplate
    let values: [String: String]
    let width: Double
    let height: Double
    let margin: Double

    init(letter: LetterOfAuthorization, template: LOATemplate) throws(LOAError) {
        self.letter = letter
        self.template = template
        (width, height) = letter.paperSize.points
        margin = letter.paperSize == .a4 ? 56 : 54
        let mediaName = template.mediaNames[letter.media.rawValue] ?? letter.media.rawValue
        values = [
            "loa_id": letter.id,
            "issue_date": template.format(letter.issueDate),
            "expiry_date": template.format(letter.expiryDate),
            "issuer_name": letter.issuer.legalName,
            "issuer_address": letter.issuer.addressLines.joined(separator: ", "),
            "noc_email": letter.issuer.nocEmail,
            "noc_phone": letter.issuer.nocPhone,
            "authorized_party": letter.authorizedParty,
            "facility_name": letter.facility.name,
            "facility_address": letter.facility.addressLines.joined(separator: ", "),
            "cage": letter.cage,
            "cabinet": letter.cabinet,
            "patch_panel": letter.patchPanel,
            "port_positions": letter.portPositions,
            "media": mediaName,
            "connector": letter.connector.rawValue,
            "speed": letter.speed.rawValue,
            "service_id": letter.serviceID,
            "signatory_name": letter.signatory.name,
            "signatory_title": letter.signatory.titles?[letter.language.rawValue] ?? letter.signatory.title,
            "verification_url": letter.verificationURL,
            "de_facility_name": FrenchTypography.de(letter.facility.name),
            "de_issuer_name": FrenchTypography.de(letter.issuer.legalName),
        ]
    }

    func fill(_ text: String) -> String { TemplateString.substitute(text, values) }

    func draw(qr: QRMatrix, signature: PNGImage?) throws(LOAError) -> [UInt8] {
        let sink = PDFByteSink()
        guard let surface = cairo_pdf_surface_create_for_stream(pdfSinkWrite, Unmanaged.passUnretained(sink).toOpaque(), width, height) else {
            throw LOAError(code: LOAError.Code.renderingFailed, message: "cairo could not create a PDF surface")
        }
        defer { cairo_surface_destroy(surface) }
        let metadata: [(cairo_pdf_metadata_t, String)] = [
            (CAIRO_PDF_METADATA_TITLE, "\(template.title) \(letter.id)"),
            (CAIRO_PDF_METADATA_AUTHOR, letter.issuer.legalName),
            (CAIRO_PDF_METADATA_SUBJECT, "LOA \(letter.id)"),
            (CAIRO_PDF_METADATA_KEYWORDS, "paperwork-loa:\(letter.id)"),
            (CAIRO_PDF_METADATA_CREATOR, "Paperwork"),
            (CAIRO_PDF_METADATA_CREATE_DATE, "\(letter.issueDate)T00:00:00Z"),
            (CAIRO_PDF_METADATA_MOD_DATE, "\(letter.issueDate)T00:00:00Z"),
        ]
        for (key, value) in metadata { cairo_pdf_surface_set_metadata(surface, key, value) }

        guard let context = cairo_create(surface) else {
            throw LOAError(code: LOAError.Code.renderingFailed, message: "cairo could not create a context")
        }
        defer { cairo_destroy(context) }
        // Never broken inside: the e-mail address, the phone number, the ids; the verification
        // URL only after a slash.
        let unbreakable = [letter.issuer.nocEmail, letter.issuer.nocPhone, letter.id, letter.serviceID]
            + letter.verificationURL.split(separator: "/").map(String.init)
        let text = TextSetter(context: context, language: letter.language.rawValue, unbreakable: unbreakable.filter { $0.count > 1 })
        layOut(context: context, text: text, qr: qr, signature: signature)

        let drawing = cairo_status(context)
        guard drawing == CAIRO_STATUS_SUCCESS else {
            throw LOAError(code: LOAError.Code.renderingFailed, message: "drawing: \(String(cString: cairo_status_to_string(drawing)))")
        }
        cairo_surface_finish(surface)
        let finished = cairo_surface_status(surface)
        guard finished == CAIRO_STATUS_SUCCESS else {
            throw LOAError(code: LOAError.Code.renderingFailed, message: "finishing: \(String(cString: cairo_status_to_string(finished)))")
        }
        return sink.bytes
    }

    // MARK: Layout

    private static let ink = (0.0, 0.0, 0.0)
    private static let muted = (0.33, 0.36, 0.40)
    private static let accent = (0.09, 0.25, 0.50)
    private static let rule = (0.75, 0.78, 0.82)

    private func layOut(context: OpaquePointer, text: TextSetter, qr: QRMatrix, signature: PNGImage?) {
        let contentWidth = width - 2 * margin
        let bottom = height - margin
        var y = margin - 10

        // Letterhead: the issuer on the left, the letter's id and dates on the right.
        let rightColumn = 190.0
        let leftWidth = contentWidth - rightColumn - 12
        var left = y
        left += text.draw(letter.issuer.legalName, x: margin, y: left, width: leftWidth, style: .heading, color: Self.accent)
        let address = letter.issuer.addressLines.joined(separator: "\n")
        if !address.isEmpty {
            left += text.draw(address, x: margin, y: left + 1, width: leftWidth, style: .small, color: Self.muted) + 1
        }
        // French sets a non-breaking space before a colon.
        let colon = letter.language == .french ? "\u{00A0}:" : ":"
        let noc = "\(template.labels["noc"] ?? "NOC")\(colon) \(letter.issuer.nocEmail) · \(letter.issuer.nocPhone)"
        left += text.draw(noc, x: margin, y: left + 1, width: leftWidth, style: .small, color: Self.muted) + 1
        var right = y + 2
        let rightX = width - margin - rightColumn
        for (key, value) in [("loa_id", letter.id), ("issue_date", values["issue_date"]!), ("expiry_date", values["expiry_date"]!)] {
            let labelHeight = text.draw(template.labels[key] ?? key, x: rightX, y: right, width: 78, style: .smallLabel, color: Self.muted)
            let valueHeight = text.draw(value, x: rightX + 80, y: right, width: rightColumn - 80, style: .small, color: Self.ink)
            right += max(labelHeight, valueHeight) + 2
        }
        y = max(left, right) + 6
        rule(context, from: margin, to: width - margin, y: y, width: 1.2, color: Self.accent)
        y += 12

        // Title and wording.
        y += text.draw(fill(template.title), x: margin, y: y, width: contentWidth, style: .title, color: Self.ink)
        y += text.draw(fill(template.subtitle), x: margin, y: y, width: contentWidth, style: .subtitle, color: Self.muted) + 9
        y += text.draw(fill(template.toWhom), x: margin, y: y, width: contentWidth, style: .body, color: Self.ink) + 6
        for paragraph in template.authorization {
            y += text.draw(fill(paragraph), x: margin, y: y, width: contentWidth, style: .body, color: Self.ink) + 6
        }
        y += 4

        // The assignment, one ruled row per field.
        let rows: [(String, String)] = [
            ("authorized_party", letter.authorizedParty),
            ("facility", letter.facility.name),
            ("facility_address", letter.facility.addressLines.joined(separator: "\n")),
            ("cage", letter.cage),
            ("cabinet", letter.cabinet),
            ("patch_panel", letter.patchPanel),
            ("port_positions", letter.portPositions),
            ("media", values["media"]!),
            ("connector", letter.connector.rawValue),
            ("speed", letter.speed.rawValue),
            ("service_id", letter.serviceID),
        ]
        let labelWidth = 150.0
        rule(context, from: margin, to: width - margin, y: y, width: 0.6, color: Self.rule)
        for (key, value) in rows {
            // Keep a row whole: start a new page when it does not fit (and would on a new one).
            let preparedValue = text.prepare(value, width: contentWidth - labelWidth - 4, style: .body)
            let rowHeight = preparedValue.height + 6
            if y + rowHeight > bottom, y > margin, rowHeight <= bottom - margin {
                y = newPage(context)
                rule(context, from: margin, to: width - margin, y: y, width: 0.6, color: Self.rule)
            }
            let labelHeight = text.draw(template.labels[key] ?? key, x: margin + 4, y: y + 3, width: labelWidth - 8, style: .label, color: Self.muted)
            let valueHeight = text.show(preparedValue, x: margin + labelWidth, y: y + 3, color: Self.ink)
            y += max(labelHeight, valueHeight) + 6
            rule(context, from: margin, to: width - margin, y: y, width: 0.6, color: Self.rule)
        }
        y += 8
        for paragraph in template.terms {
            if y + 24 > bottom { y = newPage(context) }
            y += text.draw(fill(paragraph), x: margin, y: y, width: contentWidth, style: .small, color: Self.ink) + 5
        }

        // Signature on the left, QR code on the right, kept together at the foot of the page.
        let qrSide = 84.0
        let footerText = fill(template.footer)
        let footer = text.prepare(footerText, width: contentWidth, style: .fine)
        let footerHeight = footer.height
        let signatureWidth = 210.0
        let signatoryName = text.prepare(letter.signatory.name, width: signatureWidth, style: .label)
        let signatoryTitle = text.prepare(values["signatory_title"] ?? letter.signatory.title, width: signatureWidth, style: .small)
        let signatureCaption = text.prepare(fill(template.signatureCaption), width: signatureWidth, style: .small)
        let signatureTextHeight = signatoryName.height + signatoryTitle.height + signatureCaption.height + 1
        let blockHeight = max(qrSide + 4, 54 + signatureTextHeight)
        var blockTop = max(y + 8, bottom - footerHeight - 10 - blockHeight)
        if blockTop + blockHeight > bottom - footerHeight - 6 { blockTop = newPage(context) }

        var signatureY = blockTop
        // The visible signature: the handwritten image when configured, and always the
        // digital signature's statement in a framed box beside it.
        var stampX = margin
        if let signature {
            let box = (width: 96.0, height: 46.0)
            let scale = min(box.width / Double(signature.width), box.height / Double(signature.height))
            signature.draw(on: context, x: margin, y: signatureY + box.height - Double(signature.height) * scale, scale: scale)
            stampX = margin + box.width + 6
        }
        let stampWidth = margin + signatureWidth - stampX
        let stamp = text.prepare(fill(template.digitalSignature), width: stampWidth - 10, style: .fine)
        let stampHeight = min(46, stamp.height + 8)
        cairo_set_source_rgb(context, 0.93, 0.96, 1.0)
        cairo_rectangle(context, stampX, signatureY + 46 - stampHeight, stampWidth, stampHeight)
        cairo_fill_preserve(context)
        cairo_set_source_rgb(context, Self.accent.0, Self.accent.1, Self.accent.2)
        cairo_set_line_width(context, 0.6)
        cairo_stroke(context)
        text.show(stamp, x: stampX + 5, y: signatureY + 46 - stampHeight + 4, color: Self.accent)
        signatureY += 50
        rule(context, from: margin, to: margin + signatureWidth, y: signatureY, width: 0.8, color: Self.ink)
        signatureY += 4
        signatureY += text.show(signatoryName, x: margin, y: signatureY, color: Self.ink)
        signatureY += text.show(signatoryTitle, x: margin, y: signatureY, color: Self.ink)
        text.show(signatureCaption, x: margin, y: signatureY + 1, color: Self.muted)

        let qrX = width - margin - qrSide
        let captionX = margin + signatureWidth + 16
        let captionWidth = qrX - 10 - captionX
        var captionY = blockTop + 8
        captionY += text.draw(fill(template.verificationCaption), x: captionX, y: captionY, width: captionWidth, style: .smallLabel, color: Self.ink) + 2
        // The URL is copied and typed, so it never breaks inside a token: on one line, smaller
        // where it would not fit; when that would be smaller than three quarters of its size,
        // on two lines split after its last slash (the id alone on the second).
        let whole = text.prepare(letter.verificationURL, width: -1, style: .small)
        var lines = [whole]
        if captionWidth / max(1, whole.width) < 0.75, let slash = letter.verificationURL.lastIndex(of: "/") {
            let head = letter.verificationURL[...slash], tail = letter.verificationURL[letter.verificationURL.index(after: slash)...]
            lines = [text.prepare(String(head), width: -1, style: .small), text.prepare(String(tail), width: -1, style: .small)]
        }
        for line in lines {
            let fit = min(1, captionWidth / max(1, line.width))
            cairo_save(context)
            cairo_translate(context, captionX, captionY)
            cairo_scale(context, fit, fit)
            text.show(line, x: 0, y: 0, color: Self.accent)
            cairo_restore(context)
            captionY += line.height * fit
        }
        qr.draw(on: context, x: qrX, y: blockTop, side: qrSide)

        text.show(footer, x: margin, y: bottom - footerHeight, color: Self.muted)
    }

    /// Starts another page when a letter's fields overflow one (very long names or addresses);
    /// returns the new top.
    private func newPage(_ context: OpaquePointer) -> Double {
        cairo_show_page(context)
        return margin
    }

    private func rule(_ context: OpaquePointer, from x0: Double, to x1: Double, y: Double, width lineWidth: Double, color: (Double, Double, Double)) {
        cairo_set_source_rgb(context, color.0, color.1, color.2)
        cairo_set_line_width(context, lineWidth)
        cairo_move_to(context, x0, y)
        cairo_line_to(context, x1, y)
        cairo_stroke(context)
    }
}

/// The text styles of a letter. All in one weight: a bold face is a second Latin font subset
/// to embed in every letter (about 0.45 ms of the 6–8 ms a letter takes, measured), so
/// hierarchy comes from size and colour instead.
enum TextStyle: CaseIterable {
    case title, subtitle, heading, body, label, small, smallLabel, fine

    var size: Double {
        switch self {
        case .title: 20
        case .subtitle: 11
        case .heading: 13.5
        case .body, .label: 9.5
        case .small, .smallLabel: 8.5
        case .fine: 7
        }
    }
}

/// Sets text for one page: one pango context (font options, language, font descriptions and
/// attributes set up once), and a layout per string that is laid out exactly once, whether it
/// is measured first (to keep blocks together) or drawn at once.
private final class TextSetter {
    private let context: OpaquePointer
    private let pangoContext: OpaquePointer
    private let attributes: OpaquePointer
    private var fonts: [TextStyle: OpaquePointer] = [:]
    /// Strings kept on one line wherever they appear (pango's allow-breaks attribute).
    private let unbreakable: [String]

    init(context: OpaquePointer, language: String, unbreakable: [String] = []) {
        self.context = context
        self.unbreakable = unbreakable
        pangoContext = pango_cairo_create_context(context)
        // Metrics hinting off: glyph advances do not depend on a device, so the layout (and the
        // bytes) are the same on every machine with the same fonts.
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        pango_cairo_context_set_font_options(pangoContext, options)
        cairo_font_options_destroy(options)
        pango_context_set_language(pangoContext, pango_language_from_string(language))
        // No Latin ligatures: an "fi" glyph has no WinAnsi code, so cairo would embed a second
        // (CID) subset of each Latin face just for it; the page looks the same without them and
        // is smaller and faster to write.
        attributes = pango_attr_list_new()
        pango_attr_list_insert(attributes, pango_attr_font_features_new("liga=0, clig=0"))
        for style in TextStyle.allCases {
            let description = pango_font_description_from_string(LOARenderer.fontFamilies)
            pango_font_description_set_absolute_size(description, style.size * Double(PANGO_SCALE))
            fonts[style] = description
        }
    }

    deinit {
        for description in fonts.values { pango_font_description_free(description) }
        pango_attr_list_unref(attributes)
        g_object_unref(UnsafeMutableRawPointer(pangoContext))
    }

    /// `string` laid out at `width` in `style`, ready to measure and show.
    func prepare(_ string: String, width: Double, style: TextStyle) -> PreparedText {
        let layout = pango_layout_new(pangoContext)!
        pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
        // The templates are left-to-right: an Arabic or Hebrew name is laid out right-to-left
        // inside a left-aligned line, not flushed to the right edge of its column.
        pango_layout_set_auto_dir(layout, 0)
        var ranges: [Range<Int>] = []
        let utf8 = Array(string.utf8)
        for token in unbreakable {
            let needle = Array(token.utf8)
            guard needle.count > 1, needle.count <= utf8.count else { continue }
            var start = 0
            while start + needle.count <= utf8.count {
                if utf8[start] == needle[0], Array(utf8[start..<(start + needle.count)]) == needle {
                    ranges.append(start..<(start + needle.count))
                    start += needle.count
                } else {
                    start += 1
                }
            }
        }
        if ranges.isEmpty {
            pango_layout_set_attributes(layout, attributes)
        } else {
            let list = pango_attr_list_copy(attributes)
            for range in ranges {
                let attribute = pango_attr_allow_breaks_new(0)!
                attribute.pointee.start_index = guint(range.lowerBound)
                attribute.pointee.end_index = guint(range.upperBound)
                pango_attr_list_insert(list, attribute)
            }
            pango_layout_set_attributes(layout, list)
            pango_attr_list_unref(list)
        }
        pango_layout_set_font_description(layout, fonts[style])
        pango_layout_set_width(layout, width < 0 ? -1 : Int32((width * Double(PANGO_SCALE)).rounded()))
        var string = string
        string.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { chars in
                pango_layout_set_text(layout, chars.baseAddress, Int32(chars.count))
            }
        }
        return PreparedText(layout: layout)
    }

    /// The height `string` takes when wrapped at `width` (for deciding where blocks go).
    func measure(_ string: String, width: Double, style: TextStyle) -> Double {
        prepare(string, width: width, style: style).height
    }

    /// Draws prepared text with its top-left at (`x`, `y`); returns its height.
    @discardableResult
    func show(_ text: PreparedText, x: Double, y: Double, color: (Double, Double, Double)) -> Double {
        cairo_set_source_rgb(context, color.0, color.1, color.2)
        cairo_move_to(context, x, y)
        pango_cairo_show_layout(context, text.layout)
        cairo_new_path(context)
        return text.height
    }

    /// Draws `string` wrapped at `width` with its top-left at (`x`, `y`); returns its height.
    func draw(_ string: String, x: Double, y: Double, width: Double, style: TextStyle, color: (Double, Double, Double)) -> Double {
        guard !string.isEmpty else { return 0 }
        return show(prepare(string, width: width, style: style), x: x, y: y, color: color)
    }
}

/// A laid-out string; owns its pango layout.
private final class PreparedText {
    let layout: OpaquePointer
    let height: Double
    let width: Double

    init(layout: OpaquePointer) {
        self.layout = layout
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        height = Double(logical.height) / Double(PANGO_SCALE)
        width = Double(logical.width) / Double(PANGO_SCALE)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
}

/// Collects the PDF bytes cairo streams out; passed to C unretained, kept alive by `draw`.
private final class PDFByteSink {
    var bytes: [UInt8] = []
    init() { bytes.reserveCapacity(96 * 1024) }
}

/// cairo's write callback: appends a chunk to the `PDFByteSink` behind `closure`.
private func pdfSinkWrite(_ closure: UnsafeMutableRawPointer?, _ data: UnsafePointer<UInt8>?, _ length: UInt32) -> cairo_status_t {
    guard let closure else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<PDFByteSink>.fromOpaque(closure).takeUnretainedValue()
    if let data, length > 0 {
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    }
    return CAIRO_STATUS_SUCCESS
}

/// French typography the templates cannot spell out alone.
enum FrenchTypography {
    /// "de" before a name, elided before a vowel: "d’Exemple", "d’Équinoxe", "de Paris". Not
    /// before an h, which in names of places and companies is mostly aspirated ("de Hong Kong").
    static func de(_ name: String) -> String {
        guard let first = name.unicodeScalars.first else { return "de" }
        let folded = String(first).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
        return "aeiou".contains(folded) ? "d\u{2019}\(name)" : "de \(name)"
    }
}
