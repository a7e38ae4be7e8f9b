public import Foundation
public import Intake
public import Isolation
import LOA
import SQLKit
public import Store

/// Batch revalidation: re-examines stored certificates with today's policy and libraries,
/// re-checks stored LOAs, and records what changed, without ever undoing a reviewer's decision.
///
/// A run is a row and one item per document, written at start. Processes work a run by
/// claiming batches of items under a lease (on PostgreSQL `FOR UPDATE SKIP LOCKED`, so several
/// `--join` processes share it), examining them through the worker pool, and writing the
/// batch's results in one transaction that succeeds only for items they still hold. A process
/// killed at any moment loses only its uncommitted batch, whose claims lapse (or `--resume`
/// releases them); memory holds one batch per lane, whatever the number of documents.
public struct Revalidation: Sendable {
    /// How runs are worked.
    public struct Settings: Sendable {
        /// The intake policy applied (its version is recorded with the run).
        public var limits = IntakeLimits()
        /// The review SLA given to documents sent back to the queue.
        public var reviewSLA: TimeInterval = 72 * 3600
        /// Items claimed at a time by one lane.
        public var batchSize = 32
        /// Concurrent lanes (each claims, examines and records its own batches); twice the
        /// pool's size keeps every worker busy while a lane writes.
        public var lanes = 2 * ProcessInfo.processInfo.activeProcessorCount
        /// How long a claim lasts; a killed process's items return after this.
        public var lease: TimeInterval = 120

        /// The defaults.
        public init() {}
    }

    /// What a run covers.
    public struct Request: Sendable, Hashable, Codable {
        /// Which certificates; nil for none.
        public var certificates: CertificateSelection?
        /// Whether to re-check every stored LOA's signature and integrity.
        public var loas: Bool
        /// With `loas`: report the valid LOAs expiring within this many days.
        public var loaExpiringWithinDays: Int?
        /// With `loaExpiringWithinDays`: reissue them (the old ones are superseded).
        public var reissueExpiring: Bool
        /// Also recompute every accepted or image-only certificate's forensic signals, and
        /// report those whose signals changed (`signals_changed`): what to run after the
        /// forensic rules change. Each such certificate is inspected in full, which costs
        /// more than judging its verdict alone.
        public var signals: Bool

        /// A request.
        public init(certificates: CertificateSelection? = CertificateSelection(), loas: Bool = false, loaExpiringWithinDays: Int? = nil, reissueExpiring: Bool = false, signals: Bool = false) {
            self.certificates = certificates
            self.loas = loas
            self.loaExpiringWithinDays = loaExpiringWithinDays
            self.reissueExpiring = reissueExpiring
            self.signals = signals
        }

        enum CodingKeys: String, CodingKey {
            case certificates, loas, signals
            case loaExpiringWithinDays = "loa_expiring_within_days"
            case reissueExpiring = "reissue_expiring"
        }

        /// Runs recorded before `signals` existed did not recompute them.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            certificates = try container.decodeIfPresent(CertificateSelection.self, forKey: .certificates)
            loas = try container.decode(Bool.self, forKey: .loas)
            loaExpiringWithinDays = try container.decodeIfPresent(Int.self, forKey: .loaExpiringWithinDays)
            reissueExpiring = try container.decode(Bool.self, forKey: .reissueExpiring)
            signals = try container.decodeIfPresent(Bool.self, forKey: .signals) ?? false
        }
    }

    /// Where a run stands, for progress lines and the API.
    public struct Status: Sendable, Codable {
        /// The run.
        public var run: RevalidationRunRecord
        /// Items done.
        public var done: Int
        /// Items held by a worker now.
        public var inProgress: Int
        /// Items not started.
        public var pending: Int
        /// Done items by outcome.
        public var outcomes: [String: Int]

        enum CodingKeys: String, CodingKey {
            case run, done, pending, outcomes
            case inProgress = "in_progress"
        }
    }

    /// What one process saw while working a run.
    public struct Progress: Sendable {
        /// The run's total.
        public var total: Int
        /// Done, by every process.
        public var done: Int
        /// Done by this process.
        public var doneHere: Int
        /// Items per second in this process.
        public var rate: Double
        /// Estimated seconds left, once a rate is known.
        public var secondsLeft: Double?
    }

    /// What one process did.
    public struct WorkSummary: Sendable {
        /// Items this process recorded.
        public var recorded: Int
        /// Whether the run is finished (by this process or another).
        public var finished: Bool
    }

    let store: Store
    let inspector: any DocumentInspector
    let ports: Ports?
    /// The settings in force.
    public let settings: Settings
    let clock: @Sendable () -> Date

    /// Revalidation over a store, through an inspector (the worker pool), with LOA checks
    /// when `ports` is given.
    public init(store: Store, inspector: any DocumentInspector, ports: Ports?, settings: Settings, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.inspector = inspector
        self.ports = ports
        self.settings = settings
        self.clock = clock
    }

    // MARK: Starting and reading runs

    /// Records a run over the selected documents; nothing is examined yet (``work(runID:worker:resume:progressInterval:progress:)`` does it).
    public func start(_ request: Request, by actor: String, executor: String) async throws -> RevalidationRunRecord {
        var request = request
        request.certificates = try request.certificates.map(Self.checked)
        guard request.certificates != nil || request.loas else {
            throw WorkflowError(.invalid, code: "nothing_selected", "select certificates, LOAs, or both")
        }
        if request.loas, ports == nil {
            throw WorkflowError(.conflict, code: "loa_checks_unavailable", "LOA checks need the LOA templates and signing identity")
        }
        if let days = request.loaExpiringWithinDays, !(0...3650).contains(days) {
            throw WorkflowError(.invalid, code: "invalid_field", "loa_expiring_within_days must be 0 to 3650")
        }
        if request.reissueExpiring, request.loaExpiringWithinDays == nil || !request.loas {
            throw WorkflowError(.invalid, code: "invalid_field", "reissue_expiring needs loas and loa_expiring_within_days")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let versions = CertificateInspector.libraryVersions
        let run = RevalidationRunRecord(
            id: "rv-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: ""),
            startedBy: actor, startedAt: Timestamp.format(clock()), finishedAt: nil, status: "running", executor: executor,
            selection: String(decoding: try encoder.encode(request), as: UTF8.self), policyVersion: settings.limits.policyVersion,
            libmagicVersion: versions.libmagic, popplerVersion: versions.poppler, total: 0
        )
        let selected = request
        let stored = try await store.transaction { database in
            let stored = try await RevalidationRepository.create(run, certificates: selected.certificates, loas: selected.loas, on: database)
            try await AuditRepository.append(actor: actor, entityType: "revalidation_run", entityID: run.id, action: "started", before: nil,
                                             after: Audit.json(["selection": run.selection, "policy_version": run.policyVersion, "total": String(stored.total)]), at: run.startedAt, on: database)
            return stored
        }
        if stored.total == 0 { _ = try await store.transaction { try await RevalidationRepository.finishIfDone(runID: run.id, at: run.startedAt, on: $0) } }
        return try await status(stored.id).run
    }

    /// A run and its counts.
    public func status(_ runID: String) async throws -> Status {
        try await store.withSession { database in
            guard let run = try await RevalidationRepository.run(id: runID, on: database) else { throw WorkflowError.notFound("revalidation run") }
            let states = try await RevalidationRepository.stateCounts(runID: runID, on: database)
            let outcomes = try await RevalidationRepository.outcomeCounts(runID: runID, on: database)
            return Status(run: run, done: states["done"] ?? 0, inProgress: states["claimed"] ?? 0, pending: states["pending"] ?? 0, outcomes: outcomes)
        }
    }

    /// The latest runs, newest first.
    public func runs(limit: Int = 50) async throws -> [RevalidationRunRecord] {
        try await store.withSession { try await RevalidationRepository.runs(limit: min(max(limit, 1), 500), on: $0) }
    }

    /// Unfinished runs the given executor works (the server resumes its own after a restart).
    public func unfinishedRuns(executor: String) async throws -> [RevalidationRunRecord] {
        try await store.withSession { try await RevalidationRepository.unfinishedRuns(executor: executor, on: $0) }
    }

    // MARK: Working a run

    /// Works a run until no item is left to claim. `resume` first returns every claimed item
    /// to pending: say it only when the processes that held them are gone (`--resume`); joiners
    /// (`--join`) take pending items and lapsed claims only. `progress` is called every
    /// `progressInterval` and once at the end.
    public func work(runID: String, worker: String, resume: Bool = false, progressInterval: Duration = .seconds(1), progress: (@Sendable (Progress) async -> Void)? = nil) async throws -> WorkSummary {
        guard let run = try await store.withSession({ try await RevalidationRepository.run(id: runID, on: $0) }) else { throw WorkflowError.notFound("revalidation run") }
        guard run.status == "running" else { return WorkSummary(recorded: 0, finished: true) }
        guard run.policyVersion == settings.limits.policyVersion else {
            throw WorkflowError(.conflict, code: "policy_mismatch", "run \(runID) applies policy \(run.policyVersion); this process has \(settings.limits.policyVersion) (same limits and build needed)")
        }
        let request = try JSONDecoder().decode(Request.self, from: Data(run.selection.utf8))
        if request.loas, ports == nil {
            throw WorkflowError(.conflict, code: "loa_checks_unavailable", "LOA checks need the LOA templates and signing identity")
        }
        if resume { _ = try await store.transaction { try await RevalidationRepository.releaseClaims(runID: runID, on: $0) } }

        let counter = RecordedCounter()
        let started = ContinuousClock.now
        let doneAtStart = try await status(runID).done
        let report: @Sendable () async -> Void = {
            guard let progress, let current = try? await self.status(runID) else { return }
            let here = await counter.value
            let elapsed = (ContinuousClock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            let rate = seconds > 0 ? Double(max(current.done - doneAtStart, here)) / seconds : 0
            let left = current.run.total - current.done
            await progress(Progress(total: current.run.total, done: current.done, doneHere: here, rate: rate, secondsLeft: rate > 0 ? Double(left) / rate : nil))
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<max(1, settings.lanes) {
                group.addTask { try await self.lane(run: run, request: request, worker: "\(worker)/\(lane)", counter: counter) }
            }
            let ticker = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: progressInterval)
                    if Task.isCancelled { break }
                    await report()
                }
            }
            defer { ticker.cancel() }
            try await group.waitForAll()
        }
        let finished = try await store.transaction { try await RevalidationRepository.finishIfDone(runID: runID, at: Timestamp.format(self.clock()), on: $0) }
        let final = try await status(runID)
        if finished {
            try await store.transaction { database in
                try await AuditRepository.append(actor: worker, entityType: "revalidation_run", entityID: runID, action: "finished", before: nil,
                                                 after: Audit.json(final.outcomes.mapValues { String($0) }), at: Timestamp.format(self.clock()), on: database)
            }
        }
        await report()
        return WorkSummary(recorded: await counter.value, finished: final.run.status == "finished")
    }

    /// One lane: claim a batch, examine it, record it, until nothing is left.
    private func lane(run: RevalidationRunRecord, request: Request, worker: String, counter: RecordedCounter) async throws {
        while !Task.isCancelled {
            let now = clock()
            let claimed = try await store.transaction { [settings, store] database in
                try await RevalidationRepository.claimBatch(
                    runID: run.id, worker: worker, until: Timestamp.format(now.addingTimeInterval(settings.lease)), now: Timestamp.format(now),
                    limit: settings.batchSize, dialect: store.dialect, on: database
                )
            }
            guard !claimed.isEmpty else { return }
            var examined: [Examined] = []
            examined.reserveCapacity(claimed.count)
            let certificates = claimed.filter { $0.documentType == "certificate" }.map(\.documentID)
            examined += try await examineCertificates(certificates, signals: request.signals)
            for loa in claimed where loa.documentType == "loa" {
                examined.append(try await examineLOA(loa.documentID, request: request, actor: run.startedBy))
            }
            let recorded = try await record(examined, runID: run.id, worker: worker)
            await counter.add(recorded)
        }
    }

    /// One document's fresh result, before it is recorded.
    struct Examined: Sendable {
        var result: RevalidationResult
        /// For a certificate whose verdict or reasons changed: what to store.
        var inspection: Inspection?
    }

    private func examineCertificates(_ ids: [String], signals: Bool) async throws -> [Examined] {
        guard !ids.isEmpty else { return [] }
        let (inputs, storedSignals) = try await store.withSession { database in
            (
                try await CertificateRepository.revalidationInputs(ids: ids, on: database),
                signals ? try await CertificateRepository.signalCodes(ids: ids, on: database) : [:]
            )
        }
        var results: [Examined] = []
        let found = Set(inputs.map(\.id))
        for id in ids where !found.contains(id) {
            results.append(Examined(result: RevalidationResult(documentType: "certificate", documentID: id, outcome: "missing", previousVerdict: nil, previousReasons: nil,
                                                               verdict: nil, reasons: nil, changed: true, requeued: false, detail: "the certificate no longer exists"), inspection: nil))
        }
        for input in inputs {
            // A stored file that is gone or no longer matches its digest is reported for that
            // document; the run goes on with the others instead of failing on it every time.
            func unreadable(_ outcome: String, _ detail: String) -> Examined {
                Examined(result: RevalidationResult(documentType: "certificate", documentID: input.id, outcome: outcome, previousVerdict: input.verdict,
                                                    previousReasons: input.reasons, verdict: nil, reasons: nil, changed: true, requeued: false, detail: detail), inspection: nil)
            }
            let stored: [UInt8]?
            do {
                stored = try await store.blobs.get(input.sha256)
            } catch let error as StoreError where error.code == StoreError.blobCorrupted(input.sha256).code {
                results.append(unreadable("corrupted", "the stored file \(input.sha256) no longer matches its SHA-256; restore it from a backup"))
                continue
            }
            guard let bytes = stored else {
                results.append(unreadable("missing", "the stored file \(input.sha256) is missing"))
                continue
            }
            // Most documents come out as they went in: judging (verdict and reasons) is
            // enough to know that, and only a changed one is inspected in full, for reviewers.
            // The full inspection's verdict is the one recorded (the two agree unless a worker
            // failed on one of the passes).
            //
            // Signals need the whole text and layout, so a run that recomputes them inspects
            // in full every document a reviewer could see (not the refused ones). The day the
            // file was received stays the day its age is counted to.
            let declared = DeclaredType(fileName: input.fileName, mimeType: input.declaredType)
            let recomputeSignals = signals && input.verdict != Verdict.rejected.rawValue
            var latest = recomputeSignals ? nil : await inspector.judge(bytes, sha256: input.sha256, declared: declared, limits: settings.limits)
            var inspection: Inspection?
            if latest.map({ $0.verdict.rawValue != input.verdict || Self.reasonList($0) != input.reasons }) ?? true {
                inspection = await inspector.inspect(
                    bytes, declared: declared, claims: CompanyClaims(legalName: input.legalName, registrationNumber: input.registrationNumber, country: input.country),
                    limits: settings.limits, previews: .none, receivedOn: CalendarDay(iso: String(input.createdAt.prefix(10)))
                )
                latest = inspection
            }
            guard let latest else { continue }
            let reasons = Self.reasonList(latest)
            let verdictChanged = latest.verdict.rawValue != input.verdict
            let reasonsChanged = reasons != input.reasons
            var detail: String?
            var signalsChanged = false
            if recomputeSignals, let inspection {
                let before = Set(storedSignals[input.id] ?? []), after = Set(inspection.signals.map(\.code.rawValue))
                if before != after {
                    signalsChanged = true
                    func list(_ codes: Set<String>) -> String { codes.isEmpty ? "none" : codes.sorted().joined(separator: ", ") }
                    detail = "signals: \(list(before)) → \(list(after))"
                }
            }
            let changed = verdictChanged || reasonsChanged || signalsChanged
            let outcome = verdictChanged ? "verdict_changed" : reasonsChanged ? "reasons_changed" : signalsChanged ? "signals_changed" : "unchanged"
            results.append(Examined(
                result: RevalidationResult(documentType: "certificate", documentID: input.id, outcome: outcome, previousVerdict: input.verdict, previousReasons: input.reasons,
                                           verdict: latest.verdict.rawValue, reasons: reasons, changed: changed, requeued: false, detail: detail),
                inspection: changed ? inspection : nil
            ))
        }
        return results
    }

    /// Reason codes as certificates store them for comparison: comma-separated, in order.
    private static func reasonList(_ inspection: Inspection) -> String {
        inspection.reasons.map(\.rawValue).joined(separator: ",")
    }

    private func examineLOA(_ id: String, request: Request, actor: String) async throws -> Examined {
        guard let ports else { throw WorkflowError(.conflict, code: "loa_checks_unavailable", "LOA checks need the LOA templates and signing identity") }
        let record = try await store.withSession { try await LOARepository.loa(id: id, on: $0) }
        let verification = try await ports.verify(id)
        var result = RevalidationResult(documentType: "loa", documentID: id, outcome: "intact", previousVerdict: record?.status, previousReasons: "",
                                        verdict: verification.status, reasons: "", changed: false, requeued: false, detail: nil)
        guard let record else {
            result.outcome = "missing"
            result.changed = true
            result.detail = "the LOA no longer exists"
            return Examined(result: result, inspection: nil)
        }
        if !verification.genuine {
            result.outcome = "not_genuine"
            result.changed = true
            result.reasons = "signature_invalid"
            result.detail = "the stored PDF's signature does not verify with the current signing certificate, or the file changed"
            return Examined(result: result, inspection: nil)
        }
        if let days = request.loaExpiringWithinDays, verification.status == "valid",
           record.expiresAt <= CalendarDate(utc: clock().addingTimeInterval(Double(days) * 86400)).description {
            result.outcome = "expiring"
            result.changed = true
            result.detail = "expires on \(record.expiresAt)"
            if request.reissueExpiring {
                // A letter that cannot be reissued (its port was cancelled meanwhile, a template
                // broke) is reported, not retried forever: the run still ends.
                do {
                    let issued = try await ports.reissueLOA(portID: record.portID, by: .staff(role: .operator, tokenName: actor), language: record.language, paperSize: record.paperSize)
                    result.outcome = "reissued"
                    result.detail = "expires on \(record.expiresAt); reissued as \(issued.record.id), valid until \(issued.record.expiresAt)"
                } catch let error as WorkflowError {
                    result.outcome = "reissue_failed"
                    result.detail = "expires on \(record.expiresAt); not reissued: \(error.code): \(error.message)"
                }
            }
        }
        return Examined(result: result, inspection: nil)
    }

    /// Writes a batch's results in one transaction. A result counts only if this worker still
    /// holds the item; a changed certificate gets its new verdict, and one whose company a
    /// reviewer verified goes back to the review queue (the company's status is untouched).
    private func record(_ examined: [Examined], runID: String, worker: String) async throws -> Int {
        let now = clock()
        let stamp = Timestamp.format(now), due = Timestamp.format(now.addingTimeInterval(settings.reviewSLA))
        let encoder = JSONEncoder()
        let prepared: [(Examined, String?)] = try examined.map { item in
            (item, try item.inspection.map { String(decoding: try encoder.encode($0), as: UTF8.self) })
        }
        return try await store.transaction { database in
            // Results that change nothing stored (unchanged, missing, LOAs) in a few statements;
            // a changed certificate one at a time, with its new verdict and audit entry.
            var recorded = try await RevalidationRepository.complete(
                runID: runID, worker: worker, results: prepared.filter { $0.0.inspection == nil }.map(\.0.result), at: stamp, on: database
            ).count
            for (item, inspectionJSON) in prepared where item.inspection != nil {
                var result = item.result
                var before: CertificateRecord?
                if let current = try await CertificateRepository.certificate(id: result.documentID, on: database) {
                    before = current
                    result.requeued = result.outcome == "verdict_changed" && current.status == .approved
                }
                guard try await RevalidationRepository.complete(runID: runID, worker: worker, result: result, at: stamp, on: database) else { continue }
                recorded += 1
                guard let inspection = item.inspection, let inspectionJSON, let before else { continue }
                try await CertificateRepository.applyRevalidation(
                    id: before.id, verdict: inspection.verdict.rawValue, reasons: inspection.reasons.map(\.rawValue), flags: inspection.flags.map(\.rawValue),
                    pages: inspection.pages, inspectionJSON: inspectionJSON, requeue: result.requeued ? (stamp, due) : nil, now: stamp, on: database
                )
                var after = before
                after.verdict = inspection.verdict.rawValue
                after.reasons = inspection.reasons.map(\.rawValue)
                if result.requeued {
                    after.status = .queued
                    after.source = "revalidation"
                    after.claimedBy = nil
                    after.firstApprovalBy = nil
                }
                try await AuditRepository.append(
                    actor: "revalidation:\(runID)", entityType: "certificate", entityID: before.id,
                    action: result.requeued ? "requeued_by_revalidation" : "revalidated",
                    before: Audit.state(before), after: Audit.state(after), at: stamp, on: database
                )
            }
            return recorded
        }
    }

    // MARK: Reports

    /// The formats of a run's report.
    public enum ReportFormat: String, Sendable, CaseIterable {
        /// One JSON object per line.
        case jsonl
        /// RFC 4180 CSV with a header line.
        case csv
    }

    /// A run's report, produced a page at a time as it is read (memory stays flat, and a slow
    /// reader holds back the queries): the documents whose verdict or reasons changed, LOAs
    /// at fault or expiring, or every document with `everything`.
    public func report(runID: String, format: ReportFormat, everything: Bool = false) async throws -> ReportChunks {
        guard try await store.withSession({ try await RevalidationRepository.run(id: runID, on: $0) }) != nil else { throw WorkflowError.notFound("revalidation run") }
        return ReportChunks(store: store, runID: runID, format: format, everything: everything)
    }

    /// Writes a run's report through `sink`, a page at a time.
    public func writeReport(runID: String, format: ReportFormat, everything: Bool = false, to sink: (String) async throws -> Void) async throws {
        for try await chunk in try await report(runID: runID, format: format, everything: everything) {
            try await sink(chunk)
        }
    }

    /// The chunks of a report: the CSV header, then one chunk per page of 500 lines.
    public struct ReportChunks: AsyncSequence, Sendable {
        /// Text: JSON Lines or CSV.
        public typealias Element = String
        let store: Store
        let runID: String
        let format: ReportFormat
        let everything: Bool

        /// Reads the next page when asked.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let chunks: ReportChunks
            var headerSent = false
            var cursor: (type: String, id: String)?
            var finished = false

            /// The next chunk, or nil at the end.
            public mutating func next() async throws -> String? {
                if chunks.format == .csv, !headerSent {
                    headerSent = true
                    return "run_id,document_type,document_id,outcome,previous_verdict,previous_reasons,verdict,reasons,requeued,detail,done_at\r\n"
                }
                guard !finished else { return nil }
                let (runID, everything, after) = (chunks.runID, chunks.everything, cursor)
                let page = try await chunks.store.withSession {
                    try await RevalidationRepository.reportPage(runID: runID, after: after, limit: 500, everything: everything, on: $0)
                }
                guard let last = page.last else {
                    finished = true
                    return nil
                }
                cursor = (last.documentType, last.documentID)
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                var chunk = ""
                for line in page {
                    switch chunks.format {
                    case .jsonl: chunk += String(decoding: try encoder.encode(line), as: UTF8.self) + "\n"
                    case .csv: chunk += Revalidation.csvLine(line)
                    }
                }
                return chunk
            }
        }

        /// Starts reading.
        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: self) }
    }

    static func csvLine(_ line: RevalidationReportLine) -> String {
        let fields = [
            line.runID, line.documentType, line.documentID, line.outcome, line.previousVerdict ?? "", line.previousReasons.joined(separator: " "),
            line.verdict ?? "", line.reasons.joined(separator: " "), line.requeued ? "true" : "false", line.detail ?? "", line.doneAt ?? "",
        ]
        return fields.map(csvField).joined(separator: ",") + "\r\n"
    }

    /// RFC 4180 quoting, and a leading `'` on anything a spreadsheet would run as a formula.
    static func csvField(_ raw: String) -> String {
        var text = raw
        if let first = text.first, "=+-@\t\r".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A certificate selection with known statuses and its dates in the stored form, or
    /// `invalid_status` / `invalid_date`. Public so that the API can refuse filters it is sent
    /// alongside `certificates: false` as it refuses them otherwise.
    public static func checked(_ selection: CertificateSelection) throws -> CertificateSelection {
        var selection = selection
        for status in selection.statuses ?? [] where CertificateStatus(rawValue: status) == nil {
            throw WorkflowError(.invalid, code: "invalid_status", "unknown certificate status \(status); one of \(CertificateStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        selection.uploadedSince = try selection.uploadedSince.map { try Self.instant($0, field: "uploaded_since") }
        selection.uploadedBefore = try selection.uploadedBefore.map { try Self.instant($0, field: "uploaded_before") }
        return selection
    }

    /// Parses `YYYY-MM-DD` (midnight UTC) or an RFC 3339 instant into the stored form.
    static func instant(_ raw: String, field: String) throws -> String {
        if let date = InputRules.dateTime(raw) ?? InputRules.date(raw) { return Timestamp.format(date) }
        throw WorkflowError(.invalid, code: "invalid_date", "\(field) must be a date (YYYY-MM-DD) or an ISO 8601 instant")
    }
}

/// Items recorded by this process, shared by its lanes.
actor RecordedCounter {
    private(set) var value = 0
    func add(_ count: Int) { value += count }
}
