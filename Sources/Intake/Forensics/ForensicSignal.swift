// Forensic signals: facts about a certificate that a reviewer cannot see by eye (an edit made
// after the registry wrote the file, text hidden under a white box, a name pasted in another
// font, a number that cannot exist, an outdated extract, the same file sent for another
// company). Each is a fact with its evidence, shown to reviewers; none refuses a file by itself.

/// A stable code for one kind of forensic signal.
public struct SignalCode: StableCode {
    /// The code as it appears in JSON, logs and the console.
    public let rawValue: String

    /// Wraps a stored code; unknown codes are kept as they are.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A later revision of the PDF (an incremental update) changes what a page shows.
    public static let editedAfterCreation = SignalCode(rawValue: "edited_after_creation")
    /// The document names an editing or conversion tool, or its dates do not fit a registry's.
    public static let editingTool = SignalCode(rawValue: "editing_tool")
    /// Text is hidden: covered by other text, drawn off the page, or invisible.
    public static let coveredText = SignalCode(rawValue: "covered_text")
    /// The declared name or number is set in a font or size no other value on its page uses.
    public static let fontMismatch = SignalCode(rawValue: "font_mismatch")
    /// The same file, or the same registration, was sent for another company.
    public static let duplicateDocument = SignalCode(rawValue: "duplicate_document")
    /// The declared registration number fails its country's format or check digit.
    public static let registrationNumberInvalid = SignalCode(rawValue: "registration_number_invalid")
    /// The date the certificate was issued is older than its jurisdiction allows, or in the future.
    public static let documentOutdated = SignalCode(rawValue: "document_outdated")

    /// Every code this release can produce, in the order the README documents them.
    public static let all: [SignalCode] = [
        .editedAfterCreation, .editingTool, .coveredText, .fontMismatch, .duplicateDocument,
        .registrationNumberInvalid, .documentOutdated,
    ]
}

/// One named value behind a signal ("Producer" = "iLovePDF"), as the console lists it.
public struct SignalFact: Sendable, Hashable, Codable {
    /// What the value is, in a few words.
    public var name: String
    /// The value as found.
    public var value: String

    /// A fact.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A rectangle on a page, in PDF points from the page's top-left corner: where to look.
public struct PageArea: Sendable, Hashable, Codable {
    /// 1-based page number.
    public var page: Int
    /// Left edge.
    public var x: Double
    /// Top edge.
    public var y: Double
    /// Width.
    public var width: Double
    /// Height.
    public var height: Double

    /// An area on a page.
    public init(page: Int, x: Double, y: Double, width: Double, height: Double) {
        self.page = page
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// Another stored certificate a signal points at (staff only: customers never see another
/// company's documents).
public struct RelatedCertificate: Sendable, Hashable, Codable {
    /// The other certificate.
    public var certificateID: String
    /// The company it was sent for.
    public var companyID: String
    /// That company's legal name, as declared.
    public var companyName: String
    /// Why it is related: `same_file`, `same_first_page` or `same_registration`.
    public var relation: String

    /// A related certificate.
    public init(certificateID: String, companyID: String, companyName: String, relation: String) {
        self.certificateID = certificateID
        self.companyID = companyID
        self.companyName = companyName
        self.relation = relation
    }

    enum CodingKeys: String, CodingKey {
        case relation
        case certificateID = "certificate_id"
        case companyID = "company_id"
        case companyName = "company_name"
    }
}

/// One forensic signal with its evidence: what was found, where, and the values behind it.
public struct ForensicSignal: Sendable, Hashable, Codable {
    /// The stable code.
    public var code: SignalCode
    /// A sentence for the reviewer; wording may change between releases, the code does not.
    public var message: String
    /// The 1-based pages concerned, ascending; empty when the signal is about the whole file.
    public var pages: [Int]
    /// The values behind the signal, in the order a reviewer reads them.
    public var facts: [SignalFact]
    /// Text a later revision removed, line by line (`edited_after_creation`).
    public var textRemoved: [String]
    /// Text a later revision added, line by line (`edited_after_creation`).
    public var textAdded: [String]
    /// Areas to outline on the page images (`covered_text`, `font_mismatch`).
    public var areas: [PageArea]
    /// Other certificates involved (`duplicate_document`).
    public var related: [RelatedCertificate]

    /// A signal; only the code and the sentence are required.
    public init(
        _ code: SignalCode, _ message: String, pages: [Int] = [], facts: [SignalFact] = [],
        textRemoved: [String] = [], textAdded: [String] = [], areas: [PageArea] = [], related: [RelatedCertificate] = []
    ) {
        self.code = code
        self.message = message
        self.pages = pages
        self.facts = facts
        self.textRemoved = textRemoved
        self.textAdded = textAdded
        self.areas = areas
        self.related = related
    }

    enum CodingKeys: String, CodingKey {
        case code, message, pages, facts, areas, related
        case textRemoved = "text_removed"
        case textAdded = "text_added"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(SignalCode.self, forKey: .code)
        message = try container.decode(String.self, forKey: .message)
        pages = try container.decodeIfPresent([Int].self, forKey: .pages) ?? []
        facts = try container.decodeIfPresent([SignalFact].self, forKey: .facts) ?? []
        textRemoved = try container.decodeIfPresent([String].self, forKey: .textRemoved) ?? []
        textAdded = try container.decodeIfPresent([String].self, forKey: .textAdded) ?? []
        areas = try container.decodeIfPresent([PageArea].self, forKey: .areas) ?? []
        related = try container.decodeIfPresent([RelatedCertificate].self, forKey: .related) ?? []
    }

    /// Empty lists are left out, so that a signal's JSON holds only its evidence.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        if !pages.isEmpty { try container.encode(pages, forKey: .pages) }
        if !facts.isEmpty { try container.encode(facts, forKey: .facts) }
        if !textRemoved.isEmpty { try container.encode(textRemoved, forKey: .textRemoved) }
        if !textAdded.isEmpty { try container.encode(textAdded, forKey: .textAdded) }
        if !areas.isEmpty { try container.encode(areas, forKey: .areas) }
        if !related.isEmpty { try container.encode(related, forKey: .related) }
    }
}
