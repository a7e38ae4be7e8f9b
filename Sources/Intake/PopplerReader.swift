import CCairo
import CPoppler
import Foundation
import Synchronization

/// Everything read from a PDF through poppler-glib, as Swift values.
struct PDFFacts {
    var pageCount = 0
    var pageSizes: [PageSize] = []
    var pageTexts: [String] = []
    var textTruncated = false
    /// Non-blank characters in the kept text.
    var visibleCharacters = 0
    var metadata = DocumentMetadata()
    var hasJavaScript = false
    var hasAttachments = false
    var signatureCount = 0
    var riskyActions: Set<String> = []
    var hasExternalLinks = false
    var hasFormFields = false
    var hasSignatureFields = false
    var hasFileAttachmentAnnotations = false
    /// Per examined page: does it show anything (text, an image, or ink)? Only computed when
    /// the document has no text layer.
    var pagesWithContent: Int?
    var previews: [PagePreview] = []
    /// Per examined page, what its layout shows (hidden text, the declared values' fonts);
    /// empty unless ``PDFReading/layout`` asked for it.
    var pageLayouts: [PageLayoutFindings] = []
    /// What the last revision changed from the first; nil for a file with one revision, or
    /// when the first revision cannot be opened on its own.
    var revisionChange: RevisionChange?
    /// Page 1's difference hash, when page 1 was rendered as a preview.
    var firstPageHash: UInt64?
}

/// How much of a PDF to read: all of it for an inspection, less for a judgement.
struct PDFReading {
    /// Pages (1-based) to render as previews.
    var previewPages: (Int) -> Bool = { _ in false }
    /// Stop extracting text once this many non-blank characters were kept: enough to know the
    /// document has a text layer, which is all a verdict asks of its text. Nil reads every
    /// examined page's text (inspections, which search it for the company's claims).
    var textUntilVisible: Int?
    /// Read the document information (title, author, dates), which no verdict depends on.
    var metadata = true
    /// Read each page's layout for the forensic checks, locating these declared values
    /// (the legal name and the registration number); nil skips the layout.
    var layout: [String]?
    /// Where each revision of the file ends (``PDFByteScan/revisionEnds``): with more than
    /// one, the first revision is opened on its own and compared with the last.
    var revisionEnds: [Int] = []
}

/// Why poppler would not open a PDF.
enum PDFOpenFailure: Error {
    case needsPassword
    case damaged(String)
}

/// The one door to poppler-glib.
///
/// poppler is not safe with documents open on several threads at once (its colour
/// management and font caches are shared), so every call goes through ``lock``: in one
/// process, PDFs are read one at a time. Parallelism comes from worker processes; callers in
/// one process serialise their work (``InProcessInspector`` runs it on one queue) rather than
/// let threads queue here, since a contended `Mutex` on Linux waits in the kernel.
enum PopplerReader {
    /// Held for every poppler call; its value keeps poppler's global state alive.
    static let lock = Mutex(GlobalStateAnchor())

    /// poppler's version, e.g. `22.12.0`.
    static var version: String { String(cString: poppler_get_version()) }

    /// Builds poppler's global state now rather than with the first document, so that the
    /// first document a worker is sent costs what every other one costs.
    static func warmUp() {
        lock.withLock { $0.hold() }
    }

    /// Opens `bytes` and reads what intake needs, as much as `reading` asks, and, when the
    /// document has no text layer, checks pages for ink.
    static func read(_ bytes: UnsafeRawBufferPointer, limits: IntakeLimits, reading: PDFReading) throws(PDFOpenFailure) -> PDFFacts {
        try lock.withLock { anchor throws(PDFOpenFailure) -> PDFFacts in
            anchor.hold()
            let document = try Document(bytes)
            var facts = document.facts(limits: limits, reading: reading)
            if reading.revisionEnds.count > 1, let firstEnd = reading.revisionEnds.first, firstEnd < bytes.count {
                facts.revisionChange = document.changes(since: UnsafeRawBufferPointer(rebasing: bytes[0..<firstEnd]), revisions: reading.revisionEnds.count, limits: limits)
            }
            return facts
        }
    }

    /// Renders one page (1-based) as a preview PNG.
    static func renderPage(_ bytes: UnsafeRawBufferPointer, page: Int, limits: IntakeLimits) throws(PDFOpenFailure) -> PagePreview? {
        try lock.withLock { anchor throws(PDFOpenFailure) -> PagePreview? in
            anchor.hold()
            let document = try Document(bytes)
            guard page >= 1, page <= document.pageCount, let handle = document.page(page - 1) else { return nil }
            defer { g_object_unref(gpointer(handle)) }
            return Document.preview(of: handle, number: page, limits: limits)
        }
    }
}

extension PopplerReader {
    /// A page drawn for OCR, or why it was not.
    enum OCRDrawing {
        case drawn(GrayImage)
        case skipped(String)
    }

    /// Draws one page (1-based) in grey at the policy's resolution, or lower when the page
    /// would have more pixels than the policy allows, down to its lowest readable resolution.
    static func drawForOCR(_ bytes: UnsafeRawBufferPointer, page: Int, policy: OCRPolicy) throws(PDFOpenFailure) -> OCRDrawing {
        try lock.withLock { anchor throws(PDFOpenFailure) -> OCRDrawing in
            anchor.hold()
            let document = try Document(bytes)
            guard page >= 1, page <= document.pageCount, let handle = document.page(page - 1) else { return .skipped("the page does not exist") }
            defer { g_object_unref(gpointer(handle)) }
            var width = 0.0, height = 0.0
            poppler_page_get_size(handle, &width, &height)
            guard width > 0, height > 0, width.isFinite, height.isFinite else { return .skipped("the page has no size") }
            let areaInches = width / 72 * height / 72
            let fitting = (Double(policy.maxPixelsPerPage) / areaInches).squareRoot()
            let dotsPerInch = min(policy.dotsPerInch, fitting.rounded(.down))
            guard dotsPerInch >= policy.minDotsPerInch else {
                return .skipped("the page (\(Int(width / 72 * 25.4))×\(Int(height / 72 * 25.4)) mm) is larger than \(policy.maxPixelsPerPage) pixels at \(Int(policy.minDotsPerInch)) dpi")
            }
            let side = Int((max(width, height) * dotsPerInch / 72).rounded(.up))
            guard side <= RasterSurface.maxSide, let surface = Document.render(handle, maxSide: side, dotsPerInch: dotsPerInch) else {
                return .skipped("the page could not be drawn at \(Int(dotsPerInch)) dpi")
            }
            return .drawn(surface.grayImage(dotsPerInch: Int(dotsPerInch)))
        }
    }
}

/// Keeps poppler's global state alive for the life of the process.
///
/// poppler-glib builds its global state (unicode maps, name-to-unicode tables, CMap
/// directories) whenever a document opens while no other is open, and frees it when the last
/// one closes. For a 1–3 page certificate that setup costs about three times the parsing
/// itself (3.5 ms against 0.85 ms per document). One tiny document, opened on first use and
/// never closed, keeps that state built: it is paid once per process. It lives inside
/// ``PopplerReader/lock`` and is only opened there, so it is never touched by two threads;
/// nothing reads it after opening. A recycled worker is a new process, which warms itself
/// again; the kernel frees the state when a process exits.
struct GlobalStateAnchor {
    /// The document held open; nil until first use (or if poppler refused it, which it never
    /// does for this fixed file).
    private var document: OpaquePointer?
    private var tried = false

    /// A minimal valid PDF (one empty page, a correct cross-reference table, so poppler opens
    /// it without complaint). The xref lines are 20 bytes each, their trailing space included.
    private static let tinyPDF = Array((
        "%PDF-1.1\n"
        + "1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        + "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        + "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 10 10]>>endobj\n"
        + "xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
        + "trailer<</Size 4/Root 1 0 R>>\nstartxref\n162\n%%EOF\n"
    ).utf8)

    /// Opens the anchor document if it is not open yet. Called under the lock only.
    mutating func hold() {
        guard !tried else { return }
        tried = true
        // g_bytes_new copies: the document keeps its own reference to the bytes.
        let gbytes = Self.tinyPDF.withUnsafeBytes { g_bytes_new($0.baseAddress, gsize($0.count)) }
        defer { g_bytes_unref(gbytes) }
        var error: UnsafeMutablePointer<GError>?
        document = poppler_document_new_from_bytes(gbytes, nil, &error)
        if let error { g_error_free(error) }
    }

    /// Whether poppler's global state is being held.
    var isHolding: Bool { document != nil }
}

/// An open `PopplerDocument`; used only under ``PopplerReader/lock``.
private final class Document {
    let pointer: OpaquePointer

    init(_ bytes: UnsafeRawBufferPointer) throws(PDFOpenFailure) {
        // No copy: the GBytes borrows the caller's buffer, which outlives the document (both
        // live inside one PopplerReader call, and the document is released before it returns).
        let gbytes = g_bytes_new_static(bytes.baseAddress, gsize(bytes.count))
        defer { g_bytes_unref(gbytes) }
        var error: UnsafeMutablePointer<GError>?
        guard let document = poppler_document_new_from_bytes(gbytes, nil, &error) else {
            var failure = PDFOpenFailure.damaged("poppler could not open the document")
            if let error {
                let message = error.pointee.message.map { String(cString: $0) } ?? ""
                if error.pointee.domain == poppler_error_quark(), error.pointee.code == Int32(POPPLER_ERROR_ENCRYPTED.rawValue) {
                    failure = .needsPassword
                } else {
                    failure = .damaged(message.isEmpty ? "poppler could not open the document" : message)
                }
                g_error_free(error)
            }
            throw failure
        }
        pointer = document
    }

    deinit { g_object_unref(gpointer(pointer)) }

    var pageCount: Int { Int(poppler_document_get_n_pages(pointer)) }

    func page(_ index: Int) -> OpaquePointer? { poppler_document_get_page(pointer, Int32(index)) }

    func facts(limits: IntakeLimits, reading: PDFReading) -> PDFFacts {
        var facts = PDFFacts()
        facts.pageCount = pageCount
        if reading.metadata { facts.metadata = metadata() }
        facts.hasJavaScript = poppler_document_has_javascript(pointer) != 0
        facts.hasAttachments = poppler_document_has_attachments(pointer) != 0
        facts.signatureCount = Int(poppler_document_get_n_signatures(pointer))

        let examined = min(facts.pageCount, limits.maxPages)
        var totalCharacters = 0
        var textLayerCharacters = 0
        var pages: [OpaquePointer] = []
        defer { pages.forEach { g_object_unref(gpointer($0)) } }
        for index in 0..<examined {
            guard let page = page(index) else { continue }
            pages.append(page)
            var width = 0.0, height = 0.0
            poppler_page_get_size(page, &width, &height)
            facts.pageSizes.append(PageSize(width: width, height: height))

            // Extracting text runs the page's whole content stream: the costliest step, and
            // skipped once a judgement has seen enough of a text layer. Links, fields and
            // annotations are still examined on every page.
            if let enough = reading.textUntilVisible, textLayerCharacters >= enough {
                inspectInteractiveContent(of: page, into: &facts)
                continue
            }
            var text = ""
            if let raw = poppler_page_get_text(page) {
                text = String(cString: raw)
                g_free(raw)
            }
            if !text.isEmpty {
                let layout = CharacterBoxes(page: page, text: text)
                if let claims = reading.layout {
                    facts.pageLayouts.append(PageLayoutReader.read(
                        page: page, number: index + 1, scalars: layout.scalars, boxes: layout.boxes, width: width, height: height, claims: claims,
                        drawn: reading.previewPages(index + 1)))
                }
                text = layout.separatingColumns()
            } else if reading.layout != nil {
                facts.pageLayouts.append(PageLayoutFindings(page: index + 1))
            }
            let budget = max(0, min(limits.maxTextCharactersPerPage, limits.maxTextCharactersTotal - totalCharacters))
            // A character takes at least one UTF-8 byte, so counting characters (grapheme
            // clusters, which is slow) is only needed when the bytes exceed the budget.
            if text.utf8.count > budget {
                if text.count > budget {
                    text = String(text.prefix(budget))
                    facts.textTruncated = true
                }
                totalCharacters += text.count
            } else {
                totalCharacters += text.utf8.count
            }
            let visible = visibleCharacterCount(text)
            textLayerCharacters += visible
            facts.visibleCharacters += visible
            facts.pageTexts.append(text)
            inspectInteractiveContent(of: page, into: &facts)
        }

        if textLayerCharacters < limits.minTextCharacters {
            facts.pagesWithContent = pages.filter(Self.showsAnything).count
        }
        for (index, page) in pages.enumerated() where reading.previewPages(index + 1) {
            guard let surface = Self.render(page, maxSide: limits.maxPreviewPixelsPerSide, dotsPerInch: limits.previewDotsPerInch) else { continue }
            if index == 0 { facts.firstPageHash = surface.differenceHash() }
            // Drawn anyway: say which words it does not show.
            if let layout = facts.pageLayouts.firstIndex(where: { $0.page == index + 1 }), !facts.pageLayouts[layout].words.isEmpty,
               index < facts.pageSizes.count, facts.pageSizes[index].width > 0,
               !PageLayoutReader.isScanned(page, width: facts.pageSizes[index].width, height: facts.pageSizes[index].height) {
                let scale = Double(surface.width) / facts.pageSizes[index].width
                facts.pageLayouts[layout].hidden += InkCheck.invisibleWords(facts.pageLayouts[layout].words, on: surface, scale: scale)
            }
            if let png = surface.pngData() {
                facts.previews.append(PagePreview(page: index + 1, width: surface.width, height: surface.height, png: png))
            }
        }
        return facts
    }

    private func metadata() -> DocumentMetadata {
        func take(_ value: UnsafeMutablePointer<gchar>?) -> String? {
            guard let value else { return nil }
            defer { g_free(value) }
            let scalars = String(cString: value).unicodeScalars
            guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
                  let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return nil }
            return String(scalars[first...last])
        }
        var metadata = DocumentMetadata(
            title: take(poppler_document_get_title(pointer)),
            author: take(poppler_document_get_author(pointer)),
            creator: take(poppler_document_get_creator(pointer)),
            producer: take(poppler_document_get_producer(pointer))
        )
        metadata.creationDate = Self.iso8601(poppler_document_get_creation_date(pointer))
        metadata.modificationDate = Self.iso8601(poppler_document_get_modification_date(pointer))
        return metadata
    }

    /// A PDF date as ISO 8601 in UTC; nil when the document has none.
    private static func iso8601(_ time: time_t) -> String? {
        var time = time
        var parts = tm()
        guard time > 0, gmtime_r(&time, &parts) != nil else { return nil }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Compares the file's first revision (its first bytes, up to the first revision's
    /// `%%EOF`) with this, the last, page by page: text, where the characters sit, and the
    /// images. Signature and metadata updates change none of them (annotations are not part of
    /// a page's text), so only an edit of what a page shows is reported. Nil when the first
    /// revision does not open on its own or nothing a page shows changed.
    func changes(since firstRevision: UnsafeRawBufferPointer, revisions: Int, limits: IntakeLimits) -> RevisionChange? {
        guard let original = try? Document(firstRevision) else { return nil }
        let pages = min(max(pageCount, original.pageCount), limits.maxPages)
        var change = RevisionChange(revisions: revisions, changedPages: [], removed: [], added: [])
        for index in 0..<pages {
            let before = original.page(index), after = page(index)
            defer {
                if let before { g_object_unref(gpointer(before)) }
                if let after { g_object_unref(gpointer(after)) }
            }
            let old = before.map { PageContentPrint(page: $0) }
            let new = after.map { PageContentPrint(page: $0) }
            guard old != new else { continue }
            change.changedPages.append(index + 1)
            let difference = TextDifference.lines(removedFrom: old?.text ?? "", addedIn: new?.text ?? "")
            change.removed += difference.removed
            change.added += difference.added
        }
        return change.changedPages.isEmpty ? nil : change
    }

    /// Links, form fields and annotations: where actions and attachments hide on a page.
    private func inspectInteractiveContent(of page: OpaquePointer, into facts: inout PDFFacts) {
        if let links = poppler_page_get_link_mapping(page) {
            Self.forEach(in: links, as: PopplerLinkMapping.self) { note($0.action, into: &facts) }
            poppler_page_free_link_mapping(links)
        }
        if let fields = poppler_page_get_form_field_mapping(page) {
            Self.forEach(in: fields, as: PopplerFormFieldMapping.self) { mapping in
                guard let field = mapping.field else { return }
                facts.hasFormFields = true
                if poppler_form_field_get_field_type(field) == POPPLER_FORM_FIELD_SIGNATURE {
                    facts.hasSignatureFields = true
                }
                note(poppler_form_field_get_action(field), into: &facts)
                for trigger in [POPPLER_ADDITIONAL_ACTION_FIELD_MODIFIED, POPPLER_ADDITIONAL_ACTION_FORMAT_FIELD,
                                POPPLER_ADDITIONAL_ACTION_VALIDATE_FIELD, POPPLER_ADDITIONAL_ACTION_CALCULATE_FIELD] {
                    note(poppler_form_field_get_additional_action(field, trigger), into: &facts)
                }
            }
            poppler_page_free_form_field_mapping(fields)
        }
        if let annotations = poppler_page_get_annot_mapping(page) {
            Self.forEach(in: annotations, as: PopplerAnnotMapping.self) { mapping in
                guard let annotation = mapping.annot else { return }
                switch poppler_annot_get_annot_type(annotation) {
                case POPPLER_ANNOT_FILE_ATTACHMENT: facts.hasFileAttachmentAnnotations = true
                case POPPLER_ANNOT_MOVIE, POPPLER_ANNOT_SCREEN, POPPLER_ANNOT_3D: facts.riskyActions.insert("rich_media")
                default: break
                }
            }
            poppler_page_free_annot_mapping(annotations)
        }
    }

    /// Visits each element of a GList whose data are `Element` structs.
    private static func forEach<Element>(in list: UnsafeMutablePointer<GList>, as _: Element.Type, _ body: (Element) -> Void) {
        var node: UnsafeMutablePointer<GList>? = list
        while let current = node {
            if let data = current.pointee.data { body(data.assumingMemoryBound(to: Element.self).pointee) }
            node = current.pointee.next
        }
    }

    private func note(_ action: UnsafeMutablePointer<PopplerAction>?, into facts: inout PDFFacts) {
        guard let action else { return }
        switch action.pointee.type {
        case POPPLER_ACTION_JAVASCRIPT: facts.riskyActions.insert("javascript")
        case POPPLER_ACTION_LAUNCH: facts.riskyActions.insert("launch")
        case POPPLER_ACTION_RENDITION, POPPLER_ACTION_MOVIE: facts.riskyActions.insert("rich_media")
        case POPPLER_ACTION_URI: facts.hasExternalLinks = true
        default: break
        }
    }

    /// Whether a page shows anything: an image, or ink on a small rendering.
    private static func showsAnything(_ page: OpaquePointer) -> Bool {
        if let images = poppler_page_get_image_mapping(page) {
            poppler_page_free_image_mapping(images)
            return true
        }
        guard let thumbnail = render(page, maxSide: 256, dotsPerInch: 72) else { return false }
        return thumbnail.inkFraction() > 0.0005
    }

    static func render(_ page: OpaquePointer, maxSide: Int, dotsPerInch: Double) -> RasterSurface? {
        var width = 0.0, height = 0.0
        poppler_page_get_size(page, &width, &height)
        guard width > 0, height > 0, width.isFinite, height.isFinite else { return nil }
        let scale = min(dotsPerInch / 72, Double(maxSide) / max(width, height))
        let w = max(1, Int((width * scale).rounded(.up)))
        let h = max(1, Int((height * scale).rounded(.up)))
        guard let surface = RasterSurface(width: w, height: h) else { return nil }
        surface.withContext { cr in
            cairo_scale(cr, scale, scale)
            poppler_page_render(page, cr)
        }
        return surface
    }

    static func preview(of page: OpaquePointer, number: Int, limits: IntakeLimits) -> PagePreview? {
        guard let surface = render(page, maxSide: limits.maxPreviewPixelsPerSide, dotsPerInch: limits.previewDotsPerInch),
              let png = surface.pngData() else { return nil }
        return PagePreview(page: number, width: surface.width, height: surface.height, png: png)
    }
}

/// Characters other than white space, counted by Unicode scalar: the size of a text layer.
/// A table of the white-space scalars is much faster than asking for Unicode properties.
func visibleCharacterCount(_ text: String) -> Int {
    var count = 0
    for scalar in text.unicodeScalars where !isWhiteSpaceScalar(scalar) { count += 1 }
    return count
}

/// White space as the text layer counts it (and the forensic layout splits words at it).
@inline(__always)
func isWhiteSpaceScalar(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
    default: false
    }
}
