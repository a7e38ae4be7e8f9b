public import Foundation
public import Intake
public import Isolation
public import Store

/// Uploads of certificates of registration: examined in the worker pool, stored whatever the
/// verdict (refused files are kept for audit), queued for review when not refused, and the
/// company moved to `pending_review` — all in one transaction with its audit entries, which
/// uploads finishing at the same time share (``UploadCommitter``).
public struct CertificateIntake: Sendable {
    /// The review settings shared by intake and the queue.
    public struct Policy: Sendable {
        /// The time reviewers have to decide (72 hours).
        public var sla: TimeInterval = 72 * 3600
        /// How long a claim lasts before the item returns to the queue.
        public var claimLease: TimeInterval = 15 * 60
        /// Whether an approval needs a second, different reviewer to take effect.
        public var fourEyes = false
        /// The largest upload (also the intake limit).
        public var maxUploadBytes = 20 * 1024 * 1024
        /// The intake policy's other limits (pages, pixels, text); revalidation applies the same.
        public var limits = IntakeLimits()
        /// Whether an upload with no text layer gets an OCR job (``ScanRecognition``).
        public var queuesOCR = true

        /// The defaults: 72-hour SLA, 15-minute claims, one reviewer, 20 MiB.
        public init() {}
    }

    let store: Store
    let inspector: any DocumentInspector
    let companies: Companies
    /// The policy in force.
    public let policy: Policy
    let clock: @Sendable () -> Date
    let committer: UploadCommitter

    /// Intake over the account workflows' store and clock.
    public init(companies: Companies, inspector: any DocumentInspector, policy: Policy) {
        self.store = companies.store
        self.committer = UploadCommitter(store: companies.store, queuesOCR: policy.queuesOCR)
        self.inspector = inspector
        self.companies = companies
        self.policy = policy
        self.clock = companies.accounts.policy.clock
    }

    /// A file as received.
    public struct Upload: Sendable {
        /// The bytes (already capped while they streamed in).
        public var bytes: [UInt8]
        /// The client's file name.
        public var fileName: String?
        /// The client's Content-Type.
        public var mimeType: String?
        /// The `Idempotency-Key` header.
        public var idempotencyKey: String?

        /// A file as received.
        public init(bytes: [UInt8], fileName: String?, mimeType: String?, idempotencyKey: String?) {
            self.bytes = bytes
            self.fileName = fileName
            self.mimeType = mimeType
            self.idempotencyKey = idempotencyKey
        }
    }

    /// What happened to an upload; `replayed` when an `Idempotency-Key` matched an earlier one.
    public struct Outcome: Sendable {
        /// The stored certificate.
        public var certificate: CertificateRecord
        /// True when this answers a retry of an earlier request.
        public var replayed: Bool
    }

    /// Proof that a caller may upload a certificate for a company, taken before the body is
    /// read so that a refused caller costs nothing; only ``permit(_:by:)`` makes one.
    public struct UploadPermit: Sendable {
        let view: Companies.View
        let userID: String
    }

    /// Checks that the caller is a member with the upload permission and that the company
    /// still needs a certificate (not verified, not refused).
    public func permit(_ companyID: String, by principal: Principal) async throws -> UploadPermit {
        let view = try await companies.access(companyID, by: principal, needing: .uploadCertificates)
        guard case let .user(userID) = principal else { throw WorkflowError.notFound("company") }
        switch view.company.status {
        case .verified: throw WorkflowError(.conflict, code: "company_already_verified", "the company is verified; no certificate is needed")
        case .rejected: throw WorkflowError(.conflict, code: "company_rejected", "the company's verification was refused; contact support")
        default: break
        }
        return UploadPermit(view: view, userID: userID)
    }

    /// Examines and stores an upload under a permit taken just before its body was read; for
    /// a file sent to review, the company's status is checked again in the transaction that
    /// stores it.
    public func upload(_ upload: Upload, with permit: UploadPermit) async throws -> Outcome {
        let view = permit.view, userID = permit.userID, companyID = view.company.id
        let key = try upload.idempotencyKey.map { raw throws(WorkflowError) -> String in
            guard !raw.isEmpty, raw.utf8.count <= 200, raw.unicodeScalars.allSatisfy({ $0.value >= 0x21 && $0.value < 0x7F }) else {
                throw WorkflowError(.invalid, code: "invalid_idempotency_key", "Idempotency-Key must be 1 to 200 visible ASCII characters")
            }
            return raw
        }
        let file = AddressedBytes(upload.bytes)
        let sha256 = file.address
        if let key, let replay = try await replay(companyID: companyID, key: key, sha256: sha256) { return replay }

        var limits = policy.limits
        limits.maxFileBytes = policy.maxUploadBytes
        let inspection = await inspector.inspect(
            upload.bytes, declared: DeclaredType(fileName: upload.fileName, mimeType: upload.mimeType),
            claims: CompanyClaims(legalName: view.company.legalName, registrationNumber: view.company.registrationNumber, country: view.company.country),
            limits: limits, previews: .none, receivedOn: CalendarDay(clock())
        )
        _ = try await store.blobs.put(file)
        let now = clock()
        let stamp = Timestamp.format(now)
        let refused = inspection.verdict == .rejected
        let record = CertificateRecord(
            id: UUID().uuidString.lowercased(), companyID: companyID, uploadedBy: userID, sha256: sha256, size: upload.bytes.count,
            fileName: upload.fileName.map { String($0.prefix(255)) }, declaredType: upload.mimeType.map { String($0.prefix(255)) },
            sniffedMIME: inspection.sniffedMIME, verdict: inspection.verdict.rawValue,
            reasons: inspection.reasons.map(\.rawValue), flags: inspection.flags.map(\.rawValue), pages: inspection.pages,
            status: refused ? .rejected : .queued, source: "upload", createdAt: stamp, updatedAt: stamp,
            queuedAt: refused ? nil : stamp, dueAt: refused ? nil : Timestamp.format(now.addingTimeInterval(policy.sla)),
            claimedBy: nil, claimUntil: nil, firstApprovalBy: nil
        )
        var stored = inspection
        stored.previews = []
        let inspectionJSON = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        let actor = "user:\(userID)"
        do {
            try await committer.commit(.init(
                certificate: .init(record: record, inspectionJSON: inspectionJSON, idempotencyKey: key), actor: actor, now: now
            ))
        } catch let error where key != nil {
            // Two requests with one Idempotency-Key: the unique index let one in; answer as it did.
            if let key, let replay = try await replay(companyID: companyID, key: key, sha256: sha256) { return replay }
            throw error
        }
        // An image's first page was drawn at intake: its hash finds near-identical copies sent
        // for other companies. Derived data, so it is written after the commit, and only for
        // the files that have it (PDFs get theirs when their previews are rendered).
        if let hash = inspection.firstPageHash {
            try await store.withSession { try await CertificateRepository.setFirstPageHash(id: record.id, hash: hash, on: $0) }
        }
        return Outcome(certificate: record, replayed: false)
    }

    /// A company's certificates, newest first (callers check access first).
    public func certificates(ofCompany companyID: String) async throws -> [CertificateRecord] {
        try await store.withSession { try await CertificateRepository.certificates(ofCompany: companyID, on: $0) }
    }

    private func replay(companyID: String, key: String, sha256: String) async throws -> Outcome? {
        guard let earlier = try await store.withSession({ try await CertificateRepository.certificate(companyID: companyID, idempotencyKey: key, on: $0) }) else { return nil }
        guard earlier.sha256 == sha256 else {
            throw WorkflowError(.invalid, code: "idempotency_key_reused", "this Idempotency-Key was used for a different file; use a new key for a new upload")
        }
        return Outcome(certificate: earlier, replayed: true)
    }
}
