public import Foundation

/// Everything printed on one Letter of Authorization and Connecting Facility Assignment
/// (LOA-CFA): who authorizes whom to connect to which port, where, until when.
///
/// Plain data, so the ports layer can store it as JSON, rebuild the same PDF later and show
/// on the verification page exactly what the letter says. Rendering the same value with the
/// same templates gives the same PDF bytes: nothing here depends on the clock.
public struct LetterOfAuthorization: Sendable, Codable, Equatable {
    /// The letter's own identifier, printed on it and in its verification URL.
    public var id: String
    /// The day the letter was issued; also the PDF's creation date (midnight UTC).
    public var issueDate: CalendarDate
    /// The last day the datacenter should accept the letter.
    public var expiryDate: CalendarDate
    /// The provider who owns the port and grants the authorization.
    public var issuer: Issuer
    /// The customer's legal name: the party allowed to order the cross-connect.
    public var authorizedParty: String
    /// The datacenter where the port is.
    public var facility: Facility
    /// Cage or suite holding the provider's demarcation.
    public var cage: String
    /// Cabinet (rack) within the cage.
    public var cabinet: String
    /// Patch panel within the cabinet.
    public var patchPanel: String
    /// Port positions on the panel, a duplex pair such as "13/14".
    public var portPositions: String
    /// The cable the datacenter must run.
    public var media: Media
    /// The connector at the panel.
    public var connector: Connector
    /// The port's line rate.
    public var speed: PortSpeed
    /// The provider's service id for the port, quoted in every support case.
    public var serviceID: String
    /// Who signs for the issuer.
    public var signatory: Signatory
    /// Where anyone can check the letter; printed and encoded in the QR code.
    public var verificationURL: String
    /// The language of the wording (one template file per language).
    public var language: Language
    /// The paper the letter is laid out for.
    public var paperSize: PaperSize

    /// Creates a letter; media and connector default to what nearly every cross-connect uses.
    public init(
        id: String,
        issueDate: CalendarDate,
        expiryDate: CalendarDate,
        issuer: Issuer,
        authorizedParty: String,
        facility: Facility,
        cage: String,
        cabinet: String,
        patchPanel: String,
        portPositions: String,
        media: Media = .singleModeFiber,
        connector: Connector = .lc,
        speed: PortSpeed,
        serviceID: String,
        signatory: Signatory,
        verificationURL: String,
        language: Language = .english,
        paperSize: PaperSize = .a4
    ) {
        self.id = id
        self.issueDate = issueDate
        self.expiryDate = expiryDate
        self.issuer = issuer
        self.authorizedParty = authorizedParty
        self.facility = facility
        self.cage = cage
        self.cabinet = cabinet
        self.patchPanel = patchPanel
        self.portPositions = portPositions
        self.media = media
        self.connector = connector
        self.speed = speed
        self.serviceID = serviceID
        self.signatory = signatory
        self.verificationURL = verificationURL
        self.language = language
        self.paperSize = paperSize
    }

    /// JSON keys in snake_case, as everywhere else in Paperwork's JSON.
    enum CodingKeys: String, CodingKey {
        case id
        case issueDate = "issue_date"
        case expiryDate = "expiry_date"
        case issuer
        case authorizedParty = "authorized_party"
        case facility, cage, cabinet
        case patchPanel = "patch_panel"
        case portPositions = "port_positions"
        case media, connector, speed
        case serviceID = "service_id"
        case signatory
        case verificationURL = "verification_url"
        case language
        case paperSize = "paper_size"
    }

    /// The provider granting the authorization, as printed in the letterhead.
    public struct Issuer: Sendable, Codable, Equatable {
        /// The provider's registered legal name.
        public var legalName: String
        /// Postal address, one printed line each.
        public var addressLines: [String]
        /// Where the datacenter's technicians reach the provider's network operations centre.
        public var nocEmail: String
        /// The NOC's telephone number, as it should be dialled.
        public var nocPhone: String

        enum CodingKeys: String, CodingKey {
            case legalName = "legal_name"
            case addressLines = "address_lines"
            case nocEmail = "noc_email"
            case nocPhone = "noc_phone"
        }

        /// Creates the issuer block.
        public init(legalName: String, addressLines: [String], nocEmail: String, nocPhone: String) {
            self.legalName = legalName
            self.addressLines = addressLines
            self.nocEmail = nocEmail
            self.nocPhone = nocPhone
        }
    }

    /// The datacenter, named as the datacenter itself names it.
    public struct Facility: Sendable, Codable, Equatable {
        /// The facility's name, e.g. "Equinix LD8".
        public var name: String
        /// Full postal address, one printed line each.
        public var addressLines: [String]

        enum CodingKeys: String, CodingKey {
            case name
            case addressLines = "address_lines"
        }

        /// Creates a facility.
        public init(name: String, addressLines: [String]) {
            self.name = name
            self.addressLines = addressLines
        }
    }

    /// The person who signs for the issuer.
    public struct Signatory: Sendable, Codable, Equatable {
        /// Printed under the signature line.
        public var name: String
        /// Their role, e.g. "Head of Network Operations".
        public var title: String
        /// Their role in other languages, by language code; ``title`` where missing.
        public var titles: [String: String]?
        /// A PNG of the handwritten signature, drawn above the line when configured.
        public var signatureImagePNG: Data?

        enum CodingKeys: String, CodingKey {
            case name, title, titles
            case signatureImagePNG = "signature_image_png"
        }

        /// Creates a signatory; without an image the line is left blank above the name.
        public init(name: String, title: String, titles: [String: String]? = nil, signatureImagePNG: Data? = nil) {
            self.name = name
            self.title = title
            self.titles = titles
            self.signatureImagePNG = signatureImagePNG
        }
    }

    /// The cable type; raw values are stable keys used in JSON and in the templates' `media` table.
    public enum Media: String, Sendable, Codable, CaseIterable {
        /// Single-mode fibre (OS2), the default for cross-connects.
        case singleModeFiber = "single_mode_fiber"
        /// Multi-mode fibre (OM4).
        case multiModeFiber = "multi_mode_fiber"
        /// Copper (Cat6A), for 1G ports only in practice.
        case copper = "copper"
    }

    /// The connector at the demarcation; raw values are printed as-is.
    public enum Connector: String, Sendable, Codable, CaseIterable {
        /// LC duplex, the default.
        case lc = "LC"
        /// SC duplex.
        case sc = "SC"
        /// RJ45, for copper.
        case rj45 = "RJ45"
    }

    /// Port line rates the provider sells; raw values are printed as-is.
    public enum PortSpeed: String, Sendable, Codable, CaseIterable {
        /// 1 Gbit/s.
        case oneGigabit = "1G"
        /// 10 Gbit/s.
        case tenGigabit = "10G"
        /// 100 Gbit/s.
        case hundredGigabit = "100G"
    }

    /// Languages with a template; the raw value names the file (`templates/loa/<raw>.json`).
    public enum Language: String, Sendable, Codable, CaseIterable {
        /// English.
        case english = "en"
        /// French.
        case french = "fr"
    }

    /// Paper sizes, in PDF points (1/72 inch), portrait.
    public enum PaperSize: String, Sendable, Codable, CaseIterable {
        /// ISO 216 A4, 210 × 297 mm.
        case a4 = "a4"
        /// US Letter, 8.5 × 11 in.
        case usLetter = "us_letter"

        /// Width and height in points.
        public var points: (width: Double, height: Double) {
            switch self {
            case .a4: (595.28, 841.89)
            case .usLetter: (612, 792)
            }
        }
    }
}

/// A day in the proleptic Gregorian calendar, with no time of day and no time zone, so that an
/// LOA "valid until 25 January 2027" means the same everywhere. Coded as `YYYY-MM-DD`.
public struct CalendarDate: Sendable, Codable, Equatable, Comparable, CustomStringConvertible {
    /// Four-digit year.
    public let year: Int
    /// 1...12.
    public let month: Int
    /// 1...31 (checked against the month).
    public let day: Int

    /// Creates a date; throws `letter_invalid` for a day that does not exist.
    public init(year: Int, month: Int, day: Int) throws(LOAError) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Self.daysInMonth(month, year: year)).contains(day) else {
            throw LOAError(code: LOAError.Code.letterInvalid, message: "no such date: \(year)-\(month)-\(day)")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; throws `letter_invalid` otherwise.
    public init(_ text: String) throws(LOAError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            throw LOAError(code: LOAError.Code.letterInvalid, message: "not a YYYY-MM-DD date: \(text)")
        }
        try self.init(year: year, month: month, day: day)
    }

    /// The day `date` falls on in UTC, e.g. "today" for a new letter.
    public init(utc date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        year = parts.year ?? 1970
        month = parts.month ?? 1
        day = parts.day ?? 1
    }

    /// This date plus `days` (negative goes back); for expiry = issue + validity.
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    /// Midnight UTC of this day.
    public var startOfDayUTC: Date { Date(timeIntervalSince1970: Double(daysSinceEpoch) * 86_400) }

    /// `YYYY-MM-DD`.
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    /// Earlier dates sort first.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    /// Encodes `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysSinceEpoch` (`civil_from_days`).
    init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        self.year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        self.month = month
        self.day = day
    }
}
