import Foundation

/// The editable part of the forensic checks: which tools count as editing tools, how old a
/// certificate may be in each jurisdiction, how close two first pages must be to count as the
/// same. Operators tune them in `rules/forensics.json` without a release; they travel with
/// ``IntakeLimits``, so they are part of the policy version and a change to them makes the
/// next revalidation run report the certificates whose signals changed.
///
/// The defaults are empty: with no rules file, the checks that need one (`editing_tool` by
/// name, `document_outdated` by age) find nothing, and the others still run.
public struct ForensicRules: Sendable, Hashable, Codable {
    /// A tool that writes or rewrites PDFs and that a registry does not use.
    public struct Tool: Sendable, Hashable, Codable {
        /// The name reviewers read ("iLovePDF").
        public var name: String
        /// What kind of tool: `online_editor`, `pdf_editor`, `image_editor`, `word_processor`,
        /// `print_to_pdf`…, said in the signal's evidence.
        public var kind: String
        /// Lower-case words looked for in `/Producer` and `/Creator`, matched whole (so
        /// "pages" matches "Pages" but not "webpages").
        public var match: [String]

        /// A tool.
        public init(name: String, kind: String, match: [String]) {
            self.name = name
            self.kind = kind
            self.match = match
        }
    }

    /// Tools whose name in the metadata raises `editing_tool`.
    public var editingTools: [Tool] = []
    /// A `/ModDate` more than this many hours after `/CreationDate` raises `editing_tool`.
    public var modificationWindowHours: Double = 24
    /// The oldest a certificate may be, in days, per ISO 3166 country code; countries not
    /// listed have no limit (a certificate of incorporation does not expire).
    public var maxDocumentAgeDays: [String: Int] = [:]
    /// An issue date this many days after the day the file was received is still accepted
    /// (time zones); later is "in the future".
    public var futureToleranceDays: Int = 1
    /// Two first pages whose perceptual hashes differ in at most this many bits are the same page.
    public var duplicateFirstPageDistance: Int = 6

    /// No rules: only the checks that need none run.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case editingTools = "editing_tools"
        case modificationWindowHours = "modification_window_hours"
        case maxDocumentAgeDays = "max_document_age_days"
        case futureToleranceDays = "future_tolerance_days"
        case duplicateFirstPageDistance = "duplicate_first_page_distance"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        editingTools = try container.decodeIfPresent([Tool].self, forKey: .editingTools) ?? []
        modificationWindowHours = try container.decodeIfPresent(Double.self, forKey: .modificationWindowHours) ?? 24
        maxDocumentAgeDays = try container.decodeIfPresent([String: Int].self, forKey: .maxDocumentAgeDays) ?? [:]
        futureToleranceDays = try container.decodeIfPresent(Int.self, forKey: .futureToleranceDays) ?? 1
        duplicateFirstPageDistance = try container.decodeIfPresent(Int.self, forKey: .duplicateFirstPageDistance) ?? 6
    }

    /// Why a rules file cannot be used; the service refuses to start with it rather than run
    /// with rules nobody wrote.
    public struct LoadError: Error, CustomStringConvertible, Sendable, Hashable {
        /// `forensic_rules_unreadable` or `forensic_rules_invalid`.
        public var code: String
        /// What is wrong, with the path.
        public var message: String
        public var description: String { "\(code): \(message)" }
    }

    /// Reads and checks a rules file.
    public static func load(from path: String) throws(LoadError) -> ForensicRules {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(code: "forensic_rules_unreadable", message: "cannot read \(path)")
        }
        let rules: ForensicRules
        do {
            rules = try JSONDecoder().decode(ForensicRules.self, from: data)
        } catch {
            throw LoadError(code: "forensic_rules_invalid", message: "\(path) is not a valid rules file: \(error)")
        }
        if let tool = rules.editingTools.first(where: { $0.name.isEmpty || $0.match.isEmpty || $0.match.contains(where: \.isEmpty) }) {
            throw LoadError(code: "forensic_rules_invalid", message: "\(path): the tool \"\(tool.name)\" needs a name and non-empty match words")
        }
        if let (country, days) = rules.maxDocumentAgeDays.first(where: { $0.value < 1 || $0.key.count != 2 || $0.key != $0.key.uppercased() }) {
            throw LoadError(code: "forensic_rules_invalid", message: "\(path): max_document_age_days needs upper-case two-letter country codes and at least 1 day (\(country): \(days))")
        }
        guard rules.modificationWindowHours >= 0, rules.futureToleranceDays >= 0, (0...64).contains(rules.duplicateFirstPageDistance) else {
            throw LoadError(code: "forensic_rules_invalid", message: "\(path): windows and tolerances must not be negative, and the page distance is 0–64 bits")
        }
        return rules
    }

    /// The first tool whose match words appear, whole, in any of `names` (Producer, Creator).
    func editingTool(in names: [String]) -> (tool: Tool, field: String)? {
        for name in names {
            let folded = name.lowercased()
            for tool in editingTools where tool.match.contains(where: { Self.containsWord($0, in: folded) }) {
                return (tool, name)
            }
        }
        return nil
    }

    /// Whether `word` appears in `text` with no letter or digit right before or after it.
    static func containsWord(_ word: String, in text: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let found = text.range(of: word, range: searchRange) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !(before?.isLetter ?? false || before?.isNumber ?? false), !(after?.isLetter ?? false || after?.isNumber ?? false) {
                return true
            }
            searchRange = text.index(after: found.lowerBound)..<text.endIndex
        }
        return false
    }
}
