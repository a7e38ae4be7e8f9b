import Foundation

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

        /// What this page shows of the name. `tokens` (the page's words, costly to make) are
        /// made only when the exact name is not on the page: where it is, the page is a whole
        /// match, and then no page's fallback counts (``Hits/match(declared:fallback:)``).
        func search(collapsed: [Unicode.Scalar], tokens: () -> [String]) -> PageResult {
            var result = PageResult()
            result.exact = exact.occurs(in: collapsed)
            guard !result.exact else {
                result.normalized = true
                return result
            }
            let tokens = tokens()
            // Token sequences match only whole words, so word boundaries come for free.
            result.normalized = whole.contains(in: tokens) { _ in true }
            if let core { result.fallback = core.contains(in: tokens) { _ in true } }
            return result
        }
    }
}
