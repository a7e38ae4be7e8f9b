import Foundation
public import Intake
public import Store
import SQLKit

/// What customers and reviewers read about a certificate. A company's members see its own
/// certificates (status, outcome, their document's text and pages); reviewers and operators
/// see every certificate, with the evidence, flags, declared data and internal notes.
/// Anyone else gets `not_found`, exactly as for an unknown id.
public struct CertificateViews: Sendable {
    let queue: ReviewQueue

    /// Views over the queue's store and inspector.
    public init(queue: ReviewQueue) {
        self.queue = queue
    }

    /// A certificate the caller may see.
    public func certificate(_ id: String, by principal: Principal) async throws -> CertificateRecord {
        try await queue.store.withSession { try await Self.certificate(id, by: principal, on: $0) }
    }

    /// The certificate read on `database`, if the caller may see it: a member of its company,
    /// or staff; `not_found` otherwise, as for an unknown id.
    static func certificate(_ id: String, by principal: Principal, on database: any SQLDatabase) async throws -> CertificateRecord {
        guard let record = try await CertificateRepository.certificate(id: id, on: database) else {
            throw WorkflowError.notFound("certificate")
        }
        if case .user = principal, try await Companies.view(record.companyID, by: principal, on: database) == nil {
            throw WorkflowError.notFound("certificate")
        }
        return record
    }

    /// The decisions customers may read: outcome, reason code and message, never the notes,
    /// and not a first approval that still waits for its confirmation.
    public func customerDecisions(_ id: String, by principal: Principal) async throws -> [DecisionRecord] {
        let (record, decisions) = try await queue.store.withSession { database in
            (try await Self.certificate(id, by: principal, on: database), try await DecisionRepository.decisions(certificateID: id, on: database))
        }
        return decisions
            .filter { record.status != .awaitingConfirmation || $0.outcome != "approve" }
            .map { var decision = $0; decision.internalNote = nil; return decision }
    }

    /// The full inspection as stored at upload (without previews).
    public func inspection(_ id: String, by principal: Principal) async throws -> Inspection {
        _ = try await certificate(id, by: principal)
        guard let json = try await queue.store.withSession({ try await CertificateRepository.inspectionJSON(id: id, on: $0) }) else {
            throw WorkflowError.notFound("certificate")
        }
        return try JSONDecoder().decode(Inspection.self, from: Data(json.utf8))
    }

    /// Everything a reviewer looks at besides the pages: staff only.
    public struct Review: Sendable {
        /// The certificate.
        public var certificate: CertificateRecord
        /// The inspection (evidence, flags, findings, metadata, page texts).
        public var inspection: Inspection
        /// The company's declared data.
        public var company: Company
        /// Every decision so far, with internal notes.
        public var decisions: [DecisionRecord]
        /// Who uploaded it (nil for an account since deleted).
        public var uploader: UserAccount?
        /// Its OCR job, when the file has no text layer and OCR is on: `queued` or `running`
        /// until the OCR text and evidence are in ``inspection``.
        public var ocrJob: OCRJobRecord?
        /// The language the customer reads (`en` or `fr`): the uploader's preferred one, else
        /// English. The reviewer's message is written in it.
        public var customerLanguage: String { uploader?.preferredLanguage.flatMap { MailComposer.languages.contains($0) ? $0 : nil } ?? "en" }
    }

    /// The reviewer's view of a certificate. Its pages are drawn first if nobody has looked at
    /// them yet: the reviewer is about to, and drawing them completes the forensic checks (text
    /// the page does not show, the first page's hash).
    public func review(_ id: String, by principal: Principal) async throws -> Review {
        let record = try await certificate(id, by: principal)
        guard case .staff = principal else {
            throw WorkflowError(.forbidden, code: "reviewers_only", "the review view is for reviewers and operators")
        }
        if record.verdict != Verdict.rejected.rawValue,
           try await queue.store.withSession({ try await CertificateRepository.preview(certificateID: id, page: 1, on: $0) }) == nil {
            // A page that cannot be drawn is said on the page itself; the review goes on.
            _ = try? await preview(id, page: 1, by: principal)
        }
        var inspection = try await inspection(id, by: principal)
        let (company, decisions, uploader, duplicate, ocrJob) = try await queue.store.withSession { database in
            let company = try await CompanyRepository.company(id: record.companyID, on: database)
            return (
                company, try await DecisionRepository.decisions(certificateID: id, on: database),
                try await AccountRepository.user(id: record.uploadedBy, on: database),
                try await company.asyncMap {
                    try await DuplicateDocuments.signal(for: record, of: $0, pageDistance: queue.intake.policy.limits.forensics.duplicateFirstPageDistance, on: database)
                } ?? nil,
                try await OCRJobRepository.job(certificateID: id, on: database)
            )
        }
        guard let company else { throw WorkflowError.notFound("company") }
        if let duplicate { inspection.signals.append(duplicate) }
        return Review(certificate: record, inspection: inspection, company: company, decisions: decisions, uploader: uploader, ocrJob: ocrJob)
    }

    /// A certificate's OCR job, for anyone who may see the certificate: whether its text is
    /// still being read.
    public func ocrJob(_ id: String, by principal: Principal) async throws -> OCRJobRecord? {
        _ = try await certificate(id, by: principal)
        return try await queue.store.withSession { try await OCRJobRepository.job(certificateID: id, on: $0) }
    }

    /// One page as a PNG. Rendered on first request in a worker (all pages at once, then kept
    /// in the blob store), so that uploads stay fast and each page is rendered once.
    public func preview(_ id: String, page: Int, by principal: Principal) async throws -> [UInt8] {
        let record = try await certificate(id, by: principal)
        guard page >= 1, page <= max(record.pages, 1) else {
            throw WorkflowError(.notFound, code: "no_such_page", "this certificate has \(record.pages) page(s)")
        }
        let store = queue.store
        if let sha256 = try await store.withSession({ try await CertificateRepository.preview(certificateID: id, page: page, on: $0) }),
           let png = try await store.blobs.get(sha256) {
            return png
        }
        guard let original = try await store.blobs.get(record.sha256) else { throw WorkflowError.notFound("certificate file") }
        var limits = IntakeLimits()
        limits.maxFileBytes = max(limits.maxFileBytes, original.count)
        let rendered = await queue.intake.inspector.inspect(
            original, declared: DeclaredType(fileName: record.fileName, mimeType: record.declaredType),
            claims: CompanyClaims(), limits: limits, previews: .allPages
        )
        var saved: [(page: Int, sha256: String)] = []
        var wanted: [UInt8]?
        for preview in rendered.previews {
            saved.append((preview.page, try await store.blobs.put(preview.png)))
            if preview.page == page { wanted = preview.png }
        }
        let pages = saved
        try await store.transaction { database in
            try await CertificateRepository.savePreviews(certificateID: id, pages: pages, on: database)
            if let hash = rendered.firstPageHash { try await CertificateRepository.setFirstPageHash(id: id, hash: hash, on: database) }
            // Drawing the pages showed which words they do not show: that completes the stored
            // `covered_text` (the other signals do not depend on the drawing).
            if let json = try await CertificateRepository.inspectionJSON(id: id, on: database),
               var stored = try? JSONDecoder().decode(Inspection.self, from: Data(json.utf8)) {
                let drawn = rendered.signals.first { $0.code == .coveredText }
                let before = stored.signals.first { $0.code == .coveredText }
                if drawn != before, rendered.verdict == stored.verdict {
                    stored.signals.removeAll { $0.code == .coveredText }
                    if let drawn { stored.signals.append(drawn) }
                    try await CertificateRepository.replaceInspectionJSON(id: id, json: String(decoding: try JSONEncoder().encode(stored), as: UTF8.self), on: database)
                }
            }
        }
        guard let wanted else {
            throw WorkflowError(.notFound, code: "preview_unavailable", "page \(page) could not be rendered (\(rendered.reasons.map(\.rawValue).joined(separator: ", ")))")
        }
        return wanted
    }

    /// The resolutions a reviewer may ask for a page at, and the longest side allowed (an A4
    /// page at 300 dpi is 2480 × 3508; larger pages are scaled to fit, so no request renders
    /// more than 4200 × 4200 pixels).
    public static let pageImageResolutions = [300]
    static let maxPageImageSide = 4200

    /// One page at full resolution (300 dpi) as a PNG, for the reviewers' zoom: rendered in a
    /// worker on first request (the file is judged again first, so a file refused today is
    /// never rendered), then served from the blob store. Staff only.
    public func pageImage(_ id: String, page: Int, dpi: Int, by principal: Principal) async throws -> [UInt8] {
        try queue.requireReviewer(principal)
        guard Self.pageImageResolutions.contains(dpi) else {
            throw WorkflowError(.invalid, code: "invalid_resolution", "dpi must be one of \(Self.pageImageResolutions.map(String.init).joined(separator: ", "))")
        }
        let record = try await certificate(id, by: principal)
        guard page >= 1, page <= max(record.pages, 1) else {
            throw WorkflowError(.notFound, code: "no_such_page", "this certificate has \(record.pages) page(s)")
        }
        let store = queue.store
        if let cached = try await store.withSession({ try await CertificateRepository.pageImage(certificateID: id, page: page, dpi: dpi, on: $0) }),
           let png = try await store.blobs.get(cached.sha256) {
            return png
        }
        guard let original = try await store.blobs.get(record.sha256) else { throw WorkflowError.notFound("certificate file") }
        var limits = IntakeLimits()
        limits.maxFileBytes = max(limits.maxFileBytes, original.count)
        limits.previewDotsPerInch = Double(dpi)
        limits.maxPreviewPixelsPerSide = Self.maxPageImageSide
        let rendered = await queue.intake.inspector.render(
            original, page: page, declared: DeclaredType(fileName: record.fileName, mimeType: record.declaredType), limits: limits
        )
        guard let image = rendered.previews.first(where: { $0.page == page }) else {
            throw WorkflowError(.notFound, code: "preview_unavailable", "page \(page) could not be rendered (\(rendered.reasons.map(\.rawValue).joined(separator: ", ")))")
        }
        let sha256 = try await store.blobs.put(image.png)
        try await store.transaction {
            try await CertificateRepository.savePageImage(certificateID: id, page: page, dpi: dpi, sha256: sha256, width: image.width, height: image.height, on: $0)
        }
        return image.png
    }
}
