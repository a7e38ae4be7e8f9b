import Foundation
public import CoreMetrics
import Metrics
import SQLKit
public import Store

/// What a reviewer decides about a certificate.
public enum DecisionOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The certificate matches the declared company: it becomes verified.
    case approve
    /// Final refusal: the company is rejected.
    case reject
    /// The customer must upload again (the company goes to `needs_info`).
    case requestInfo = "request_info"

    /// The documented reason codes for each outcome.
    public var reasonCodes: [String] {
        switch self {
        case .approve: ["document_matches", "document_matches_with_correction"]
        case .reject: ["forged_or_altered", "company_not_registered", "company_dissolved", "not_eligible"]
        case .requestInfo: ["illegible_document", "name_mismatch", "number_mismatch", "document_outdated", "wrong_document", "incomplete_document"]
        }
    }
}

/// The review queue: oldest first, each item due at its upload time plus the SLA; reviewers
/// claim items under a lease (never two on one item), fetch what they need, and decide.
public struct ReviewQueue: Sendable {
    let intake: CertificateIntake
    let store: Store
    let mail: MailComposer
    let metrics: any MetricsFactory

    /// The queue over intake's store and policy, reporting to `metrics` (queue depth, oldest
    /// item's age, decisions by outcome, time to decision).
    public init(intake: CertificateIntake, metrics: any MetricsFactory) {
        self.intake = intake
        self.store = intake.store
        self.mail = intake.companies.accounts.mail
        self.metrics = metrics
    }

    /// The review SLA in hours, for display.
    public var slaHours: Double { intake.policy.sla / 3600 }

    /// Brings the queue gauges up to date (called before each scrape of `/metrics`).
    public func refreshGauges() async {
        guard let (count, oldest) = try? await store.withSession({ try await CertificateRepository.queueDepth(on: $0) }) else { return }
        Gauge(label: "paperwork_review_queue_depth", factory: metrics).record(count)
        let age = oldest.flatMap { try? Date($0, strategy: .iso8601) }.map { max(0, intake.clock().timeIntervalSince($0)) } ?? 0
        Gauge(label: "paperwork_review_oldest_item_age_seconds", factory: metrics).record(age)
    }

    /// An item as reviewers see it in the queue.
    public struct Item: Sendable {
        /// The certificate.
        public var certificate: CertificateRecord
        /// Its company's declared data.
        public var company: Company
        /// Seconds until the due time (negative when overdue).
        public var secondsLeft: Int
        /// Whether the due time has passed.
        public var overdue: Bool { secondsLeft < 0 }
    }

    /// The queue, oldest first.
    public func items(by principal: Principal, limit: Int = 100) async throws -> [Item] {
        try requireReviewer(principal)
        let now = intake.clock()
        return try await store.withSession { database in
            var items: [Item] = []
            for certificate in try await CertificateRepository.queue(limit: max(1, min(limit, 500)), on: database) {
                guard let company = try await CompanyRepository.company(id: certificate.companyID, on: database) else { continue }
                items.append(Item(certificate: certificate, company: company, secondsLeft: Self.secondsLeft(certificate, now: now)))
            }
            return items
        }
    }

    static func secondsLeft(_ certificate: CertificateRecord, now: Date) -> Int {
        guard let due = certificate.dueAt.flatMap({ try? Date($0, strategy: .iso8601) }) else { return 0 }
        return Int(due.timeIntervalSince(now).rounded(.down))
    }

    /// Claims the oldest claimable item (or `certificateID`) for the caller until the lease
    /// ends; `queue_empty` or `already_claimed` otherwise.
    public func claim(_ certificateID: String?, by principal: Principal) async throws -> Item {
        try requireReviewer(principal)
        let reviewer = principal.actorName
        let now = intake.clock()
        let stamp = Timestamp.format(now)
        let until = Timestamp.format(now.addingTimeInterval(intake.policy.claimLease))
        let dialect = store.dialect
        let claimed: CertificateRecord = try await store.transaction { database in
            let before = try await certificateID.asyncMap { try await CertificateRepository.certificate(id: $0, on: database) } ?? nil
            let record: CertificateRecord?
            if let certificateID {
                guard let before, CertificateStatus.inQueue.contains(before.status) else { throw WorkflowError.notFound("queue item") }
                record = try await CertificateRepository.claim(id: certificateID, reviewer: reviewer, until: until, now: stamp, on: database)
                if record == nil {
                    if before.firstApprovalBy == reviewer {
                        throw WorkflowError(.conflict, code: "own_approval", "you approved this certificate; a different reviewer must confirm it")
                    }
                    throw WorkflowError(.conflict, code: "already_claimed", "another reviewer holds this item until \(before.claimUntil ?? "?")")
                }
            } else {
                record = try await CertificateRepository.claimNext(reviewer: reviewer, until: until, now: stamp, dialect: dialect, on: database)
            }
            guard let record else { throw WorkflowError(.notFound, code: "queue_empty", "no item is waiting for you in the review queue") }
            if before?.claimedBy != reviewer {
                try await Audit.record(actor: reviewer, certificate: record, action: "claimed", before: before, at: stamp, on: database)
            }
            return record
        }
        guard let company = try await store.withSession({ try await CompanyRepository.company(id: claimed.companyID, on: $0) }) else {
            throw WorkflowError.notFound("company")
        }
        return Item(certificate: claimed, company: company, secondsLeft: Self.secondsLeft(claimed, now: now))
    }

    /// Gives an item back to the queue before its lease ends.
    public func release(_ certificateID: String, by principal: Principal) async throws {
        try requireReviewer(principal)
        let reviewer = principal.actorName
        let stamp = Timestamp.format(intake.clock())
        try await store.transaction { database in
            guard let before = try await CertificateRepository.certificate(id: certificateID, on: database),
                  try await CertificateRepository.release(id: certificateID, reviewer: reviewer, on: database) else {
                throw WorkflowError(.notFound, code: "not_claimed", "you hold no claim on this item")
            }
            var after = before
            after.claimedBy = nil
            after.claimUntil = nil
            try await Audit.record(actor: reviewer, certificate: after, action: "released", before: before, at: stamp, on: database)
        }
    }

    /// A reviewer's decision, as submitted.
    public struct Decision: Sendable {
        /// approve, reject or request_info.
        public var outcome: String
        /// One of the outcome's documented reason codes.
        public var reasonCode: String
        /// What the customer reads (required for reject and request_info).
        public var message: String?
        /// What only staff read.
        public var internalNote: String?
        /// At approval: a corrected company type.
        public var companyType: String?

        /// A decision as submitted.
        public init(outcome: String, reasonCode: String, message: String?, internalNote: String?, companyType: String?) {
            self.outcome = outcome
            self.reasonCode = reasonCode
            self.message = message
            self.internalNote = internalNote
            self.companyType = companyType
        }
    }

    /// Applies a decision on an item the reviewer holds. In four-eyes mode a first approval
    /// puts the item back in the queue for a different reviewer; the second one takes effect.
    /// The company's status follows and the customer is e-mailed through the outbox.
    public func decide(_ certificateID: String, _ decision: Decision, by principal: Principal) async throws -> CertificateRecord {
        try requireReviewer(principal)
        guard let outcome = DecisionOutcome(rawValue: decision.outcome) else {
            throw WorkflowError(.invalid, code: "invalid_outcome", "outcome must be one of \(DecisionOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard outcome.reasonCodes.contains(decision.reasonCode) else {
            throw WorkflowError(.invalid, code: "invalid_reason_code", "reason_code for \(outcome.rawValue) must be one of \(outcome.reasonCodes.joined(separator: ", "))")
        }
        let message = try decision.message.map { text throws(WorkflowError) in try Self.longText(text, field: "message") }
        let note = try decision.internalNote.map { text throws(WorkflowError) in try Self.longText(text, field: "internal_note") }
        if outcome != .approve, message == nil {
            throw WorkflowError(.invalid, code: "missing_field", "a \(outcome.rawValue) decision needs a message for the customer")
        }
        if outcome != .approve, decision.companyType != nil {
            throw WorkflowError(.invalid, code: "invalid_field", "company_type can be corrected only at approval")
        }
        let reviewer = principal.actorName
        let now = intake.clock()
        let stamp = Timestamp.format(now)
        let fourEyes = intake.policy.fourEyes
        let mail = self.mail
        let result: (CertificateRecord, final: Bool) = try await store.transaction { database in
            guard let before = try await CertificateRepository.certificate(id: certificateID, on: database) else { throw WorkflowError.notFound("certificate") }
            guard CertificateStatus.inQueue.contains(before.status) else {
                throw WorkflowError(.conflict, code: "already_decided", "this certificate is \(before.status.rawValue); it is no longer in the queue")
            }
            guard before.claimedBy == reviewer, let until = before.claimUntil, until >= stamp else {
                throw WorkflowError(.conflict, code: "claim_required", "claim the item first (POST /v1/review/claims); claims last \(Int(intake.policy.claimLease / 60)) minutes")
            }
            guard var company = try await CompanyRepository.company(id: before.companyID, on: database) else { throw WorkflowError.notFound("company") }
            var correctedType = try decision.companyType.map { raw throws(WorkflowError) in try Companies.companyType(raw, distributor: company.distributor, whenNotAllowed: .conflict) }
            try await DecisionRepository.insert(DecisionRecord(
                id: UUID().uuidString.lowercased(), certificateID: certificateID, reviewer: reviewer,
                outcome: before.status == .awaitingConfirmation && outcome == .approve ? "confirm" : outcome.rawValue,
                reasonCode: decision.reasonCode, message: message ?? "", internalNote: note, companyType: correctedType?.rawValue, createdAt: stamp
            ), on: database)

            if outcome == .approve, fourEyes, before.status == .queued {
                guard try await CertificateRepository.transition(id: certificateID, from: .queued, to: .awaitingConfirmation, firstApprovalBy: reviewer, now: stamp, on: database) else {
                    throw WorkflowError(.conflict, code: "already_decided", "the item changed meanwhile")
                }
                var after = before
                after.status = .awaitingConfirmation
                after.claimedBy = nil
                after.firstApprovalBy = reviewer
                try await Audit.record(actor: reviewer, certificate: after, action: "approved_awaiting_confirmation", before: before, at: stamp, on: database)
                return (after, false)
            }
            if outcome == .approve, correctedType == nil, before.status == .awaitingConfirmation {
                // The confirmer keeps the first reviewer's correction unless they make their own.
                let earlier = try await DecisionRepository.decisions(certificateID: certificateID, on: database)
                correctedType = earlier.last(where: { $0.outcome == "approve" })?.companyType.flatMap(CompanyType.init(rawValue:))
            }
            let certificateStatus: CertificateStatus = switch outcome {
            case .approve: .approved
            case .reject: .declined
            case .requestInfo: .infoRequested
            }
            let companyStatus: CompanyStatus = switch outcome {
            case .approve: .verified
            case .reject: .rejected
            case .requestInfo: .needsInfo
            }
            guard try await CertificateRepository.transition(id: certificateID, from: before.status, to: certificateStatus, firstApprovalBy: before.firstApprovalBy, now: stamp, on: database) else {
                throw WorkflowError(.conflict, code: "already_decided", "the item changed meanwhile")
            }
            var after = before
            after.status = certificateStatus
            after.claimedBy = nil
            after.claimUntil = nil
            try await Audit.record(actor: reviewer, certificate: after, action: outcome == .approve ? "approved" : outcome == .reject ? "declined" : "info_requested", before: before, at: stamp, on: database)

            // A document a revalidation sent back is decided while its company stays verified:
            // approving it again changes nothing for the company, the other outcomes do.
            let reconfirmsVerified = before.source == "revalidation" && company.status == .verified
            guard company.status == .pendingReview || reconfirmsVerified else {
                throw WorkflowError(.conflict, code: "company_changed", "the company is \(company.status.rawValue), not pending_review")
            }
            let previousStatus = company.status
            if let correctedType, correctedType != company.companyType {
                let previousType = company.companyType
                company.companyType = correctedType
                try await CompanyRepository.update(company, on: database, now: now)
                try await AuditRepository.append(actor: reviewer, entityType: "company", entityID: company.id, action: "company_type_corrected",
                                                 before: Audit.json(["company_type": previousType.rawValue]), after: Audit.json(["company_type": correctedType.rawValue]), at: stamp, on: database)
            }
            if reconfirmsVerified, outcome == .approve {
                try await AuditRepository.append(actor: reviewer, entityType: "company", entityID: company.id, action: "verification_confirmed",
                                                 before: nil, after: Audit.json(["certificate_id": certificateID, "reason_code": decision.reasonCode]), at: stamp, on: database)
                return (after, true)
            }
            guard try await CompanyRepository.transition(company.id, from: previousStatus, to: companyStatus, on: database, now: now) else {
                throw WorkflowError(.conflict, code: "company_changed", "the company changed meanwhile")
            }
            try await Audit.record(actor: reviewer, company: company, from: previousStatus, to: companyStatus, extra: ["certificate_id": certificateID, "reason_code": decision.reasonCode], at: stamp, on: database)
            try await Self.notify(company: company, outcome: outcome, reasonCode: decision.reasonCode, message: message, uploader: before.uploadedBy, mail: mail, on: database, now: now)
            return (after, true)
        }
        if result.final {
            Counter(label: "paperwork_review_decisions_total", dimensions: [("outcome", outcome.rawValue)], factory: metrics).increment()
            if let created = try? Date(result.0.createdAt, strategy: .iso8601) {
                Recorder(label: Self.timeToDecisionLabel, factory: metrics).record(now.timeIntervalSince(created))
            }
        }
        return result.0
    }

    /// The histogram of seconds from upload to final decision.
    public static let timeToDecisionLabel = "paperwork_review_time_to_decision_seconds"

    /// E-mails the company's admins and the uploader about the outcome, each in their
    /// preferred language (English when they chose none).
    static func notify(company: Company, outcome: DecisionOutcome, reasonCode: String, message: String?, uploader: String, mail: MailComposer, on database: any SQLDatabase, now: Date) async throws {
        let members = try await MembershipRepository.members(ofCompany: company.id, on: database)
        let recipients = Dictionary(
            members.filter { $0.0.permissions.contains(.manageMembers) || $0.1.id == uploader }.map { ($0.1.email, $0.1.preferredLanguage) },
            uniquingKeysWith: { first, _ in first }
        ).sorted { $0.key < $1.key }
        let kind = switch outcome {
        case .approve: "company_verified"
        case .reject: "company_rejected"
        case .requestInfo: "company_needs_info"
        }
        // The reason as a flag (`reason_<code>`): the templates say it in words, in their language.
        let values = ["company": company.legalName, "company_id": company.id, "reason_code": reasonCode, "reason_" + reasonCode: "yes", "message": message ?? ""]
        for (recipient, language) in recipients {
            let text = try mail.compose(kind, values, language: language)
            _ = try await OutboxRepository.enqueue(kind: kind, to: recipient, subject: text.subject, body: text.body, on: database, now: now)
        }
    }

    func requireReviewer(_ principal: Principal) throws(WorkflowError) {
        guard case .staff = principal else {
            throw WorkflowError(.forbidden, code: "reviewers_only", "the review queue is for reviewers and operators")
        }
    }

    /// A message or note: 1 to 4000 characters as sent (Unicode code points, as the contract's
    /// `LongText` counts them), not only spaces; trimmed.
    static func longText(_ raw: String, field: String) throws(WorkflowError) -> String {
        let text = raw.trimmingWhitespace()
        guard !text.isEmpty, raw.unicodeScalars.count <= 4000 else { throw WorkflowError(.invalid, code: "invalid_field", "\(field) must have 1 to 4000 characters") }
        return text
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
