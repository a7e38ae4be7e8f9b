import Foundation
import Mustache
import Workflow

/// The customer portal's texts, JSON files of strings under `templates/portal/strings/`: the
/// common ones in `en.json` and `fr.json`, and one pair per part of the portal
/// (`members.en.json`, `ports.fr.json`…). Templates and Swift name keys only, so translators
/// edit files, not code.
struct PortalTexts: Sendable {
    /// The languages the portal speaks, the first being the default.
    static let languages = ["en", "fr"]

    /// Strings by language, then key.
    let strings: [String: [String: String]]
    /// Every ISO country by language: code and name, sorted by name in that language. Made
    /// once at load: naming and collating 249 countries took milliseconds on every page with a
    /// country list.
    let countries: [String: [(code: String, name: String)]]
    /// Country names by language, then code.
    let countryNames: [String: [String: String]]

    /// Loads every language's files; a key missing from a language falls back to English. A
    /// key defined in two files of one language is refused, so no part silently wins.
    init(directory: String) throws {
        let folder = directory + "/strings"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        var strings: [String: [String: String]] = [:]
        for language in Self.languages {
            let files = names.filter { $0 == "\(language).json" || $0.hasSuffix(".\(language).json") }
            guard files.contains("\(language).json") else {
                throw WorkflowError(.invalid, code: "portal_strings_missing", "the portal's strings \(folder)/\(language).json are missing")
            }
            var table: [String: String] = [:]
            for file in files {
                let path = folder + "/" + file
                guard let data = FileManager.default.contents(atPath: path),
                      let part = try? JSONDecoder().decode([String: String].self, from: data) else {
                    throw WorkflowError(.invalid, code: "portal_strings_missing", "the portal's strings \(path) are not a JSON object of strings")
                }
                try table.merge(part) { _, _ in
                    throw WorkflowError(.invalid, code: "portal_strings_duplicate", "\(path) repeats a key that another \(language) strings file defines")
                }
            }
            strings[language] = table
        }
        let english = strings["en"] ?? [:]
        for language in Self.languages where language != "en" {
            strings[language] = english.merging(strings[language] ?? [:]) { _, translated in translated }
        }
        self.strings = strings
        var countries: [String: [(code: String, name: String)]] = [:]
        for language in Self.languages {
            let locale = Locale(identifier: language)
            countries[language] = InputRules.isoCountryCodes.map { code in (code: code, name: locale.localizedString(forRegionCode: code) ?? code) }
                .sorted { $0.name.compare($1.name, locale: locale) == .orderedAscending }
        }
        self.countries = countries
        self.countryNames = countries.mapValues { Dictionary($0.map { ($0.code, $0.name) }, uniquingKeysWith: { first, _ in first }) }
    }

    /// The templates of `directory` in `language`: every `{{t.key}}` replaced by that
    /// language's text, HTML-escaped as Mustache would escape it. Done once at start: looking
    /// `t.key` up through the context stack and escaping the text again on every page was
    /// about half of a page's rendering. Templates stay files, read when the server starts.
    func localizedLibrary(directory: String, language: String) throws -> MustacheLibrary {
        let table = self.table(language)
        MustacheContentTypes.register(PortalHTML(), named: PortalHTML.name)
        var library = MustacheLibrary()
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".mustache") }
        for file in names {
            guard let source = try? String(contentsOfFile: directory + "/" + file, encoding: .utf8) else {
                throw WorkflowError(.invalid, code: "portal_template_missing", "the portal template \(directory)/\(file) is not readable UTF-8")
            }
            let localized = source.replacing(/\{\{\s*t\.([A-Za-z0-9_]+)\s*\}\}/) { match in
                PortalHTML.escape(table[String(match.output.1)] ?? String(match.output.1), braces: true)
            }
            do {
                try library.register("{{% CONTENT_TYPE: \(PortalHTML.name)}}" + localized, named: String(file.dropLast(".mustache".count)))
            } catch {
                throw WorkflowError(.invalid, code: "portal_template_invalid", "the portal template \(directory)/\(file) does not parse: \(error)")
            }
        }
        return library
    }

    /// A country's name in `language`, the code itself for an unknown one.
    func countryName(_ code: String, _ language: String) -> String {
        (countryNames[language] ?? countryNames["en"])?[code] ?? code
    }

    /// Every country as options of a `<select>`, sorted by name in `language`, `chosen` selected.
    func countryOptions(_ language: String, chosen: String) -> [[String: Any]] {
        (countries[language] ?? countries["en"] ?? []).map { ["code": $0.code, "name": $0.name, "selected": $0.code == chosen] }
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

/// HTML escaping for the portal: its `{{values}}` as pages render, and its texts as templates
/// load. The characters Mustache's own HTML type escapes (`&`, `<`, `>`, `"`, `'`) are found
/// by scanning bytes, and a value with none of them (most are) is returned as it is.
/// Mustache's escaper looks every character up in a dictionary and rebuilds every string: a
/// tenth of a page's CPU.
struct PortalHTML: MustacheContentType {
    /// The name templates are given in their `CONTENT_TYPE` pragma (added when they load).
    static let name = "PORTAL_HTML"

    func escapeText(_ text: String) -> String {
        Self.escape(text, braces: false)
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` as character references, and with `braces`,
    /// `{` and `}` too (for texts written into templates, so they never read as tags).
    static func escape(_ text: String, braces: Bool) -> String {
        func special(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"): true
            case UInt8(ascii: "{"), UInt8(ascii: "}"): braces
            default: false
            }
        }
        guard text.utf8.contains(where: special) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            guard special(byte) else {
                escaped.append(byte)
                continue
            }
            switch byte {
            case UInt8(ascii: "&"): escaped.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): escaped.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): escaped.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): escaped.append(contentsOf: "&quot;".utf8)
            case UInt8(ascii: "'"): escaped.append(contentsOf: "&#39;".utf8)
            case UInt8(ascii: "{"): escaped.append(contentsOf: "&#123;".utf8)
            default: escaped.append(contentsOf: "&#125;".utf8)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
