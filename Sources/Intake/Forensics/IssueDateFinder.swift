public import Foundation

// The date a certificate was issued (extracted, printed, certified), read from its pages' text
// for `document_outdated`. A registry extract is only as good as its date: a Kbis older than
// three months says nothing about today's officers. Certificates print many dates
// (incorporation, appointments, births, filings), so a date counts only where the words around
// it say it is the certificate's own; a missing date is better than a wrong one, since a wrong
// one would mark a valid extract as outdated.
//
// The text is folded once into one code unit per scalar and scanned by hand: this runs on
// every upload, and DateFormatter, Calendar or regular expressions per candidate would cost
// more than the rest of the page analysis.

// MARK: - Calendar day

/// A calendar day, without time zone: what a certificate prints. A `Date` would pin it to an
/// instant and make "15 March" a different day in Tokyo and in Paris.
public struct CalendarDay: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The Gregorian year, 1–9999.
    public var year: Int
    /// 1–12.
    public var month: Int
    /// 1–31, as the month allows.
    public var day: Int

    /// A day; nil when the calendar has no such day (Feb 30, 31.04, 29.02 outside leap years),
    /// so that a mistyped or forged date is never silently moved to another day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.length(ofMonth: month, in: year) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// ISO 8601 "2024-03-15"; also the Codable form (single string), so JSON stays readable.
    public var description: String {
        Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
    }

    /// Reads exactly "YYYY-MM-DD"; anything else (times, other separators) is nil, so stored
    /// values cannot drift in form.
    public init?(iso: String) {
        let bytes = Array(iso.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        /// The decimal value of the digits in `range`, nil if any is not a digit.
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Days from self to other (other − self), exact Gregorian arithmetic without Foundation
    /// Calendar: no allocation, no time zone, no daylight-saving hour to round away.
    public func days(until other: CalendarDay) -> Int {
        other.daysSinceEpoch - daysSinceEpoch
    }

    /// The UTC day of a Date (for "today"): the service compares in UTC, and the rules'
    /// future tolerance absorbs the time zones.
    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        let days = seconds.isFinite ? (seconds / 86_400).rounded(.down) : 0
        // Clamped to years 1–9999, the range the ISO form can write.
        let clamped = min(max(days, Double(Self.firstDay)), Double(Self.lastDay))
        self.init(daysSinceEpoch: Int(clamped))
    }

    /// Earlier days first, as a timeline reads.
    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes the ISO string, refusing impossible days rather than normalising them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let day = CalendarDay(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a calendar day in the form YYYY-MM-DD")
        }
        self = day
    }

    /// Encodes the ISO string, the same form the API and the database show.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Whether February has 29 days: the Gregorian rule, also before 1582 (proleptic), like ISO 8601.
    static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The number of days in a month, for validation.
    static func length(ofMonth month: Int, in year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (H. Hinnant's days_from_civil): constant time, exact for every year.
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day so many days after 1970-01-01 (civil_from_days), the inverse of `daysSinceEpoch`.
    init(daysSinceEpoch: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
    }

    /// 0001-01-01 and 9999-12-31 as days since the epoch: the bounds `init(_ date:)` clamps to.
    static let firstDay = -719_162
    static let lastDay = 2_932_896

    /// Zero-padded decimal without String(format:), which goes through Foundation per call.
    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

// MARK: - Result

/// The issue date found, with where it was found so a reviewer can check it against the page.
struct IssueDate: Sendable, Hashable {
    /// The day printed.
    var day: CalendarDay
    /// 1-based page number.
    var page: Int
    /// The text as printed, e.g. "15 mars 2024", "令和6年3月15日", "15.03.2024"; line breaks
    /// inside it become single spaces.
    var printed: String
    /// The anchoring words, e.g. "à jour au", "Abruf vom"; nil when found by the fallback for
    /// Japanese registry certificates (the document's last date, standing on a line of its own).
    var label: String?
}

// MARK: - Finder

/// Finds the issue date of a certificate in its pages' text (poppler's raw reading order or
/// `pdftotext -layout`; both are handled).
///
/// Rules, in order:
/// 1. A date right after an issue-date label ("à jour au", "Abruf vom", "Date of issue",
///    "発行日", "发证日期"…) or right before an issue verb (…日發出), or the date of a Japanese
///    certification statement (after "…証明した書面である", before "法務局 登記官"), or the date
///    under a Chinese licence's 登记机关. Strong labels (explicit issue or extract dates) beat
///    weaker ones ("Date:", "as at", "Given at … on"); among equals the first in reading order wins.
/// 2. Otherwise, on a Japanese registry certificate (登記事項証明書), the last date of the
///    document if it stands alone on its line: the certification date closes the certificate,
///    and it is the only date printed without an event (就任, 登記, 変更…) after it. If the last
///    date is anything else, there is no fallback (a label-less incorporation date earlier on
///    must not be taken).
/// 3. Otherwise nil. Dates after "Date of incorporation", "Date d'immatriculation",
///    会社成立の年月日, "Gründung", birth dates and the like are never taken, not even as a last
///    resort: a certificate whose only date is its incorporation date has no issue date for
///    `document_outdated` to judge.
///
/// "Given at Companies House, Cardiff, on 15th March 2024" counts (weakly): it is the day the
/// registrar gave that certificate, which for a UK or Irish certificate of incorporation is
/// both its incorporation and its issue date. "is this day incorporated" is not read.
///
/// Numeric dates are day first (15/03/2024, 15.03.2024, 15-03-2024) or ISO year first
/// (2024-03-15, 2024/3/15); month-first US dates are not read, and an impossible day
/// (31.02.2024) is no date at all. Two-digit years are not read.
enum IssueDateFinder {
    /// The issue date of a certificate, from its pages' text; nil when none is printed in a recognised form.
    static func find(inPages pages: [String]) -> IssueDate? {
        // One buffer for every page, as long as the longest page's UTF-8 (never fewer bytes than scalars).
        var buffer = [UInt32](repeating: 0, count: pages.reduce(0) { max($0, $1.utf8.count) })
        var best: Found?
        var lastAlone: Found?
        for (index, page) in pages.enumerated() {
            let done = buffer.withUnsafeMutableBufferPointer { storage -> Bool in
                let count = DateFolding.fold(page, into: storage)
                let scanner = PageScanner(text: UnsafeBufferPointer(rebasing: storage[0..<count]))
                return scanner.forEachDate { match in
                    switch scanner.context(of: match) {
                    case .excluded:
                        lastAlone = nil
                        return false
                    case let .anchored(strength, label):
                        if best == nil || strength > best!.strength {
                            best = Found(day: match.day, page: index, start: match.start, end: match.end, strength: strength, label: label)
                            // Nothing outranks a strong label that comes first.
                            return strength == Labels.strong
                        }
                        return false
                    case let .plain(aloneOnLine, suffixed):
                        // Only the last date of the document counts, and only if it stands alone.
                        lastAlone = aloneOnLine && !suffixed
                            ? Found(day: match.day, page: index, start: match.start, end: match.end, strength: 0, label: nil) : nil
                        return false
                    }
                }
            }
            if done { break }
        }
        if let best {
            return issueDate(best, pages: pages)
        }
        if let lastAlone, pages.contains(where: isJapaneseRegistryCertificate) {
            return issueDate(lastAlone, pages: pages)
        }
        return nil
    }

    /// A date found on a page, by scalar offsets into that page.
    private struct Found {
        var day: CalendarDay
        /// 0-based here, 1-based in the result.
        var page: Int
        /// Scalar offsets of the printed date in its page.
        var start: Int
        var end: Int
        /// The label's strength (0 for the fallback), to compare with later labels.
        var strength: Int
        var label: String?
    }

    /// The result with the printed text cut from the original page (folding keeps one scalar
    /// per scalar, so offsets agree), whitespace collapsed so a wrapped date reads on one line.
    private static func issueDate(_ found: Found, pages: [String]) -> IssueDate {
        let scalars = pages[found.page].unicodeScalars
        let start = scalars.index(scalars.startIndex, offsetBy: found.start)
        let end = scalars.index(start, offsetBy: found.end - found.start)
        var printed = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in scalars[start..<end] {
            if DateFolding.isSpace(DateFolding.fold(scalar.value)) {
                pendingSpace = true
            } else {
                if pendingSpace { printed.append(" ") }
                pendingSpace = false
                printed.append(scalar)
            }
        }
        return IssueDate(day: found.day, page: found.page + 1, printed: String(printed), label: found.label)
    }

    /// Whether a page is a Japanese commercial-register certificate (履歴事項全部証明書,
    /// 現在事項全部証明書, 登記事項証明書…): only there does a bare date at the end mean the
    /// certification date.
    private static func isJapaneseRegistryCertificate(_ page: String) -> Bool {
        page.contains("事項証明書") || page.contains("事項全部証明書") || page.contains("事項一部証明書") || page.contains("登記簿")
    }
}

// MARK: - DateFolding

/// One code unit per scalar, so offsets into the folded text are offsets into the page:
/// lower case, Latin accents removed (documents drop them in capitals: "A JOUR AU"), full-width
/// ASCII made ASCII (Japanese prints "３月１５日" and "："), every space made " " and every line
/// break "\n", dashes "-", curly apostrophes "'".
private enum DateFolding {
    /// Decodes and folds a page into `storage` (at least as long as its UTF-8) and returns the
    /// number of scalars: by hand, since going through `unicodeScalars` costs twice as much.
    static func fold(_ page: String, into storage: UnsafeMutableBufferPointer<UInt32>) -> Int {
        var page = page
        page.makeContiguousUTF8()
        return page.utf8.withContiguousStorageIfAvailable { bytes -> Int in
            var i = 0
            var n = 0
            let count = bytes.count
            while i < count {
                let lead = bytes[i]
                if lead < 0x80 {
                    storage[n] = foldASCII(UInt32(lead))
                    i += 1
                } else {
                    // A Swift string's UTF-8 is valid: the lead byte gives the length.
                    /// The payload of the k-th continuation byte.
                    @inline(__always) func next(_ k: Int) -> UInt32 { i + k < count ? UInt32(bytes[i + k] & 0x3F) : 0 }
                    let value: UInt32
                    if lead < 0xE0 {
                        value = UInt32(lead & 0x1F) << 6 | next(1)
                        i += 2
                    } else if lead < 0xF0 {
                        value = UInt32(lead & 0x0F) << 12 | next(1) << 6 | next(2)
                        i += 3
                    } else {
                        value = UInt32(lead & 0x07) << 18 | next(1) << 12 | next(2) << 6 | next(3)
                        i += 4
                    }
                    storage[n] = fold(value)
                }
                n += 1
            }
            return n
        } ?? 0
    }

    /// The folded form of an ASCII scalar: inlined, as most of a page is ASCII.
    @inline(__always)
    static func foldASCII(_ v: UInt32) -> UInt32 {
        if v &- 0x41 < 26 { return v + 0x20 }
        guard v < 0x20 else { return v }
        switch v {
        case 0x0A, 0x0C: return 0x0A
        case 0x09, 0x0B, 0x0D: return 0x20
        default: return v
        }
    }

    /// The folded form of one scalar.
    static func fold(_ v: UInt32) -> UInt32 {
        if v < 0x80 { return foldASCII(v) }
        // Kana and ideographs, most of a Japanese or Chinese page, are kept as they are.
        if v >= 0x3040 && v < 0xFEFF { return v }
        switch v {
        case 0xC0...0xC5, 0xE0...0xE5: return 0x61
        case 0xC7, 0xE7: return 0x63
        case 0xC8...0xCB, 0xE8...0xEB: return 0x65
        case 0xCC...0xCF, 0xEC...0xEF: return 0x69
        case 0xD1, 0xF1: return 0x6E
        case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8: return 0x6F
        case 0xD9...0xDC, 0xF9...0xFC: return 0x75
        case 0xDD, 0xFD, 0xFF: return 0x79
        case 0xC6: return 0xE6
        case 0xD0: return 0xF0
        case 0xDE: return 0xFE
        case 0x152: return 0x153
        case 0x85, 0x2028, 0x2029: return 0x0A
        case 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000, 0xFEFF: return 0x20
        case 0xFF01...0xFF5E: return foldASCII(v - 0xFEE0)
        case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63: return 0x2D
        case 0x2018, 0x2019, 0x02BC, 0x2032: return 0x27
        case 0x1D49: return 0x65  // ᵉ of "1ᵉʳ"
        case 0x02B3: return 0x72  // ʳ
        case 0x25CB, 0x25EF: return 0x3007  // ○ written for 〇 (zero) in 二〇二四年
        default: return v
        }
    }

    /// " " or "\n" once folded.
    @inline(__always)
    static func isSpace(_ c: UInt32) -> Bool { c == 0x20 || c == 0x0A }

    /// An ASCII digit once folded.
    @inline(__always)
    static func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }

    /// A letter of a spaced script once folded: what must not touch a date or a label.
    @inline(__always)
    static func isLetter(_ c: UInt32) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x370 && c <= 0x52F)
    }

    /// A kana or ideograph: after a Japanese date, one of these is the event it dates (就任, 登記).
    @inline(__always)
    static func isCJKLetter(_ c: UInt32) -> Bool {
        (c >= 0x3041 && c <= 0x30FF && c != 0x30FB) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF)
            || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3005
    }

    /// The value of a kanji digit, or nil: 〇一二三四五六七八九 and 零.
    @inline(__always)
    static func kanjiDigit(_ c: UInt32) -> Int? {
        switch c {
        case 0x3007, 0x96F6: 0
        case 0x4E00: 1
        case 0x4E8C: 2
        case 0x4E09: 3
        case 0x56DB: 4
        case 0x4E94: 5
        case 0x516D: 6
        case 0x4E03: 7
        case 0x516B: 8
        case 0x4E5D: 9
        default: nil
        }
    }

    /// 十, the tens sign of kanji numerals (十五 = 15, 三十一 = 31).
    static let ten: UInt32 = 0x5341

    /// A string's folded scalars, for the tables.
    static func folded(_ text: String) -> [UInt32] {
        text.unicodeScalars.map { fold($0.value) }
    }
}

// MARK: - Month names

/// Month names and abbreviations in English, French and German, folded (no accents, lower
/// case) and packed five bits a letter into one integer, so that a word is looked up without
/// building a String.
private enum MonthNames {
    /// Packed word → month.
    static let table: [UInt64: Int] = {
        let names: [(String, Int)] = [
            ("january", 1), ("jan", 1), ("janvier", 1), ("janv", 1), ("januar", 1), ("janner", 1),
            ("february", 2), ("feb", 2), ("fevrier", 2), ("fevr", 2), ("fev", 2), ("februar", 2), ("febr", 2),
            ("march", 3), ("mar", 3), ("mars", 3), ("marz", 3), ("maerz", 3), ("mrz", 3),
            ("april", 4), ("apr", 4), ("avril", 4), ("avr", 4),
            ("may", 5), ("mai", 5),
            ("june", 6), ("jun", 6), ("juin", 6), ("juni", 6),
            ("july", 7), ("jul", 7), ("juillet", 7), ("juil", 7), ("juli", 7),
            ("august", 8), ("aug", 8), ("aout", 8),
            ("september", 9), ("sep", 9), ("sept", 9), ("septembre", 9),
            ("october", 10), ("oct", 10), ("octobre", 10), ("oktober", 10), ("okt", 10),
            ("november", 11), ("nov", 11), ("novembre", 11),
            ("december", 12), ("dec", 12), ("decembre", 12), ("dezember", 12), ("dez", 12),
        ]
        var table: [UInt64: Int] = [:]
        for (name, month) in names {
            table[pack(DateFolding.folded(name)[...])!] = month
        }
        return table
    }()

    /// Up to twelve letters a–z, five bits each; nil for anything longer or not a–z.
    static func pack(_ letters: some Collection<UInt32>) -> UInt64? {
        guard letters.count <= 12 else { return nil }
        var key: UInt64 = 0
        for c in letters {
            guard c >= 0x61 && c <= 0x7A else { return nil }
            key = key << 5 | UInt64(c - 0x60)
        }
        return key
    }
}

// MARK: - Labels

/// The words that say what a date is, matched right before the date (only spaces, line breaks
/// and one ':' '-' ',' between). A label that is only a connective ("on", "le", "du") needs its
/// keyword earlier on the line ("Given at Cardiff, on", "Fait à Paris, le", "Extrait … du").
private enum Labels {
    /// An explicit issue, extract or certification date.
    static let strong = 3
    /// A date that is the document's, less explicitly ("Date:", "as at", "Given at … on").
    static let weak = 2
    /// A date that is something else (incorporation, birth, appointment): never the issue date.
    static let exclusion = -1

    /// What must surround a label for it to count.
    enum Rule {
        /// Nothing more.
        case plain
        /// A ':' between label and date ("Stand: 15.03.2024").
        case colon
        /// A ':' and the label first on its line: "Date: 15 Mar 2024" but not "Status Date:".
        case lineStartColon
        /// The keyword earlier, within the given number of line breaks ("Given … on").
        case keyword([UInt32], lineBreaks: Int)
    }

    /// One label.
    struct Label {
        /// The folded words to match; a space matches any run of spaces and line breaks.
        var key: [UInt32]
        /// What the result reports.
        var name: String
        /// `strong`, `weak` or `exclusion`.
        var strength: Int
        /// What must surround it.
        var rule: Rule
        /// Latin labels must start a word; CJK ones have no spaces to start at.
        var needsWordStart: Bool
    }

    /// Every label, longest first: the longest words that match say what the date is
    /// ("Registration Date" is an exclusion, not "Date").
    static let all: [Label] = {
        /// A label matched by its own words.
        func label(_ name: String, _ strength: Int, _ rule: Rule = .plain) -> Label {
            let key = DateFolding.folded(name.replacingOccurrences(of: " … ", with: " "))
            let first = key.first ?? 0
            return Label(key: key, name: name, strength: strength, rule: rule, needsWordStart: DateFolding.isLetter(first) || DateFolding.isDigit(first))
        }
        /// A connective ("on") that counts only after its keyword ("Given").
        func connective(_ name: String, _ word: String, keyword: String, lineBreaks: Int) -> Label {
            Label(key: DateFolding.folded(word), name: name, strength: weak, rule: .keyword(DateFolding.folded(keyword), lineBreaks: lineBreaks), needsWordStart: true)
        }
        let labels: [Label] = [
            // English
            label("Date of issue", strong), label("Issue date", strong), label("Date issued", strong),
            label("Issued on", strong), label("Issued", strong), label("Date of this certificate", strong),
            label("Certificate date", strong),
            label("Printed on", weak), label("Date printed", weak), label("Print date", weak), label("Printed", weak, .colon),
            label("Generated on", weak), label("Produced on", weak), label("Extracted on", weak), label("Retrieved on", weak),
            label("as at", weak), label("as of", weak), label("Dated", weak), label("Date", weak, .lineStartColon),
            connective("Given … on", "on", keyword: "given", lineBreaks: 1),
            connective("Given … this", "this", keyword: "given", lineBreaks: 1),
            // French
            label("à jour au", strong), label("à jour du", strong), label("mis à jour le", strong),
            label("délivré le", strong), label("délivrée le", strong), label("date de délivrance", strong),
            label("date de l'extrait", strong), label("date d'édition", weak), label("édité le", weak), label("établi le", weak),
            label("en date du", weak),
            connective("Fait à … le", "le", keyword: "fait", lineBreaks: 1),
            connective("Extrait … du", "du", keyword: "extrait", lineBreaks: 0),
            // German
            label("Abruf vom", strong), label("Abruf am", strong), label("abgerufen am", strong), label("Abrufdatum", strong),
            label("Datum des Abrufs", strong), label("Ausdruck vom", strong), label("ausgedruckt am", strong),
            label("Stand vom", weak), label("Stand", weak, .colon), label("erstellt am", weak), label("Datum", weak, .lineStartColon),
            // Japanese
            label("発行日", strong), label("発行年月日", strong), label("証明書作成日", strong), label("証明日", strong),
            label("作成日", weak), label("作成年月日", weak),
            // Chinese
            label("发证日期", strong), label("發證日期", strong), label("签发日期", strong), label("簽發日期", strong),
            label("发照日期", strong), label("發照日期", strong), label("颁发日期", strong), label("頒發日期", strong),
            label("日期", weak, .lineStartColon),
            // Other dates, never the issue date
            label("Date of incorporation", exclusion), label("Incorporation date", exclusion), label("Incorporated on", exclusion),
            label("Incorporated", exclusion), label("Date of registration", exclusion), label("Registration date", exclusion),
            label("Registered on", exclusion), label("Registered", exclusion), label("Date of birth", exclusion),
            label("Date of appointment", exclusion), label("Appointed on", exclusion), label("Appointed", exclusion),
            label("Expiry date", exclusion), label("Expires on", exclusion), label("Valid until", exclusion),
            label("Date d'immatriculation", exclusion), label("immatriculation", exclusion), label("immatriculée le", exclusion),
            label("naissance", exclusion), label("né le", exclusion), label("née le", exclusion), label("jusqu'au", exclusion),
            label("date de commencement d'activité", exclusion), label("Gründung", exclusion), label("gegründet am", exclusion),
            label("geboren am", exclusion), label("Eintragung", exclusion), label("gültig bis", exclusion),
            label("会社成立の年月日", exclusion), label("成立の年月日", exclusion), label("成立年月日", exclusion),
            label("成立日", exclusion), label("成立", exclusion), label("設立", exclusion), label("設立年月日", exclusion),
            label("成立日期", exclusion), label("设立日期", exclusion), label("設立日期", exclusion), label("设立", exclusion),
            label("注册日期", exclusion), label("註冊日期", exclusion), label("营业期限", exclusion), label("營業期限", exclusion),
            label("生年月日", exclusion), label("出生日期", exclusion),
        ]
        return labels.sorted { $0.key.count > $1.key.count }
    }()

    /// The last scalar of each label's key, in the order of `all`: compared first, so a date's
    /// context costs one pass over an array of integers.
    static let lastScalars: [UInt32] = all.map { $0.key.last ?? 0 }

    /// Words right after a CJK date that make it the issue date: 本證書於…發出 (Hong Kong),
    /// …発行 (Japan), …签发 (China).
    static let issueVerbs: [(key: [UInt32], name: String)] = ["發出", "发出", "簽發", "签发", "発行", "発出", "頒發", "颁发", "交付"]
        .map { (DateFolding.folded($0), $0) }

    /// The closing statement of a Japanese register certificate, whose date follows it
    /// ("これは登記簿に記録されている…であることを証明した書面である。").
    static let certificationStatements: [(key: [UInt32], name: String)] = ["証明した書面", "証明する", "証明します", "相違ないことを証明"]
        .map { (DateFolding.folded($0), $0) }

    /// The registry office and registrar printed under the certification date.
    static let registrars: [(key: [UInt32], name: String)] = ["登記官", "法務局"].map { (DateFolding.folded($0), $0) }

    /// The issuing authority of a Chinese business licence, printed above its date.
    static let licenceAuthorities: [(key: [UInt32], name: String)] = ["登记机关", "登記機關"].map { (DateFolding.folded($0), $0) }

    /// Words skipped between a label and its date ("Dated this 15th day", "as at the").
    static let fillers: [[UInt32]] = ["this", "the"].map(DateFolding.folded)
}

// MARK: - Scanning

/// A date found in the folded text.
private struct DateMatch {
    var day: CalendarDay
    /// Scalar offsets in the page: the first scalar and one past the last.
    var start: Int
    var end: Int
    /// Written with 年月日 (Japanese eras, Chinese and Japanese Gregorian): the forms the
    /// certification-statement, registrar and licence-authority anchors apply to.
    var isCJK: Bool
}

/// What the words around a date make of it.
private enum DateContext {
    /// Another kind of date (incorporation, birth…).
    case excluded
    /// The certificate's date, by a label of this strength.
    case anchored(strength: Int, label: String)
    /// No label; whether it stands alone on its line and has an event right after it (就任).
    case plain(aloneOnLine: Bool, suffixed: Bool)
}

/// Reads dates and their context in one page's folded text.
private struct PageScanner {
    /// The page, folded (see `DateFolding`); valid only while the finder holds its buffer.
    let text: UnsafeBufferPointer<UInt32>

    /// The folded scalar at i, or 0 outside the page (so bounds need no separate test).
    @inline(__always)
    func at(_ i: Int) -> UInt32 {
        i >= 0 && i < text.count ? text[i] : 0
    }

    // MARK: Dates

    /// Calls `visit` with each date in reading order until it returns true; returns whether it
    /// did. Digit runs and words are skipped whole, so most of the page costs one comparison a
    /// scalar.
    func forEachDate(_ visit: (DateMatch) -> Bool) -> Bool {
        let n = text.count
        var i = 0
        while i < n {
            let c = text[i]
            if c >= 0x30 && c <= 0x39 {
                if numberMayStart(at: i), let match = numeric(at: i) {
                    if visit(match) { return true }
                    i = match.end
                } else {
                    i += 1
                    while i < n && DateFolding.isDigit(text[i]) { i += 1 }
                }
            } else if c >= 0x61 && c <= 0x7A {
                let start = i
                i += 1
                while i < n && text[i] >= 0x61 && text[i] <= 0x7A { i += 1 }
                // A month name, then a day: "March 15, 2024".
                if i - start >= 3, i - start <= 9, Self.mayStartMonth(c), !DateFolding.isLetter(at(start - 1)), !DateFolding.isDigit(at(start - 1)),
                    startsDay(after: i), let match = monthFirst(at: start)
                {
                    if visit(match) { return true }
                    i = match.end
                }
            } else if !Self.mayStartCJKDate(c) {
                i += 1
            } else if let match = cjk(at: i) {
                if visit(match) { return true }
                i = match.end
            } else {
                i += 1
            }
        }
        return false
    }

    /// The first letters of the month names in the table (a d f j m n o s).
    @inline(__always)
    static func mayStartMonth(_ c: UInt32) -> Bool {
        switch c {
        case 0x61, 0x64, 0x66, 0x6A, 0x6D, 0x6E, 0x6F, 0x73: true
        default: false
        }
    }

    /// 令 平 昭 (eras) and the kanji digits: the only CJK characters a date starts with.
    @inline(__always)
    static func mayStartCJKDate(_ c: UInt32) -> Bool {
        switch c {
        case 0x4EE4, 0x5E73, 0x662D, 0x3007, 0x96F6, 0x4E00, 0x4E8C, 0x4E09, 0x56DB, 0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D: true
        default: false
        }
    }

    /// Whether a day may follow a word ending at i: an optional dot, whitespace, a digit.
    func startsDay(after i: Int) -> Bool {
        var p = i
        if at(p) == 0x2E { p += 1 }
        guard DateFolding.isSpace(at(p)) else { return false }
        while DateFolding.isSpace(at(p)) { p += 1 }
        return DateFolding.isDigit(at(p))
    }

    /// A date written with digits first, starting at i.
    func numeric(at i: Int) -> DateMatch? {
        guard let first = digits(at: i, max: 4) else { return nil }
        if first.count == 4 {
            return cjkGregorian(yearAt: i) ?? yearFirst(at: i)
        }
        return dayFirstNumeric(at: i) ?? dayFirstNamed(at: i)
    }

    /// A date written in CJK characters starting at i: an era, or a year in kanji digits.
    func cjk(at i: Int) -> DateMatch? {
        let c = text[i]
        switch c {
        case 0x4EE4, 0x5E73, 0x662D: return era(at: i)  // 令 平 昭
        default: break
        }
        if DateFolding.kanjiDigit(c) != nil, DateFolding.kanjiDigit(at(i - 1)) == nil, at(i - 1) != DateFolding.ten {
            return cjkGregorian(yearAt: i)
        }
        return nil
    }

    /// A number may start here: not inside a longer number or a dotted sequence (a reference
    /// "IN01-12345678-20240315", a version "1.15.03.2024"). A letter may come right before:
    /// poppler glues a table's label to its value ("Incorporation Date:08/04/2019",
    /// "Date d'immatriculation02/09/2019").
    func numberMayStart(at i: Int) -> Bool {
        let previous = at(i - 1)
        if DateFolding.isDigit(previous) { return false }
        if previous == 0x2E || previous == 0x2F || previous == 0x2D || previous == 0x3A {  // . / - :
            return !DateFolding.isDigit(at(i - 2))
        }
        return true
    }

    /// A run of ASCII digits at i: its value and length, nil if longer than `max`.
    func digits(at i: Int, max: Int) -> (value: Int, count: Int)? {
        var value = 0
        var p = i
        while DateFolding.isDigit(at(p)) {
            guard p - i < max else { return nil }
            value = value * 10 + Int(at(p) - 0x30)
            p += 1
        }
        return p > i ? (value, p - i) : nil
    }

    /// A number ends cleanly: no digit or letter right after it ("2024abc" is no year).
    func endsCleanly(_ p: Int) -> Bool {
        !DateFolding.isDigit(at(p)) && !DateFolding.isLetter(at(p))
    }

    /// 15/03/2024, 15.03.2024, 15-03-2024: day first, the same separator twice, a four-digit year.
    func dayFirstNumeric(at i: Int) -> DateMatch? {
        guard let day = digits(at: i, max: 2) else { return nil }
        var p = i + day.count
        let separator = at(p)
        guard separator == 0x2F || separator == 0x2E || separator == 0x2D else { return nil }
        p += 1
        guard let month = digits(at: p, max: 2) else { return nil }
        p += month.count
        guard at(p) == separator else { return nil }
        p += 1
        guard let year = digits(at: p, max: 4), year.count == 4 else { return nil }
        p += 4
        guard endsCleanly(p), let calendarDay = Self.day(year.value, month.value, day.value) else { return nil }
        return DateMatch(day: calendarDay, start: i, end: p, isCJK: false)
    }

    /// 2024-03-15 (ISO; also followed by "T10:42"), 2024/3/15, 2024.03.15.
    func yearFirst(at i: Int) -> DateMatch? {
        guard let year = digits(at: i, max: 4), year.count == 4 else { return nil }
        var p = i + 4
        let separator = at(p)
        guard separator == 0x2F || separator == 0x2E || separator == 0x2D else { return nil }
        p += 1
        guard let month = digits(at: p, max: 2) else { return nil }
        p += month.count
        guard at(p) == separator else { return nil }
        p += 1
        guard let day = digits(at: p, max: 2) else { return nil }
        p += day.count
        guard endsCleanly(p) || (separator == 0x2D && at(p) == 0x74 && DateFolding.isDigit(at(p + 1))) else { return nil }
        guard let calendarDay = Self.day(year.value, month.value, day.value) else { return nil }
        return DateMatch(day: calendarDay, start: i, end: p, isCJK: false)
    }

    /// "15 mars 2024", "1er avril 2024", "15th March 2024", "15. März 2024", "15 Mar. 2024",
    /// "15-Mar-2024", "15th day of March, 2024".
    func dayFirstNamed(at i: Int) -> DateMatch? {
        guard let day = digits(at: i, max: 2) else { return nil }
        var p = i + day.count
        if at(p) == 0x2E {
            p += 1
        } else if let end = ordinalSuffix(at: p) {
            p = end
        }
        let dashed = at(p) == 0x2D
        if dashed {
            p += 1
        } else {
            guard let next = space(at: p) else { return nil }
            p = next
            // "15th day of March"
            if let end = word("day", at: p), let afterDay = space(at: end), let end2 = word("of", at: afterDay), let next = space(at: end2) {
                p = next
            }
        }
        guard let month = monthName(at: p) else { return nil }
        p = month.end
        if dashed {
            guard at(p) == 0x2D else { return nil }
            p += 1
        } else {
            if at(p) == 0x2C { p += 1 }
            guard let next = space(at: p) else { return nil }
            p = next
        }
        guard let year = digits(at: p, max: 4), year.count == 4 else { return nil }
        p += 4
        guard endsCleanly(p), let calendarDay = Self.day(year.value, month.month, day.value) else { return nil }
        return DateMatch(day: calendarDay, start: i, end: p, isCJK: false)
    }

    /// "March 15, 2024", "Mar. 15th 2024".
    func monthFirst(at i: Int) -> DateMatch? {
        guard let month = monthName(at: i), let afterMonth = space(at: month.end) else { return nil }
        var p = afterMonth
        guard numberMayStart(at: p), let day = digits(at: p, max: 2) else { return nil }
        p += day.count
        if let end = ordinalSuffix(at: p) { p = end }
        if at(p) == 0x2C { p += 1 }
        guard let next = space(at: p) else { return nil }
        p = next
        guard let year = digits(at: p, max: 4), year.count == 4 else { return nil }
        p += 4
        guard endsCleanly(p), let calendarDay = Self.day(year.value, month.month, day.value) else { return nil }
        return DateMatch(day: calendarDay, start: i, end: p, isCJK: false)
    }

    /// 2024年3月15日, 2024年03月15日, ２０２４年３月１５日 (folded), 二〇二四年三月十五日.
    func cjkGregorian(yearAt i: Int) -> DateMatch? {
        guard let year = cjkNumber(at: i), year.digits == 4 else { return nil }
        var p = skipInlineSpaces(year.end)
        guard at(p) == 0x5E74 else { return nil }  // 年
        guard let tail = monthAndDay(after: p + 1), let calendarDay = Self.day(year.value, tail.month, tail.day) else { return nil }
        p = tail.end
        return DateMatch(day: calendarDay, start: i, end: p, isCJK: true)
    }

    /// 令和6年3月15日, 令和元年5月7日, 平成三十一年四月三十日, 昭和64年1月7日. A day before its
    /// era began is no date; a day after its era ended (平成31年5月1日, printed by systems that
    /// were not yet updated) converts unambiguously and is kept.
    func era(at i: Int) -> DateMatch? {
        let start: (year: Int, day: CalendarDay)
        switch (text[i], at(i + 1)) {
        case (0x4EE4, 0x548C): start = (2019, CalendarDay(year: 2019, month: 5, day: 1)!)  // 令和
        case (0x5E73, 0x6210): start = (1989, CalendarDay(year: 1989, month: 1, day: 8)!)  // 平成
        case (0x662D, 0x548C): start = (1926, CalendarDay(year: 1926, month: 12, day: 25)!)  // 昭和
        default: return nil
        }
        var p = skipInlineSpaces(i + 2)
        let eraYear: Int
        if at(p) == 0x5143 {  // 元年: the first year
            eraYear = 1
            p += 1
        } else {
            guard let number = cjkNumber(at: p), number.digits <= 2, number.value >= 1 else { return nil }
            eraYear = number.value
            p = number.end
        }
        p = skipInlineSpaces(p)
        guard at(p) == 0x5E74 else { return nil }  // 年
        guard let tail = monthAndDay(after: p + 1), let calendarDay = Self.day(start.year + eraYear - 1, tail.month, tail.day),
            calendarDay >= start.day
        else { return nil }
        return DateMatch(day: calendarDay, start: i, end: tail.end, isCJK: true)
    }

    /// "3月15日" after 年, spaces allowed around the numbers (poppler spaces spread glyphs).
    func monthAndDay(after i: Int) -> (month: Int, day: Int, end: Int)? {
        var p = skipInlineSpaces(i)
        guard let month = cjkNumber(at: p), month.digits <= 2 else { return nil }
        p = skipInlineSpaces(month.end)
        guard at(p) == 0x6708 else { return nil }  // 月
        p = skipInlineSpaces(p + 1)
        guard let day = cjkNumber(at: p), day.digits <= 2 else { return nil }
        p = skipInlineSpaces(day.end)
        guard at(p) == 0x65E5 else { return nil }  // 日
        return (month.value, day.value, p + 1)
    }

    /// A number in ASCII digits (up to four) or kanji: positional (二〇二四) or with 十
    /// (十五, 三十一). `digits` is how many decimal places it has, to tell years from days.
    func cjkNumber(at i: Int) -> (value: Int, digits: Int, end: Int)? {
        if DateFolding.isDigit(at(i)) {
            guard let number = digits(at: i, max: 4) else { return nil }
            return (number.value, number.count, i + number.count)
        }
        var p = i
        var positional = 0
        var count = 0
        var tens: Int?
        var units = 0
        while true {
            let c = at(p)
            if c == DateFolding.ten {
                guard tens == nil, count <= 1, positional != 0 || count == 0 else { return nil }
                tens = count == 0 ? 1 : positional
                p += 1
                continue
            }
            guard let digit = DateFolding.kanjiDigit(c) else { break }
            if tens != nil {
                guard units == 0, digit != 0, p == i + (count == 0 ? 1 : 2) else { return nil }
                units = digit
            } else {
                guard count < 4 else { return nil }
                positional = positional * 10 + digit
                count += 1
            }
            p += 1
        }
        if let tens { return (tens * 10 + units, 2, p) }
        return count > 0 ? (positional, count, p) : nil
    }

    /// A month name at i and where it ends (after an abbreviation's dot), if the whole word is one.
    func monthName(at i: Int) -> (month: Int, end: Int)? {
        var p = i
        while at(p) >= 0x61 && at(p) <= 0x7A {
            p += 1
            guard p - i <= 12 else { return nil }
        }
        guard p > i + 2, !DateFolding.isLetter(at(p)), let key = MonthNames.pack(text[i..<p]), let month = MonthNames.table[key] else { return nil }
        if at(p) == 0x2E { p += 1 }
        return (month, p)
    }

    /// "st", "nd", "rd", "th", "er" (1er) right after a day, as a whole word.
    func ordinalSuffix(at i: Int) -> Int? {
        let pair = (at(i), at(i + 1))
        switch pair {
        case (0x73, 0x74), (0x6E, 0x64), (0x72, 0x64), (0x74, 0x68), (0x65, 0x72):
            return DateFolding.isLetter(at(i + 2)) ? nil : i + 2
        default:
            return nil
        }
    }

    /// Where the words after a run of whitespace start; nil if there is none or it holds more
    /// than one line break (a date may wrap once, "15 March\n2024", but not jump a paragraph).
    func space(at i: Int) -> Int? {
        var p = i
        var lineBreaks = 0
        while DateFolding.isSpace(at(p)) {
            if at(p) == 0x0A { lineBreaks += 1 }
            p += 1
        }
        return p > i && lineBreaks <= 1 ? p : nil
    }

    /// The end of a word at i, if the text there is exactly that word.
    func word(_ word: String, at i: Int) -> Int? {
        var p = i
        for scalar in word.unicodeScalars {
            guard at(p) == scalar.value else { return nil }
            p += 1
        }
        return DateFolding.isLetter(at(p)) ? nil : p
    }

    /// Past spaces on the same line.
    func skipInlineSpaces(_ i: Int) -> Int {
        var p = i
        while at(p) == 0x20 { p += 1 }
        return p
    }

    /// A calendar day within the years a certificate prints, or nil.
    static func day(_ year: Int, _ month: Int, _ day: Int) -> CalendarDay? {
        guard (1900...2199).contains(year) else { return nil }
        return CalendarDay(year: year, month: month, day: day)
    }

    // MARK: Context

    /// What the words around a date make of it.
    func context(of match: DateMatch) -> DateContext {
        let before = labelBefore(match.start)
        if case .excluded = before { return .excluded }
        let after = skipInlineSpaces(match.end)
        for verb in Labels.issueVerbs where hasPrefix(verb.key, at: after) {
            return .anchored(strength: Labels.strong, label: verb.name)
        }
        if case .anchored = before { return before }
        let suffixed = DateFolding.isCJKLetter(at(match.end))
        if match.isCJK, !suffixed {
            if let statement = find(Labels.certificationStatements, inLinesBefore: match.start, lines: 3, limit: 300) {
                return .anchored(strength: Labels.strong, label: statement)
            }
            if let registrar = find(Labels.registrars, inLinesAfter: match.end, lines: 2, limit: 120) {
                return .anchored(strength: Labels.strong, label: registrar)
            }
            if let authority = find(Labels.licenceAuthorities, inLinesBefore: match.start, lines: 3, limit: 160) {
                return .anchored(strength: Labels.weak, label: authority)
            }
        }
        return .plain(aloneOnLine: isAloneOnLine(match), suffixed: suffixed)
    }

    /// The label right before a date: only whitespace (at most three line breaks, as raw
    /// extraction puts a label and its value in separate blocks) and one ':' '-' or ','
    /// between; then, if none, the same after skipping "this" or "the". `.plain` (with
    /// placeholder values) means no label decides.
    func labelBefore(_ start: Int) -> DateContext {
        var p = start
        var lineBreaks = 0
        /// Moves back over whitespace, counting line breaks.
        func skipSpaces() {
            while DateFolding.isSpace(at(p - 1)) {
                if at(p - 1) == 0x0A { lineBreaks += 1 }
                p -= 1
            }
        }
        skipSpaces()
        var colon = false
        switch at(p - 1) {
        case 0x3A:
            colon = true
            p -= 1
            skipSpaces()
        case 0x2D, 0x2C:
            p -= 1
            skipSpaces()
        default:
            break
        }
        guard lineBreaks <= 3 else { return .plain(aloneOnLine: false, suffixed: false) }
        let found = label(endingAt: p, colon: colon)
        if case .plain = found {
            for filler in Labels.fillers {
                guard let fillerStart = suffixStart(filler, endingAt: p), !DateFolding.isLetter(at(fillerStart - 1)) else { continue }
                p = fillerStart
                skipSpaces()
                guard lineBreaks <= 3, p < fillerStart else { break }
                return label(endingAt: p, colon: colon)
            }
        }
        return found
    }

    /// The longest label whose words end at `end`, judged by its rule; `.plain` if none.
    func label(endingAt end: Int, colon: Bool) -> DateContext {
        let none = DateContext.plain(aloneOnLine: false, suffixed: false)
        let last = at(end - 1)
        let lastScalars = Labels.lastScalars
        for index in lastScalars.indices where lastScalars[index] == last {
            let label = Labels.all[index]
            guard let start = suffixStart(label.key, endingAt: end) else { continue }
            // Other dates are excluded even when glued to the previous word ("moraleJusqu'au");
            // an issue label must start a word ("Reissued on" is not "Issued on").
            if label.strength == Labels.exclusion { return .excluded }
            if label.needsWordStart && (DateFolding.isLetter(at(start - 1)) || DateFolding.isDigit(at(start - 1))) { continue }
            switch label.rule {
            case .plain:
                break
            case .colon:
                guard colon else { return none }
            case .lineStartColon:
                var q = start - 1
                while at(q) == 0x20 { q -= 1 }
                guard colon, q < 0 || at(q) == 0x0A else { return none }
            case let .keyword(keyword, lineBreaks):
                guard hasKeyword(keyword, before: start, lineBreaks: lineBreaks, limit: 160) else { return none }
            }
            return .anchored(strength: label.strength, label: label.name)
        }
        return none
    }

    /// Where `key` starts if the text right before `end` is it; a space in the key matches any
    /// run of spaces and line breaks.
    func suffixStart(_ key: [UInt32], endingAt end: Int) -> Int? {
        var p = end - 1
        var k = key.count - 1
        while k >= 0 {
            let c = key[k]
            if c == 0x20 {
                guard DateFolding.isSpace(at(p)) else { return nil }
                while DateFolding.isSpace(at(p)) { p -= 1 }
            } else {
                guard p >= 0, at(p) == c else { return nil }
                p -= 1
            }
            k -= 1
        }
        return p + 1
    }

    /// Whether the text at i starts with `key`.
    func hasPrefix(_ key: [UInt32], at i: Int) -> Bool {
        guard i + key.count <= text.count else { return false }
        for k in 0..<key.count where text[i + k] != key[k] { return false }
        return true
    }

    /// Whether the whole word `keyword` occurs before `end`, within `limit` scalars and
    /// `lineBreaks` line breaks ("Given at Companies House, Cardiff, on").
    func hasKeyword(_ keyword: [UInt32], before end: Int, lineBreaks: Int, limit: Int) -> Bool {
        var q = end - 1
        var seen = 0
        let floor = max(0, end - limit)
        while q >= floor {
            if text[q] == 0x0A {
                seen += 1
                if seen > lineBreaks { return false }
            }
            let start = q - keyword.count + 1
            if start >= 0, hasPrefix(keyword, at: start), !DateFolding.isLetter(at(start - 1)), !DateFolding.isLetter(at(q + 1)) { return true }
            q -= 1
        }
        return false
    }

    /// The first of `words` in the text before `end` on the same line and the `lines`
    /// non-empty lines above it, looking back at most `limit` scalars.
    func find(_ words: [(key: [UInt32], name: String)], inLinesBefore end: Int, lines: Int, limit: Int) -> String? {
        let floor = max(0, end - limit)
        var p = end - 1
        // The date's own line first, then the lines above it.
        while p >= floor && text[p] != 0x0A { p -= 1 }
        var linesSeen = 0
        var lineHasText = false
        while p >= floor {
            let c = text[p]
            if c == 0x0A {
                if lineHasText {
                    linesSeen += 1
                    lineHasText = false
                }
                if linesSeen > lines { break }
            } else if c != 0x20 {
                lineHasText = true
            }
            p -= 1
        }
        return first(of: words, in: (p + 1)..<end)
    }

    /// The first of `words` in the text after `start`: the rest of its line and the next
    /// `lines` non-empty lines, at most `limit` scalars.
    func find(_ words: [(key: [UInt32], name: String)], inLinesAfter start: Int, lines: Int, limit: Int) -> String? {
        let ceiling = min(text.count, start + limit)
        var p = start
        // The rest of the date's line first, then the lines below it.
        while p < ceiling && text[p] != 0x0A { p += 1 }
        var linesSeen = 0
        var lineHasText = false
        while p < ceiling {
            let c = text[p]
            if c == 0x0A {
                if lineHasText {
                    linesSeen += 1
                    lineHasText = false
                }
                if linesSeen > lines { break }
            } else if c != 0x20 {
                lineHasText = true
            }
            p += 1
        }
        return first(of: words, in: start..<p)
    }

    /// The name of the first of `words` that occurs in `range`.
    func first(of words: [(key: [UInt32], name: String)], in range: Range<Int>) -> String? {
        for word in words {
            var p = range.lowerBound
            while p + word.key.count <= range.upperBound {
                if hasPrefix(word.key, at: p) { return word.name }
                p += 1
            }
        }
        return nil
    }

    /// Whether nothing but spaces shares the date's line.
    func isAloneOnLine(_ match: DateMatch) -> Bool {
        var p = match.start - 1
        while at(p) == 0x20 { p -= 1 }
        guard p < 0 || at(p) == 0x0A else { return false }
        var q = match.end
        while at(q) == 0x20 { q += 1 }
        return q >= text.count || at(q) == 0x0A
    }
}
