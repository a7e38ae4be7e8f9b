import Composition
import Foundation
import Hummingbird
import HummingbirdTesting
import Intake
import Isolation
import Logging
import Store
import StoreTestSupport
import Synchronization
import Testing
import TestSupport
import Workflow
@testable import PaperworkHTTP

/// OCR of scans through the service: an upload with no text layer is answered at once and
/// queued with an OCR job; the job, worked in the background, brings the OCR text and the
/// evidence to the review view and the text endpoint. Jobs survive a restart, two instances
/// never read the same document, and a failing engine costs only its job.
@Suite("OCR jobs")
struct OCRJobTests {
    /// A recognizer that counts the documents it reads, over a real one: how the tests see
    /// that no document is read twice.
    final class CountingRecognizer: DocumentInspector {
        let inner: any DocumentInspector
        let reads = Mutex<[String: Int]>([:])

        init(_ inner: any DocumentInspector) { self.inner = inner }

        func inspect(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection, receivedOn: CalendarDay?) async -> Inspection {
            await inner.inspect(document, declared: declared, claims: claims, limits: limits, previews: previews, receivedOn: receivedOn)
        }
        func inspectOversized(head: [UInt8], size: Int, sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
            await inner.inspectOversized(head: head, size: size, sha256: sha256, declared: declared, limits: limits)
        }
        func judge(_ document: [UInt8], sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
            await inner.judge(document, sha256: sha256, declared: declared, limits: limits)
        }
        func render(_ document: [UInt8], page: Int, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
            await inner.render(document, page: page, declared: declared, limits: limits)
        }
        func recognize(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, policy: OCRPolicy, receivedOn: CalendarDay?) async -> Inspection {
            let inspection = await inner.recognize(document, declared: declared, claims: claims, limits: limits, policy: policy, receivedOn: receivedOn)
            reads.withLock { $0[inspection.sha256, default: 0] += 1 }
            return inspection
        }
    }

    /// A worker pool whose workers crash (SIGSEGV) on every OCR request: a real crash of a real
    /// process, as a hostile scan could cause in the OCR engine.
    struct CrashingRecognizer: DocumentInspector {
        let pool: WorkerPool

        func inspect(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, previews: PreviewSelection, receivedOn: CalendarDay?) async -> Inspection {
            await pool.inspect(document, declared: declared, claims: claims, limits: limits, previews: previews, receivedOn: receivedOn)
        }
        func inspectOversized(head: [UInt8], size: Int, sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
            await pool.inspectOversized(head: head, size: size, sha256: sha256, declared: declared, limits: limits)
        }
        func judge(_ document: [UInt8], sha256: String, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
            await pool.judge(document, sha256: sha256, declared: declared, limits: limits)
        }
        func render(_ document: [UInt8], page: Int, declared: DeclaredType, limits: IntakeLimits) async -> Inspection {
            await pool.render(document, page: page, declared: declared, limits: limits)
        }
        func recognize(_ document: [UInt8], declared: DeclaredType, claims: CompanyClaims, limits: IntakeLimits, policy: OCRPolicy, receivedOn: CalendarDay?) async -> Inspection {
            await pool.recognize(document, declared: declared, claims: claims, limits: limits, policy: policy, receivedOn: receivedOn, fault: .segmentationFault)
        }
    }

    static func recognition(_ store: Store, recognizer: any DocumentInspector, adjust: (inout ScanRecognition.Policy) -> Void = { _ in }) -> ScanRecognition {
        var policy = TestService.settings.scanRecognitionPolicy
        adjust(&policy)
        return ScanRecognition(store: store, recognizer: recognizer, policy: policy, limits: TestService.settings.intakeLimits, logger: Logger(label: "paperwork.tests"))
    }

    /// Signs up, registers Northwind (GB 12345678) and uploads `file`; returns the certificate id.
    func uploadScan(_ client: some TestClientProtocol, _ service: TestService, email: String, _ file: String, type: String) async throws -> String {
        let token = try await signUp(client, service, email: email)
        let company = try #require(try await client.call(.post, "/v1/companies", token: token, json: [
            "legal_name": "Northwind Connect Limited", "country": "GB", "registration_number": "12345678",
        ]).string("id"))
        let answer = try await uploadSample(client, token: token, company: company, file, type: type)
        #expect(answer.status == .created, "a scan is queued at once, before any OCR")
        #expect(answer.string("verdict") == "needs_visual_review")
        return try #require(answer.string("id"))
    }

    @Test("a scan uploaded through the API is queued at once; once its job ran, the review view and the text show the OCR text and the evidence", arguments: Backend.available)
    func scanThroughTheAPI(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let id = try await uploadScan(client, service, email: "scan@northwind.example", "scan-certificate.jpg", type: "image/jpeg")

            let before = try await client.call(.get, "/v1/certificates/\(id)/review", token: reviewer)
            let queued = try #require(before["ocr"] as? [String: Any])
            #expect(queued["status"] as? String == "queued")
            let evidenceBefore = try #require(before["evidence"] as? [String: Any])
            #expect(evidenceBefore["from_ocr"] as? Bool == false)

            let recognition = Self.recognition(service.store, recognizer: InProcessInspector())
            let worked = try await recognition.workNext(as: "test-instance")
            #expect(worked?.certificateID == id)
            #expect(worked?.outcome == .done)
            #expect(try await recognition.workNext(as: "test-instance") == nil, "one job per upload")

            let after = try await client.call(.get, "/v1/certificates/\(id)/review", token: reviewer)
            let done = try #require(after["ocr"] as? [String: Any])
            #expect(done["status"] as? String == "done")
            let page = try #require((done["pages"] as? [[String: Any]])?.first)
            #expect(page["status"] as? String == "recognized")
            #expect((page["confidence"] as? Int ?? 0) >= 70)
            let evidence = try #require(after["evidence"] as? [String: Any])
            #expect(evidence["from_ocr"] as? Bool == true)
            #expect((evidence["legal_name"] as? [String: Any])?["found"] as? Bool == true)
            #expect((evidence["registration_number"] as? [String: Any])?["found"] as? Bool == true)

            let text = try await client.call(.get, "/v1/certificates/\(id)/text", token: reviewer)
            let first = try #require((text["pages"] as? [[String: Any]])?.first)
            #expect(first["source"] as? String == "ocr")
            #expect((first["text"] as? String)?.contains("12345678") == true)
            #expect(first["confidence"] is Int)
        }
    }

    @Test("the console says OCR is in progress, then shows the OCR text marked as such, with the evidence found by OCR, in the queue and on the page")
    func consoleShowsOCR() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let id = try await uploadScan(client, service, email: "console@northwind.example", "scan-certificate.pdf", type: "application/pdf")
            var (browser, _) = try await ConsoleTests.signIn(client, token: reviewer)
            let (_, pending, _) = try await browser.get(client, "/console/certificates/\(id)")
            #expect(pending.contains("OCR in progress"))
            let (_, queuedRow, _) = try await browser.get(client, "/console/queue")
            #expect(queuedRow.contains("OCR in progress"))

            #expect(try await Self.recognition(service.store, recognizer: InProcessInspector()).workNext(as: "instance")?.outcome == .done)
            let (_, page, _) = try await browser.get(client, "/console/certificates/\(id)")
            #expect(!page.contains("OCR in progress"))
            #expect(page.contains("the text below was read by OCR"))
            #expect(page.contains("text read by OCR"))
            #expect(page.contains("found by OCR on page(s) 1"))
            #expect(page.contains("<mark>NORTHWIND CONNECT LIMITED</mark>"), "the declared name is highlighted in the OCR text")
            let (_, queue, _) = try await browser.get(client, "/console/queue")
            #expect(queue.contains("OCR: <span class=\"found\">name found</span>"))
        }
    }

    @Test("a text PDF gets no OCR job")
    func noJobForTextLayer() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let token = try await signUp(client, service, email: "text@northwind.example")
            let company = try await register(client, token: token, name: "Northwind Connect Limited")
            let id = try #require(try await uploadSample(client, token: token, company: company, "uk-certificate-of-incorporation.pdf").string("id"))
            let review = try await client.call(.get, "/v1/certificates/\(id)/review", token: reviewer)
            #expect(review["ocr"] == nil)
            let text = try await client.call(.get, "/v1/certificates/\(id)/text", token: reviewer)
            #expect((text["pages"] as? [[String: Any]])?.first?["source"] as? String == "text_layer")
        }
    }

    @Test("a job taken by an instance that dies is taken again after its lease, by the instance that restarts", arguments: Backend.available)
    func survivesRestart(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let id = try await uploadScan(client, service, email: "restart@northwind.example", "scan-certificate.png", type: "image/png")
            // The first instance takes the job, then dies before it records anything.
            let clock = TestClock()
            _ = try await service.store.transaction { [dialect = service.store.dialect] database in
                try await OCRJobRepository.claim(owner: "dead-instance", until: Timestamp.format(clock.now.addingTimeInterval(60)), now: Timestamp.format(clock.now), dialect: dialect, on: database)
            }
            let restarted = ScanRecognition(
                store: service.store, recognizer: InProcessInspector(), policy: TestService.settings.scanRecognitionPolicy,
                limits: TestService.settings.intakeLimits, clock: { clock.now.addingTimeInterval(61) }, logger: Logger(label: "paperwork.tests")
            )
            let early = ScanRecognition(
                store: service.store, recognizer: InProcessInspector(), policy: TestService.settings.scanRecognitionPolicy,
                limits: TestService.settings.intakeLimits, clock: { clock.now.addingTimeInterval(30) }, logger: Logger(label: "paperwork.tests")
            )
            #expect(try await early.workNext(as: "other") == nil, "not while the lease holds")
            let worked = try await restarted.workNext(as: "restarted-instance")
            #expect(worked?.certificateID == id)
            #expect(worked?.outcome == .done)
            let job = try #require(try await restarted.job(certificateID: id))
            #expect(job.state == .done)
            #expect(job.attempts == 2, "the lapsed lease counts as an attempt")
            // The dead instance's late answer is refused: the job is no longer its own.
            let late = try await service.store.transaction { try await OCRJobRepository.finish(certificateID: id, owner: "dead-instance", state: .done, now: Timestamp.now(), on: $0) }
            #expect(!late)
        }
    }

    @Test("a server restart mid-queue: the reopened store's jobs are worked to the end")
    func restartMidQueue() async throws {
        let (store, directory) = try await Backend.sqlite.freshStore()
        try await store.migrate()
        let dependencies = try await TestService.dependencies(store: store)
        let service = TestService(store: store, dependencies: dependencies)
        let uploaded = Mutex<[String]>([])
        try await Application(router: buildRouter(dependencies: dependencies)).test(.router) { client in
            for (index, file) in ["scan-certificate.png", "scan-certificate.jpg", "scan-certificate.pdf"].enumerated() {
                let type = file.hasSuffix(".png") ? "image/png" : file.hasSuffix(".jpg") ? "image/jpeg" : "application/pdf"
                let id = try await uploadScan(client, service, email: "queue\(index)@northwind.example", file, type: type)
                uploaded.withLock { $0.append(id) }
            }
        }
        let ids = uploaded.withLock { $0 }
        // One job done, then the server stops.
        #expect(try await Self.recognition(store, recognizer: InProcessInspector()).workNext(as: "before-restart")?.outcome == .done)
        await store.close()

        let reopened = try await Store.open(try DatabaseLocation(url: nil, dataDirectory: directory), dataDirectory: directory, logger: Logger(label: "paperwork.tests"))
        let outcomes = try await Self.recognition(reopened, recognizer: InProcessInspector()).drain(as: "after-restart")
        #expect(outcomes == [.done: 2])
        for id in ids {
            let job = try #require(try await reopened.withSession { try await OCRJobRepository.job(certificateID: id, on: $0) })
            #expect(job.state == .done)
            let stored = try #require(try await reopened.withSession { try await CertificateRepository.inspectionJSON(id: id, on: $0) })
            let inspection = try JSONDecoder().decode(Inspection.self, from: Data(stored.utf8))
            #expect(inspection.evidence.fromOCR && inspection.evidence.registrationNumber?.found == true)
        }
        await reopened.close()
    }

    @Test("the same scan uploaded again is not read again: the finished OCR's pages are reused, the evidence searched for the new company's claims")
    func identicalScanReused() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            let first = try await uploadScan(client, service, email: "first@northwind.example", "scan-certificate.png", type: "image/png")
            let counting = CountingRecognizer(InProcessInspector())
            let recognition = Self.recognition(service.store, recognizer: counting)
            #expect(try await recognition.workNext(as: "instance")?.outcome == .done)

            // Another company, with another registration number, uploads the same file.
            let token = try await signUp(client, service, email: "second@northwind.example")
            let company = try #require(try await client.call(.post, "/v1/companies", token: token, json: [
                "legal_name": "Northwind Connect Limited", "country": "GB", "registration_number": "87654321",
            ]).string("id"))
            let second = try #require(try await uploadSample(client, token: token, company: company, "scan-certificate.png", type: "image/png").string("id"))
            let worked = try await recognition.workNext(as: "instance")
            #expect(worked?.certificateID == second && worked?.outcome == .done)
            #expect(counting.reads.withLock { $0.values.reduce(0, +) } == 1, "the file was read by OCR once")

            let firstText = try await client.call(.get, "/v1/certificates/\(first)/text", token: reviewer)
            let secondText = try await client.call(.get, "/v1/certificates/\(second)/text", token: reviewer)
            let page = try #require((secondText["pages"] as? [[String: Any]])?.first)
            #expect(page["source"] as? String == "ocr")
            #expect((page["text"] as? String)?.contains("12345678") == true)
            #expect(page["text"] as? String == (firstText["pages"] as? [[String: Any]])?.first?["text"] as? String)
            let evidence = try #require(try await client.call(.get, "/v1/certificates/\(second)/review", token: reviewer)["evidence"] as? [String: Any])
            #expect(evidence["from_ocr"] as? Bool == true)
            #expect((evidence["legal_name"] as? [String: Any])?["found"] as? Bool == true)
            #expect((evidence["registration_number"] as? [String: Any])?["found"] as? Bool == false, "this company's number is not on the scan")

            // A revalidation run reads the file again on purpose (a newer engine, other models):
            // once, then its second job reuses what this run read.
            #expect(try await recognition.requeueAllScans() == 2)
            #expect(try await recognition.drain(as: "instance")[.done] == 2)
            #expect(counting.reads.withLock { $0.values.reduce(0, +) } == 2, "read again by the run, once")
        }
    }

    @Test("two instances on PostgreSQL share the queue and never read the same document twice", .enabled(if: Backend.available.contains(.postgres)))
    func twoInstancesOnPostgres() async throws {
        let service = try await TestService.make(.postgres)
        try await service.run { client in
            var ids: [String] = []
            for index in 0..<6 {
                ids.append(try await uploadScan(client, service, email: "pg\(index)@northwind.example", index % 2 == 0 ? "scan-certificate.png" : "scan-certificate.jpg", type: index % 2 == 0 ? "image/png" : "image/jpeg"))
            }
            let counting = CountingRecognizer(InProcessInspector())
            // A second instance: its own connections to the same database.
            let settings = service.store.location
            let other = try await Store.open(settings, dataDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-second-\(UUID().uuidString)").path, logger: Logger(label: "paperwork.tests"))
            async let first = Self.recognition(service.store, recognizer: counting).drain(as: "instance-a")
            async let second = Self.recognition(other, recognizer: counting).drain(as: "instance-b")
            let (a, b) = try await (first, second)
            await other.close()
            #expect((a[.done] ?? 0) + (b[.done] ?? 0) == ids.count)
            #expect(a[.lost] == nil && b[.lost] == nil)
            let reads = counting.reads.withLock { $0 }
            // A file whose OCR finished is not read again (its pages are reused), so the two
            // files are read at least once each and no job more than once.
            #expect(reads.count == 2 && reads.values.reduce(0, +) <= ids.count, "each job read at most once: \(reads)")
        }
    }

    @Test("a worker that crashes while reading costs only its job: retried, then failed with processing_failed; the pool replaces the worker")
    func crashCostsOnlyTheJob() async throws {
        let service = try await TestService.make()
        var configuration = WorkerPool.Configuration(executable: PaperworkBinary.path)
        configuration.size = 1
        configuration.allowsFaultInjection = true
        let pool = WorkerPool(configuration: configuration)
        try await pool.start()
        try await service.run { client in
            let id = try await uploadScan(client, service, email: "crash@northwind.example", "scan-certificate.jpg", type: "image/jpeg")
            let recognition = Self.recognition(service.store, recognizer: CrashingRecognizer(pool: pool)) {
                $0.maxAttempts = 2
                $0.retryDelay = 0
            }
            #expect(try await recognition.workNext(as: "instance")?.outcome == .retried)
            #expect(try await recognition.workNext(as: "instance")?.outcome == .failed)
            let job = try #require(try await recognition.job(certificateID: id))
            #expect(job.errorCode == "processing_failed")
            // The slot starts the replacement right after answering; give it the time to say hello.
            for _ in 0..<100 where pool.alive < 1 { try await Task.sleep(for: .milliseconds(100)) }
            #expect(pool.alive == 1, "the crashed worker was replaced")
            #expect(pool.replacements == 4, "each attempt: the pool tries a crashing document on a second worker before it gives up")
            let review = try await client.call(.get, "/v1/certificates/\(id)/review", token: try await staffToken(service, role: .reviewer, name: "rita"))
            #expect((review["ocr"] as? [String: Any])?["status"] as? String == "failed")
            #expect((review["certificate"] as? [String: Any])?["status"] as? String == "queued")
        }
        await pool.shutdown()
    }

    @Test("an OCR engine that overruns its worker's time costs only its job: retried, then failed with processing_timeout; the upload is untouched")
    func timeoutCostsOnlyTheJob() async throws {
        let service = try await TestService.make()
        var configuration = WorkerPool.Configuration(executable: PaperworkBinary.path)
        configuration.size = 1
        configuration.timeout = .milliseconds(1)
        let pool = WorkerPool(configuration: configuration)
        try await pool.start()
        try await service.run { client in
            let id = try await uploadScan(client, service, email: "slow@northwind.example", "scan-certificate.png", type: "image/png")
            let recognition = Self.recognition(service.store, recognizer: pool) {
                $0.maxAttempts = 2
                $0.retryDelay = 0
                $0.pages.secondsPerPage = 0.001
            }
            #expect(try await recognition.workNext(as: "instance")?.outcome == .retried)
            #expect(try await recognition.workNext(as: "instance")?.outcome == .failed)
            let job = try #require(try await recognition.job(certificateID: id))
            #expect(job.state == .failed)
            #expect(job.errorCode == "processing_timeout")
            let certificate = try await client.call(.get, "/v1/certificates/\(id)", token: try await staffToken(service, role: .reviewer, name: "rita"))
            #expect(certificate.string("status") == "queued", "the upload stays in the review queue")
            #expect(certificate.string("verdict") == "needs_visual_review")
        }
        await pool.shutdown()
    }
}
