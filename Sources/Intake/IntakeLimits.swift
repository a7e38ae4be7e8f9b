import Crypto
import Foundation

/// The bounds that keep one hostile file from costing more than a legitimate one.
///
/// Every limit is a setting with a default chosen for certificates of registration, which are
/// one to a few pages; the service and the CLI read them from configuration.
public struct IntakeLimits: Sendable, Hashable, Codable {
    /// Files larger than this are refused (`file_too_large`) without being parsed.
    public var maxFileBytes: Int = 20 * 1024 * 1024
    /// PDFs with more pages are refused (`too_many_pages`); only this many pages are examined.
    public var maxPages: Int = 20
    /// Images with more pixels are refused (`image_too_large`) before any decoding.
    public var maxImagePixels: Int = 50_000_000
    /// How many leading bytes libmagic may look at.
    public var maxSniffBytes: Int = 1024 * 1024
    /// Text kept per page; longer page text is cut and flagged.
    public var maxTextCharactersPerPage: Int = 100_000
    /// Text kept for the whole document.
    public var maxTextCharactersTotal: Int = 1_000_000
    /// The fewest non-blank characters that count as a text layer (fewer means a scan).
    public var minTextCharacters: Int = 20
    /// The longest side of a page preview, in pixels.
    public var maxPreviewPixelsPerSide: Int = 1600
    /// The resolution of a page preview when the longest side allows it.
    public var previewDotsPerInch: Double = 150
    /// The forensic checks' editable rules (`rules/forensics.json`): part of the policy, so
    /// that a change to them is a change of policy version.
    public var forensics = ForensicRules()

    /// The documented defaults.
    public init() {}

    /// Names the policy these limits make with the rules of this build: a revalidation run
    /// records it, and processes joining a run must apply the same one. It changes when a
    /// limit changes or when ``CertificateInspector/rulesRevision`` is raised.
    public var policyVersion: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let canonical = (try? encoder.encode(self)) ?? Data()
        return "r\(CertificateInspector.rulesRevision)-" + hexadecimal(SHA256.hash(data: canonical)).prefix(10)
    }

    /// Defaults with the given overrides; a nil argument keeps the default.
    public init(maxFileBytes: Int? = nil, maxPages: Int? = nil, maxImagePixels: Int? = nil) {
        if let maxFileBytes { self.maxFileBytes = maxFileBytes }
        if let maxPages { self.maxPages = maxPages }
        if let maxImagePixels { self.maxImagePixels = maxImagePixels }
    }
}
