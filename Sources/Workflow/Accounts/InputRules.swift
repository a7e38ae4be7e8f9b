/// The rules every piece of customer input passes before it is stored: one place, so the API,
/// the CLI and the demo data agree.
public enum InputRules {
    /// The longest e-mail address, in characters as sent: SMTP's path limit (RFC 5321).
    public static let maxEmailLength = 254
    /// Passwords: at least this many characters (Unicode code points, as JSON Schema counts)…
    public static let minPasswordLength = 12
    /// …and at most this many (``PasswordHasher`` gives bcrypt a digest of those longer than
    /// its 72 bytes, so no character is silently cut).
    public static let maxPasswordLength = 72
    /// Names, titles, registration numbers: at most this many characters as sent (Unicode code
    /// points, as the contract's `maxLength` counts them).
    public static let maxTextLength = 200

    /// A normalized (trimmed, lower-case) address, or an `invalid_email` error. Deliberately
    /// simple: one `@`, a dotted domain, no spaces or control characters; the verification
    /// e-mail proves the rest. The contract's `Email` pattern states the same rule.
    public static func email(_ raw: String) throws(WorkflowError) -> String {
        let address = raw.trimmingWhitespace().lowercased()
        // Split by code point, not by character: `@` or `.` followed by a combining mark is still
        // an `@` or a `.`, as the contract's pattern reads it.
        let parts = address.unicodeScalars.split(separator: "@", omittingEmptySubsequences: false)
        guard raw.unicodeScalars.count <= maxEmailLength, parts.count == 2, !parts[0].isEmpty,
              parts[1].split(separator: ".", omittingEmptySubsequences: false).count >= 2,
              parts[1].split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty }),
              !address.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.properties.generalCategory == .control || "<>()[],;:\\\"".unicodeScalars.contains($0) })
        else { throw WorkflowError(.invalid, code: "invalid_email", "'\(raw.prefix(80))' is not an e-mail address") }
        return address
    }

    /// Checks a new password's length, in characters as the contract counts them.
    public static func password(_ password: String) throws(WorkflowError) {
        guard password.unicodeScalars.count >= minPasswordLength else {
            throw WorkflowError(.invalid, code: "weak_password", "a password needs at least \(minPasswordLength) characters")
        }
        guard password.unicodeScalars.count <= maxPasswordLength else {
            throw WorkflowError(.invalid, code: "password_too_long", "a password may have at most \(maxPasswordLength) characters")
        }
    }

    /// A bounded text without control characters (anywhere, not only once trimmed) and not
    /// only spaces, trimmed; or `invalid_field`. The contract's `Text` schema states the same rule.
    public static func text(_ raw: String, field: String) throws(WorkflowError) -> String {
        guard raw.unicodeScalars.count <= maxTextLength else { throw WorkflowError(.invalid, code: "invalid_field", "\(field) may have at most \(maxTextLength) characters") }
        guard !raw.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw WorkflowError(.invalid, code: "invalid_field", "\(field) must not contain control characters")
        }
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty else { throw WorkflowError(.invalid, code: "invalid_field", "\(field) must not be empty") }
        return text
    }

    /// An officially assigned ISO 3166-1 alpha-2 code in upper or lower case (`GB`, `gb`),
    /// upper-cased; or `invalid_country`. The contract's `CountryCode` lists exactly these.
    public static func country(_ raw: String) throws(WorkflowError) -> String {
        let code = raw.uppercased()
        guard isoCountryCodes.contains(code), raw == code || raw == code.lowercased() else {
            throw WorkflowError(.invalid, code: "invalid_country", "'\(raw.prefix(20))' is not an ISO 3166-1 alpha-2 country code (such as GB, FR, DE, SG, JP)")
        }
        return code
    }

    /// The officially assigned ISO 3166-1 alpha-2 codes.
    public static let isoCountryCodes: Set<String> = Set("""
        AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
        KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT \
        MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG \
        UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
        """.split(separator: " ").map(String.init))
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
