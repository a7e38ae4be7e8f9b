public import ArgumentParser
import Foundation
import Intake

/// `paperwork inspect`: what intake says about files on disk, for operators and scripts.
///
/// Exits 0 when every file was examined, whatever the verdicts; 1 when a file could not be
/// read; 64 on a usage error.
public struct InspectCommand: AsyncParsableCommand {
    /// How the command appears in `paperwork --help`.
    public static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Sniff, open and judge certificate files; print one verdict per file."
    )

    @Flag(name: .long, help: "One JSON object per file per line instead of text.")
    var json = false

    @Option(name: .long, help: "The company's declared legal name, looked for in the text.")
    var legalName: String?

    @Option(name: .long, help: "The company's declared registration number, looked for in the text.")
    var registrationNumber: String?

    @Option(name: .long, help: "Write a PNG preview of every examined page into this folder.")
    var previewDir: String?

    @Option(name: .long, help: "The Content-Type the uploader declared (default: none; the file name's extension is always compared).")
    var declaredMime: String?

    @Flag(name: .long, help: "Include the text of every page in the output.")
    var text = false

    @Option(name: .long, help: "Refuse files larger than this many bytes.")
    var maxFileBytes: Int?

    @Option(name: .long, help: "Refuse PDFs with more pages than this.")
    var maxPages: Int?

    @Option(name: .long, help: "Refuse images with more pixels than this.")
    var maxImagePixels: Int?

    @Argument(help: "The files to inspect.")
    var files: [String]

    /// Required by ArgumentParser.
    public init() {}

    public func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file") }
        for limit in [maxFileBytes, maxPages, maxImagePixels].compactMap({ $0 }) where limit <= 0 {
            throw ValidationError("limits must be positive")
        }
    }

    public func run() async throws {
        let limits = IntakeLimits(maxFileBytes: maxFileBytes, maxPages: maxPages, maxImagePixels: maxImagePixels)
        let claims = CompanyClaims(legalName: legalName, registrationNumber: registrationNumber)
        if let previewDir {
            try FileManager.default.createDirectory(atPath: previewDir, withIntermediateDirectories: true)
        }
        var unreadable = 0
        for path in files {
            let inspection: Inspection
            do {
                inspection = try InspectionSource.inspect(
                    path: path, declared: DeclaredType(fileName: path, mimeType: declaredMime), claims: claims,
                    limits: limits, previews: previewDir == nil ? .none : .allPages
                )
            } catch {
                unreadable += 1
                FileHandle.standardError.write(Data("paperwork: \(path): \(error)\n".utf8))
                continue
            }
            var previewFiles: [String] = []
            if let previewDir {
                let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                for preview in inspection.previews {
                    let file = URL(fileURLWithPath: previewDir).appendingPathComponent("\(stem).page-\(preview.page).png").path
                    try Data(preview.png).write(to: URL(fileURLWithPath: file))
                    previewFiles.append(file)
                }
            }
            let report = InspectionReport(file: path, inspection: inspection, previewFiles: previewFiles, includeText: text)
            print(json ? try report.jsonLine() : report.humanReadable())
        }
        if unreadable > 0 { throw ExitCode(1) }
    }
}
