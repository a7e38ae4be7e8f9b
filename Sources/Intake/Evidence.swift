import Foundation
import Synchronization

// The evidence finder: where, if anywhere, a certificate of registration shows the legal name and
// registration number a company declared, and which registration-number-like strings it prints.
//
// Reviewers compare the declaration with the page images; this tells them where to look and how
// closely the text agrees. It never decides anything by itself.
//
// Rules, in short (details next to the code that applies them):
// - Every page is prepared once per call, in a few linear passes; every search is Knuth–Morris–Pratt,
//   so a page of a million characters costs a small constant times its length, whatever the claim.
// - A value is looked for as a whole first (`exact`, then `normalized`); only when the whole is
//   found on no page is a weaker form tried (`withoutLegalForm` for names, `digitsOnly` for
//   numbers). `pages` lists the pages where the reported tier matched, so a weak match elsewhere
//   never dilutes a strong one.
// - Latin matches start and end at word boundaries; Chinese, Japanese and Korean characters are
//   each a word of their own, because those scripts put no spaces between words and poppler
//   sometimes puts one between every glyph.
// - Text is compared in compatibility decomposition (NFKD, which compares like NFKC), built scalar
//   by scalar: full-width digits are digits, non-breaking and ideographic spaces are spaces.
// - Names: accents and case folded, punctuation separates words, "&" is "and", dotted initials
//   are one word ("S.A.S." is "SAS"), legal-form spellings are one canonical word (`LegalForms`).
// - Numbers: letters and digits alone, starting and ending where the text's words do.
// - Candidates: see `CandidateCollector`.

// MARK: - Public API

/// What the company declared about itself when it registered: the values a reviewer checks
/// against its certificate.
///
/// Both parts are optional because an onboarding form may leave either out; an empty or
/// whitespace-only value counts as not declared.
public struct CompanyClaims: Sendable, Hashable, Codable {
    /// The legal name as the company typed it, legal form included ("Northwind Connect Ltd").
    public var legalName: String?
    /// The registration number as the company typed it ("12345678", "HRB 123456", "201912345K").
    public var registrationNumber: String?

    /// The declaration to look for; nil, empty or blank parts are not looked for.
    public init(legalName: String? = nil, registrationNumber: String? = nil) {
        self.legalName = legalName
        self.registrationNumber = registrationNumber
    }

    enum CodingKeys: String, CodingKey {
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

    /// Evidence as the finder reports it; the defaults are "nothing declared, nothing found".
    public init(legalName: EvidenceMatch? = nil, registrationNumber: EvidenceMatch? = nil, registrationNumberCandidates: [String] = []) {
        self.legalName = legalName
        self.registrationNumber = registrationNumber
        self.registrationNumberCandidates = registrationNumberCandidates
    }

    enum CodingKeys: String, CodingKey {
        case legalName = "legal_name"
        case registrationNumber = "registration_number"
        case registrationNumberCandidates = "registration_number_candidates"
    }
}

/// Finds declared company details in the text of a certificate of registration, matching the
/// ways registries and people write them, so reviewers need not read every page for them.
public enum EvidenceFinder {
    /// How many registration-number candidates are reported at most.
    static let maxCandidates = 20

    /// Where the claims appear in `pages` (the text of each page, first page first) and which
    /// registration-number-like strings the pages contain. Linear in the total text length.
    public static func find(_ claims: CompanyClaims, inPages pages: [String]) -> Evidence {
        let name = NameQuery(claims.legalName)
        let number = NumberQuery(claims.registrationNumber)
        var nameHits = Hits()
        var numberHits = Hits()
        var candidates = CandidateCollector(limit: maxCandidates)

        // Decompositions are looked up through Foundation, which is slow; the cache is shared
        // by every document this process inspects (a worker serves hundreds).
        var cache = Folding.sharedCache.withLock { $0 }
        defer {
            let grown = cache
            Folding.sharedCache.withLock { if $0.size < grown.size { $0 = grown } }
        }
        let searching = name?.isSearchable == true || number?.isSearchable == true
        for (index, page) in pages.enumerated() {
            let pageNumber = index + 1
            let text = Folding.NormalizedText(page, cache: &cache, lowercased: searching)
            if !candidates.isFull { candidates.collect(from: text.cased) }
            guard searching else { continue }
            let collapsed = Folding.collapsed(text.lower)
            if let name, name.isSearchable {
                nameHits.record(page: pageNumber, name.search(collapsed: collapsed, tokens: Folding.canonicalNameTokens(text.lower).tokens))
            }
            if let number, number.isSearchable {
                numberHits.record(page: pageNumber, number.search(collapsed: collapsed, stream: NumberStream(collapsed)))
            }
        }

        return Evidence(
            legalName: name.map { nameHits.match(declared: $0.declared, fallback: .withoutLegalForm) },
            registrationNumber: number.map { numberHits.match(declared: $0.declared, fallback: .digitsOnly) },
            registrationNumberCandidates: candidates.found
        )
    }
}

// MARK: - Results per page

extension EvidenceFinder {
    /// What one page showed for one declared value.
    struct PageResult {
        var exact = false
        var normalized = false
        var fallback = false
    }

    /// The pages where each tier matched; turned into an `EvidenceMatch` once every page is seen.
    struct Hits {
        var wholePages: [Int] = []
        var anyExact = false
        var fallbackPages: [Int] = []

        mutating func record(page: Int, _ result: PageResult) {
            if result.exact || result.normalized { wholePages.append(page) }
            if result.exact { anyExact = true }
            if result.fallback { fallbackPages.append(page) }
        }

        /// The whole value wins wherever it was found; the weaker form counts only when the whole
        /// value is on no page.
        func match(declared: String, fallback: MatchKind) -> EvidenceMatch {
            if !wholePages.isEmpty {
                return EvidenceMatch(declared: declared, found: true, pages: wholePages, kind: anyExact ? .exact : .normalized)
            }
            if !fallbackPages.isEmpty {
                return EvidenceMatch(declared: declared, found: true, pages: fallbackPages, kind: fallback)
            }
            return EvidenceMatch(declared: declared, found: false, pages: [], kind: nil)
        }
    }
}

// MARK: - Linear search

extension EvidenceFinder {
    /// Knuth–Morris–Pratt: linear in the text whatever the pattern, so no page and no claim can
    /// make a search quadratic.
    struct LinearSearch<Element: Equatable> {
        let pattern: [Element]
        private let failure: [Int]

        init(_ pattern: [Element]) {
            self.pattern = pattern
            var failure = [Int](repeating: 0, count: pattern.count)
            var k = 0
            if pattern.count > 1 {
                for i in 1..<pattern.count {
                    while k > 0, pattern[i] != pattern[k] { k = failure[k - 1] }
                    if pattern[i] == pattern[k] { k += 1 }
                    failure[i] = k
                }
            }
            self.failure = failure
        }

        /// Offers each occurrence's start to `accept`, left to right, until it accepts one.
        func contains(in text: [Element], where accept: (Int) -> Bool) -> Bool {
            let m = pattern.count
            guard m > 0, text.count >= m else { return false }
            var q = 0
            for i in text.indices {
                while q > 0, text[i] != pattern[q] { q = failure[q - 1] }
                if text[i] == pattern[q] { q += 1 }
                if q == m {
                    if accept(i - m + 1) { return true }
                    q = failure[q - 1]
                }
            }
            return false
        }
    }
}

// MARK: - Character classes and folding

extension EvidenceFinder {
    /// How text is normalised, classified and cut into words for every comparison.
    enum Folding {
        /// Chinese, Japanese and Korean letters: each is a word of its own, since those scripts
        /// put no spaces between words. The katakana middle dot (U+30FB) is punctuation.
        static func isCJK(_ u: Unicode.Scalar) -> Bool {
            switch u.value {
            case 0x1100...0x11FF, 0x2E80...0x2FDF, 0x3005...0x3007, 0x3021...0x3029, 0x3031...0x3035,
                 0x3038...0x303C, 0x3041...0x30FA, 0x30FC...0x30FF, 0x3105...0x312F, 0x3131...0x318E,
                 0x31A0...0x31BF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA960...0xA97F,
                 0xAC00...0xD7FF, 0xF900...0xFAFF, 0xFF66...0xFF9F, 0x20000...0x3FFFF:
                true
            default:
                false
            }
        }

        /// Letters, combining marks and digits of any script: what words and numbers are made of.
        static func isWordLike(_ u: Unicode.Scalar) -> Bool {
            if u.isASCII {
                return (0x30...0x39).contains(u.value) || (0x41...0x5A).contains(u.value) || (0x61...0x7A).contains(u.value)
            }
            switch u.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
                return true
            default:
                return false
            }
        }

        /// A character that continues a Latin (or other spaced-script) word: a neighbour of this
        /// kind means a match would sit inside a longer word.
        static func isSpacedWordCharacter(_ u: Unicode.Scalar) -> Bool {
            isWordLike(u) && !isCJK(u)
        }

        static func isMark(_ u: Unicode.Scalar) -> Bool {
            if u.isASCII { return false }
            return switch u.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark: true
            default: false
            }
        }

        static func isDigit(_ u: Unicode.Scalar) -> Bool {
            u.isASCII ? (0x30...0x39).contains(u.value) : u.properties.generalCategory == .decimalNumber
        }

        /// Whitespace of any kind, including the zero-width space (a line-break opportunity).
        static func isSpace(_ u: Unicode.Scalar) -> Bool {
            if u.isASCII { return u == " " || (0x09...0x0D).contains(u.value) }
            return u.properties.isWhitespace || u.value == 0x200B
        }

        /// Format characters that are no separators (soft hyphen, joiners, byte order mark):
        /// dropped so that they neither split nor join words.
        static func isIgnorable(_ u: Unicode.Scalar) -> Bool {
            !u.isASCII && u.value != 0x200B && u.properties.generalCategory == .format
        }

        /// Accents on Latin, Greek and Cyrillic letters, removed after decomposition. Kana voicing
        /// marks are kept: they make different syllables, not accented ones.
        static func isFoldedDiacritic(_ u: Unicode.Scalar) -> Bool {
            switch u.value {
            case 0x0300...0x036F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF, 0xFE20...0xFE2F: true
            default: false
            }
        }

        /// Letters that carry no decomposable accent but are written without it by people
        /// (ß is written ss).
        static func letterFold(_ u: Unicode.Scalar) -> String? {
            switch u {
            case "ß": "ss"
            case "ø": "o"
            case "æ": "ae"
            case "œ": "oe"
            case "ł": "l"
            case "đ", "ð": "d"
            case "þ": "th"
            case "ı": "i"
            default: nil
            }
        }

        /// Decompositions and lower-case mappings already worked out during one search; capped, so
        /// that a text of a million distinct characters costs time but not memory.
        struct Cache {
            static let maxEntries = 20_000
            var decompositions: [Unicode.Scalar: [Unicode.Scalar]] = [:]
            var lowercases: [Unicode.Scalar: [Unicode.Scalar]] = [:]
            var size: Int { decompositions.count + lowercases.count }
        }

        /// The process-wide cache, copied (copy-on-write) at the start of a search and
        /// replaced by the grown copy at its end.
        static let sharedCache = Mutex(Cache())

        /// Text in compatibility decomposition (NFKD), as written and lowercased.
        ///
        /// Built scalar by scalar rather than with Foundation's whole-string normalisation,
        /// which on Linux takes quadratic time on long decomposed texts and on long runs of
        /// combining marks: a hostile PDF must not buy minutes of CPU with a megabyte of accents.
        /// As in Unicode's stream-safe text format, a run of combining marks is cut after 30, so
        /// putting each run in canonical order costs a bounded amount. Comparing NFKD forms is
        /// equivalent to comparing NFKC forms.
        struct NormalizedText {
            var cased: [Unicode.Scalar] = []
            var lower: [Unicode.Scalar] = []

            static let maxCombiningRun = 30

            /// - Parameter lowercased: whether to build ``lower`` too (only searches need it).
            init(_ text: String, cache: inout Cache, lowercased: Bool = true) {
                cased.reserveCapacity(text.utf8.count)
                if lowercased { lower.reserveCapacity(text.utf8.count) }
                var casedRun = 0
                var lowerRun = 0
                for u in text.unicodeScalars {
                    if u.isASCII || Self.isPlainIdeograph(u) {
                        Self.append(u, to: &cased, run: &casedRun)
                        if lowercased { Self.append(u.isASCII ? Self.asciiLowercase(u) : u, to: &lower, run: &lowerRun) }
                        continue
                    }
                    let decomposition: [Unicode.Scalar]
                    if let known = cache.decompositions[u] {
                        decomposition = known
                    } else {
                        decomposition = Array(String(u).decomposedStringWithCompatibilityMapping.unicodeScalars)
                        if cache.decompositions.count < Cache.maxEntries { cache.decompositions[u] = decomposition }
                    }
                    for v in decomposition {
                        Self.append(v, to: &cased, run: &casedRun)
                        guard lowercased else { continue }
                        if v.isASCII {
                            Self.append(Self.asciiLowercase(v), to: &lower, run: &lowerRun)
                            continue
                        }
                        let lowercase: [Unicode.Scalar]
                        if let known = cache.lowercases[v] {
                            lowercase = known
                        } else {
                            lowercase = Array(v.properties.lowercaseMapping.unicodeScalars)
                            if cache.lowercases.count < Cache.maxEntries { cache.lowercases[v] = lowercase }
                        }
                        for w in lowercase { Self.append(w, to: &lower, run: &lowerRun) }
                    }
                }
            }

            /// A small text (a claim, a legal-form spelling) with a cache of its own.
            init(_ text: String) {
                var cache = Cache()
                self.init(text, cache: &cache)
            }

            /// CJK ideographs with neither decomposition nor case: most of a Chinese or Japanese text.
            static func isPlainIdeograph(_ u: Unicode.Scalar) -> Bool {
                switch u.value {
                case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0x20000...0x2F7FF, 0x30000...0x3FFFF: true
                default: false
                }
            }

            static func asciiLowercase(_ u: Unicode.Scalar) -> Unicode.Scalar {
                (0x41...0x5A).contains(u.value) ? Unicode.Scalar(u.value + 0x20)! : u
            }

            /// Appends in canonical order: a combining mark moves before the marks of a higher
            /// combining class that precede it; marks after the 30th in a run are dropped.
            static func append(_ u: Unicode.Scalar, to out: inout [Unicode.Scalar], run: inout Int) {
                let combiningClass = u.isASCII ? 0 : u.properties.canonicalCombiningClass.rawValue
                guard combiningClass != 0 else {
                    out.append(u)
                    run = 0
                    return
                }
                guard run < maxCombiningRun else { return }
                out.append(u)
                run += 1
                var i = out.count - 1
                while i > out.count - run, out[i - 1].properties.canonicalCombiningClass.rawValue > combiningClass {
                    out.swapAt(i, i - 1)
                    i -= 1
                }
            }
        }

        /// The text for `exact` comparison (lowercased NFKD), with every run of whitespace a
        /// single space, none at either end, and none between two CJK characters.
        static func collapsed(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
            var out: [Unicode.Scalar] = []
            out.reserveCapacity(text.count)
            var pendingSpace = false
            for u in text {
                if isSpace(u) {
                    pendingSpace = !out.isEmpty
                    continue
                }
                if isIgnorable(u) { continue }
                if pendingSpace, let last = out.last, !(isCJK(last) && isCJK(u)) { out.append(" ") }
                pendingSpace = false
                out.append(u)
            }
            return out
        }

        /// The words of a name or a page (lowercased NFKD): accents removed, letters and digits
        /// grouped into words, each CJK character a word, every other character a separator
        /// except "&", which is the word "and". Other combining marks (kana voicing marks) stay
        /// with their letter.
        static func rawNameTokens(_ folded: [Unicode.Scalar]) -> [String] {
            var tokens: [String] = []
            var word = String.UnicodeScalarView()
            var lastTokenTakesMarks = false

            func flush() {
                guard !word.isEmpty else { return }
                tokens.append(String(word))
                word = String.UnicodeScalarView()
            }

            for u in folded {
                if isFoldedDiacritic(u) || isIgnorable(u) { continue }
                if isMark(u) {
                    if !word.isEmpty {
                        word.append(u)
                    } else if lastTokenTakesMarks, !tokens.isEmpty {
                        tokens[tokens.count - 1].unicodeScalars.append(u)
                    }
                    continue
                }
                if isCJK(u) {
                    flush()
                    tokens.append(String(u))
                    lastTokenTakesMarks = true
                    continue
                }
                if isWordLike(u) {
                    if let fold = letterFold(u) { word.append(contentsOf: fold.unicodeScalars) } else { word.append(u) }
                    lastTokenTakesMarks = false
                    continue
                }
                flush()
                lastTokenTakesMarks = false
                if u == "&" { tokens.append("and") }
            }
            flush()
            return tokens
        }

        /// Runs of two or more single Latin letters become one word, so that dotted and spaced
        /// abbreviations ("S.A.S.", "S A S", "L.L.C.", "S.à r.l.") equal their solid spelling.
        static func mergingInitials(_ tokens: [String]) -> [String] {
            var out: [String] = []
            out.reserveCapacity(tokens.count)
            var run: [String] = []

            func flushRun() {
                if run.count >= 2 { out.append(run.joined()) } else { out.append(contentsOf: run) }
                run.removeAll(keepingCapacity: true)
            }

            for token in tokens {
                let scalars = token.unicodeScalars
                if scalars.count == 1, let u = scalars.first, u.properties.isAlphabetic, !isCJK(u) {
                    run.append(token)
                } else {
                    flushRun()
                    out.append(token)
                }
            }
            flushRun()
            return out
        }

        /// Words with legal forms replaced by one canonical word each, and which words are legal
        /// forms (to strip them for `withoutLegalForm`).
        static func canonicalNameTokens(_ text: [Unicode.Scalar]) -> (tokens: [String], isLegalForm: [Bool]) {
            let words = mergingInitials(rawNameTokens(text))
            var tokens: [String] = []
            var isLegalForm: [Bool] = []
            tokens.reserveCapacity(words.count)
            isLegalForm.reserveCapacity(words.count)
            var i = 0
            scan: while i < words.count {
                if let forms = LegalForms.byFirstWord[words[i]] {
                    for form in forms where i + form.words.count <= words.count {
                        var equal = true
                        for (offset, word) in form.words.enumerated() where words[i + offset] != word {
                            equal = false
                            break
                        }
                        if equal {
                            tokens.append(form.canonical)
                            isLegalForm.append(true)
                            i += form.words.count
                            continue scan
                        }
                    }
                }
                tokens.append(words[i])
                isLegalForm.append(false)
                i += 1
            }
            return (tokens, isLegalForm)
        }
    }
}

// MARK: - Legal forms

extension EvidenceFinder {
    /// Spellings of legal forms, each replaced by one canonical word in claims and texts alike.
    ///
    /// A canonical word contains a space when the form has two words ("pte ltd"), so it can never
    /// equal a word of the text. Longer spellings are tried first ("Public Limited Company" is
    /// PLC, not "Public Ltd Co").
    enum LegalForms {
        struct Form: Sendable {
            let words: [String]
            let canonical: String
        }

        static let byFirstWord: [String: [Form]] = {
            var table: [String: [Form]] = [:]
            for (canonical, spellings) in spellings {
                for spelling in spellings {
                    let words = Folding.mergingInitials(Folding.rawNameTokens(Folding.NormalizedText(spelling).lower))
                    guard let first = words.first else { continue }
                    let form = Form(words: words, canonical: canonical)
                    let known = table[first, default: []].contains { $0.words == words }
                    if !known { table[first, default: []].append(form) }
                }
            }
            return table.mapValues { $0.sorted { $0.words.count > $1.words.count } }
        }()

        /// Every combination of one spelling per word: `combinations(["Private", "Pte"], ["Limited", "Ltd"])`.
        private static func combinations(_ slots: [String]...) -> [String] {
            slots.reduce([""]) { partial, slot in
                partial.flatMap { prefix in slot.map { prefix.isEmpty ? $0 : prefix + " " + $0 } }
            }
        }

        private static var spellings: [(String, [String])] {
            [
                // Common law.
                ("ltd", ["Limited", "Ltd"]),
                ("pte ltd", combinations(["Private", "Pte", "Pvt"], ["Limited", "Ltd"])),
                ("pty ltd", combinations(["Proprietary", "Pty"], ["Limited", "Ltd"])),
                ("plc", ["PLC"] + combinations(["Public"], ["Limited", "Ltd"], ["Company", "Co"])),
                ("inc", ["Incorporated", "Inc"]),
                ("corp", ["Corporation", "Corp"]),
                ("co", ["Company", "Co"]),
                ("llc", ["LLC"] + combinations(["Limited"], ["Liability"], ["Company", "Co"])),
                ("llp", ["LLP", "Limited Liability Partnership"]),
                ("lp", ["Limited Partnership"]),
                ("sdn bhd", combinations(["Sendirian", "Sdn"], ["Berhad", "Bhd"])),
                // German-speaking countries.
                ("gmbh", ["GmbH", "Gesellschaft mit beschränkter Haftung", "Gesellschaft mbH", "Ges.m.b.H."]),
                ("ag", ["AG", "Aktiengesellschaft"]),
                ("kg", ["KG", "Kommanditgesellschaft"]),
                ("ug", ["UG (haftungsbeschränkt)", "UG"]),
                // French-speaking countries.
                ("sas", ["SAS", "Société par actions simplifiée"]),
                ("sasu", ["SASU", "Société par actions simplifiée unipersonnelle"]),
                ("sa", ["SA", "Société anonyme"]),
                ("sarl", ["SARL", "Société à responsabilité limitée"]),
                ("eurl", ["EURL", "Entreprise unipersonnelle à responsabilité limitée"]),
                // Benelux.
                ("bv", ["BV", "Besloten Vennootschap", "Besloten Vennootschap met beperkte aansprakelijkheid"]),
                ("nv", ["NV", "Naamloze Vennootschap"]),
                // Japan and Hong Kong.
                ("kk", ["KK", "Kabushiki Kaisha", "Kabushiki Gaisha", "Kabushikikaisha", "Kabushikigaisha", "株式会社"]),
                ("gk", ["Godo Kaisha", "Godo Gaisha", "合同会社"]),
                ("yk", ["Yugen Kaisha", "有限会社"]),
                ("ltd", ["有限公司"]),
            ]
        }
    }
}

// MARK: - Legal names

extension EvidenceFinder {
    /// A declared legal name, prepared once for every page.
    struct NameQuery {
        let declared: String
        let exact: ExactQuery
        let whole: LinearSearch<String>
        let core: LinearSearch<String>?

        /// Nil when nothing was declared; a name with no letters or digits is kept but matches
        /// nothing.
        init?(_ claim: String?) {
            guard let declared = claim?.trimmingCharacters(in: .whitespacesAndNewlines), !declared.isEmpty else { return nil }
            self.declared = declared
            exact = ExactQuery(declared)
            let (tokens, isLegalForm) = Folding.canonicalNameTokens(Folding.NormalizedText(declared).lower)
            whole = LinearSearch(tokens)
            core = Self.core(tokens, isLegalForm: isLegalForm).map { LinearSearch($0) }
        }

        var isSearchable: Bool { !whole.pattern.isEmpty }

        /// Legal forms that may come before the name: Japanese puts 株式会社 first or last.
        static let leadingForms: Set<String> = ["kk", "gk", "yk"]

        /// The name without its legal forms at the end (and at the start, for the Japanese ones),
        /// and without an "and" left dangling by "& Co"; nil when there is no legal form to
        /// remove or fewer than two characters are left.
        static func core(_ tokens: [String], isLegalForm: [Bool]) -> [String]? {
            var lo = 0
            var hi = tokens.count
            while lo < hi, isLegalForm[lo], leadingForms.contains(tokens[lo]) { lo += 1 }
            while hi > lo, isLegalForm[hi - 1] || (hi < tokens.count && tokens[hi - 1] == "and") { hi -= 1 }
            guard lo > 0 || hi < tokens.count, lo < hi else { return nil }
            let core = Array(tokens[lo..<hi])
            guard core.reduce(0, { $0 + $1.unicodeScalars.count }) >= 2 else { return nil }
            return core
        }

        func search(collapsed: [Unicode.Scalar], tokens: [String]) -> PageResult {
            var result = PageResult()
            result.exact = exact.occurs(in: collapsed)
            // Token sequences match only whole words, so word boundaries come for free.
            result.normalized = result.exact || whole.contains(in: tokens) { _ in true }
            if let core { result.fallback = core.contains(in: tokens) { _ in true } }
            return result
        }
    }

    /// The `exact` comparison shared by names and numbers: the collapsed claim inside the
    /// collapsed page, not inside a longer Latin word or number.
    struct ExactQuery {
        let search: LinearSearch<Unicode.Scalar>

        init(_ claim: String) {
            search = LinearSearch(Folding.collapsed(Folding.NormalizedText(claim).lower))
        }

        func occurs(in text: [Unicode.Scalar]) -> Bool {
            let pattern = search.pattern
            guard let first = pattern.first, let last = pattern.last else { return false }
            let checkStart = Folding.isSpacedWordCharacter(first)
            let checkEnd = Folding.isSpacedWordCharacter(last)
            return search.contains(in: text) { start in
                let end = start + pattern.count
                if checkStart, start > 0, Folding.isSpacedWordCharacter(text[start - 1]) { return false }
                if checkEnd, end < text.count, Folding.isSpacedWordCharacter(text[end]) { return false }
                return true
            }
        }
    }
}

// MARK: - Registration numbers

extension EvidenceFinder {
    /// A page's letters and digits alone (lowercased), with what separated them, so that
    /// "123 456 78", "123-456-78" and "12345678" are the same number.
    struct NumberStream {
        var characters: [Unicode.Scalar] = []
        /// `boundaryBefore[k]`: a word starts at `characters[k]` (anything but a letter or digit
        /// came first, or a CJK character is on either side); the last entry is the end of text.
        /// A dash is a boundary too, so that a number followed by a suffix is still found (Hong
        /// Kong prints business registration number 12345678 as "12345678-000-05-24-A").
        var boundaryBefore: [Bool] = []
        /// How many gaps before `characters[1...k]` cannot sit inside a number: anything but
        /// whitespace with at most one dash, dot or slash.
        var hardGaps: [Int32] = []

        /// Characters that may separate the groups of one number.
        static func isGroupSeparator(_ u: Unicode.Scalar) -> Bool {
            switch u {
            case "-", ".", "/", "_", "\u{00B7}", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2212}": true
            default: false
            }
        }

        init(_ collapsed: [Unicode.Scalar]) {
            characters.reserveCapacity(collapsed.count)
            boundaryBefore.reserveCapacity(collapsed.count + 1)
            hardGaps.reserveCapacity(collapsed.count)
            var gapIsEmpty = true
            var gapMarks = 0
            var gapIsJoinable = true
            var hard: Int32 = 0
            for u in collapsed {
                if Folding.isWordLike(u) {
                    if let previous = characters.last {
                        boundaryBefore.append(!gapIsEmpty || Folding.isCJK(u) || Folding.isCJK(previous))
                        if !gapIsJoinable { hard += 1 }
                    } else {
                        boundaryBefore.append(true)
                    }
                    hardGaps.append(hard)
                    characters.append(u)
                    gapIsEmpty = true
                    gapMarks = 0
                    gapIsJoinable = true
                } else {
                    gapIsEmpty = false
                    if u != " " {
                        gapMarks += 1
                        if gapMarks > 1 || !Self.isGroupSeparator(u) { gapIsJoinable = false }
                    }
                }
            }
            boundaryBefore.append(true)
        }

        /// Whether the pattern occurs starting and ending at word boundaries, with only group
        /// separators inside.
        func contains(_ search: LinearSearch<Unicode.Scalar>) -> Bool {
            let length = search.pattern.count
            return search.contains(in: characters) { start in
                let end = start + length
                return boundaryBefore[start] && boundaryBefore[end] && hardGaps[end - 1] == hardGaps[start]
            }
        }
    }

    /// A declared registration number, prepared once for every page.
    struct NumberQuery {
        let declared: String
        let exact: ExactQuery
        let whole: LinearSearch<Unicode.Scalar>
        let digits: LinearSearch<Unicode.Scalar>?

        /// Nil when nothing was declared; a number with no letters or digits is kept but matches
        /// nothing.
        init?(_ claim: String?) {
            guard let declared = claim?.trimmingCharacters(in: .whitespacesAndNewlines), !declared.isEmpty else { return nil }
            self.declared = declared
            exact = ExactQuery(declared)
            let characters = Self.withoutLabel(Folding.collapsed(Folding.NormalizedText(declared).lower))
            whole = LinearSearch(characters)
            digits = Self.longestDigitRun(characters).map { LinearSearch($0) }
        }

        var isSearchable: Bool { !whole.pattern.isEmpty }

        /// Words that name a number rather than belong to it: "UEN 201912345K", "Company No.
        /// 12345678", "N° 912 345 678". Register prefixes that are part of the number (HRB, RCS)
        /// are not labels.
        static let labels: Set<String> = [
            "uen", "crn", "brn", "br", "cr", "ci", "abn", "acn", "kvk", "siren", "siret", "id",
            "no", "nr", "n", "num", "number", "numero", "nummer", "company", "companies", "corporate",
            "business", "reg", "registration", "registered", "registre", "handelsregister",
        ]

        /// The letters and digits of a declared number, leading labels dropped as long as digits
        /// follow.
        static func withoutLabel(_ collapsed: [Unicode.Scalar]) -> [Unicode.Scalar] {
            var words: [[Unicode.Scalar]] = [[]]
            for u in collapsed {
                if Folding.isWordLike(u) {
                    words[words.count - 1].append(u)
                } else if !(words.last?.isEmpty ?? true) {
                    words.append([])
                }
            }
            var first = 0
            while first + 1 < words.count, words[(first + 1)...].contains(where: { $0.contains(where: Folding.isDigit) }) {
                let word = String(String.UnicodeScalarView(words[first].filter { !Folding.isFoldedDiacritic($0) }))
                guard labels.contains(word) else { break }
                first += 1
            }
            return Array(words[first...].joined())
        }

        /// The longest run of at least five digits in a number that also has letters
        /// ("RCS Paris B 912 345 678" → "912345678"), the first when runs tie.
        static func longestDigitRun(_ characters: [Unicode.Scalar]) -> [Unicode.Scalar]? {
            guard characters.contains(where: { !Folding.isDigit($0) }) else { return nil }
            var best: ArraySlice<Unicode.Scalar> = []
            var start: Int?
            for (index, u) in characters.enumerated() {
                if Folding.isDigit(u) {
                    if start == nil { start = index }
                    if let start, index + 1 - start > best.count { best = characters[start...index] }
                } else {
                    start = nil
                }
            }
            return best.count >= 5 ? Array(best) : nil
        }

        func search(collapsed: [Unicode.Scalar], stream: NumberStream) -> PageResult {
            var result = PageResult()
            result.exact = exact.occurs(in: collapsed)
            result.normalized = result.exact || stream.contains(whole)
            if let digits { result.fallback = stream.contains(digits) }
            return result
        }
    }
}

// MARK: - Registration-number candidates

extension EvidenceFinder {
    /// Collects strings that look like registration numbers: groups of ASCII digits (a group may
    /// carry up to four letters, never more letters than digits: "SC123456", "201912345K")
    /// joined by single spaces, dashes, dots or slashes, at least 5 and at most 20 digits in all.
    /// German register prefixes (HRB, HRA, GnR, PR, VR, PartR) are kept with the number.
    ///
    /// Left out: dates (2024-03-15, 15/03/2024, 15.03.2024, 15 03 2024, the year of 15 March
    /// 2024), times, amounts (next to a currency symbol or code, or part of a comma-grouped
    /// figure), percentages, phone numbers (after "+" or a Tel/Fax label) and five-digit postal
    /// codes followed by a town.
    struct CandidateCollector {
        let limit: Int
        private(set) var found: [String] = []
        private var keys: Set<String> = []

        init(limit: Int) { self.limit = limit }

        var isFull: Bool { found.count >= limit }

        /// A maximal run of ASCII letters and digits.
        struct Run {
            var start: Int
            var end: Int
            var digits = 0
            var letters = 0
            var length: Int { end - start }
            var isGroup: Bool { digits > 0 && letters <= 4 && letters <= digits }
        }

        /// German register prefixes, printed as part of the number ("HRB 123456").
        static let registerPrefixes: Set<String> = ["HRB", "HRA", "GNR", "PR", "VR", "PARTR"]
        /// Labels of phone numbers (compared without accents: "Tél" is "tel").
        static let phoneLabels: Set<String> = [
            "tel", "tele", "telephone", "phone", "fax", "telefax", "telefon", "mobile", "mobil", "mob",
            "portable", "handy",
        ]
        /// Currency codes and names written next to amounts.
        static let currencyWords: Set<String> = [
            "eur", "euro", "euros", "usd", "gbp", "sgd", "hkd", "jpy", "chf", "cny", "rmb", "aud", "cad",
            "nzd", "inr", "dollar", "dollars", "pound", "pounds", "yen", "yuan", "francs", "livres",
        ]
        /// English, French and German month names (without accents: "März" is "marz").
        static let monthNames: Set<String> = [
            "january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
            "sept", "oct", "nov", "dec", "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet",
            "aout", "septembre", "octobre", "novembre", "decembre", "januar", "janner", "februar", "marz",
            "maerz", "juni", "juli", "oktober", "dezember",
        ]

        static func isASCIIDigit(_ u: Unicode.Scalar) -> Bool { (0x30...0x39).contains(u.value) }
        static func isASCIILetter(_ u: Unicode.Scalar) -> Bool {
            (0x41...0x5A).contains(u.value) || (0x61...0x7A).contains(u.value)
        }

        /// Collects from a page in NFKD, as written; accents are dropped so that month names
        /// and labels read as plain words ("März", "Téléphone").
        mutating func collect(from text: [Unicode.Scalar]) {
            let s = text.filter { !Folding.isFoldedDiacritic($0) }
            var runs: [Run] = []
            var i = 0
            while i < s.count {
                guard Self.isASCIIDigit(s[i]) || Self.isASCIILetter(s[i]) else { i += 1; continue }
                var run = Run(start: i, end: i)
                while i < s.count {
                    if Self.isASCIIDigit(s[i]) { run.digits += 1 } else if Self.isASCIILetter(s[i]) { run.letters += 1 } else { break }
                    i += 1
                }
                run.end = i
                runs.append(run)
            }

            var k = 0
            while k < runs.count, !isFull {
                guard runs[k].isGroup else { k += 1; continue }
                var last = k
                while last + 1 < runs.count, runs[last + 1].isGroup, Self.joins(runs[last], runs[last + 1], in: s) { last += 1 }
                consider(body: k...last, runs: runs, in: s)
                k = last + 1
            }
        }

        /// Two groups belong to one number when a single space, dash, dot or slash separates
        /// them; a space joins only short groups ("912 345 678"), not two long numbers side by side.
        static func joins(_ a: Run, _ b: Run, in s: [Unicode.Scalar]) -> Bool {
            guard b.start - a.end == 1 else { return false }
            let separator = s[a.end]
            if separator == " " { return a.length <= 4 || b.length <= 4 }
            return separator != "_" && NumberStream.isGroupSeparator(separator)
        }

        private mutating func consider(body: ClosedRange<Int>, runs: [Run], in s: [Unicode.Scalar]) {
            let indices = Array(body)
            var excluded = [Bool](repeating: false, count: indices.count)

            func value(_ run: Run) -> Int? {
                guard run.letters == 0, run.length <= 4 else { return nil }
                var v = 0
                for p in run.start..<run.end { v = v * 10 + Int(s[p].value - 0x30) }
                return v
            }
            func separator(after position: Int) -> Unicode.Scalar { s[runs[indices[position]].end] }

            // Dates of three groups.
            if indices.count >= 3 {
                for p in 0...(indices.count - 3) {
                    let (a, b, c) = (runs[indices[p]], runs[indices[p + 1]], runs[indices[p + 2]])
                    guard separator(after: p) == separator(after: p + 1),
                          let x = value(a), let y = value(b), let z = value(c) else { continue }
                    let spaced = separator(after: p) == " "
                    var isDate = false
                    if a.length <= 2, b.length <= 2, c.length == 4 || (c.length == 2 && !spaced) {
                        let yearOK = c.length == 2 || (1800...2199).contains(z)
                        isDate = yearOK && (((1...31).contains(x) && (1...12).contains(y)) || ((1...12).contains(x) && (1...31).contains(y)))
                    } else if a.length == 4, b.length <= 2, c.length <= 2 {
                        isDate = (1800...2199).contains(x) && (1...12).contains(y) && (1...31).contains(z)
                    }
                    if isDate { excluded[p] = true; excluded[p + 1] = true; excluded[p + 2] = true }
                }
            }
            // A year and month joined by a dash, dot or slash that joins nothing else: 2024-03, 03/2024.
            for p in 0..<(indices.count - 1) {
                let joint = separator(after: p)
                guard joint != " ", p == 0 || separator(after: p - 1) != joint, p + 2 >= indices.count || separator(after: p + 1) != joint,
                      let x = value(runs[indices[p]]), let y = value(runs[indices[p + 1]]) else { continue }
                let (a, b) = (runs[indices[p]], runs[indices[p + 1]])
                if (a.length == 4 && (1800...2199).contains(x) && b.length <= 2 && (1...12).contains(y))
                    || (a.length <= 2 && (1...12).contains(x) && b.length == 4 && (1800...2199).contains(y)) {
                    excluded[p] = true
                    excluded[p + 1] = true
                }
            }
            // The year after a month name: 15 March 2024 12345 is a date and a number.
            if let year = value(runs[indices[0]]), runs[indices[0]].length == 4, (1800...2199).contains(year),
               let word = Self.word(before: runs[indices[0]].start, in: s, skipping: 1), Self.monthNames.contains(word) {
                excluded[0] = true
            }

            var p = 0
            while p < indices.count, !isFull {
                guard !excluded[p] else { p += 1; continue }
                var q = p
                while q + 1 < indices.count, !excluded[q + 1] { q += 1 }
                consider(segment: indices[p]...indices[q], isBodyStart: p == 0, runs: runs, in: s)
                p = q + 1
            }
        }

        private mutating func consider(segment: ClosedRange<Int>, isBodyStart: Bool, runs: [Run], in s: [Unicode.Scalar]) {
            let digits = segment.reduce(0) { $0 + runs[$1].digits }
            var start = runs[segment.lowerBound].start
            var end = runs[segment.upperBound].end
            guard (5...20).contains(digits), end - start <= 40 else { return }
            guard !Self.isExcludedByContext(start: start, end: end, in: s) else { return }

            var hasPrefix = false
            if isBodyStart, segment.lowerBound > 0 {
                let previous = runs[segment.lowerBound - 1]
                let prefix = String(String.UnicodeScalarView(s[previous.start..<previous.end])).uppercased()
                if previous.end == start - 1, s[previous.end] == " ", Self.registerPrefixes.contains(prefix) {
                    start = previous.start
                    hasPrefix = true
                }
            }
            // A check or court letter set apart at the end: "HRB 98765 B", "12345678-000-05-24-A",
            // when nothing but punctuation or a line break follows it.
            if segment.upperBound + 1 < runs.count {
                let next = runs[segment.upperBound + 1]
                let gap = s[end]
                let after = next.end < s.count ? s[next.end] : nil
                if next.start == end + 1, next.length == 1, next.digits == 0, s[next.start].properties.isUppercase,
                   gap == " " || gap == "-" || gap == "/",
                   after.map({ $0 != " " && !Folding.isWordLike($0) }) ?? true {
                    end = next.end
                }
            }
            // A lone five-digit group followed by a capitalised word is a postal code and town.
            if !hasPrefix, segment.count == 1, runs[segment.lowerBound].letters == 0, digits == 5,
               end + 1 < s.count, s[end] == " ", s[end + 1].properties.isUppercase {
                return
            }

            let printed = String(String.UnicodeScalarView(s[start..<end])).trimmingCharacters(in: .whitespaces)
            let key = String(String.UnicodeScalarView(printed.unicodeScalars.filter { Self.isASCIIDigit($0) || Self.isASCIILetter($0) })).uppercased()
            guard !key.isEmpty, keys.insert(key).inserted else { return }
            found.append(printed)
        }

        /// Context that makes digits something other than a registration number.
        static func isExcludedByContext(start: Int, end: Int, in s: [Unicode.Scalar]) -> Bool {
            func at(_ index: Int) -> Unicode.Scalar? { s.indices.contains(index) ? s[index] : nil }
            func isDigit(_ index: Int) -> Bool { at(index).map(isASCIIDigit) ?? false }

            // Phone numbers: "+44 20 7946 0958", "(+33) 1 23 45 67 89".
            var back = start - 1
            while back >= 0, start - back <= 8, let u = at(back), u == " " || u == "(" || u == ")" || isASCIIDigit(u) || u == "-" {
                back -= 1
            }
            if at(back) == "+" { return true }
            if let label = word(before: start, in: s, skipping: 4), phoneLabels.contains(label) { return true }

            // Times and comma-grouped figures: "10:30:00", "1,250,000.00".
            if at(end) == ":" && isDigit(end + 1) || at(start - 1) == ":" && isDigit(start - 2) { return true }
            if at(end) == "," && isDigit(end + 1) || at(start - 1) == "," && isDigit(start - 2) { return true }
            if at(end) == "%" || at(end) == " " && at(end + 1) == "%" { return true }

            // Amounts: a currency symbol or code on either side.
            func isCurrency(_ u: Unicode.Scalar?) -> Bool {
                guard let u else { return false }
                return u.properties.generalCategory == .currencySymbol || u == "円" || u == "元" || u == "圓"
            }
            if isCurrency(at(start - 1)) || at(start - 1) == " " && isCurrency(at(start - 2)) { return true }
            if isCurrency(at(end)) || at(end) == " " && isCurrency(at(end + 1)) { return true }
            if let word = word(before: start, in: s, skipping: 2), currencyWords.contains(word) { return true }
            if let word = word(after: end, in: s, skipping: 2), currencyWords.contains(word) { return true }
            return false
        }

        /// The lowercased word that ends just before `index`, past at most `skipping` spaces or
        /// punctuation marks; nil when something else is in the way.
        static func word(before index: Int, in s: [Unicode.Scalar], skipping: Int) -> String? {
            var end = index
            var skipped = 0
            while end > 0, skipped < skipping, !s[end - 1].properties.isAlphabetic, !isASCIIDigit(s[end - 1]) {
                end -= 1
                skipped += 1
            }
            var start = end
            while start > 0, end - start < 16, s[start - 1].properties.isAlphabetic { start -= 1 }
            guard start < end, start == 0 || !s[start - 1].properties.isAlphabetic else { return nil }
            return String(String.UnicodeScalarView(s[start..<end])).lowercased()
        }

        /// The lowercased word that starts just after `index`, past at most `skipping` spaces or
        /// punctuation marks; nil when something else is in the way.
        static func word(after index: Int, in s: [Unicode.Scalar], skipping: Int) -> String? {
            var start = index
            var skipped = 0
            while start < s.count, skipped < skipping, !s[start].properties.isAlphabetic, !isASCIIDigit(s[start]) {
                start += 1
                skipped += 1
            }
            var end = start
            while end < s.count, end - start < 16, s[end].properties.isAlphabetic { end += 1 }
            guard start < end, end == s.count || !s[end].properties.isAlphabetic else { return nil }
            return String(String.UnicodeScalarView(s[start..<end])).lowercased()
        }
    }
}
