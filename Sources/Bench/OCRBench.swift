import ArgumentParser
import Foundation
import Intake
import Isolation

/// OCR throughput per page: the page images read through a worker as an OCR job reads them
/// (the file judged again, decoded, recognised, the result sent back), against the `tesseract`
/// command on the same images with the same languages and OpenMP thread limit, run as a
/// process per page as a shell loop (or ocrmypdf) runs it. Paired rounds; the ratio is the
/// median of the per-round ratios.
struct OCRBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocr",
        abstract: "OCR per page through a worker, against the tesseract command on the same page images (same languages, same threads)."
    )

    @Argument(help: "Page images (PNG or JPEG), e.g. samples/scan-certificate.png.")
    var files: [String]

    @Option(help: "Tesseract languages joined by + (the same for both).")
    var languages = "eng"

    @Option(help: "OpenMP threads per process (OMP_THREAD_LIMIT) for both; Paperwork's workers use 1.")
    var threads = 1

    @Option(help: "Rounds, each running tesseract and Paperwork back to back; the median counts.")
    var rounds = 5

    @Option(help: "The paperwork binary whose workers read the pages (default: beside this one).")
    var paperwork: String?

    @Option(help: "The tesseract command.")
    var tesseract = "/usr/bin/tesseract"

    func run() async throws {
        let images = files.filter { [".png", ".jpg", ".jpeg"].contains(where: $0.lowercased().hasSuffix) }
        guard !images.isEmpty else { throw ValidationError("give PNG or JPEG page images") }
        let documents = try images.map { try readFile($0) }
        var policy = OCRPolicy()
        policy.languages = languages.split(separator: "+").map(String.init)
        var configuration = WorkerPool.Configuration(executable: paperwork ?? URL(fileURLWithPath: WorkerPool.Configuration.currentExecutable)
            .deletingLastPathComponent().appendingPathComponent("paperwork").path)
        configuration.size = 1
        configuration.environment["OMP_THREAD_LIMIT"] = String(threads)
        let pool = WorkerPool(configuration: configuration)
        try await pool.start()

        // Warm-up: the page cache, the worker's engine for these languages.
        _ = try reference(images)
        _ = try await throughWorker(documents, pool: pool, policy: policy)

        var theirs: [Double] = [], ours: [Double] = []
        for _ in 0..<rounds {
            theirs.append(try reference(images))
            ours.append(try await throughWorker(documents, pool: pool, policy: policy))
        }
        await pool.shutdown()
        print("\(images.count) page image(s), languages \(languages), \(threads) thread(s) per process, \(rounds) rounds; medians in ms per page; the ratio is the median of per-round ratios")
        print(String(format: "tesseract (a process per page):      %8.1f", IntakeBench.median(theirs)))
        print(String(format: "paperwork through a worker (OCR job): %8.1f", IntakeBench.median(ours)))
        IntakeBench.printRatio("worker / tesseract", ours, theirs)
    }

    /// Milliseconds per page for the tesseract command, its text to stdout.
    func reference(_ paths: [String]) throws -> Double {
        let start = ContinuousClock.now
        for path in paths {
            let text = try IntakeBench.run("/usr/bin/env", ["OMP_THREAD_LIMIT=\(threads)", tesseract, path, "stdout", "-l", languages])
            guard !text.isEmpty else { throw ValidationError("tesseract read nothing in \(path)") }
        }
        return (ContinuousClock.now - start).milliseconds / Double(paths.count)
    }

    /// Milliseconds per page through one worker, as an OCR job asks for it.
    func throughWorker(_ documents: [[UInt8]], pool: WorkerPool, policy: OCRPolicy) async throws -> Double {
        let start = ContinuousClock.now
        for document in documents {
            let read = await pool.recognize(document, declared: DeclaredType(), claims: CompanyClaims(), limits: IntakeLimits(), policy: policy)
            guard let page = read.ocr.first, page.status == .recognized, !page.text.isEmpty else {
                throw ValidationError("a worker did not read the page: \(read.reasons) \(read.ocr.first?.reason ?? "")")
            }
        }
        return (ContinuousClock.now - start).milliseconds / Double(documents.count)
    }
}
