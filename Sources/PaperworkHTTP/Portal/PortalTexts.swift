import Foundation
import Workflow

/// The customer portal's texts, one JSON file of strings per language under
/// `templates/portal/strings/` (`en.json`, `fr.json`): templates and Swift name keys only, so
/// translators edit files, not code.
struct PortalTexts: Sendable {
    /// The languages the portal speaks, the first being the default.
    static let languages = ["en", "fr"]

    /// Strings by language, then key.
    let strings: [String: [String: String]]

    /// Loads every language's file; a key missing from a language falls back to English.
    init(directory: String) throws {
        var strings: [String: [String: String]] = [:]
        for language in Self.languages {
            let path = directory + "/strings/\(language).json"
            guard let data = FileManager.default.contents(atPath: path),
                  let table = try? JSONDecoder().decode([String: String].self, from: data) else {
                throw WorkflowError(.invalid, code: "portal_strings_missing", "the portal's strings \(path) are missing or not a JSON object of strings")
            }
            strings[language] = table
        }
        let english = strings["en"] ?? [:]
        for language in Self.languages where language != "en" {
            strings[language] = english.merging(strings[language] ?? [:]) { _, translated in translated }
        }
        self.strings = strings
    }

    /// The table for `language` (English for any other).
    func table(_ language: String) -> [String: String] {
        strings[language] ?? strings["en"] ?? [:]
    }

    /// One string, or the key itself when no language has it (visible in review, never blank).
    func text(_ key: String, _ language: String) -> String {
        table(language)[key] ?? key
    }

    /// The reader's language: a valid `lang` cookie (their choice) first, then the best match
    /// in `Accept-Language` by its weights, then English.
    static func language(cookie: String?, acceptLanguage: String?) -> String {
        if let cookie, languages.contains(cookie) { return cookie }
        guard let acceptLanguage else { return languages[0] }
        var best: (language: String, weight: Double)?
        for (position, item) in acceptLanguage.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            let primary = String(tag.split(separator: "-").first ?? "")
            guard languages.contains(primary) else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() where parameter.hasPrefix("q=") {
                weight = Double(parameter.dropFirst(2)) ?? 0
            }
            // Earlier items win ties, as the header's order says.
            let score = weight - Double(position) * 1e-6
            if weight > 0, score > (best?.weight ?? -1) { best = (primary, score) }
        }
        return best?.language ?? languages[0]
    }
}
