import Foundation
import Intake

/// One file's inspection as `paperwork inspect` prints it.
struct InspectionReport: Encodable {
    var file: String
    var inspection: Inspection
    var previewFiles: [String]
    var includeText: Bool

    enum CodingKeys: String, CodingKey {
        case file
        case previewFiles = "preview_files"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(file, forKey: .file)
        if !previewFiles.isEmpty { try container.encode(previewFiles, forKey: .previewFiles) }
        var shown = inspection
        shown.previews = []
        if !includeText { shown.pageTexts = [] }
        try shown.encode(to: encoder)
    }

    /// One line of JSON with snake_case keys, sorted.
    func jsonLine() throws -> String {
        String(decoding: try JSONLineWriter.encode(self), as: UTF8.self)
    }

    /// A block of aligned lines for people.
    func humanReadable() -> String {
        let i = inspection
        var lines = ["\(file)"]
        func row(_ label: String, _ value: String) {
            lines.append("  " + label.padding(toLength: 10, withPad: " ", startingAt: 0) + value)
        }
        row("verdict", i.verdict.rawValue)
        row("type", i.sniffedMIME + (i.declaredType.map { " (declared \($0))" } ?? ""))
        row("size", "\(i.size) bytes, sha256 \(i.sha256)")
        if i.pages > 0 {
            let sizes = i.pageSizes.prefix(3).map { "\(Int($0.width.rounded()))×\(Int($0.height.rounded()))" }.joined(separator: ", ")
            let unit = i.sniffedMIME == "application/pdf" ? "pt" : "px"
            row("pages", "\(i.pages) (\(sizes)\(i.pageSizes.count > 3 ? ", …" : "") \(unit))")
            row("text", "\(i.textCharacters) characters")
        }
        if let title = i.metadata?.title { row("title", title) }
        if let producer = i.metadata?.producer { row("producer", producer) }
        row("flags", i.flags.isEmpty ? "-" : i.flags.map(\.rawValue).joined(separator: ", "))
        for finding in i.findings {
            row("reason", "\(finding.code): \(finding.message)")
        }
        for page in i.ocr {
            let detail = page.status == .recognized
                ? "\(visibleCharacters(page.text)) characters, confidence \(page.confidence) %"
                : "\(page.status.rawValue)\(page.reason.map { ": \($0)" } ?? "")"
            row("ocr", "page \(page.page) (\(page.languages.joined(separator: "+"))): \(detail)")
        }
        let source = i.evidence.fromOCR ? " by OCR" : ""
        if let match = i.evidence.legalName { row("name", Self.describe(match) + (match.found ? source : "")) }
        if let match = i.evidence.registrationNumber { row("number", Self.describe(match) + (match.found ? source : "")) }
        if !i.evidence.registrationNumberCandidates.isEmpty {
            row("numbers", i.evidence.registrationNumberCandidates.joined(separator: "; "))
        }
        for signal in i.signals { row("signal", "\(signal.code): \(signal.message)") }
        for file in previewFiles { row("preview", file) }
        if includeText {
            for (n, text) in i.pageTexts.enumerated() {
                lines.append("  --- page \(n + 1) ---")
                lines.append(text)
            }
            for page in i.ocr where page.status == .recognized {
                lines.append("  --- page \(page.page), OCR ---")
                lines.append(page.text)
            }
        }
        return lines.joined(separator: "\n")
    }

    private func visibleCharacters(_ text: String) -> Int {
        text.unicodeScalars.filter { !$0.properties.isWhitespace }.count
    }

    private static func describe(_ match: EvidenceMatch) -> String {
        guard match.found else { return "\"\(match.declared)\" not found" }
        let pages = match.pages.map(String.init).joined(separator: ", ")
        return "\"\(match.declared)\" found on page \(pages)" + (match.kind.map { " (\($0.rawValue))" } ?? "")
    }
}
