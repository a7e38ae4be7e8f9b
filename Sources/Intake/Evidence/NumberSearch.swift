import Foundation

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

        /// Words that name a number rather than belong to it: "UEN 201912345R", "Company No.
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
