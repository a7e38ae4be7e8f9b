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
//
// This folder: EvidenceFinder.swift (the entry point and per-page results), Searching.swift
// (Knuth–Morris–Pratt and the `exact` comparison), Folding.swift, LegalForms.swift,
// NameSearch.swift, NumberSearch.swift and Candidates.swift.

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
                nameHits.record(page: pageNumber, name.search(collapsed: collapsed) { Folding.canonicalNameTokens(text.lower).tokens })
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
