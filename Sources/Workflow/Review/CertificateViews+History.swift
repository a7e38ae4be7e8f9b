public import Foundation
public import Store

/// What reviewers look back on: decided items searchable by reviewer, outcome, date and
/// company, and one company's whole file (its declared data, every upload with its decisions,
/// its people and its audit trail). Staff only.
extension CertificateViews {
    /// One past decision with what it was about.
    public struct HistoryEntry: Sendable {
        /// The decision (with the internal note).
        public var decision: DecisionRecord
        /// The certificate decided.
        public var certificate: CertificateRecord
        /// Its company as it is now.
        public var company: Company
    }

    /// What a history search asks; every part optional.
    public struct HistoryFilter: Sendable, Hashable {
        /// `reviewer:<name>` as claims and decisions name reviewers.
        public var reviewer: String?
        /// `approve`, `reject`, `request_info`.
        public var outcome: String?
        /// First day included, `YYYY-MM-DD` (UTC).
        public var from: String?
        /// Last day included, `YYYY-MM-DD` (UTC).
        public var to: String?
        /// Folded text in the company's legal name or registration number.
        public var search: String?

        /// No filter: the newest decisions.
        public init() {}
    }

    /// Decisions newest first, at most `limit` (the search over names reads up to 1,000 of
    /// the newest decisions that match the other filters).
    public func history(_ filter: HistoryFilter, by principal: Principal, limit: Int = 100) async throws -> [HistoryEntry] {
        try queue.requireReviewer(principal)
        let since = try filter.from.map { try Self.day($0, field: "from") }
        let until = try filter.to.map { try Self.day($0, field: "to") }.map { day in
            Timestamp.format((try? Date(day, strategy: .iso8601))?.addingTimeInterval(86_400) ?? Date())
        }
        let search = ReviewQueue.searchKey(filter.search?.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() ?? "")
        return try await queue.store.withSession { database in
            let decisions = try await DecisionRepository.history(
                reviewer: filter.reviewer, outcome: filter.outcome, since: since, until: until, limit: search.isEmpty ? limit : 1000, on: database
            )
            var entries: [HistoryEntry] = []
            var companies: [String: Company] = [:]
            for decision in decisions {
                guard let certificate = try await CertificateRepository.certificate(id: decision.certificateID, on: database) else { continue }
                if companies[certificate.companyID] == nil { companies[certificate.companyID] = try await CompanyRepository.company(id: certificate.companyID, on: database) }
                guard let company = companies[certificate.companyID] else { continue }
                if !search.isEmpty, !ReviewQueue.searchKey(company.legalName).contains(search), !ReviewQueue.searchKey(company.registrationNumber).contains(search) { continue }
                entries.append(HistoryEntry(decision: decision, certificate: certificate, company: company))
                if entries.count >= limit { break }
            }
            return entries
        }
    }

    /// Everyone who has decided, for the history's reviewer choice.
    public func reviewers(by principal: Principal) async throws -> [String] {
        try queue.requireReviewer(principal)
        return try await queue.store.withSession { try await DecisionRepository.reviewers(on: $0) }
    }

    /// `YYYY-MM-DD` as the first instant of that day in UTC, or `invalid_date`.
    static func day(_ text: String, field: String) throws(WorkflowError) -> String {
        guard text.utf8.count == 10, let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) else {
            throw WorkflowError(.invalid, code: "invalid_date", "\(field) must be a date written YYYY-MM-DD")
        }
        return Timestamp.format(date)
    }

    /// One company's file, as reviewers read it.
    public struct CompanyFile: Sendable {
        /// One upload with who sent it and what was decided.
        public struct Upload: Sendable {
            /// The certificate (queued, superseded, refused at upload, decided).
            public var certificate: CertificateRecord
            /// Who uploaded it.
            public var uploader: UserAccount?
            /// Its decisions, oldest first.
            public var decisions: [DecisionRecord]
        }

        /// The company as it is now.
        public var company: Company
        /// Every upload, newest first.
        public var uploads: [Upload]
        /// Its members and their accounts.
        public var members: [(membership: Membership, user: UserAccount)]
        /// The audit trail of the company and of its certificates, in log order.
        public var audit: [AuditEntry]
    }

    /// A company's file (staff only; `not_found` for an unknown id).
    public func companyFile(_ companyID: String, by principal: Principal) async throws -> CompanyFile {
        try queue.requireReviewer(principal)
        return try await queue.store.withSession { database in
            guard let company = try await CompanyRepository.company(id: companyID, on: database) else { throw WorkflowError.notFound("company") }
            var uploads: [CompanyFile.Upload] = []
            var users: [String: UserAccount] = [:]
            var audit = try await AuditRepository.entries(.init(entityType: "company", entityID: companyID, limit: 1000), on: database)
            for certificate in try await CertificateRepository.certificates(ofCompany: companyID, on: database).sorted(by: { $0.createdAt > $1.createdAt }) {
                if users[certificate.uploadedBy] == nil { users[certificate.uploadedBy] = try await AccountRepository.user(id: certificate.uploadedBy, on: database) }
                uploads.append(.init(
                    certificate: certificate, uploader: users[certificate.uploadedBy],
                    decisions: try await DecisionRepository.decisions(certificateID: certificate.id, on: database)
                ))
                audit += try await AuditRepository.entries(.init(entityType: "certificate", entityID: certificate.id, limit: 1000), on: database)
            }
            let members = try await MembershipRepository.members(ofCompany: companyID, on: database).map { (membership: $0.0, user: $0.1) }
            return CompanyFile(company: company, uploads: uploads, members: members, audit: audit.sorted { $0.id < $1.id })
        }
    }
}

extension CertificateViews {
    /// The workload at a glance: how old the waiting items are, decisions per day, and the
    /// share decided within the SLA.
    public struct Dashboard: Sendable {
        /// Waiting items by age since they were queued: `<12 h`, `12–24 h`, `24–48 h`,
        /// `48–72 h`, `> 72 h` (the last ones are past the SLA).
        public var ageBuckets: [(label: String, count: Int)]
        /// Decisions per day, oldest first, over `days` days up to today (UTC), by outcome.
        public var perDay: [(day: String, approve: Int, requestInfo: Int, reject: Int)]
        /// Final decisions in the period and how many came within the SLA of the upload.
        public var decided: Int
        /// See ``decided``.
        public var withinSLA: Int
    }

    /// The dashboard over the last `days` days (staff only).
    public func dashboard(by principal: Principal, days: Int = 14, now: Date = Date()) async throws -> Dashboard {
        try queue.requireReviewer(principal)
        let items = try await queue.items(by: principal, limit: 500)
        let sla = queue.slaHours * 3600
        var ages = [0, 0, 0, 0, 0]
        for item in items {
            let queued = (item.certificate.queuedAt ?? item.certificate.createdAt)
            let age = now.timeIntervalSince((try? Date(queued, strategy: .iso8601)) ?? now) / 3600
            let index = age < 12 ? 0 : age < 24 ? 1 : age < 48 ? 2 : age < 72 ? 3 : 4
            ages[index] += 1
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let today = calendar.startOfDay(for: now)
        let first = calendar.date(byAdding: .day, value: -(max(1, days) - 1), to: today)!
        let decisions = try await queue.store.withSession { database in
            try await DecisionRepository.history(reviewer: nil, outcome: nil, since: Timestamp.format(first), until: nil, limit: 1000, on: database)
        }
        var perDay: [(day: String, approve: Int, requestInfo: Int, reject: Int)] = (0..<max(1, days)).map { offset in
            (day: String(Timestamp.format(calendar.date(byAdding: .day, value: offset, to: first)!).prefix(10)), approve: 0, requestInfo: 0, reject: 0)
        }
        var decided = 0, within = 0
        let certificates = try await queue.store.withSession { database in
            var found: [String: CertificateRecord] = [:]
            for id in Set(decisions.map(\.certificateID)) { found[id] = try await CertificateRepository.certificate(id: id, on: database) }
            return found
        }
        for decision in decisions {
            guard let index = perDay.firstIndex(where: { decision.createdAt.hasPrefix($0.day) }) else { continue }
            switch decision.outcome {
            case DecisionOutcome.approve.rawValue: perDay[index].approve += 1
            case DecisionOutcome.requestInfo.rawValue: perDay[index].requestInfo += 1
            default: perDay[index].reject += 1
            }
            guard let certificate = certificates[decision.certificateID],
                  let start = try? Date(certificate.queuedAt ?? certificate.createdAt, strategy: .iso8601),
                  let end = try? Date(decision.createdAt, strategy: .iso8601) else { continue }
            decided += 1
            if end.timeIntervalSince(start) <= sla { within += 1 }
        }
        return Dashboard(
            ageBuckets: zip(["< 12 h", "12–24 h", "24–48 h", "48–72 h", "> 72 h"], ages).map { (label: $0, count: $1) },
            perDay: perDay, decided: decided, withinSLA: within
        )
    }
}
