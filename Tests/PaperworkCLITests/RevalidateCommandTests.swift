import Foundation
import Intake
import Isolation
import Logging
import Store
import StoreTestSupport
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `paperwork revalidate` as an operator runs it: the real binary, its worker pool, a SQLite
/// file, and a SIGKILL in the middle.
@Suite("paperwork revalidate", .serialized)
struct RevalidateCommandTests {
    static let samples = [
        "de-handelsregister-auszug.pdf", "fr-extrait-kbis.pdf", "hk-certificate-of-incorporation.pdf", "jp-rireki-jiko-zenbu-shomeisho.pdf",
        "scan-certificate.pdf", "sg-acra-business-profile.pdf", "uk-certificate-of-incorporation.pdf",
    ]

    /// The samples as stored documents, with the verdicts they get today.
    static func sampleFiles() throws -> [(name: String, bytes: [UInt8], verdict: String, reasons: [String], pages: Int)] {
        try samples.map { name in
            let bytes = try [UInt8](Data(contentsOf: SourceTree.root.appendingPathComponent("samples/" + name)))
            let inspection = CertificateInspector.inspect(bytes)
            return (name: name, bytes: bytes, verdict: inspection.verdict.rawValue, reasons: inspection.reasons.map(\.rawValue), pages: inspection.pages)
        }
    }

    /// Waits for a started process on a thread of its own; returns its exit and what it printed.
    static func finish(_ process: ChildProcess.Running) async -> (status: Int32?, output: [String]) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var lines: [String] = []
                while let line = process.readLine() { lines.append(line) }
                continuation.resume(returning: (process.waitForExit().exitStatus, lines))
            }
        }
    }

    @Test("on PostgreSQL a second process joins a run (--join): both record documents, none is recorded or claimed twice",
          .enabled(if: Backend.available.contains(.postgres)))
    func twoProcessesShareARun() async throws {
        let (store, directory) = try await Backend.postgres.freshStore()
        guard case let .postgres(url) = store.location else { Issue.record("not PostgreSQL"); return }
        let common = ["--database-url", url, "--data-directory", directory, "--workers", "1", "--batch-size", "4", "--progress", "none"]
        let total = 700
        do {
            try await store.migrate()
            _ = try await seedCertificates(store, files: try Self.sampleFiles(), count: total)
            let first = try ChildProcess.start(PaperworkBinary.path, ["revalidate"] + common)
            var run: RevalidationRunRecord?
            let deadline = Date().addingTimeInterval(60)
            while run == nil, Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
                run = try await store.withSession { try await RevalidationRepository.runs(limit: 1, on: $0) }.first
            }
            let runID = try #require(run?.id)
            let second = try ChildProcess.start(PaperworkBinary.path, ["revalidate", "--join", runID] + common)
            async let firstEnded = Self.finish(first)
            async let secondEnded = Self.finish(second)
            let (a, b) = await (firstEnded, secondEnded)
            // The one that ends while the other still holds items says so (3); the last one finishes the run (0).
            #expect(Set([a.status, b.status]).isSubset(of: [0, 3]) && [a.status, b.status].contains(0), "\(a) \(b)")
            func recorded(_ output: [String]) -> Int? {
                output.lazy.compactMap { line in line.firstRange(of: /\((\d+) by this process\)/).flatMap { Int(line[$0].dropFirst().prefix { $0.isNumber }) } }.first
            }
            let byFirst = try #require(recorded(a.output)), bySecond = try #require(recorded(b.output))
            #expect(byFirst > 0 && bySecond > 0, "both processes did some of the work")
            #expect(byFirst + bySecond == total)
            let counts = try await store.withSession { try await RevalidationRepository.stateCounts(runID: runID, on: $0) }
            #expect(counts == ["done": total])
            let claimedTwice = try await store.withSession { database in
                try await database.raw("SELECT COUNT(*) AS n FROM revalidation_items WHERE run_id = \(bind: runID) AND attempts <> 1").first(decodingColumn: "n", as: Int.self) ?? -1
            }
            #expect(claimedTwice == 0)
            #expect(try await store.withSession { try await RevalidationRepository.run(id: runID, on: $0) }?.status == "finished")
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    /// Runs the binary to its end on a thread of its own: waiting for it must not hold one of
    /// the few threads every suite's async work shares.
    static func run(_ arguments: [String]) async throws -> ChildProcess.Outcome {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try ChildProcess.run(PaperworkBinary.path, arguments, capturingErrors: true) })
            }
        }
    }

    @Test("--ocr reads every scan again in the run's workers and stores the OCR text and evidence with each")
    func readsScansAgain() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-revalidate-ocr-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let store = try await Store.open(try DatabaseLocation(url: nil, dataDirectory: directory), dataDirectory: directory, logger: Logger(label: "test"))
        do {
            try await store.migrate()
            let files = try Self.sampleFiles().filter { $0.name == "scan-certificate.pdf" || $0.name == "uk-certificate-of-incorporation.pdf" }
            let ids = try await seedCertificates(store, files: files, count: 2, legalName: "Northwind Connect Limited", registrationNumber: "12345678")
            let outcome = try await Self.run(["revalidate", "--ocr", "--progress", "none", "--workers", "1", "--data-directory", directory])
            #expect(outcome.exitStatus == 0, "\(String(decoding: outcome.errors, as: UTF8.self))")
            #expect(String(decoding: outcome.output, as: UTF8.self).contains("ocr: 1 scans queued; by this process: done 1"))
            let scan = try #require(ids.first { id in files[ids.firstIndex(of: id)! % files.count].name == "scan-certificate.pdf" })
            let json = try #require(try await store.withSession { try await CertificateRepository.inspectionJSON(id: scan, on: $0) })
            let inspection = try JSONDecoder().decode(Inspection.self, from: Data(json.utf8))
            #expect(inspection.ocr.first?.status == .recognized)
            #expect(inspection.evidence.fromOCR)
            #expect(inspection.evidence.registrationNumber?.found == true)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    @Test("a policy change, a run killed halfway (SIGKILL) and resumed: every document examined once, exactly the two-page ones reported")
    func killedAndResumed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-revalidate-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The new policy: one page at most (the samples' two-page PDFs become `too_many_pages`).
        let envFile = directory + "/policy.env"
        try "INTAKE_MAX_PAGES=1\n".write(toFile: envFile, atomically: true, encoding: .utf8)
        let common = ["--data-directory", directory, "--env-file", envFile, "--workers", "1"]

        let store = try await Store.open(try DatabaseLocation(url: nil, dataDirectory: directory), dataDirectory: directory, logger: Logger(label: "test"))
        let files = try Self.sampleFiles()
        let total = 1400
        do {
            try await store.migrate()
            let ids = try await seedCertificates(store, files: files, count: total)
            let twoPages = Set(ids.enumerated().filter { files[$0.offset % files.count].pages > 1 }.map(\.element))
            #expect(twoPages.count == total / 7 * 3)

            let first = try ChildProcess.start(PaperworkBinary.path, ["revalidate", "--batch-size", "4", "--progress", "none"] + common)
            // Kill it once about a third is recorded.
            var done = 0
            let deadline = Date().addingTimeInterval(120)
            while done < total / 3, Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
                done = try await store.withSession { database in
                    try await database.raw("SELECT COUNT(*) AS n FROM revalidation_items WHERE state = 'done'").first(decodingColumn: "n", as: Int.self) ?? 0
                }
            }
            first.send(SIGKILL)
            #expect(first.waitForExit().signal == SIGKILL)
            let run = try #require(try await store.withSession { try await RevalidationRepository.runs(limit: 1, on: $0) }.first)
            let killedAt = try await store.withSession { try await RevalidationRepository.stateCounts(runID: run.id, on: $0) }
            #expect((killedAt["done"] ?? 0) >= total / 3 && (killedAt["done"] ?? 0) < total, "killed halfway: \(killedAt)")

            let report = directory + "/changed.jsonl"
            let resumed = try await Self.run(["revalidate", "--resume", run.id, "--report", report, "--progress", "lines"] + common)
            #expect(resumed.exitStatus == 0, "\(String(decoding: resumed.errors, as: UTF8.self))")
            #expect(String(decoding: resumed.output, as: UTF8.self).contains("run \(run.id): \(total)/\(total) done"))
            #expect(String(decoding: resumed.errors, as: UTF8.self).contains("revalidation \(run.id): "), "plain progress lines when not on a terminal")

            // Every document has exactly one result; only the batch in flight at the kill was examined again.
            let counts = try await store.withSession { try await RevalidationRepository.stateCounts(runID: run.id, on: $0) }
            #expect(counts == ["done": total])
            let retried = try await store.withSession { database in
                try await database.raw("SELECT COUNT(*) AS n FROM revalidation_items WHERE run_id = \(bind: run.id) AND attempts > 1").first(decodingColumn: "n", as: Int.self) ?? 0
            }
            #expect(retried <= 4 * 2, "at most one batch per lane is redone")
            let audited = try await store.withSession { database in
                try await database.raw("SELECT COUNT(*) AS n FROM audit_log WHERE actor = \(bind: "revalidation:" + run.id)").first(decodingColumn: "n", as: Int.self) ?? 0
            }
            #expect(audited == twoPages.count, "one audit entry per changed document, none twice")

            let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
            let reported = Set(lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["document_id"] as? String })
            #expect(lines.count == twoPages.count)
            #expect(reported == twoPages)
            #expect(run.policyVersion.hasPrefix("r\(CertificateInspector.rulesRevision)-") && run.libmagicVersion.count > 0 && run.popplerVersion.count > 0)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
