import ArgumentParser
import Foundation
import Intake
import Isolation

/// The reviewers' full-resolution page: one page rendered at 300 dpi to PNG, as the console
/// asks a worker for it (the file judged again, then the page drawn and encoded), against
/// `pdftoppm -r 300 -png` on the same page, run as a process per page as an operator would.
/// Paired rounds; the ratio is the median of the per-round ratios.
struct PagesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pages",
        abstract: "A 300 dpi page render through a worker (and in process), against pdftoppm -r 300 -png on the same pages."
    )

    @Argument(help: "PDF files; page --page of each is rendered.")
    var files: [String]

    @Option(help: "The page rendered in each file (1-based).")
    var page = 1

    @Option(help: "Resolution in dots per inch.")
    var dpi = 300

    @Option(help: "Rounds, each running pdftoppm and Paperwork back to back; the median counts.")
    var rounds = 7

    @Option(help: "The paperwork binary whose workers render (default: beside this one).")
    var paperwork: String?

    func run() async throws {
        let pdfs = files.filter { $0.lowercased().hasSuffix(".pdf") }
        guard !pdfs.isEmpty else { throw ValidationError("give PDF files") }
        let documents = try pdfs.map { try readFile($0) }
        var limits = IntakeLimits()
        limits.previewDotsPerInch = Double(dpi)
        limits.maxPreviewPixelsPerSide = 4200
        var configuration = WorkerPool.Configuration(executable: paperwork ?? URL(fileURLWithPath: WorkerPool.Configuration.currentExecutable)
            .deletingLastPathComponent().appendingPathComponent("paperwork").path)
        configuration.size = 1
        let pool = WorkerPool(configuration: configuration)
        try await pool.start()
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-pages-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: output) }

        // Warm-up: the page cache, fontconfig, the worker's first document.
        _ = try pdftoppm(pdfs, output: output)
        _ = try await throughWorker(documents, pool: pool, limits: limits)
        _ = try inProcess(documents, limits: limits)

        var reference: [Double] = [], worker: [Double] = [], local: [Double] = []
        for _ in 0..<rounds {
            reference.append(try pdftoppm(pdfs, output: output))
            worker.append(try await throughWorker(documents, pool: pool, limits: limits))
            local.append(try inProcess(documents, limits: limits))
        }
        await pool.shutdown()
        print("page \(page) of \(pdfs.count) PDF(s) at \(dpi) dpi, \(rounds) rounds; medians in ms per page; the ratio is the median of per-round ratios")
        print(String(format: "pdftoppm -r %d -png (a process per page): %8.2f", dpi, IntakeBench.median(reference)))
        print(String(format: "paperwork through a worker (console):  %8.2f", IntakeBench.median(worker)))
        print(String(format: "paperwork in process (library call):   %8.2f", IntakeBench.median(local)))
        IntakeBench.printRatio("worker / pdftoppm", worker, reference)
        IntakeBench.printRatio("in process / pdftoppm", local, reference)
    }

    /// Milliseconds per page for pdftoppm, one process per file as a shell loop would run it.
    func pdftoppm(_ paths: [String], output: String) throws -> Double {
        let start = ContinuousClock.now
        for (index, path) in paths.enumerated() {
            _ = try IntakeBench.run("/usr/bin/pdftoppm", ["-r", String(dpi), "-png", "-f", String(page), "-l", String(page), "-singlefile", path, output + "/ref-\(index)"])
        }
        return (ContinuousClock.now - start).milliseconds / Double(paths.count)
    }

    /// Milliseconds per page through one worker, as `CertificateViews.pageImage` asks for it.
    func throughWorker(_ documents: [[UInt8]], pool: WorkerPool, limits: IntakeLimits) async throws -> Double {
        let start = ContinuousClock.now
        for document in documents {
            let rendered = await pool.render(document, page: page, declared: DeclaredType(), limits: limits)
            guard rendered.previews.count == 1 else { throw ValidationError("a worker did not render page \(page): \(rendered.reasons)") }
        }
        return (ContinuousClock.now - start).milliseconds / Double(documents.count)
    }

    /// Milliseconds per page as a library call in this process.
    func inProcess(_ documents: [[UInt8]], limits: IntakeLimits) throws -> Double {
        let start = ContinuousClock.now
        for document in documents {
            let rendered = CertificateInspector.inspect(document, declared: DeclaredType(), renderingPage: page, limits: limits)
            guard rendered.previews.count == 1 else { throw ValidationError("page \(page) was not rendered: \(rendered.reasons)") }
        }
        return (ContinuousClock.now - start).milliseconds / Double(documents.count)
    }
}
