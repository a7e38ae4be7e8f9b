public import ArgumentParser
import Foundation
import Intake
import Isolation

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

    @Option(name: .long, help: "The company's country of registration (ISO 3166 code, e.g. FR): which registration-number rule and maximum age apply.")
    var country: String?

    @Option(name: .long, help: "The day the file was received (YYYY-MM-DD), which its age is counted to (default: today, UTC).")
    var receivedOn: String?

    @Option(name: .long, help: "The forensic rules file (editing tools, maximum ages; default: rules/forensics.json when it exists).")
    var rules: String?

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

    @Flag(name: .long, help: "Parse in this process instead of isolated workers (for debugging: a hostile file can crash or hang it).")
    var inProcess = false

    @Option(name: .long, help: "Worker processes (default: the number of cores).")
    var workers: Int?

    @Option(name: .long, help: "Seconds one document may take in a worker before it is killed.")
    var timeout: Int = 30

    @Flag(name: .long, help: "Read the pages of image-only files (scans) by OCR in the same run; evidence then comes from the OCR text.")
    var ocr = false

    @Option(name: .long, help: "OCR languages as Tesseract codes joined by + (default: the --country's languages and English).")
    var ocrLanguages: String?

    @Option(name: .long, help: "Seconds of OCR one page may take (default: 60).")
    var ocrSecondsPerPage: Double?

    @Argument(help: "The files to inspect.")
    var files: [String]

    /// Required by ArgumentParser.
    public init() {}

    public func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file") }
        for limit in [maxFileBytes, maxPages, maxImagePixels].compactMap({ $0 }) where limit <= 0 {
            throw ValidationError("limits must be positive")
        }
        if let receivedOn, CalendarDay(iso: receivedOn) == nil { throw ValidationError("--received-on must be a day, YYYY-MM-DD") }
        if !ocr, ocrLanguages != nil || ocrSecondsPerPage != nil { throw ValidationError("--ocr-languages and --ocr-seconds-per-page need --ocr") }
        if ocr, previewDir != nil { throw ValidationError("--ocr and --preview-dir cannot be combined; run them separately") }
        if let ocrSecondsPerPage, !(ocrSecondsPerPage > 0) { throw ValidationError("--ocr-seconds-per-page must be positive") }
        if let ocrLanguages, ocrLanguages.split(separator: "+").isEmpty || !ocrLanguages.allSatisfy({ $0.isLetter || $0 == "_" || $0 == "+" }) {
            throw ValidationError("--ocr-languages must be Tesseract codes joined by +, e.g. jpn+eng")
        }
        if let country, country.count != 2 || !country.allSatisfy(\.isLetter) { throw ValidationError("--country must be a two-letter ISO 3166 code") }
    }

    public func run() async throws {
        var configured = IntakeLimits(maxFileBytes: maxFileBytes, maxPages: maxPages, maxImagePixels: maxImagePixels)
        do {
            let path = rules ?? "rules/forensics.json"
            if rules != nil || FileManager.default.fileExists(atPath: path) { configured.forensics = try ForensicRules.load(from: path) }
        } catch {
            throw ValidationError("\(error.code): \(error.message)")
        }
        let limits = configured
        let claims = CompanyClaims(legalName: legalName, registrationNumber: registrationNumber, country: country?.uppercased())
        let received = receivedOn.flatMap(CalendarDay.init(iso:))
        if let previewDir {
            try FileManager.default.createDirectory(atPath: previewDir, withIntermediateDirectories: true)
        }
        let inspector: any DocumentInspector
        var pool: WorkerPool?
        if inProcess {
            inspector = InProcessInspector()
        } else {
            var configuration = WorkerPool.Configuration()
            configuration.size = max(1, min(workers ?? configuration.size, files.count))
            configuration.timeout = .seconds(timeout)
            let started = WorkerPool(configuration: configuration)
            try await started.start()
            pool = started
            inspector = started
        }
        let previews: PreviewSelection = previewDir == nil ? .none : .allPages
        let declaredMime = self.declaredMime
        var policy: OCRPolicy?
        if ocr {
            var chosen = OCRPolicy(country: claims.country)
            if let ocrLanguages { chosen.languages = ocrLanguages.split(separator: "+").map(String.init) }
            if let ocrSecondsPerPage { chosen.secondsPerPage = ocrSecondsPerPage }
            policy = chosen
        }
        let ocrPolicy = policy

        // Inspect concurrently (the pool bounds the parallelism), print in the order given.
        var unreadable = 0
        var finished: [Int: Result<Inspection, LoadedFile.ReadError>] = [:]
        var nextToPrint = 0
        try await withThrowingTaskGroup(of: (Int, Result<Inspection, LoadedFile.ReadError>).self) { group in
            var nextToStart = 0
            func startNext() {
                guard nextToStart < files.count else { return }
                let index = nextToStart, path = files[index]
                nextToStart += 1
                group.addTask {
                    let declared = DeclaredType(fileName: path, mimeType: declaredMime)
                    do {
                        switch try LoadedFile.load(path: path, limits: limits) {
                        case let .whole(bytes):
                            if let ocrPolicy {
                                return (index, .success(await inspector.recognize(bytes, declared: declared, claims: claims, limits: limits, policy: ocrPolicy, receivedOn: received)))
                            }
                            return (index, .success(await inspector.inspect(bytes, declared: declared, claims: claims, limits: limits, previews: previews, receivedOn: received)))
                        case let .oversized(head, size, sha256):
                            return (index, .success(await inspector.inspectOversized(head: head, size: size, sha256: sha256, declared: declared, limits: limits)))
                        }
                    } catch let error as LoadedFile.ReadError {
                        return (index, .failure(error))
                    } catch {
                        return (index, .failure(LoadedFile.ReadError(description: "\(error)")))
                    }
                }
            }
            // Keep a few more files in flight than there are workers, to keep them busy.
            for _ in 0..<((workers ?? ProcessInfo.processInfo.activeProcessorCount) * 2) { startNext() }
            for try await (index, result) in group {
                finished[index] = result
                startNext()
                while let ready = finished.removeValue(forKey: nextToPrint) {
                    switch ready {
                    case let .success(inspection):
                        try report(files[nextToPrint], inspection)
                    case let .failure(error):
                        unreadable += 1
                        FileHandle.standardError.write(Data("paperwork: \(files[nextToPrint]): \(error)\n".utf8))
                    }
                    nextToPrint += 1
                }
            }
        }
        await pool?.shutdown()
        if unreadable > 0 { throw ExitCode(1) }
    }

    private func report(_ path: String, _ inspection: Inspection) throws {
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
}
