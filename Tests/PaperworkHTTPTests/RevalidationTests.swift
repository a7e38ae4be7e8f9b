import Foundation
import HummingbirdTesting
import Intake
import Isolation
import NIOCore
import SQLKit
@testable import Store
import StoreTestSupport
import Testing
import Workflow
@testable import PaperworkHTTP

/// Batch revalidation: a changed policy is applied to everything stored, the report and the
/// review queue hold exactly what changed, no reviewer's decision is undone, and several
/// workers share a run without doing a document twice.
@Suite("Revalidation runs")
struct RevalidationTests {
    /// Signs a company up, uploads `file`, and (when `approve`) has a reviewer approve it.
    func company(_ client: some TestClientProtocol, _ service: TestService, file: String, name: String, approve: Bool, reviewer: String) async throws -> (admin: String, company: String, certificate: String) {
        let admin = try await signUp(client, service, email: "admin@\(name.lowercased().filter(\.isLetter)).example")
        let company = try await register(client, token: admin, name: name)
        let uploaded = try await uploadSample(client, token: admin, company: company, file, type: file.hasSuffix(".pdf") ? "application/pdf" : "application/octet-stream")
        let certificate = try #require(uploaded.string("id") ?? uploaded.string("certificate_id"))
        if approve {
            #expect(try await client.call(.post, "/v1/review/claims", token: reviewer, json: ["certificate_id": certificate]).status == .ok)
            let decided = try await client.call(.post, "/v1/certificates/\(certificate)/decision", token: reviewer, json: ["outcome": "approve", "reason_code": "document_matches"])
            #expect(decided.string("status") == "approved")
        }
        return (admin, company, certificate)
    }

    func reportLines(_ client: some TestClientProtocol, run: String, token: String) async throws -> [[String: Any]] {
        try await client.execute(uri: "/v1/revalidations/\(run)/report", method: .get, headers: [.authorization: "Bearer \(token)"], body: nil) { response in
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/x-ndjson")
            return String(buffer: response.body).split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    @Test("a policy of one page at most: exactly the two-page documents change; a verified company's goes back to review and the company stays verified", arguments: Backend.available)
    func policyChange(_ backend: Backend) async throws {
        let service = try await TestService.make(backend, revalidation: { $0.limits.maxPages = 1 })
        try await service.run { client in
            let operatorToken = try await staffToken(service, role: .operator, name: "olga")
            let reviewer = try await staffToken(service, role: .reviewer, name: "rita")
            // Two verified companies (a two-page Kbis, a one-page UK certificate), one waiting
            // (a two-page ACRA profile), and one whose upload was refused at intake.
            let kbis = try await company(client, service, file: "fr-extrait-kbis.pdf", name: "Kbis Reseaux SAS", approve: true, reviewer: reviewer)
            let uk = try await company(client, service, file: "uk-certificate-of-incorporation.pdf", name: "Northwind Connect Ltd", approve: true, reviewer: reviewer)
            let acra = try await company(client, service, file: "sg-acra-business-profile.pdf", name: "Straits Interconnect Pte Ltd", approve: false, reviewer: reviewer)
            let refused = try await company(client, service, file: "bad/html-renamed.pdf", name: "Refused Ltd", approve: false, reviewer: reviewer)

            #expect(try await client.call(.post, "/v1/revalidations", token: reviewer, json: [:]).code == "operator_only")
            #expect(try await client.call(.post, "/v1/revalidations", token: operatorToken, json: ["statuses": ["nope"]]).code == "invalid_status")
            let started = try await client.call(.post, "/v1/revalidations", token: operatorToken, json: [:])
            #expect(started.status == .accepted)
            let run = try #require((started["run"] as? [String: Any])?["id"] as? String)
            #expect((started["run"] as? [String: Any])?["total"] as? Int == 4)
            #expect((started["run"] as? [String: Any])?["policy_version"] as? String == service.dependencies.revalidation?.settings.limits.policyVersion)

            // The server's background service works it; here the test does, as a second process would.
            let summary = try await #require(service.dependencies.revalidation).work(runID: run, worker: "test")
            #expect(summary.finished && summary.recorded == 4)

            let status = try await client.call(.get, "/v1/revalidations/\(run)", token: operatorToken)
            #expect((status["run"] as? [String: Any])?["status"] as? String == "finished")
            #expect(status["done"] as? Int == 4)
            #expect(status["outcomes"] as? [String: Int] == ["verdict_changed": 2, "unchanged": 2])

            let lines = try await reportLines(client, run: run, token: operatorToken)
            #expect(Set(lines.compactMap { $0["document_id"] as? String }) == [kbis.certificate, acra.certificate])
            for line in lines {
                #expect(line["verdict"] as? String == "rejected")
                #expect((line["reasons"] as? [String])?.contains("too_many_pages") == true)
                #expect(line["requeued"] as? Bool == (line["document_id"] as? String == kbis.certificate))
            }
            let csv = try await client.execute(uri: "/v1/revalidations/\(run)/report?format=csv", method: .get, headers: [.authorization: "Bearer \(operatorToken)"], body: nil) { response in
                (response.headers[.contentType], String(buffer: response.body))
            }
            #expect(csv.0 == "text/csv; charset=utf-8")
            let rows = csv.1.split(separator: "\r\n")
            #expect(rows.count == 3 && rows[0].hasPrefix("run_id,document_type,document_id,outcome"))

            // The verified company's document is back in the queue, marked; the company is still verified.
            let queue = try await client.call(.get, "/v1/review/queue", token: reviewer)
            let items = try #require(queue["items"] as? [[String: Any]])
            let requeued = try #require(items.first { $0["certificate_id"] as? String == kbis.certificate })
            #expect(requeued["source"] as? String == "revalidation")
            #expect(requeued["company_id"] as? String == kbis.company)
            #expect(items.contains { $0["certificate_id"] as? String == acra.certificate })
            #expect(!items.contains { $0["certificate_id"] as? String == uk.certificate || $0["certificate_id"] as? String == refused.certificate })
            #expect(try await client.call(.get, "/v1/companies/\(kbis.company)", token: kbis.admin).string("status") == "verified")

            // A reviewer decides it: approving again keeps the company verified, and the audit says so.
            #expect(try await client.call(.post, "/v1/review/claims", token: reviewer, json: ["certificate_id": kbis.certificate]).status == .ok)
            let decided = try await client.call(.post, "/v1/certificates/\(kbis.certificate)/decision", token: reviewer, json: ["outcome": "approve", "reason_code": "document_matches"])
            #expect(decided.string("status") == "approved")
            #expect(try await client.call(.get, "/v1/companies/\(kbis.company)", token: kbis.admin).string("status") == "verified")
            let audit = try await client.call(.get, "/v1/audit?entity_id=\(kbis.certificate)", token: operatorToken)
            let actions = (audit["entries"] as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.contains("requeued_by_revalidation"))
            let companyAudit = try await client.call(.get, "/v1/audit?entity_id=\(kbis.company)", token: operatorToken)
            #expect((companyAudit["entries"] as? [[String: Any]] ?? []).contains { $0["action"] as? String == "verification_confirmed" })

            // A second run under the same policy compares with the last results: nothing changed.
            let again = try #require(((try await client.call(.post, "/v1/revalidations", token: operatorToken, json: [:]))["run"] as? [String: Any])?["id"] as? String)
            _ = try await #require(service.dependencies.revalidation).work(runID: again, worker: "test")
            #expect(try await reportLines(client, run: again, token: operatorToken).isEmpty)
            #expect((try await client.call(.get, "/v1/revalidations/\(again)", token: operatorToken))["outcomes"] as? [String: Int] == ["unchanged": 4])
            #expect(try await client.call(.get, "/v1/revalidations/nope", token: operatorToken).status == .notFound)
        }
    }

    @Test("three workers share one run: every document is recorded once, none is claimed twice", arguments: Backend.available)
    func workersShareARun(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { _ in
            let inspection = CertificateInspector.inspect(try sample("uk-certificate-of-incorporation.pdf"))
            let ids = try await seedCertificates(service.store, files: [(
                "uk.pdf", try sample("uk-certificate-of-incorporation.pdf"), inspection.verdict.rawValue, inspection.reasons.map(\.rawValue), inspection.pages
            )], count: 120)
            let revalidation = try #require(service.dependencies.revalidation)
            let run = try await revalidation.start(.init(), by: "operator:test", executor: "cli")
            #expect(run.total == ids.count)
            let recorded = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in ["w1", "w2", "w3"] {
                    group.addTask { try await revalidation.work(runID: run.id, worker: worker).recorded }
                }
                return try await group.reduce(0, +)
            }
            #expect(recorded == ids.count)
            let status = try await revalidation.status(run.id)
            #expect(status.run.status == "finished" && status.done == ids.count && status.outcomes == ["unchanged": ids.count])
            let claimedTwice = try await service.store.withSession { database in
                try await database.raw("SELECT COUNT(*) AS n FROM revalidation_items WHERE run_id = \(bind: run.id) AND attempts <> 1").first(decodingColumn: "n", as: Int.self)
            }
            #expect(claimedTwice == 0)
        }
    }

    @Test("a stored file that no longer matches its digest is reported as corrupted, and the run still finishes", arguments: Backend.available)
    func corruptedStoredFile(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { _ in
            let uk = try sample("uk-certificate-of-incorporation.pdf"), de = try sample("de-handelsregister-auszug.pdf")
            let ukInspection = CertificateInspector.inspect(uk), deInspection = CertificateInspector.inspect(de)
            let ids = try await seedCertificates(service.store, files: [
                ("uk.pdf", uk, ukInspection.verdict.rawValue, ukInspection.reasons.map(\.rawValue), ukInspection.pages),
                ("de.pdf", de, deInspection.verdict.rawValue, deInspection.reasons.map(\.rawValue), deInspection.pages),
            ], count: 6)
            // One byte of the German extract changes under the store: on disk, or in its table.
            var flipped = de
            flipped[flipped.count / 2] ^= 0x01
            let damaged = flipped
            let address = deInspection.sha256
            if let files = service.store.blobs as? FileBlobStore {
                try Data(damaged).write(to: URL(fileURLWithPath: files.path(of: address)))
            } else {
                try await service.store.withSession { try await $0.raw("UPDATE blobs SET content = \(bind: Data(damaged)) WHERE sha256 = \(bind: address)").run() }
            }
            let revalidation = try #require(service.dependencies.revalidation)
            let run = try await revalidation.start(.init(), by: "operator:test", executor: "cli")
            #expect(try await revalidation.work(runID: run.id, worker: "w").recorded == ids.count)
            let status = try await revalidation.status(run.id)
            #expect(status.run.status == "finished")
            #expect(status.outcomes == ["unchanged": 3, "corrupted": 3])
        }
    }

    @Test("a worker that dies holding a batch: its lapsed claims are taken over, and its late results are refused", arguments: Backend.available)
    func lapsedClaims(_ backend: Backend) async throws {
        let clock = TestClock()
        let service = try await TestService.make(backend)
        try await service.run { _ in
            let inspection = CertificateInspector.inspect(try sample("uk-certificate-of-incorporation.pdf"))
            _ = try await seedCertificates(service.store, files: [(
                "uk.pdf", try sample("uk-certificate-of-incorporation.pdf"), inspection.verdict.rawValue, inspection.reasons.map(\.rawValue), inspection.pages
            )], count: 10)
            var settings = Revalidation.Settings()
            settings.lease = 60
            let revalidation = Revalidation(store: service.store, inspector: InProcessInspector(), ports: nil, settings: settings, clock: { clock.now })
            let run = try await revalidation.start(.init(), by: "operator:test", executor: "cli")
            // "dead" claims four items and never records them.
            let stamp = Timestamp.format(clock.now)
            let held = try await service.store.transaction { [dialect = service.store.dialect] database in
                try await RevalidationRepository.claimBatch(runID: run.id, worker: "dead", until: Timestamp.format(clock.now.addingTimeInterval(60)), now: stamp, limit: 4, dialect: dialect, on: database)
            }
            #expect(held.count == 4)
            // Before the lease lapses a joiner does the rest only.
            #expect(try await revalidation.work(runID: run.id, worker: "joiner").recorded == 6)
            #expect(try await revalidation.status(run.id).run.status == "running")
            clock.advance(by: 61)
            #expect(try await revalidation.work(runID: run.id, worker: "joiner").recorded == 4)
            #expect(try await revalidation.status(run.id).run.status == "finished")
            let late = RevalidationResult(documentType: "certificate", documentID: held[0].documentID, outcome: "unchanged", previousVerdict: nil, previousReasons: nil,
                                          verdict: nil, reasons: nil, changed: false, requeued: false, detail: nil)
            #expect(try await service.store.transaction { try await RevalidationRepository.complete(runID: run.id, worker: "dead", result: late, at: stamp, on: $0) } == false)
            // Another policy cannot join it.
            var other = Revalidation.Settings()
            other.limits.maxPages = 3
            let stranger = Revalidation(store: service.store, inspector: InProcessInspector(), ports: nil, settings: other)
            let second = try await revalidation.start(.init(), by: "operator:test", executor: "cli")
            await #expect(throws: WorkflowError.self) { try await stranger.work(runID: second.id, worker: "stranger") }
        }
    }

    @Test("LOAs: every stored letter's signature is re-checked, expiring ones are listed and reissued, a tampered one is reported")
    func loaChecks() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let operatorToken = try await staffToken(service, role: .operator, name: "olga")
            try await loadSampleCatalog(client, operatorToken: operatorToken)
            let (admin, company) = try await verifiedCompany(client, service, email: "noc@northwind.example", name: "Northwind Connect Ltd")
            let port = try await client.call(.post, "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": "pdb-900001", "speed": "10G"])
            let portID = try #require(port.string("id"))
            let first = try await client.execute(uri: "/v1/ports/\(portID)/loa", method: .get, headers: [.authorization: "Bearer \(admin)"], body: nil) { $0.headers[.init("X-LOA-Id")!] }
            let firstID = try #require(first)

            let started = try await client.call(.post, "/v1/revalidations", token: operatorToken, json: ["certificates": false, "loas": true, "loa_expiring_within_days": 90, "reissue_expiring": true])
            #expect(started.status == .accepted)
            let run = try #require((started["run"] as? [String: Any])?["id"] as? String)
            _ = try await #require(service.dependencies.revalidation).work(runID: run, worker: "test")
            let lines = try await reportLines(client, run: run, token: operatorToken)
            #expect(lines.count == 1)
            #expect(lines.first?["document_id"] as? String == firstID && lines.first?["outcome"] as? String == "reissued")
            let verified = try await client.call(.get, "/verify/\(firstID)", headers: [.accept: "application/json"])
            #expect(verified.string("status") == "superseded")

            // A letter whose stored PDF no longer matches its signature is reported.
            let current = try #require(try await service.store.withSession { try await LOARepository.current(portID: portID, today: "2000-01-01", on: $0) })
            var pdf = try #require(try await service.store.blobs.get(current.pdfSHA256))
            pdf[200] ^= 0x01 // inside what the signature covers (not the /Contents padding)
            let tampered = try await service.store.blobs.put(pdf)
            try await service.store.transaction { try await $0.update("loas").set("pdf_sha256", to: SQLBind(tampered)).where("id", .equal, SQLBind(current.id)).run() }
            let check = try await client.call(.post, "/v1/revalidations", token: operatorToken, json: ["certificates": false, "loas": true])
            let checkRun = try #require((check["run"] as? [String: Any])?["id"] as? String)
            _ = try await #require(service.dependencies.revalidation).work(runID: checkRun, worker: "test")
            let problems = try await reportLines(client, run: checkRun, token: operatorToken)
            #expect(problems.map { $0["document_id"] as? String } == [current.id])
            #expect(problems.first?["outcome"] as? String == "not_genuine")
        }
    }
}
