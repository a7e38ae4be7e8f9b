import Foundation

/// What happens to a certificate file next.
public enum Verdict: String, Sendable, Hashable, Codable, CaseIterable {
    /// Valid and with a text layer: queued for visual review with its evidence.
    case accepted
    /// Valid but image-only (a scan or photo): queued for review by eye alone.
    case needsVisualReview = "needs_visual_review"
    /// Refused, with the reasons in ``Inspection/reasons``; kept for audit, never queued.
    case rejected
}

/// One problem found, with a human sentence that explains it to the uploader.
public struct Finding: Sendable, Hashable, Codable {
    /// The stable code clients act on.
    public var code: ReasonCode
    /// A sentence for people; wording may change between releases, the code does not.
    public var message: String

    /// Pairs a code with its explanation.
    public init(_ code: ReasonCode, _ message: String) {
        self.code = code
        self.message = message
    }
}

/// A page's size in PDF points (1/72 inch), as reviewers need it to judge a scan or a layout.
public struct PageSize: Sendable, Hashable, Codable {
    /// Width in points.
    public var width: Double
    /// Height in points.
    public var height: Double

    /// A size in points.
    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }
}

/// The document information dictionary, which often names the registry software that made it.
public struct DocumentMetadata: Sendable, Hashable, Codable {
    /// `/Title`.
    public var title: String?
    /// `/Author`.
    public var author: String?
    /// `/Creator`: the application that authored the document.
    public var creator: String?
    /// `/Producer`: the library that wrote the PDF.
    public var producer: String?
    /// `/CreationDate`, as ISO 8601 in UTC.
    public var creationDate: String?
    /// `/ModDate`, as ISO 8601 in UTC: compared with the creation date by the forensic checks.
    public var modificationDate: String?

    /// Metadata as read from the document; all fields optional because most are.
    public init(title: String? = nil, author: String? = nil, creator: String? = nil, producer: String? = nil, creationDate: String? = nil, modificationDate: String? = nil) {
        self.title = title
        self.author = author
        self.creator = creator
        self.producer = producer
        self.creationDate = creationDate
        self.modificationDate = modificationDate
    }

    enum CodingKeys: String, CodingKey {
        case title, author, creator, producer
        case creationDate = "creation_date"
        case modificationDate = "modification_date"
    }
}

/// A page rendered for reviewers: they see these, never the raw upload.
public struct PagePreview: Sendable, Hashable, Codable {
    /// 1-based page number.
    public var page: Int
    /// Pixel width of the PNG.
    public var width: Int
    /// Pixel height of the PNG.
    public var height: Int
    /// The PNG file.
    public var png: [UInt8]

    /// A rendered page.
    public init(page: Int, width: Int, height: Int, png: [UInt8]) {
        self.page = page
        self.width = width
        self.height = height
        self.png = png
    }
}

/// Everything intake learned about one file: plain data, so it can cross a process boundary.
public struct Inspection: Sendable, Hashable, Codable {
    /// Lower-case hex SHA-256 of the bytes: the file's identity in the blob store.
    public var sha256: String
    /// Size in bytes.
    public var size: Int
    /// The MIME type the uploader declared (or that its file name implies), if any.
    public var declaredType: String?
    /// The MIME type libmagic gives the bytes.
    public var sniffedMIME: String
    /// What happens next.
    public var verdict: Verdict
    /// Every reason to refuse, each once, in the order found; empty unless rejected.
    public var reasons: [ReasonCode]
    /// The reasons with sentences for people.
    public var findings: [Finding]
    /// Things a reviewer should know that are not reasons to refuse.
    public var flags: [InspectionFlag]
    /// Page count (1 for an image, 0 when the file could not be opened).
    public var pages: Int
    /// The size of each examined page, in points (PDF) or pixels (image).
    public var pageSizes: [PageSize]
    /// Non-blank characters of text in all examined pages.
    public var textCharacters: Int
    /// UTF-8 text of each examined page, capped by the limits.
    public var pageTexts: [String]
    /// The PDF's information dictionary.
    public var metadata: DocumentMetadata?
    /// Where the declared legal name and registration number appear.
    public var evidence: Evidence
    /// What a reviewer cannot see by eye (edits, hidden text, pasted values, impossible
    /// numbers, outdated extracts), each with its evidence; never a reason to refuse.
    public var signals: [ForensicSignal]
    /// The first page's difference hash (16 hexadecimal digits), when the first page was
    /// drawn: always for an image, for a PDF when its previews were rendered. Near-identical
    /// first pages have hashes a few bits apart (`duplicate_document`).
    public var firstPageHash: String?
    /// The OCR of an image-only document's pages, when it was asked for (an OCR job, or
    /// `paperwork inspect --ocr`); empty otherwise. The evidence then comes from it.
    public var ocr: [PageOCR] = []
    /// Rendered previews, when they were asked for.
    public var previews: [PagePreview]
    /// The versions of the parsers that produced this verdict, for revalidation runs.
    public var libraryVersions: LibraryVersions

    enum CodingKeys: String, CodingKey {
        case sha256, size, verdict, reasons, findings, flags, pages, metadata, evidence, signals, previews, ocr
        case declaredType = "declared_type"
        case sniffedMIME = "sniffed_mime"
        case pageSizes = "page_sizes"
        case textCharacters = "text_chars"
        case pageTexts = "page_texts"
        case libraryVersions = "library_versions"
        case firstPageHash = "first_page_hash"
    }

    /// Every field; what intake builds.
    public init(
        sha256: String, size: Int, declaredType: String?, sniffedMIME: String, verdict: Verdict, reasons: [ReasonCode],
        findings: [Finding], flags: [InspectionFlag], pages: Int, pageSizes: [PageSize], textCharacters: Int,
        pageTexts: [String], metadata: DocumentMetadata?, evidence: Evidence, signals: [ForensicSignal],
        previews: [PagePreview], libraryVersions: LibraryVersions
    ) {
        self.sha256 = sha256
        self.size = size
        self.declaredType = declaredType
        self.sniffedMIME = sniffedMIME
        self.verdict = verdict
        self.reasons = reasons
        self.findings = findings
        self.flags = flags
        self.pages = pages
        self.pageSizes = pageSizes
        self.textCharacters = textCharacters
        self.pageTexts = pageTexts
        self.metadata = metadata
        self.evidence = evidence
        self.signals = signals
        self.previews = previews
        self.libraryVersions = libraryVersions
    }

    /// Inspections stored before forensic signals (or OCR) existed have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sha256 = try container.decode(String.self, forKey: .sha256)
        size = try container.decode(Int.self, forKey: .size)
        declaredType = try container.decodeIfPresent(String.self, forKey: .declaredType)
        sniffedMIME = try container.decode(String.self, forKey: .sniffedMIME)
        verdict = try container.decode(Verdict.self, forKey: .verdict)
        reasons = try container.decode([ReasonCode].self, forKey: .reasons)
        findings = try container.decode([Finding].self, forKey: .findings)
        flags = try container.decode([InspectionFlag].self, forKey: .flags)
        pages = try container.decode(Int.self, forKey: .pages)
        pageSizes = try container.decode([PageSize].self, forKey: .pageSizes)
        textCharacters = try container.decode(Int.self, forKey: .textCharacters)
        pageTexts = try container.decode([String].self, forKey: .pageTexts)
        metadata = try container.decodeIfPresent(DocumentMetadata.self, forKey: .metadata)
        evidence = try container.decode(Evidence.self, forKey: .evidence)
        signals = try container.decodeIfPresent([ForensicSignal].self, forKey: .signals) ?? []
        firstPageHash = try container.decodeIfPresent(String.self, forKey: .firstPageHash)
        previews = try container.decode([PagePreview].self, forKey: .previews)
        ocr = try container.decodeIfPresent([PageOCR].self, forKey: .ocr) ?? []
        libraryVersions = try container.decode(LibraryVersions.self, forKey: .libraryVersions)
    }
}

/// Which C library versions made a verdict: an upgrade is a reason to revalidate.
public struct LibraryVersions: Sendable, Hashable, Codable {
    /// libmagic, e.g. `5.44`.
    public var libmagic: String
    /// poppler, e.g. `22.12.0`.
    public var poppler: String
    /// cairo, e.g. `1.16.0`.
    public var cairo: String

    /// Versions as reported by the libraries.
    public init(libmagic: String, poppler: String, cairo: String) {
        self.libmagic = libmagic
        self.poppler = poppler
        self.cairo = cairo
    }
}

/// What the uploader said the file is: a file name, a MIME type, both or neither.
///
/// Never used to decide what the bytes are, only compared with what libmagic says.
public struct DeclaredType: Sendable, Hashable, Codable {
    /// The client's file name, if it sent one.
    public var fileName: String?
    /// The client's Content-Type, if it sent one.
    public var mimeType: String?

    /// A declaration; both parts optional.
    public init(fileName: String? = nil, mimeType: String? = nil) {
        self.fileName = fileName
        self.mimeType = mimeType
    }

    /// The MIME types the declaration names, normalised: from the Content-Type (parameters
    /// dropped) and from the file name's extension. `application/octet-stream` says nothing.
    var declaredMIMETypes: [String] {
        var types: [String] = []
        if let mimeType {
            let essence = mimeType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? mimeType
            let normalized = Self.canonicalMIME(essence.trimmingCharacters(in: .whitespaces).lowercased())
            if !normalized.isEmpty, normalized != "application/octet-stream" { types.append(normalized) }
        }
        if let fileName, let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex {
            let ext = fileName[fileName.index(after: dot)...].lowercased()
            if let type = Self.mimeByExtension[ext], !types.contains(type) { types.append(type) }
        }
        return types
    }

    /// The single declared type reported to clients: the Content-Type wins over the extension.
    var reported: String? { declaredMIMETypes.first }

    static func canonicalMIME(_ type: String) -> String {
        switch type {
        case "image/jpg", "image/pjpeg": "image/jpeg"
        case "image/x-png": "image/png"
        case "application/x-pdf", "application/acrobat", "text/pdf": "application/pdf"
        default: type
        }
    }

    static let mimeByExtension: [String: String] = [
        "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "jpe": "image/jpeg", "jfif": "image/jpeg", "gif": "image/gif", "tif": "image/tiff",
        "tiff": "image/tiff", "webp": "image/webp", "heic": "image/heic", "bmp": "image/bmp",
        "svg": "image/svg+xml", "html": "text/html", "htm": "text/html", "txt": "text/plain",
        "zip": "application/zip", "doc": "application/msword",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "exe": "application/vnd.microsoft.portable-executable",
    ]
}
