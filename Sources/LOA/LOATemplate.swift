import Foundation

/// The wording of a Letter of Authorization in one language, read from
/// `<templates>/loa/<language>.json` so an operator can change it without recompiling.
///
/// Strings may contain `{{placeholder}}`s (see `LOATemplate.placeholderNames`), replaced by
/// the letter's values when it is drawn. An unknown placeholder is an error at load time, not
/// a blank on a customer's letter.
public struct LOATemplate: Sendable, Equatable {
    /// The letter's heading.
    public var title: String
    /// The line under the heading.
    public var subtitle: String
    /// Twelve month names, January first, for dates in words.
    public var monthNames: [String]
    /// How dates are written, with `{{day}}`, `{{month_name}}`, `{{month}}`, `{{year}}`.
    public var dateFormat: String
    /// Field labels, keyed as in `LOATemplate.labelKeys`.
    public var labels: [String: String]
    /// How each `LetterOfAuthorization.Media` is written, keyed by its raw value.
    public var mediaNames: [String: String]
    /// The salutation above the wording.
    public var toWhom: String
    /// The paragraphs that grant the authorization.
    public var authorization: [String]
    /// The paragraphs under the table (validity, contact).
    public var terms: [String]
    /// Printed under the signatory's title.
    public var signatureCaption: String
    /// Printed beside the QR code, above the verification URL.
    public var verificationCaption: String
    /// Printed at the foot of the page.
    public var footer: String
    /// The visible signature block beside the signatory ("Digitally signed by …, on …").
    public var digitalSignature: String

    /// The placeholders a template string may use.
    public static let placeholderNames: Set<String> = [
        "loa_id", "issue_date", "expiry_date", "issuer_name", "issuer_address", "noc_email", "noc_phone",
        "authorized_party", "facility_name", "facility_address", "cage", "cabinet", "patch_panel",
        "port_positions", "media", "connector", "speed", "service_id", "signatory_name", "signatory_title",
        "verification_url", "de_facility_name", "de_issuer_name",
    ]

    /// The labels every template must define.
    public static let labelKeys = [
        "loa_id", "issue_date", "expiry_date", "authorized_party", "facility", "facility_address", "cage",
        "cabinet", "patch_panel", "port_positions", "media", "connector", "speed", "service_id", "noc",
    ]

    /// Creates wording in memory (an operator's preview of unsaved changes, tests). Unlike
    /// `load`, nothing is checked: a missing label, media or month name prints its key or
    /// number, and an unknown placeholder prints as written.
    public init(
        title: String, subtitle: String, monthNames: [String], dateFormat: String, labels: [String: String],
        mediaNames: [String: String], toWhom: String, authorization: [String], terms: [String],
        signatureCaption: String, verificationCaption: String, footer: String, digitalSignature: String = ""
    ) {
        self.title = title
        self.subtitle = subtitle
        self.monthNames = monthNames
        self.dateFormat = dateFormat
        self.labels = labels
        self.mediaNames = mediaNames
        self.toWhom = toWhom
        self.authorization = authorization
        self.terms = terms
        self.signatureCaption = signatureCaption
        self.verificationCaption = verificationCaption
        self.digitalSignature = digitalSignature
        self.footer = footer
    }

    /// Reads and checks `<directory>/loa/<language>.json`; throws `template_invalid` or
    /// `template_placeholder_unknown` with the file and the problem.
    public static func load(language: LetterOfAuthorization.Language, templateDirectory: String) throws(LOAError) -> LOATemplate {
        let path = URL(fileURLWithPath: templateDirectory).appendingPathComponent("loa/\(language.rawValue).json").path
        let file: TemplateFile = try decodeJSON(TemplateFile.self, at: path)
        let template = LOATemplate(
            title: file.title, subtitle: file.subtitle, monthNames: file.monthNames, dateFormat: file.dateFormat,
            labels: file.labels, mediaNames: file.mediaNames, toWhom: file.toWhom, authorization: file.authorization,
            terms: file.terms, signatureCaption: file.signatureCaption,
            verificationCaption: file.verificationCaption, footer: file.footer, digitalSignature: file.digitalSignature
        )
        try template.validate(path: path)
        return template
    }

    private func validate(path: String) throws(LOAError) {
        guard monthNames.count == 12 else {
            throw LOAError(code: LOAError.Code.templateInvalid, message: "\(path): month_names must list 12 months")
        }
        for key in Self.labelKeys where labels[key] == nil {
            throw LOAError(code: LOAError.Code.templateInvalid, message: "\(path): labels.\(key) is missing")
        }
        for media in LetterOfAuthorization.Media.allCases where mediaNames[media.rawValue] == nil {
            throw LOAError(code: LOAError.Code.templateInvalid, message: "\(path): media_names.\(media.rawValue) is missing")
        }
        let dateNames: Set<String> = ["day", "month", "month_name", "year"]
        for name in TemplateString.placeholders(in: dateFormat) where !dateNames.contains(name) {
            throw LOAError(code: LOAError.Code.templatePlaceholderUnknown, message: "\(path): date_format uses {{\(name)}}")
        }
        let texts = [title, subtitle, toWhom, signatureCaption, verificationCaption, footer, digitalSignature] + authorization + terms
        for text in texts {
            for name in TemplateString.placeholders(in: text) where !Self.placeholderNames.contains(name) {
                throw LOAError(
                    code: LOAError.Code.templatePlaceholderUnknown,
                    message: "\(path): {{\(name)}} is not a known placeholder (known: \(Self.placeholderNames.sorted().joined(separator: ", ")))"
                )
            }
        }
    }

    /// `date` written the template's way, e.g. "26 November 2026" or "26 novembre 2026".
    public func format(_ date: CalendarDate) -> String {
        TemplateString.substitute(dateFormat, [
            "day": String(date.day), "month": String(format: "%02d", date.month),
            "month_name": monthNames.indices.contains(date.month - 1) ? monthNames[date.month - 1] : String(date.month),
            "year": String(date.year),
        ])
    }

    private struct TemplateFile: Decodable {
        var title: String
        var subtitle: String
        var monthNames: [String]
        var dateFormat: String
        var labels: [String: String]
        var mediaNames: [String: String]
        var toWhom: String
        var authorization: [String]
        var terms: [String]
        var signatureCaption: String
        var verificationCaption: String
        var footer: String
        var digitalSignature: String
    }
}

/// The issuer's details and default signatory, from `<templates>/loa/issuer.json`, so an
/// operator sets the letterhead once for every letter.
public struct LOAIssuerProfile: Sendable, Equatable, Decodable {
    /// The provider's registered legal name.
    public var legalName: String
    /// Postal address lines.
    public var addressLines: [String]
    /// The NOC's e-mail address.
    public var nocEmail: String
    /// The NOC's telephone number.
    public var nocPhone: String
    /// Who signs letters.
    public var signatoryName: String
    /// The signatory's title.
    public var signatoryTitle: String
    /// The signatory's title in other languages (`fr`: …), printed on letters in those languages.
    public var signatoryTitles: [String: String]?
    /// A PNG file of the signature, relative to `<templates>/loa/`; none when absent.
    public var signatureImage: String?

    /// Reads `<directory>/loa/issuer.json`; throws `template_invalid`.
    public static func load(templateDirectory: String) throws(LOAError) -> LOAIssuerProfile {
        let path = URL(fileURLWithPath: templateDirectory).appendingPathComponent("loa/issuer.json").path
        return try decodeJSON(LOAIssuerProfile.self, at: path)
    }

    /// The issuer block for a letter.
    public var issuer: LetterOfAuthorization.Issuer {
        .init(legalName: legalName, addressLines: addressLines, nocEmail: nocEmail, nocPhone: nocPhone)
    }

    /// The signatory for a letter, with the signature image read from the templates folder
    /// when one is configured; throws `signature_image_invalid` when it cannot be read.
    public func signatory(templateDirectory: String) throws(LOAError) -> LetterOfAuthorization.Signatory {
        guard let signatureImage else { return .init(name: signatoryName, title: signatoryTitle, titles: signatoryTitles) }
        let path = URL(fileURLWithPath: templateDirectory).appendingPathComponent("loa").appendingPathComponent(signatureImage).path
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw LOAError(code: LOAError.Code.signatureImageInvalid, message: "cannot read the signature image \(path)")
        }
        return .init(name: signatoryName, title: signatoryTitle, titles: signatoryTitles, signatureImagePNG: bytes)
    }
}

private func decodeJSON<Value: Decodable>(_ type: Value.Type, at path: String) throws(LOAError) -> Value {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw LOAError(code: LOAError.Code.templateInvalid, message: "cannot read template \(path)")
    }
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    do {
        return try decoder.decode(type, from: data)
    } catch let error as DecodingError {
        throw LOAError(code: LOAError.Code.templateInvalid, message: "\(path): \(describe(error))")
    } catch {
        throw LOAError(code: LOAError.Code.templateInvalid, message: "\(path): \(error)")
    }
}

private func describe(_ error: DecodingError) -> String {
    func where_(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
    switch error {
    case .keyNotFound(let key, let context): return "\(where_(context.codingPath + [key])) is missing"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
        return context.codingPath.isEmpty ? context.debugDescription : "\(where_(context.codingPath)): \(context.debugDescription)"
    @unknown default: return "\(error)"
    }
}

/// `{{name}}` substitution over plain strings: no escaping (the text goes to pango as plain
/// text, never as markup), no logic; templates stay readable by anyone.
enum TemplateString {
    /// The placeholder names used in `text`, in order.
    static func placeholders(in text: String) -> [String] {
        var names: [String] = []
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// `text` with each `{{name}}` replaced by `values[name]` (unknown names are left as they
    /// are; templates are checked for them when loaded).
    static func substitute(_ text: String, _ values: [String: String]) -> String {
        guard text.contains("{{") else { return text }
        var result = ""
        var rest = text[...]
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            result += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            result += values[name] ?? String(rest[open.lowerBound..<close.upperBound])
            rest = rest[close.upperBound...]
        }
        return result + rest
    }
}
