import Foundation
import CCairo
import Crypto

/// Which pages to render as previews during an inspection.
public enum PreviewSelection: String, Sendable, Hashable, Codable {
    /// None: the fastest path, for batch revalidation and benchmarks.
    case none
    /// Page 1 only: enough for a queue thumbnail.
    case firstPage = "first_page"
    /// Every examined page: what a reviewer needs.
    case allPages = "all_pages"

    func includes(_ page: Int) -> Bool {
        switch self {
        case .none: false
        case .firstPage: page == 1
        case .allPages: true
        }
    }
}

/// An error with a stable code from the intake layer's API (not a verdict on a file).
public struct IntakeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable code.
    public var code: String
    /// A sentence for people.
    public var message: String

    /// The page number asked for does not exist in the document.
    public static func pageOutOfRange(_ page: Int, pages: Int) -> IntakeError {
        IntakeError(code: "page_out_of_range", message: "page \(page) does not exist; the document has \(pages) page(s)")
    }

    /// The file cannot be rendered (it was rejected, or its type has no pages).
    public static func notRenderable(_ why: String) -> IntakeError {
        IntakeError(code: "not_renderable", message: why)
    }

    public var description: String { "\(code): \(message)" }
}

/// The intake core: given the bytes of one uploaded certificate of registration, say what it
/// really is, what it says, what it looks like, and whether it may go to a reviewer.
///
/// One function takes bytes and limits and returns plain data, so it can run in-process or in
/// an isolated worker with the same result. It never throws and never trusts the file: every
/// failure of a parser becomes a reason code. Safe to call from any thread; the C libraries
/// are serialised inside.
public enum CertificateInspector {
    /// The revision of the rules in this file and the checks it calls: raise it whenever a
    /// change can give a stored document another verdict or other reasons, so that the
    /// policy version (``IntakeLimits/policyVersion``) revalidation runs record changes too.
    public static let rulesRevision = 2

    /// The MIME types a certificate may have.
    public static let allowedTypes: Set<String> = ["application/pdf", "image/png", "image/jpeg"]

    /// The versions of the C libraries doing the work (read once: they cannot change while
    /// the process runs).
    public static let libraryVersions: LibraryVersions = {
        LibraryVersions(
            libmagic: MagicSniffer.version,
            poppler: PopplerReader.version,
            cairo: String(cString: cairo_version_string())
        )
    }()

    /// Loads what every document needs, libmagic's database and poppler's global state, and
    /// keeps it for the life of the process. Workers call this before they say hello, so the
    /// setup is paid once per process and never inside a document's time limit; any other
    /// caller gets the same on its first document.
    public static func warmUp() {
        MagicSniffer.load()
        PopplerReader.warmUp()
    }

    /// Inspects one file.
    /// - Parameters:
    ///   - bytes: the whole upload.
    ///   - declared: the uploader's file name and Content-Type, compared with the sniffed type.
    ///   - claims: the company's declared legal name and registration number, looked for in the text.
    ///   - limits: the bounds (sizes, pages, pixels, text).
    ///   - previews: which pages to render as PNG.
    ///   - receivedOn: the day the file was received, which the certificate's age is counted
    ///     to (`document_outdated`); today (UTC) when nil.
    ///   - forensics: false skips the forensic checks (no signals): for the benchmark that
    ///     measures what they cost.
    ///   - ocr: when set, an image-only document's pages are read by OCR under this policy
    ///     (``Inspection/ocr``) and the evidence is searched for in that text. Never changes
    ///     the verdict.
    public static func inspect(
        _ bytes: [UInt8],
        declared: DeclaredType = DeclaredType(),
        claims: CompanyClaims = CompanyClaims(),
        limits: IntakeLimits = IntakeLimits(),
        previews: PreviewSelection = .none,
        receivedOn: CalendarDay? = nil,
        forensics: Bool = true,
        ocr: OCRPolicy? = nil
    ) -> Inspection {
        bytes.withUnsafeBytes { raw in
            var work = Work(raw: raw, declared: declared, limits: limits, previews: previews, claims: forensics ? claims : nil)
            work.run()
            var inspection = work.inspection
            inspection.evidence = EvidenceFinder.find(claims, inPages: inspection.pageTexts)
            if forensics, inspection.verdict != .rejected {
                inspection.signals = ForensicExaminer.signals(ForensicMaterial(
                    metadata: inspection.metadata, pageTexts: inspection.pageTexts, pageLayouts: work.pageLayouts,
                    revisionChange: work.revisionChange, claims: claims, receivedOn: receivedOn ?? CalendarDay(Date()), rules: limits.forensics
                ))
            }
            if let ocr, inspection.verdict == .needsVisualReview {
                inspection.ocr = ScanReader.read(raw, inspection: inspection, limits: limits, policy: ocr)
                inspection.evidence = Self.evidence(claims, fromOCR: inspection.ocr)
            }
            return inspection
        }
    }

    /// The evidence a scan's OCR text gives: the claims searched for in the recognised pages
    /// (a page not recognised counts as empty), marked as coming from OCR.
    public static func evidence(_ claims: CompanyClaims, fromOCR pages: [PageOCR]) -> Evidence {
        let count = pages.map(\.page).max() ?? 0
        var texts = [String](repeating: "", count: count)
        for page in pages where page.status == .recognized && page.page >= 1 { texts[page.page - 1] = page.text }
        var evidence = EvidenceFinder.find(claims, inPages: texts)
        evidence.fromOCR = true
        return evidence
    }

    /// The verdict, reasons and page count of a stored file, computed with no more work than
    /// they need: the digest is the caller's (a content-addressed store already checked it), no
    /// evidence is looked for and no metadata read (neither changes a verdict), and text is
    /// extracted only until the document has shown a text layer (``IntakeLimits/minTextCharacters``),
    /// usually on its first page. Flags are left out, since `text_truncated` needs every page's
    /// text. Gives the same verdict and reasons as ``inspect(_:declared:claims:limits:previews:)``
    /// on the same file under any limits; revalidation runs compare with this and inspect in
    /// full only what changed.
    public static func judge(_ bytes: [UInt8], sha256: String, declared: DeclaredType = DeclaredType(), limits: IntakeLimits = IntakeLimits()) -> Inspection {
        bytes.withUnsafeBytes { raw in
            var work = Work(raw: raw, declared: declared, limits: limits, previews: .none, sha256: sha256, judging: true)
            work.run()
            return Judgement(work.inspection).inspection
        }
    }

    /// The verdict on a file larger than ``IntakeLimits/maxFileBytes``, from its first bytes
    /// only: such a file is never read whole, let alone parsed.
    /// - Parameters:
    ///   - head: the file's first bytes (at least ``IntakeLimits/maxSniffBytes`` when it has them).
    ///   - size: the file's full size.
    ///   - sha256: the digest of the whole file, computed while it streamed.
    public static func inspectOversized(head: [UInt8], size: Int, sha256: String, declared: DeclaredType = DeclaredType(), limits: IntakeLimits = IntakeLimits()) -> Inspection {
        head.withUnsafeBytes { raw in
            var work = Work(raw: raw, declared: declared, limits: limits, previews: .none, size: size, sha256: sha256)
            work.run()
            return work.inspection
        }
    }

    /// Renders one page (1-based) of an inspected file as a preview PNG.
    public static func renderPreview(of bytes: [UInt8], page: Int, limits: IntakeLimits = IntakeLimits()) throws(IntakeError) -> PagePreview {
        let inspection = inspect(bytes, declared: DeclaredType(), renderingPage: page, limits: limits)
        guard inspection.verdict != .rejected else {
            throw .notRenderable("rejected files are not rendered: \(inspection.reasons.map(\.rawValue).joined(separator: ", "))")
        }
        guard page >= 1, page <= min(inspection.pages, limits.maxPages) else { throw .pageOutOfRange(page, pages: inspection.pages) }
        guard let preview = inspection.previews.first(where: { $0.page == page }) else { throw .notRenderable("the page could not be rendered") }
        return preview
    }

    /// Inspects a file and renders one page (1-based) at the limits' resolution and size
    /// (`previewDotsPerInch`, `maxPreviewPixelsPerSide`): the inspection with that page alone
    /// in its previews, none when the file is refused or the page does not exist. What the
    /// reviewers' full-resolution view asks a worker for: the file is judged again first, so
    /// a file refused today is never rendered.
    public static func inspect(_ bytes: [UInt8], declared: DeclaredType, renderingPage page: Int, limits: IntakeLimits) -> Inspection {
        // Page 1 (and every image, which has only page 1) is rendered by the inspection itself,
        // so nothing is parsed or decoded twice.
        var inspection = inspect(bytes, declared: declared, limits: limits, previews: page == 1 ? .firstPage : .none)
        guard inspection.verdict != .rejected, page >= 1, page <= min(inspection.pages, limits.maxPages) else {
            inspection.previews = []
            return inspection
        }
        if page > 1, inspection.sniffedMIME == "application/pdf" {
            let preview = bytes.withUnsafeBytes { raw in try? PopplerReader.renderPage(raw, page: page, limits: limits) }
            inspection.previews = preview.map { [$0] } ?? []
        }
        return inspection
    }
}

extension Inspection {
    /// The verdict on a document whose parser failed (crashed, was killed, overran its time):
    /// rejected, with only what the caller can vouch for without parsing anything.
    public static func processingFailure(_ code: ReasonCode, _ message: String, document: [UInt8], declared: DeclaredType) -> Inspection {
        Inspection(
            sha256: hexadecimal(SHA256.hash(data: document)), size: document.count, declaredType: declared.reported,
            sniffedMIME: "application/octet-stream", verdict: .rejected, reasons: [code], findings: [Finding(code, message)],
            flags: [], pages: 0, pageSizes: [], textCharacters: 0, pageTexts: [], metadata: nil,
            evidence: Evidence(legalName: nil, registrationNumber: nil, registrationNumberCandidates: []),
            signals: [], previews: [], libraryVersions: CertificateInspector.libraryVersions
        )
    }
}

/// One inspection in progress: collects findings, then applies the policy.
private struct Work {
    let raw: UnsafeRawBufferPointer
    let declared: DeclaredType
    let limits: IntakeLimits
    let previewSelection: PreviewSelection
    /// Only a verdict is wanted (``CertificateInspector/judge(_:sha256:declared:limits:)``).
    let judging: Bool
    /// The whole file's size; larger than `raw.count` only for an oversized file's head.
    let size: Int
    var inspection: Inspection
    private var textLayer = false
    /// The declared values, looked for in the pages' layout; nil when nobody asked for signals.
    let claims: CompanyClaims?
    /// What the pages' layout showed, for the forensic checks.
    var pageLayouts: [PageLayoutFindings] = []
    /// What the last revision changed, for the forensic checks.
    var revisionChange: RevisionChange?

    init(raw: UnsafeRawBufferPointer, declared: DeclaredType, limits: IntakeLimits, previews: PreviewSelection, size: Int? = nil, sha256: String? = nil, judging: Bool = false, claims: CompanyClaims? = nil) {
        self.raw = raw
        self.claims = claims
        self.judging = judging
        self.size = size ?? raw.count
        self.declared = declared
        self.limits = limits
        self.previewSelection = previews
        inspection = Inspection(
            sha256: sha256 ?? hexadecimal(SHA256.hash(data: raw)),
            size: size ?? raw.count, declaredType: declared.reported, sniffedMIME: "application/octet-stream",
            verdict: .rejected, reasons: [], findings: [], flags: [], pages: 0, pageSizes: [],
            textCharacters: 0, pageTexts: [], metadata: nil,
            evidence: Evidence(legalName: nil, registrationNumber: nil, registrationNumberCandidates: []),
            signals: [], previews: [], libraryVersions: CertificateInspector.libraryVersions
        )
    }

    mutating func run() {
        examine()
        applyPolicy()
    }

    private mutating func reject(_ code: ReasonCode, _ message: String) {
        inspection.findings.append(Finding(code, message))
        if !inspection.reasons.contains(code) { inspection.reasons.append(code) }
    }

    private mutating func flag(_ flag: InspectionFlag) {
        if !inspection.flags.contains(flag) { inspection.flags.append(flag) }
    }

    private mutating func examine() {
        guard size > 0 else {
            inspection.sniffedMIME = "application/x-empty"
            reject(.emptyFile, "the file is empty")
            return
        }
        let sniffed = DeclaredType.canonicalMIME(MagicSniffer.mimeType(of: raw, maxBytes: limits.maxSniffBytes))
        inspection.sniffedMIME = sniffed

        let declaredTypes = declared.declaredMIMETypes
        if let mismatch = declaredTypes.first(where: { $0 != sniffed }) {
            reject(.typeMismatch, "the file was declared as \(mismatch) but its content is \(sniffed)")
        }
        guard size <= limits.maxFileBytes, size == raw.count else {
            reject(.fileTooLarge, "the file has \(size) bytes; the limit is \(limits.maxFileBytes)")
            return
        }
        if sniffed != "application/pdf", let offset = Self.hiddenPDFHeader(in: raw) {
            flag(.sniffDisagreement)
            reject(.leadingData, "a PDF header is hidden after \(offset) bytes of something else")
        }
        guard CertificateInspector.allowedTypes.contains(sniffed) else {
            reject(.unsupportedType, "\(sniffed) is not accepted; upload a PDF, PNG or JPEG file")
            return
        }
        switch sniffed {
        case "application/pdf": examinePDF()
        case "image/png": examineImage(ImageStructure(png: raw.bindMemory(to: UInt8.self)), expected: "PNG")
        default: examineImage(ImageStructure(jpeg: raw.bindMemory(to: UInt8.self)), expected: "JPEG")
        }
    }

    /// Where `%PDF-` starts in the first KiB, when that is not at the very start: readers
    /// accept such files as PDFs, so the bytes in front make the file two things at once.
    private static func hiddenPDFHeader(in raw: UnsafeRawBufferPointer) -> Int? {
        let head = UnsafeRawBufferPointer(rebasing: raw.prefix(1024)).bindMemory(to: UInt8.self)
        guard let offset = PDFByteScan.find(Array("%PDF-".utf8), in: head, from: 0, to: head.count), offset > 0 else { return nil }
        return offset
    }

    /// PDF names that make a document active, and what to call each in a finding.
    private static let activeContentKinds: [String: String] = [
        "JavaScript": "javascript", "JS": "javascript", "Launch": "launch", "RichMedia": "rich_media",
        "SubmitForm": "form_submission", "ImportData": "form_submission", "GoToE": "embedded_goto",
    ]

    private mutating func examinePDF() {
        let scan = PDFByteScan(raw)
        switch scan.headerOffset {
        case 0?: break
        case let offset?:
            flag(.sniffDisagreement)
            reject(.leadingData, "\(offset) bytes precede the PDF header: the file is also something else")
        case nil:
            flag(.sniffDisagreement)
            reject(.corruptDocument, "the file has no PDF header in its first KiB")
        }
        if scan.endOfFileMarkers == 0 {
            reject(.corruptDocument, "the PDF has no end-of-file marker: it is truncated")
        } else {
            if scan.revisionEnds.count > 1 { flag(.incrementalUpdates) }
            if scan.trailingBytes > 0 {
                reject(.trailingData, "\(scan.trailingBytes) bytes follow the PDF's end-of-file marker")
            }
        }
        if scan.zipArchiveInside, scan.trailingBytes == 0 {
            reject(.trailingData, "a ZIP archive is glued into the PDF")
        }
        if scan.names.contains("OpenAction") || scan.names.contains("AA") { flag(.automaticActions) }
        if scan.names.contains("XFA") { flag(.xfaForm) }
        if scan.names.contains("URI") { flag(.externalLinks) }
        if scan.names.contains("Encrypt") { flag(.encrypted) }

        let facts: PDFFacts
        do throws(PDFOpenFailure) {
            let selection = previewSelection
            var reading = PDFReading(previewPages: { selection.includes($0) })
            if judging {
                reading.textUntilVisible = limits.minTextCharacters
                reading.metadata = false
            } else if let claims {
                reading.layout = [claims.legalName ?? "", claims.registrationNumber ?? ""]
                // A signature appended by a registry changes no page: no need to compare.
                if !RevisionUpdateScan.onlyAnnotatesOrSigns(raw, revisionEnds: scan.revisionEnds) {
                    reading.revisionEnds = scan.revisionEnds
                }
            }
            facts = try PopplerReader.read(raw, limits: limits, reading: reading)
        } catch {
            switch error {
            case .needsPassword:
                reject(.passwordProtected, "the PDF needs a password to open; upload it without a password")
            case let .damaged(message):
                reject(.corruptDocument, "the PDF cannot be read: \(message)")
            }
            return
        }

        inspection.pages = facts.pageCount
        inspection.pageSizes = facts.pageSizes
        inspection.pageTexts = facts.pageTexts
        inspection.metadata = facts.metadata
        inspection.previews = facts.previews
        inspection.textCharacters = facts.visibleCharacters
        pageLayouts = facts.pageLayouts
        revisionChange = facts.revisionChange
        inspection.firstPageHash = facts.firstPageHash.map(Self.hexHash)
        if facts.textTruncated { flag(.textTruncated) }

        if facts.pageCount == 0 {
            reject(.corruptDocument, "the PDF has no pages")
        }
        if facts.pageCount > limits.maxPages {
            flag(.pagesNotExamined)
            reject(.tooManyPages, "the PDF has \(facts.pageCount) pages; the limit is \(limits.maxPages)")
        }

        var active = facts.riskyActions
        if facts.hasJavaScript { active.insert("javascript") }
        for name in scan.names {
            if let kind = Self.activeContentKinds[name] { active.insert(kind) }
        }
        if !active.isEmpty {
            reject(.activeContent, "the PDF carries active content (\(active.sorted().joined(separator: ", ")))")
        }
        if facts.hasAttachments || facts.hasFileAttachmentAnnotations || scan.names.contains("EmbeddedFile") || scan.names.contains("EmbeddedFiles") {
            reject(.embeddedFiles, "the PDF carries embedded files")
        }
        if facts.hasFormFields { flag(.formFields) }
        if facts.hasSignatureFields || facts.signatureCount > 0 { flag(.signatureFields) }
        if facts.hasExternalLinks { flag(.externalLinks) }

        textLayer = inspection.textCharacters >= limits.minTextCharacters
        if !textLayer {
            flag(.imageOnly)
            // Blank only when every page was examined and none shows anything.
            if let pagesWithContent = facts.pagesWithContent, pagesWithContent == 0, facts.pageCount > 0, facts.pageSizes.count == facts.pageCount {
                reject(.noContent, "every page is blank")
            }
        }
    }

    private mutating func examineImage(_ structure: ImageStructure?, expected: String) {
        guard let structure, structure.width > 0, structure.height > 0 else {
            reject(.corruptDocument, "the \(expected) header is damaged")
            return
        }
        inspection.pages = 1
        inspection.pageSizes = [PageSize(width: Double(structure.width), height: Double(structure.height))]
        flag(.imageOnly)
        guard structure.pixels <= limits.maxImagePixels, structure.width <= RasterSurface.maxSide || structure.format == .jpeg,
              structure.height <= RasterSurface.maxSide || structure.format == .jpeg else {
            reject(.imageTooLarge, "the image is \(structure.width)×\(structure.height) pixels; the limit is \(limits.maxImagePixels) pixels and \(RasterSurface.maxSide) per side")
            return
        }
        guard structure.complete else {
            reject(.corruptDocument, "the \(expected) image is truncated")
            return
        }
        if structure.trailingBytes > 0 {
            reject(.trailingData, "\(structure.trailingBytes) bytes follow the end of the \(expected) image")
        }
        let decoded: ImageDecoder.Decoded
        do throws(ImageDecoder.Failure) {
            decoded = structure.format == .png
                ? try ImageDecoder.decodePNG(raw)
                : try ImageDecoder.decodeJPEG(raw, width: structure.width, height: structure.height, isCMYK: structure.isCMYK, targetSide: limits.maxPreviewPixelsPerSide)
        } catch {
            guard case let .undecodable(message) = error else { return }
            reject(.corruptDocument, message)
            return
        }
        if decoded.hadWarnings { flag(.decoderWarnings) }
        guard let thumbnail = decoded.picture.scaled(toFit: 256) else {
            reject(.corruptDocument, "the image could not be scaled")
            return
        }
        inspection.firstPageHash = Self.hexHash(thumbnail.differenceHash())
        if thumbnail.inkFraction() <= 0.0005 {
            reject(.noContent, "the image is blank")
        }
        if previewSelection.includes(1), let picture = decoded.picture.scaled(toFit: limits.maxPreviewPixelsPerSide), let png = picture.pngData() {
            inspection.previews = [PagePreview(page: 1, width: picture.width, height: picture.height, png: png)]
        }
    }

    /// A 64-bit hash as 16 hexadecimal digits.
    static func hexHash(_ hash: UInt64) -> String {
        hexadecimal((0..<8).map { UInt8(truncatingIfNeeded: hash >> (56 - 8 * $0)) })
    }

    private mutating func applyPolicy() {
        if !inspection.reasons.isEmpty {
            inspection.verdict = .rejected
        } else if textLayer {
            inspection.verdict = .accepted
        } else {
            inspection.verdict = .needsVisualReview
        }
    }
}

/// The part of an inspection a comparison needs: what ``CertificateInspector/judge(_:sha256:declared:limits:)``
/// keeps, and what a worker sends back for a judge request (a handful of fields to decode
/// instead of a whole inspection).
public struct Judgement: Sendable, Hashable, Codable {
    var sha256: String
    var size: Int
    var declaredType: String?
    var sniffedMIME: String
    var verdict: Verdict
    var reasons: [ReasonCode]
    var pages: Int

    /// The judgement part of an inspection.
    public init(_ inspection: Inspection) {
        sha256 = inspection.sha256
        size = inspection.size
        declaredType = inspection.declaredType
        sniffedMIME = inspection.sniffedMIME
        verdict = inspection.verdict
        reasons = inspection.reasons
        pages = inspection.pages
    }

    /// As an inspection with only these fields set.
    public var inspection: Inspection {
        Inspection(
            sha256: sha256, size: size, declaredType: declaredType, sniffedMIME: sniffedMIME, verdict: verdict, reasons: reasons, findings: [],
            flags: [], pages: pages, pageSizes: [], textCharacters: 0, pageTexts: [], metadata: nil,
            evidence: Evidence(legalName: nil, registrationNumber: nil, registrationNumberCandidates: []),
            signals: [], previews: [], libraryVersions: CertificateInspector.libraryVersions
        )
    }
}

/// Lower-case hexadecimal, as SHA-256 digests are written everywhere.
public func hexadecimal(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}
