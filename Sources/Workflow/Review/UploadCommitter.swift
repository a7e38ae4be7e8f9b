import Foundation
import SQLKit
import Intake
import Store

/// Commits examined uploads in groups (group commit).
///
/// An upload's writes are one short transaction, but transactions take turns for SQLite's
/// single writer, and each statement crosses threads that the busy document workers delay.
/// So the uploads that finish examination while one group commits wait, then go in together:
/// one transaction and one statement per kind of write for the whole group, however many
/// uploads it holds. A lone upload is committed at once, as before.
///
/// A group holds at most one upload per company, so that a company's uploads supersede one
/// another in the order they arrived. When a group's transaction fails as a whole (an
/// `Idempotency-Key` taken meanwhile, a lost connection), each of its uploads is committed
/// alone, so that every upload gets its own answer.
actor UploadCommitter {
    /// An examined upload, ready to be written.
    struct Pending: Sendable {
        var certificate: CertificateRepository.NewCertificate
        /// Who uploaded, as the audit log names them.
        var actor: String
        /// When it was received (the record's timestamps are formatted from it).
        var now: Date

        var record: CertificateRecord { certificate.record }
        var refused: Bool { record.status == .rejected }
    }

    /// The most uploads one transaction takes.
    static let maxGroup = 32

    private let store: Store
    /// Whether image-only uploads get an OCR job (``ScanRecognition``).
    private let queuesOCR: Bool
    private var waiting: [(upload: Pending, done: CheckedContinuation<Void, any Error>)] = []
    private var draining = false

    init(store: Store, queuesOCR: Bool) {
        self.store = store
        self.queuesOCR = queuesOCR
    }

    /// Writes the upload (in a group with others waiting); returns once it is committed.
    func commit(_ upload: Pending) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            waiting.append((upload, done))
            if !draining {
                draining = true
                Task { await drain() }
            }
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            var group: [(upload: Pending, done: CheckedContinuation<Void, any Error>)] = []
            var later: [(upload: Pending, done: CheckedContinuation<Void, any Error>)] = []
            var companies: Set<String> = []
            for item in waiting {
                if group.count < Self.maxGroup, companies.insert(item.upload.record.companyID).inserted { group.append(item) } else { later.append(item) }
            }
            waiting = later
            // While this awaits, new uploads join `waiting` for the next group.
            let results = await Self.write(group.map(\.upload), to: store, queuingOCR: queuesOCR)
            for (item, result) in zip(group, results) { item.done.resume(with: result) }
        }
        draining = false
    }

    /// Commits a group in one transaction, or, if that fails as a whole, each upload alone.
    /// Returns each upload's result, in order.
    static func write(_ group: [Pending], to store: Store, queuingOCR: Bool) async -> [Result<Void, any Error>] {
        do {
            return try await store.transaction { try await insert(group, queuingOCR: queuingOCR, on: $0) }
        } catch {
            guard group.count > 1 else { return [.failure(error)] }
            var results: [Result<Void, any Error>] = []
            for upload in group {
                do {
                    results += try await store.transaction { try await insert([upload], queuingOCR: queuingOCR, on: $0) }
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }

    /// The group's writes, in the caller's transaction: uploads whose company was decided
    /// meanwhile fail alone (`company_changed`); the others supersede their company's queued
    /// certificate, are stored, move their company to `pending_review`, and are audited; those
    /// with no text layer get an OCR job when `queuingOCR`.
    static func insert(_ group: [Pending], queuingOCR: Bool, on database: any SQLDatabase) async throws -> [Result<Void, any Error>] {
        let queuedCompanyIDs = group.filter { !$0.refused }.map(\.record.companyID)
        let companies = Dictionary(uniqueKeysWithValues: try await CompanyRepository.companies(ids: queuedCompanyIDs, on: database).map { ($0.id, $0) })
        var results: [Result<Void, any Error>] = []
        var accepted: [Pending] = []
        for upload in group {
            if !upload.refused {
                guard let company = companies[upload.record.companyID] else {
                    results.append(.failure(WorkflowError.notFound("company")))
                    continue
                }
                if company.status == .verified || company.status == .rejected {
                    results.append(.failure(WorkflowError(.conflict, code: "company_changed", "the company was decided meanwhile")))
                    continue
                }
            }
            results.append(.success(()))
            accepted.append(upload)
        }
        guard !accepted.isEmpty else { return results }

        let queued = accepted.filter { !$0.refused }
        let latest = accepted.map(\.record.createdAt).max()!
        // A newer upload replaces the company's queued one: reviewers see the latest.
        let superseded = Dictionary(grouping: try await CertificateRepository.supersedeQueued(companyIDs: queued.map(\.record.companyID), now: latest, on: database)) { $0.companyID }
        try await CertificateRepository.insert(accepted.map(\.certificate), on: database)
        if queuingOCR {
            let scans = queued.filter { $0.record.verdict == Verdict.needsVisualReview.rawValue }.map(\.record.id)
            try await OCRJobRepository.enqueue(certificateIDs: scans, reason: "upload", now: latest, on: database)
        }

        var audit: [AuditRepository.NewEntry] = []
        for upload in accepted {
            let record = upload.record, stamp = record.createdAt
            for old in superseded[record.companyID] ?? [] where !upload.refused {
                audit.append(.init(actor: upload.actor, entityType: "certificate", entityID: old.id, action: "superseded", before: nil, after: Audit.json(["superseded_by": record.id]), at: stamp))
            }
            audit.append(Audit.entry(actor: upload.actor, certificate: record, action: upload.refused ? "refused_at_intake" : "queued", before: nil, at: stamp))
            guard !upload.refused, let company = companies[record.companyID], company.status == .unverified || company.status == .needsInfo else { continue }
            guard try await CompanyRepository.transition(company.id, from: company.status, to: .pendingReview, on: database, now: upload.now) else {
                throw WorkflowError(.conflict, code: "company_changed", "the company changed meanwhile; retry")
            }
            audit.append(Audit.entry(actor: upload.actor, company: company, from: company.status, to: .pendingReview, at: stamp))
        }
        try await AuditRepository.append(audit, on: database)
        return results
    }
}
