import Foundation

// The published format and check digit of company registration numbers, per country: a number
// that cannot exist raises `registration_number_invalid`. Declared values are typed by people,
// so each rule reads past labels ("RCS Paris B", "UEN:", "Amtsgericht München") and separators,
// and accepts every variant it is unsure of: a false alarm on a genuine number costs a reviewer
// more than a forged number that a rule misses (the other signals still look at the file).

/// Why a declared registration number cannot be right for its country.
struct RegistrationNumberProblem: Sendable, Hashable {
    /// The scheme checked, as reviewers know it: "SIREN", "SIRET", "法人番号 (corporate number)", "UEN",
    /// "Companies House number", "Handelsregister number", "CR number", "CRO number", "会社法人等番号".
    var scheme: String
    /// One English sentence for a reviewer saying what is wrong, e.g. "912 345 678 fails the SIREN
    /// check digit (Luhn)".
    var explanation: String
}

/// The registration-number rule of each country that has one, so that a number which cannot
/// exist is pointed out to the reviewer before anyone looks it up in the registry.
enum RegistrationNumberRules {
    /// ISO 3166-1 alpha-2 codes (upper case) that have a rule; any other country is never flagged.
    static let countries: Set<String> = ["DE", "FR", "GB", "HK", "IE", "JP", "SG"]

    /// nil when the number passes its country's rule, or when the country has no rule, or when
    /// the number is blank.
    static func check(_ declared: String, country: String) -> RegistrationNumberProblem? {
        let text = normalized(declared)
        guard !text.isEmpty else { return nil }
        switch normalized(country).uppercased() {
        case "FR": return France.check(text)
        case "JP": return Japan.check(text)
        case "SG": return Singapore.check(text)
        case "GB": return UnitedKingdom.check(text)
        case "DE": return Germany.check(text)
        case "HK": return HongKong.check(text)
        case "IE": return Ireland.check(text)
        default: return nil
        }
    }

    // MARK: France

    /// SIREN (9 digits) and SIRET (SIREN + 5-digit establishment number), both Luhn; also the
    /// intra-community VAT number, whose key is computed from the SIREN.
    private enum France {
        static let siren = "SIREN"
        static let siret = "SIRET"
        static let vat = "French VAT number"
        /// La Poste's SIREN: its establishments' SIRETs were numbered before the Luhn rule and
        /// follow their own (digit sum divisible by 5).
        static let laPosteSIREN = "356000000"

        /// Reads past "RCS Paris B", "R.C.S. Paris", "SIRET :" and checks the digits.
        static func check(_ text: String) -> RegistrationNumberProblem? {
            if let vatReading = checkVAT(text) { return vatReading.problem }
            guard let run = DigitRun(text), !run.hasStrayCharacters else {
                return RegistrationNumberProblem(scheme: siren, explanation: "“\(text)” \(notDigits(text)), but a SIREN is 9 digits and a SIRET 14")
            }
            switch run.digits.count {
            case 9:
                guard passesLuhn(run.digits) else {
                    return RegistrationNumberProblem(scheme: siren, explanation: "\(grouped(run.digits)) fails the SIREN check digit (Luhn)")
                }
                return nil
            case 14:
                let sirenPart = String(run.digits.prefix(9))
                guard passesLuhn(sirenPart) else {
                    return RegistrationNumberProblem(
                        scheme: siret, explanation: "\(grouped(run.digits)) starts with \(grouped(sirenPart)), which fails the SIREN check digit (Luhn)")
                }
                let laPosteValid = sirenPart == laPosteSIREN && digitValues(run.digits).reduce(0, +) % 5 == 0
                guard passesLuhn(run.digits) || laPosteValid else {
                    return RegistrationNumberProblem(scheme: siret, explanation: "\(grouped(run.digits)) fails the SIRET check digit (Luhn)")
                }
                return nil
            default:
                return RegistrationNumberProblem(
                    scheme: siren, explanation: "“\(text)” has \(run.digits.count) digits, but a SIREN has 9 and a SIRET 14")
            }
        }

        /// The VAT form "FR 12 912345675", checked; nil when the text is not in that form. Keys
        /// with letters have no published formula, so they are accepted as written.
        static func checkVAT(_ text: String) -> VATReading? {
            let compact = Array(text.uppercased().filter { !isSeparator($0) })
            guard let start = vatStart(in: compact) else { return nil }
            let key = String(compact[(start + 2)..<(start + 4)])
            let sirenPart = String(compact[(start + 4)..<(start + 13)])
            guard key.allSatisfy(isDigit) else { return .passed }
            guard passesLuhn(sirenPart) else {
                return .failed(RegistrationNumberProblem(
                    scheme: vat, explanation: "FR\(key) \(grouped(sirenPart)) holds a SIREN that fails its check digit (Luhn)"))
            }
            let expected = (12 + 3 * (Int(sirenPart)! % 97)) % 97
            guard Int(key)! == expected else {
                return .failed(RegistrationNumberProblem(
                    scheme: vat, explanation: "FR\(key) \(grouped(sirenPart)) has a VAT key that does not match its SIREN"))
            }
            return .passed
        }

        /// Where "FR", a 2-character key and 9 digits start, with no digit right after them.
        static func vatStart(in compact: [Character]) -> Int? {
            guard compact.count >= 13 else { return nil }
            for start in stride(from: compact.count - 13, through: 0, by: -1) {
                guard compact[start] == "F", compact[start + 1] == "R" else { continue }
                let key = compact[(start + 2)..<(start + 4)]
                let digits = compact[(start + 4)..<(start + 13)]
                let next = start + 13 < compact.count ? compact[start + 13] : nil
                if key.allSatisfy({ isDigit($0) || ($0.isASCII && $0.isLetter) }), digits.allSatisfy(isDigit), !(next.map(isDigit) ?? false) {
                    return start
                }
            }
            return nil
        }

        /// What reading a VAT number found.
        enum VATReading {
            /// A VAT number whose key fits its SIREN, or whose key cannot be checked.
            case passed
            /// A VAT number that cannot exist.
            case failed(RegistrationNumberProblem)
            /// The problem to report; nil when the VAT number is fine.
            var problem: RegistrationNumberProblem? {
                if case .failed(let problem) = self { return problem }
                return nil
            }
        }

        /// "912 345 675" or "912 345 675 00012", as the registry prints them.
        static func grouped(_ digits: String) -> String {
            let chars = Array(digits)
            guard chars.count >= 9 else { return digits }
            var parts = [String(chars[0..<3]), String(chars[3..<6]), String(chars[6..<9])]
            if chars.count > 9 { parts.append(String(chars[9...])) }
            return parts.joined(separator: " ")
        }
    }

    // MARK: Japan

    /// The 13-digit 法人番号 (National Tax Agency, check digit first) and the 12-digit
    /// 会社法人等番号 of the commercial register (`NNNN-NN-NNNNNN`, no check digit; it is also
    /// the base of a company's 法人番号).
    private enum Japan {
        static let corporateNumber = "法人番号 (corporate number)"
        static let registerNumber = "会社法人等番号"

        /// Reads past labels ("法人番号", "T" of the invoice registration number) and checks.
        static func check(_ text: String) -> RegistrationNumberProblem? {
            let scheme = text.contains(registerNumber) ? registerNumber : corporateNumber
            guard let run = DigitRun(text), !run.hasStrayCharacters else {
                return RegistrationNumberProblem(
                    scheme: scheme, explanation: "“\(text)” \(notDigits(text)), but a 法人番号 is 13 digits and a 会社法人等番号 12")
            }
            switch run.digits.count {
            case 12:
                return nil
            case 13:
                let digits = digitValues(run.digits)
                guard digits[0] == checkDigit(base: Array(digits.dropFirst())) else {
                    return RegistrationNumberProblem(scheme: corporateNumber, explanation: "\(run.digits) fails the 法人番号 check digit (its first digit)")
                }
                return nil
            default:
                return RegistrationNumberProblem(
                    scheme: scheme, explanation: "“\(text)” has \(run.digits.count) digits, but a 法人番号 has 13 and a 会社法人等番号 12")
            }
        }

        /// 9 − (Σ Pn × Qn mod 9), Pn the n-th digit of the 12-digit base from the right, Qn 1
        /// when n is odd and 2 when even (NTA, 法人番号の指定等に関する省令).
        static func checkDigit(base: [Int]) -> Int {
            var sum = 0
            for (index, digit) in base.reversed().enumerated() {
                sum += digit * (index % 2 == 0 ? 1 : 2)
            }
            return 9 - sum % 9
        }
    }

    // MARK: Singapore

    /// The UEN in its three forms, each with a check letter. The weights and letter tables are
    /// not published by ACRA; they are the ones in wide use (python-stdnum `sg.uen`) and they
    /// reproduce genuine UENs (DBS 196800306E, Singapore Airlines 197200078R, Singtel 199201624D,
    /// NUS 200604346E, Temasek 197401143C).
    private enum Singapore {
        static let scheme = "UEN"

        /// Reads past "UEN:", "Registration No." and checks the format and check letter.
        static func check(_ text: String) -> RegistrationNumberProblem? {
            let uen = compactUEN(text)
            let chars = Array(uen)
            let formatProblem = RegistrationNumberProblem(
                scheme: scheme,
                explanation: "“\(text)” is not a UEN, which is 8 digits and a letter, a year with 5 digits and a letter, or a form like T09LL0001D")
            guard let last = chars.last, last.isASCII, last.isLetter else { return formatProblem }
            let body = chars.dropLast()
            let expected: Character?
            if chars.count == 9, body.allSatisfy(isDigit) {
                // Businesses (ROB): NNNNNNNNX.
                expected = letter(for: body.map(digitValue), weights: [10, 4, 9, 3, 8, 2, 7, 1], table: "XMKECAWLJDB", offset: 0)
            } else if chars.count == 10, body.allSatisfy(isDigit) {
                // Local companies (ROC): YYYYNNNNNX.
                expected = letter(for: body.map(digitValue), weights: [10, 8, 6, 4, 9, 7, 5, 3, 1], table: "ZKCMDNERGWH", offset: 0)
            } else if chars.count == 10, "RST".contains(chars[0]), chars[1...2].allSatisfy(isDigit),
                chars[3...4].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), chars[5...8].allSatisfy(isDigit)
            {
                // Other entities: TYYPQNNNNX (R = 18YY, S = 19YY, T = 20YY; PQ the entity type).
                // The entity types are not checked against a list: ACRA adds new ones.
                let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWX0123456789")
                let values = body.compactMap { alphabet.firstIndex(of: $0) }
                // A type with I or O is outside the table: the letter cannot be computed, accept.
                guard values.count == body.count else { return nil }
                expected = letter(for: values, weights: [4, 3, 5, 3, 10, 2, 2, 5, 7], table: "ABCDEFGHJKL", offset: -5)
            } else {
                return formatProblem
            }
            guard last == expected else {
                return RegistrationNumberProblem(scheme: scheme, explanation: "\(uen) fails the UEN check letter")
            }
            return nil
        }

        /// The table's letter at (Σ value × weight + offset) mod 11; nil when the table is too
        /// short for it (no valid letter).
        static func letter(for values: [Int], weights: [Int], table: String, offset: Int) -> Character? {
            let sum = zip(values, weights).reduce(offset) { $0 + $1.0 * $1.1 }
            let index = ((sum % 11) + 11) % 11
            let letters = Array(table)
            return index < letters.count ? letters[index] : nil
        }

        /// The UEN without the labels around it or the separators inside it. Lone letters are
        /// kept ("201912345 K"); longer words without digits are labels ("UEN", "No.").
        static func compactUEN(_ text: String) -> String {
            var tokens = text.uppercased().split(whereSeparator: { $0.isWhitespace || $0 == ":" }).map(String.init)
            func isLabel(_ token: String) -> Bool {
                guard !token.contains(where: isDigit) else { return false }
                return token.filter { $0.isLetter }.count != 1
            }
            while let first = tokens.first, isLabel(first) { tokens.removeFirst() }
            while let last = tokens.last, isLabel(last) { tokens.removeLast() }
            var compact = tokens.joined().filter { !isSeparator($0) }
            if compact.hasPrefix("UEN"), compact.count == 12 || compact.count == 13 { compact.removeFirst(3) }
            return compact
        }
    }

    // MARK: United Kingdom

    /// Companies House numbers: 8 characters, either 8 digits (often written without leading
    /// zeros) or a 2-character prefix naming the register and 6 digits. No check digit.
    private enum UnitedKingdom {
        static let scheme = "Companies House number"
        /// Register prefixes: Scotland (S…), Northern Ireland (N…, R0 before partition), LLPs (OC,
        /// SO, NC), limited partnerships (LP, SL, NL), overseas companies and UK establishments
        /// (FC, SF, NF, BR), overseas entities (OE), EEIGs and SEs (GE, GS, GN, SE, ES, NE),
        /// societies, ICVCs, royal charters, CIOs, assurance and unregistered companies.
        static let prefixes: Set<String> = [
            "AC", "BR", "CE", "CS", "ES", "FC", "FE", "GE", "GN", "GS", "IC", "IP", "LP", "NA", "NC", "NE", "NF",
            "NI", "NL", "NO", "NP", "NR", "NV", "NZ", "OC", "OE", "PC", "RC", "RS", "SA", "SC", "SE", "SF", "SG",
            "SI", "SL", "SO", "SP", "SR", "SZ", "ZC",
        ]

        /// Reads past "Company number" and checks the prefix and the digit count.
        static func check(_ text: String) -> RegistrationNumberProblem? {
            let upper = text.uppercased()
            guard let run = DigitRun(upper), !run.hasStrayCharacters else {
                return RegistrationNumberProblem(
                    scheme: scheme, explanation: "“\(text)” is not a Companies House number, which is 8 digits or 2 letters and 6 digits")
            }
            // Letters written against the digits are the prefix ("SC123456"); a longer word is a
            // label ("CRN12345678"), and letters set apart by a space are read as a label too.
            let glued = String(run.before.reversed().prefix(while: { $0.isASCII && $0.isLetter }).reversed())
            if glued == "R", run.digits.count == 7, run.digits.hasPrefix("0") {
                return nil  // R0 + 6 digits: a Northern Ireland company registered before 1922.
            }
            if glued.count == 2 {
                guard prefixes.contains(glued) else {
                    return RegistrationNumberProblem(
                        scheme: scheme, explanation: "“\(text)” starts with \(glued), which is not a Companies House prefix")
                }
                guard run.digits.count == 6 else {
                    return RegistrationNumberProblem(
                        scheme: scheme, explanation: "“\(text)” has \(run.digits.count) digits after its prefix \(glued), but a Companies House number has 6")
                }
                return nil
            }
            guard run.digits.count <= 8 else {
                return RegistrationNumberProblem(
                    scheme: scheme, explanation: "“\(text)” has \(run.digits.count) digits, but a Companies House number has at most 8")
            }
            return nil
        }
    }

    // MARK: Germany

    /// Handelsregister numbers: a register (HRA, HRB, GnR, PR, VR, GsR) and 1–6 digits, often
    /// with the court before them and, in Berlin, Brandenburg and Schleswig-Holstein, a court
    /// suffix after them ("HRB 123456 B", "HRB 1234 KI"). Numbers are per court: no check digit.
    private enum Germany {
        static let scheme = "Handelsregister number"
        /// Register names, abbreviated and spelt out, as the text before the number ends with them.
        static let registers = [
            "HRA", "HRB", "GNR", "GSR", "PR", "VR", "HANDELSREGISTERA", "HANDELSREGISTERB", "GENOSSENSCHAFTSREGISTER",
            "PARTNERSCHAFTSREGISTER", "VEREINSREGISTER", "GESELLSCHAFTSREGISTER",
        ]
        /// "Nr.", "No." and "Nummer" between the register and the number.
        static let numberWords = ["NUMMER", "NR", "NO"]

        /// Finds the number that follows a register name and checks its length.
        static func check(_ text: String) -> RegistrationNumberProblem? {
            // Letters and digits only: "HR B", "HRB-Nr.:" and "Amtsgericht München, HRB" all
            // read as "…HRB" before the digits.
            let compact = Array(text.uppercased().filter { $0.isLetter || isDigit($0) })
            var index = 0
            var sawDigits = false
            while index < compact.count {
                guard isDigit(compact[index]) else {
                    index += 1
                    continue
                }
                sawDigits = true
                let letters = String(compact[..<index].reversed().prefix(while: { $0.isLetter }).reversed())
                var end = index
                while end < compact.count, isDigit(compact[end]) { end += 1 }
                if let register = register(endingOf: letters) {
                    let count = end - index
                    guard count <= 6 else {
                        return RegistrationNumberProblem(
                            scheme: scheme, explanation: "“\(text)” has \(count) digits after \(register), but a register number has at most 6")
                    }
                    return nil
                }
                index = end
            }
            let explanation = sawDigits
                ? "“\(text)” does not name its register (HRA, HRB, GnR, PR, VR or GsR) before the number"
                : "“\(text)” has no register number"
            return RegistrationNumberProblem(scheme: scheme, explanation: explanation)
        }

        /// The register the letters end with, past a "Nr." after it; nil when there is none.
        static func register(endingOf letters: String) -> String? {
            if let register = registers.first(where: { letters.hasSuffix($0) }) { return register }
            for word in numberWords where letters.hasSuffix(word) {
                let rest = String(letters.dropLast(word.count))
                if let register = registers.first(where: { rest.hasSuffix($0) }) { return register }
            }
            return nil
        }
    }

    // MARK: Hong Kong

    /// The Companies Registry's CR number ("Company No."): up to 8 digits, written with or without
    /// leading zeros (7 digits today). Registered non-Hong Kong companies have an "F" before the
    /// digits, which reads as a label here and is accepted. No check digit.
    private enum HongKong {
        static let scheme = "CR number"

        /// Reads past "Company No." / "公司編號" and checks the digits.
        static func check(_ text: String) -> RegistrationNumberProblem? {
            guard let run = DigitRun(text), !run.hasStrayCharacters else {
                return RegistrationNumberProblem(scheme: scheme, explanation: "“\(text)” \(notDigits(text)), but a CR number is digits only")
            }
            guard run.digits.count <= 8 else {
                return RegistrationNumberProblem(
                    scheme: scheme, explanation: "“\(text)” has \(run.digits.count) digits, but a CR number has at most 8")
            }
            return nil
        }
    }

    // MARK: Ireland

    /// The Companies Registration Office number: digits only, no check digit. The CRO has issued
    /// fewer than 1,000,000 numbers (about 800,000 by 2025, some 25,000 a year), so up to 6
    /// digits: a 7-digit "CRO number" is most often a VAT number (1234567T) declared by mistake.
    /// Widen `maxDigits` when the register reaches 1,000,000 (not before the 2030s).
    private enum Ireland {
        static let scheme = "CRO number"
        /// The longest CRO number issued so far.
        static let maxDigits = 6

        /// Reads past "CRO No." and checks the digits.
        static func check(_ text: String) -> RegistrationNumberProblem? {
            guard let run = DigitRun(text), !run.hasStrayCharacters else {
                return RegistrationNumberProblem(scheme: scheme, explanation: "“\(text)” \(notDigits(text)), but a CRO number is digits only")
            }
            guard run.digits.count <= maxDigits else {
                return RegistrationNumberProblem(
                    scheme: scheme, explanation: "“\(text)” has \(run.digits.count) digits, but a CRO number has at most \(maxDigits)")
            }
            return nil
        }
    }

    // MARK: Reading declared values

    /// The digits of a declared value and the labels around them: everything from the first
    /// digit to the last is the number, and only separators may come between its digits.
    private struct DigitRun {
        /// What comes before the first digit: labels ("RCS Paris B", "CR No.") or a prefix.
        var before: Substring
        /// The digits, separators removed.
        var digits: String
        /// Whether something other than a separator stands between two digits ("912 A45 675").
        var hasStrayCharacters: Bool

        /// nil when the text has no digit.
        init?(_ text: String) {
            guard let first = text.firstIndex(where: isDigit), let last = text.lastIndex(where: isDigit) else { return nil }
            let number = text[first...last]
            before = text[..<first]
            digits = number.filter(isDigit)
            hasStrayCharacters = number.contains { !isDigit($0) && !isSeparator($0) }
        }
    }

    /// What is wrong with a value that is not one run of digits, for the explanation.
    private static func notDigits(_ text: String) -> String {
        text.contains(where: isDigit) ? "has letters or signs among its digits" : "has no digits"
    }

    /// Characters people put between digit groups: spaces, dots, slashes and every kind of
    /// hyphen, including the Japanese ones NFKC leaves alone (‐, −, ー).
    private static let separatorCharacters: Set<Character> = [
        ".", "-", "/", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2043}", "\u{2212}",
        "\u{30FC}", "\u{FE63}", "\u{FF0D}", "\u{FF70}",
    ]

    /// Whether a character separates digit groups.
    private static func isSeparator(_ character: Character) -> Bool {
        character.isWhitespace || separatorCharacters.contains(character)
    }

    /// ASCII digits only: NFKC has already turned full-width ones into these.
    private static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isWholeNumber
    }

    /// The value of an ASCII digit.
    private static func digitValue(_ character: Character) -> Int {
        character.wholeNumberValue ?? 0
    }

    /// The values of a string of ASCII digits.
    private static func digitValues(_ digits: String) -> [Int] {
        digits.map(digitValue)
    }

    /// Luhn: every second digit from the right doubled, the digit sum a multiple of 10.
    private static func passesLuhn(_ digits: String) -> Bool {
        var sum = 0
        for (index, digit) in digitValues(digits).reversed().enumerated() {
            let value = index % 2 == 1 ? digit * 2 : digit
            sum += value > 9 ? value - 9 : value
        }
        return sum % 10 == 0
    }

    /// NFKC (full-width digits and letters, ideographic spaces) and trimmed, so that a value
    /// typed on a Japanese keyboard reads like any other.
    private static func normalized(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
