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

// MARK: - Exact comparison

extension EvidenceFinder {
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
