import Foundation

// MARK: - Registration-number candidates

extension EvidenceFinder {
    /// Collects strings that look like registration numbers: groups of ASCII digits (a group may
    /// carry up to four letters, never more letters than digits: "SC123456", "201912345R")
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
