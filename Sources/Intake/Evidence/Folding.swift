import Foundation
import Synchronization

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
