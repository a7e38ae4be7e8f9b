// What OCR keeps of a page, and the settings that bound it.

/// How scans are read by OCR: resolution, bounds and languages.
///
/// Part of a request, never of the intake policy's version: OCR adds text and evidence for
/// the reviewers, it never changes a verdict.
public struct OCRPolicy: Sendable, Hashable, Codable {
    /// The resolution PDF pages are drawn at for OCR. Tesseract is trained on 300 dpi text.
    public var dotsPerInch: Double = 300
    /// The most pixels one page may have. A PDF page larger than this at ``dotsPerInch`` is
    /// drawn smaller, down to ``minDotsPerInch``; an image is used as it is, so an image over
    /// it is skipped (`ocr_skipped`).
    public var maxPixelsPerPage: Int = 40_000_000
    /// Below this resolution text is too small to read: such a page is skipped.
    public var minDotsPerInch: Double = 150
    /// Seconds of recognition one page may take; past it the page is `timed_out`.
    public var secondsPerPage: Double = 60
    /// The Tesseract languages (`fra`, `eng`, …), in order of preference.
    public var languages: [String] = ["eng"]

    /// The defaults, in English.
    public init() {}

    /// The defaults, in the languages of a company registered in `country`.
    public init(country: String?) {
        languages = OCRLanguages.forCountry(country)
    }

    enum CodingKeys: String, CodingKey {
        case languages
        case dotsPerInch = "dpi"
        case maxPixelsPerPage = "max_pixels_per_page"
        case minDotsPerInch = "min_dpi"
        case secondsPerPage = "seconds_per_page"
    }
}

/// What became of one page sent to OCR.
public enum PageOCRStatus: String, Sendable, Hashable, Codable {
    /// Read: ``PageOCR/text`` and ``PageOCR/confidence`` hold the result.
    case recognized
    /// Not read (`ocr_skipped`): too large, or not drawable; ``PageOCR/reason`` says why.
    case skipped = "ocr_skipped"
    /// Recognition ran past ``OCRPolicy/secondsPerPage``.
    case timedOut = "timed_out"
    /// The engine failed on the page or could not start (a language not installed).
    case failed
}

/// The text OCR found on one page of a scan.
public struct PageOCR: Sendable, Hashable, Codable {
    /// 1-based page number.
    public var page: Int
    /// What became of the page.
    public var status: PageOCRStatus
    /// The recognised text (empty unless recognised).
    public var text: String
    /// Tesseract's mean word confidence, 0–100: how far to trust the text.
    public var confidence: Int
    /// The languages it was read in.
    public var languages: [String]
    /// Why the page was not read, for people.
    public var reason: String?
    /// The resolution it was read at (nil for an image, read as it is).
    public var dotsPerInch: Int?
    /// Seconds the engine spent on it.
    public var seconds: Double

    /// One page's result.
    public init(page: Int, status: PageOCRStatus, text: String, confidence: Int, languages: [String], reason: String? = nil, dotsPerInch: Int? = nil, seconds: Double) {
        self.page = page
        self.status = status
        self.text = text
        self.confidence = confidence
        self.languages = languages
        self.reason = reason
        self.dotsPerInch = dotsPerInch
        self.seconds = seconds
    }

    enum CodingKeys: String, CodingKey {
        case page, status, text, confidence, languages, reason, seconds
        case dotsPerInch = "dpi"
    }
}

/// Which Tesseract languages a country's certificates are written in.
public enum OCRLanguages {
    /// The country's languages, then English (registries print English labels, and English
    /// names, everywhere), keeping only those installed; English alone for an unknown country.
    public static func forCountry(_ country: String?) -> [String] {
        let local = country.flatMap { byCountry[$0.uppercased()] } ?? []
        var languages: [String] = []
        for language in local + ["eng"] where !languages.contains(language) {
            if TextRecognizer.installedLanguages.contains(language) || language == "eng" { languages.append(language) }
        }
        return languages
    }

    /// Official languages of registries, by ISO 3166-1 alpha-2 code, for the language packs
    /// Debian ships that Paperwork installs; a country missing here is read in English.
    static let byCountry: [String: [String]] = [
        "FR": ["fra"], "BE": ["fra", "nld"], "LU": ["fra", "deu"], "MC": ["fra"], "CH": ["deu", "fra", "ita"],
        "DE": ["deu"], "AT": ["deu"], "LI": ["deu"],
        "JP": ["jpn"], "CN": ["chi_sim"], "SG": ["chi_sim"], "TW": ["chi_tra"], "HK": ["chi_tra"], "MO": ["chi_tra"],
        "KR": ["kor"],
        "RU": ["rus"], "BY": ["rus"], "KZ": ["rus"], "KG": ["rus"],
        "SA": ["ara"], "AE": ["ara"], "EG": ["ara"], "QA": ["ara"], "KW": ["ara"], "BH": ["ara"], "OM": ["ara"],
        "JO": ["ara"], "MA": ["ara", "fra"], "DZ": ["ara", "fra"], "TN": ["ara", "fra"], "LB": ["ara", "fra"],
        "CA": ["fra"], "SN": ["fra"], "CI": ["fra"],
        "ES": ["spa"], "MX": ["spa"], "IT": ["ita"], "PT": ["por"], "BR": ["por"], "NL": ["nld"],
    ]
}
