/// A string code that clients, logs and stored records rely on.
///
/// Codes are strings so that they keep their meaning across releases; new ones may be added
/// without breaking callers (the swift-certificates pattern), which is why conforming types
/// are structs and not enums. They encode as a bare JSON string.
public protocol StableCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible where RawValue == String {
    /// Wraps a stored code; unknown codes are kept as they are, not dropped.
    init(rawValue: String)
}

extension StableCode {
    /// The code itself, so that string interpolation prints what clients see.
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A stable, documented code for one reason a certificate file was refused.
public struct ReasonCode: StableCode {
    /// The code as it appears in JSON, logs and the database.
    public let rawValue: String

    /// Wraps a stored code; unknown codes are kept as they are, not dropped.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The file has no bytes.
    public static let emptyFile = ReasonCode(rawValue: "empty_file")
    /// The file is larger than ``IntakeLimits/maxFileBytes``.
    public static let fileTooLarge = ReasonCode(rawValue: "file_too_large")
    /// libmagic says the bytes are neither PDF, PNG nor JPEG.
    public static let unsupportedType = ReasonCode(rawValue: "unsupported_type")
    /// The declared type (file name extension or MIME type) disagrees with the sniffed one.
    public static let typeMismatch = ReasonCode(rawValue: "type_mismatch")
    /// The parser could not read the document: damaged, truncated or not what its header says.
    public static let corruptDocument = ReasonCode(rawValue: "corrupt_document")
    /// The PDF needs a password to open, so nobody could review it.
    public static let passwordProtected = ReasonCode(rawValue: "password_protected")
    /// The PDF has more pages than ``IntakeLimits/maxPages``.
    public static let tooManyPages = ReasonCode(rawValue: "too_many_pages")
    /// The PDF carries JavaScript, launch, submit-form, import-data or rich-media actions.
    public static let activeContent = ReasonCode(rawValue: "active_content")
    /// The PDF carries attached or embedded files.
    public static let embeddedFiles = ReasonCode(rawValue: "embedded_files")
    /// Bytes follow the end of the document (`%%EOF`, PNG `IEND`, JPEG `EOI`): a polyglot.
    public static let trailingData = ReasonCode(rawValue: "trailing_data")
    /// Bytes precede the PDF header: libmagic still says PDF, but the file is also something else.
    public static let leadingData = ReasonCode(rawValue: "leading_data")
    /// Every page is blank: no text, no image, no ink.
    public static let noContent = ReasonCode(rawValue: "no_content")
    /// The image has more pixels than ``IntakeLimits/maxImagePixels`` (checked before decoding).
    public static let imageTooLarge = ReasonCode(rawValue: "image_too_large")
    /// The isolated worker crashed, was killed or ran out of memory on this document.
    public static let processingFailed = ReasonCode(rawValue: "processing_failed")
    /// The isolated worker overran its time limit on this document.
    public static let processingTimeout = ReasonCode(rawValue: "processing_timeout")

    /// Every code this release can produce, in the order the README documents them.
    public static let all: [ReasonCode] = [
        .emptyFile, .fileTooLarge, .unsupportedType, .typeMismatch, .corruptDocument,
        .passwordProtected, .tooManyPages, .activeContent, .embeddedFiles, .trailingData,
        .leadingData, .noContent, .imageTooLarge, .processingFailed, .processingTimeout,
    ]
}

/// A stable code for something a reviewer should know that is not, by itself, a reason to refuse.
public struct InspectionFlag: StableCode {
    /// The flag as it appears in JSON, logs and the database.
    public let rawValue: String

    /// Wraps a stored flag; unknown flags are kept as they are.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// No page has a usable text layer: a scan or a photo, to be read by eye.
    public static let imageOnly = InspectionFlag(rawValue: "image_only")
    /// The PDF is encrypted but opens without a password (owner restrictions only).
    public static let encrypted = InspectionFlag(rawValue: "encrypted")
    /// The PDF has signature fields (registries sign e-extracts such as the Kbis).
    public static let signatureFields = InspectionFlag(rawValue: "signature_fields")
    /// The PDF has interactive form fields.
    public static let formFields = InspectionFlag(rawValue: "form_fields")
    /// The PDF links to web addresses.
    public static let externalLinks = InspectionFlag(rawValue: "external_links")
    /// The PDF names an action to run when it opens or on other events (`/OpenAction`, `/AA`).
    public static let automaticActions = InspectionFlag(rawValue: "automatic_actions")
    /// The PDF has an XFA form.
    public static let xfaForm = InspectionFlag(rawValue: "xfa_form")
    /// The PDF was modified after it was first written (several `%%EOF` markers).
    public static let incrementalUpdates = InspectionFlag(rawValue: "incremental_updates")
    /// Some page text was cut at ``IntakeLimits/maxTextCharactersPerPage`` or the document total.
    public static let textTruncated = InspectionFlag(rawValue: "text_truncated")
    /// Only the first ``IntakeLimits/maxPages`` pages were examined.
    public static let pagesNotExamined = InspectionFlag(rawValue: "pages_not_examined")
    /// The image decoder reported recoverable damage.
    public static let decoderWarnings = InspectionFlag(rawValue: "decoder_warnings")
    /// libmagic and the file's own first bytes disagree about what it is.
    public static let sniffDisagreement = InspectionFlag(rawValue: "sniff_disagreement")
}
