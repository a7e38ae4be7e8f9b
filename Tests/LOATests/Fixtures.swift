import Foundation
import Isolation
import LOA
import TestSupport

/// The repository's own templates folder, so the tests read what operators edit.
let templateDirectory = SourceTree.root.appendingPathComponent("templates").path

/// Names in several scripts, as customers and facilities write them.
enum Names {
    static let accented = "Société Générale Télécom Zürich"
    static let cyrillic = "ООО Ростелеком-Центр"
    static let chinese = "北京数据港科技有限公司"
    static let japanese = "株式会社さくらインターネット"
    static let arabic = "شركة الاتصالات السعودية"
}

/// Runs a command-line tool (poppler-utils, qpdf, python3) through the project's own spawner
/// (never Foundation's `Process`, see the README) and returns its exit status and output.
/// With `includingErrors`, stderr is appended to the output (pdfsig and pyHanko speak there too).
func runTool(_ executable: String, _ arguments: [String], includingErrors: Bool = true) throws -> (status: Int32?, output: String) {
    let outcome = try ChildProcess.run(executable, arguments, capturingErrors: true)
    return (outcome.exitStatus, String(decoding: outcome.output + (includingErrors ? outcome.errors : []), as: UTF8.self))
}

/// Writes `bytes` to a fresh file in a temporary folder and returns its path.
func temporaryFile(_ bytes: [UInt8], name: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let url = folder.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

/// The page text as `pdftotext -layout` extracts it (poppler, an independent reader).
func extractedText(_ pdf: [UInt8]) throws -> String {
    let path = try temporaryFile(pdf, name: "letter.pdf")
    let result = try runTool("/usr/bin/pdftotext", ["-layout", "-enc", "UTF-8", path, "-"])
    guard result.status == 0 else { throw ToolFailure(output: result.output) }
    return result.output
}

/// `text` without whitespace and bidirectional control marks, so a value wrapped over two
/// lines, or laid out beside another column, is still found whole.
func squeezed(_ text: String) -> String {
    String(String.UnicodeScalarView(text.unicodeScalars.filter {
        !$0.properties.isWhitespace && !(0x200E...0x200F).contains($0.value) && !(0x202A...0x202E).contains($0.value)
            && !(0x2066...0x2069).contains($0.value)
    }))
}

/// How poppler 22.12 gives Arabic back: the glyphs are right, but `pdftotext` returns each
/// lam-alef ligature (لا) as alef-lam (ال), in visual order, and puts spaces inside words at
/// joining-form boundaries. Spaces go with `squeezed`; this turns the expected string into
/// the ligature order poppler produces.
func asPopplerExtractsArabic(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{0644}\u{0627}", with: "\u{0627}\u{0644}")
}

/// A helper program failed in a way the test cannot interpret.
struct ToolFailure: Error, CustomStringConvertible {
    var output: String
    var description: String { output }
}
