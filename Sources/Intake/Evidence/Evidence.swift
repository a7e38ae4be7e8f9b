// What the evidence finder reports: the declared values and where a certificate shows them.
// The finder itself is in EvidenceFinder.swift.

/// What the company declared about itself when it registered: the values a reviewer checks
/// against its certificate.
///
/// Both parts are optional because an onboarding form may leave either out; an empty or
/// whitespace-only value counts as not declared.
public struct CompanyClaims: Sendable, Hashable, Codable {
    /// The legal name as the company typed it, legal form included ("Northwind Connect Ltd").
    public var legalName: String?
    /// The registration number as the company typed it ("12345678", "HRB 123456", "201912345R").
    public var registrationNumber: String?
    /// The country of registration (ISO 3166-1 alpha-2): which number format and which
    /// maximum age apply.
    public var country: String?

    /// The declaration to look for; nil, empty or blank parts are not looked for.
    public init(legalName: String? = nil, registrationNumber: String? = nil, country: String? = nil) {
        self.legalName = legalName
        self.registrationNumber = registrationNumber
        self.country = country
    }

    enum CodingKeys: String, CodingKey {
        case country
        case legalName = "legal_name"
        case registrationNumber = "registration_number"
    }
}

/// How a declared value was found in the text, so a reviewer knows how much the match proves.
///
/// Cases are listed from strongest to weakest.
public enum MatchKind: String, Sendable, Hashable, Codable {
    /// The same characters after compatibility normalisation (NFKC), case folding and whitespace
    /// collapsing (line breaks and non-breaking spaces are spaces; spaces between two CJK
    /// characters are dropped).
    case exact
    /// Equal after also folding accents, punctuation, spacing and legal-form spellings
    /// (Limited → Ltd, Pte. Ltd. → Pte Ltd, Gesellschaft mit beschränkter Haftung → GmbH, …);
    /// for registration numbers, equal on letters and digits alone.
    case normalized
    /// Only the name without its legal form was found ("Northwind Connect" for "Northwind
    /// Connect Limited"): the text may name a different legal form, or none.
    case withoutLegalForm = "without_legal_form"
    /// Only the longest digit run of a registration number that also has letters was found
    /// ("912345678" for "RCS Paris B 912 345 678").
    case digitsOnly = "digits_only"
}

/// One declared value and where it appears, so a reviewer can jump to the right page.
public struct EvidenceMatch: Sendable, Hashable, Codable {
    /// The declared value, trimmed, as the company typed it.
    public var declared: String
    /// Whether the value was found in any form.
    public var found: Bool
    /// The 1-based pages where the value was found in the reported form, ascending, each once.
    public var pages: [Int]
    /// The strongest form found; nil when not found.
    public var kind: MatchKind?

    /// A result as the finder reports it.
    public init(declared: String, found: Bool, pages: [Int], kind: MatchKind?) {
        self.declared = declared
        self.found = found
        self.pages = pages
        self.kind = kind
    }
}

/// What the reviewer sees next to the page images.
public struct Evidence: Sendable, Hashable, Codable {
    /// Where the declared legal name appears; nil when no legal name was declared.
    public var legalName: EvidenceMatch?
    /// Where the declared registration number appears; nil when none was declared.
    public var registrationNumber: EvidenceMatch?
    /// Registration-number-like strings in the text, as printed (after compatibility
    /// normalisation, trimmed), in order of first occurrence, unique by their letters and digits,
    /// at most 20: what the certificate says the number is, whatever was declared.
    public var registrationNumberCandidates: [String]
    /// True when this was searched for in OCR text, the document having no text layer: a
    /// match is then as good as the recognition, and a miss may be a misread.
    public var fromOCR: Bool

    /// Evidence as the finder reports it; the defaults are "nothing declared, nothing found".
    public init(legalName: EvidenceMatch? = nil, registrationNumber: EvidenceMatch? = nil, registrationNumberCandidates: [String] = [], fromOCR: Bool = false) {
        self.legalName = legalName
        self.registrationNumber = registrationNumber
        self.registrationNumberCandidates = registrationNumberCandidates
        self.fromOCR = fromOCR
    }

    enum CodingKeys: String, CodingKey {
        case legalName = "legal_name"
        case registrationNumber = "registration_number"
        case registrationNumberCandidates = "registration_number_candidates"
        case fromOCR = "from_ocr"
    }

    /// Evidence stored before OCR existed came from a text layer.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        legalName = try container.decodeIfPresent(EvidenceMatch.self, forKey: .legalName)
        registrationNumber = try container.decodeIfPresent(EvidenceMatch.self, forKey: .registrationNumber)
        registrationNumberCandidates = try container.decode([String].self, forKey: .registrationNumberCandidates)
        fromOCR = try container.decodeIfPresent(Bool.self, forKey: .fromOCR) ?? false
    }
}
