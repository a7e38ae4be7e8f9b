import Foundation
import SQLKit
import Store
import StoreTestSupport
import Testing
@testable import Workflow

/// A store with one user and companies in the given statuses (`pending_review` ones with a
/// queued certificate already), for committing uploads into.
private struct Fixture {
    let store: Store
    let user: String
    let companies: [String]

    static func make(_ backend: Backend, statuses: [CompanyStatus]) async throws -> Fixture {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        let user = try await store.transaction {
            try await AccountRepository.createUser(email: "uploader@example.com", passwordHash: "-", fullName: "Uploader", jobTitle: nil, on: $0).id
        }
        var companies: [String] = []
        for (index, status) in statuses.enumerated() {
            let company = try await store.transaction { database in
                let company = try await CompanyRepository.create(legalName: "Company \(index) Ltd", country: "GB", registrationNumber: "\(10_000_000 + index)", companyType: .enterprise, createdBy: user, on: database)
                if status != .unverified { _ = try await CompanyRepository.transition(company.id, from: .unverified, to: status, on: database) }
                return company.id
            }
            companies.append(company)
        }
        let fixture = Fixture(store: store, user: user, companies: companies)
        for (company, status) in zip(companies, statuses) where status == .pendingReview {
            #expect(await UploadCommitter.write([fixture.upload(for: company)], to: store, queuingOCR: true).allSucceeded)
        }
        return fixture
    }

    func upload(for company: String, key: String? = nil, refused: Bool = false) -> UploadCommitter.Pending {
        let now = Date()
        let stamp = Timestamp.format(now)
        let record = CertificateRecord(
            id: UUID().uuidString.lowercased(), companyID: company, uploadedBy: user, sha256: String(repeating: "0", count: 64), size: 1,
            fileName: "certificate.pdf", declaredType: "application/pdf", sniffedMIME: "application/pdf",
            verdict: refused ? "rejected" : "accepted", reasons: [], flags: [], pages: 1, status: refused ? .rejected : .queued,
            source: "upload", createdAt: stamp, updatedAt: stamp, queuedAt: refused ? nil : stamp, dueAt: refused ? nil : stamp,
            claimedBy: nil, claimUntil: nil, firstApprovalBy: nil
        )
        return .init(certificate: .init(record: record, inspectionJSON: "{}", idempotencyKey: key), actor: "user:\(user)", now: now)
    }

    func certificates(of company: String) async throws -> [CertificateRecord] {
        try await store.withSession { try await CertificateRepository.certificates(ofCompany: company, on: $0) }
    }

    func status(of company: String) async throws -> CompanyStatus? {
        try await store.withSession { try await CompanyRepository.company(id: company, on: $0) }?.status
    }

    func audit(of entity: String) async throws -> [String] {
        try await store.withSession { try await AuditRepository.entries(.init(entityID: entity), on: $0) }.map(\.action)
    }
}

extension [Result<Void, any Error>] {
    var allSucceeded: Bool { allSatisfy { if case .success = $0 { true } else { false } } }
}

/// `ok`, a workflow error's code, or `failed` for any other error.
private func outcome(_ result: Result<Void, any Error>) -> String {
    switch result {
    case .success: "ok"
    case let .failure(error as WorkflowError): error.code
    case .failure: "failed"
    }
}

@Suite("Group commit of uploads")
struct UploadCommitterTests {
    @Test("one transaction for a group: each upload stored, queued, superseding and audited as if alone; a company decided meanwhile fails alone", arguments: Backend.available)
    func groupCommit(_ backend: Backend) async throws {
        let fixture = try await Fixture.make(backend, statuses: [.unverified, .pendingReview, .verified, .needsInfo])
        let (fresh, waiting, verified, needsInfo) = (fixture.companies[0], fixture.companies[1], fixture.companies[2], fixture.companies[3])
        let earlier = try #require(try await fixture.certificates(of: waiting).first)
        let group = [fixture.upload(for: fresh), fixture.upload(for: waiting), fixture.upload(for: verified), fixture.upload(for: needsInfo, refused: true)]

        let results = await UploadCommitter.write(group, to: fixture.store, queuingOCR: true)

        #expect(results.map(outcome) == ["ok", "ok", "company_changed", "ok"])
        #expect(try await fixture.status(of: fresh) == .pendingReview)
        #expect(try await fixture.audit(of: fresh) == ["status_changed"])
        #expect(try await fixture.audit(of: group[0].record.id) == ["queued"])

        let waitingCertificates = try await fixture.certificates(of: waiting)
        #expect(Set(waitingCertificates.map(\.status)) == [.queued, .superseded])
        #expect(waitingCertificates.first { $0.status == .queued }?.id == group[1].record.id)
        #expect(try await fixture.audit(of: earlier.id) == ["queued", "superseded"])

        #expect(try await fixture.certificates(of: verified).isEmpty, "nothing is written for a company decided meanwhile")
        #expect(try await fixture.audit(of: verified).isEmpty)

        // A refused file is kept for audit and moves nothing.
        #expect(try await fixture.certificates(of: needsInfo).map(\.status) == [.rejected])
        #expect(try await fixture.status(of: needsInfo) == .needsInfo)
        #expect(try await fixture.audit(of: group[3].record.id) == ["refused_at_intake"])
        await fixture.store.close()
    }

    @Test("a group that fails as a whole (an Idempotency-Key already taken) is committed upload by upload", arguments: Backend.available)
    func fallsBackToSingleUploads(_ backend: Backend) async throws {
        let fixture = try await Fixture.make(backend, statuses: [.unverified, .unverified])
        let (first, second) = (fixture.companies[0], fixture.companies[1])
        #expect(await UploadCommitter.write([fixture.upload(for: first, key: "retry-1")], to: fixture.store, queuingOCR: true).allSucceeded)

        let results = await UploadCommitter.write([fixture.upload(for: second, key: "retry-1"), fixture.upload(for: first, key: "retry-1")], to: fixture.store, queuingOCR: true)

        // Another company may use the same key; this company's key was taken.
        #expect(results.map(outcome) == ["ok", "failed"])
        #expect(try await fixture.certificates(of: first).count == 1)
        #expect(try await fixture.certificates(of: second).count == 1)
        await fixture.store.close()
    }

    @Test("concurrent uploads of many companies: every one committed, each company left with its latest queued", arguments: Backend.available)
    func concurrentUploads(_ backend: Backend) async throws {
        let fixture = try await Fixture.make(backend, statuses: Array(repeating: .unverified, count: 8))
        let committer = UploadCommitter(store: fixture.store, queuesOCR: true)
        let uploads = (0..<5).flatMap { _ in fixture.companies.map { fixture.upload(for: $0) } }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for upload in uploads { group.addTask { try await committer.commit(upload) } }
            try await group.waitForAll()
        }
        for company in fixture.companies {
            let certificates = try await fixture.certificates(of: company)
            #expect(certificates.count == 5)
            #expect(certificates.filter { $0.status == .queued }.count == 1)
            #expect(certificates.filter { $0.status == .superseded }.count == 4)
            #expect(try await fixture.status(of: company) == .pendingReview)
            #expect(try await fixture.audit(of: company) == ["status_changed"], "the company moves once")
            for certificate in certificates {
                #expect(try await fixture.audit(of: certificate.id) == (certificate.status == .queued ? ["queued"] : ["queued", "superseded"]))
            }
        }
        await fixture.store.close()
    }
}

@Suite("Audit log states")
struct AuditStateTests {
    @Test("the state JSON is an object of the present fields, keys sorted, any text escaped so that it reads back as written")
    func escapedAndSorted() throws {
        let tricky = "Kbis \"final\" C:\\scans/2024\nline\ttab \u{01} — 株式会社 🏢"
        let written = Audit.json(["status": "queued", "note": tricky, "absent": nil, "by": "user:1"])
        #expect(written.hasPrefix(#"{"by":"user:1","note":"#))
        #expect(written.hasSuffix(#","status":"queued"}"#))
        #expect(written.contains("C:\\\\scans/2024"), "slashes stay as they are; backslashes are escaped")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: String])
        #expect(object == ["status": "queued", "note": tricky, "by": "user:1"])
        #expect(Audit.json([:]) == "{}")
    }
}
