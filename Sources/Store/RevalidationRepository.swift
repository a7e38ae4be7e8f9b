import Foundation
public import SQLKit

/// One revalidation run as recorded: who started it, when, under which policy and library
/// versions, over which selection.
public struct RevalidationRunRecord: Sendable, Hashable, Codable {
    /// Random identifier (`rv-…`).
    public var id: String
    /// Who started it (`operator:<name>`, `cli:<user>`).
    public var startedBy: String
    /// When it started.
    public var startedAt: String
    /// When its last item was done.
    public var finishedAt: String?
    /// `running` or `finished`.
    public var status: String
    /// Who works it: `cli` (processes started by operators) or `server` (the service's background worker).
    public var executor: String
    /// What it covers (JSON, as given at start).
    public var selection: String
    /// The intake policy version it applies; joiners with another policy are refused.
    public var policyVersion: String
    /// libmagic's version when it started.
    public var libmagicVersion: String
    /// poppler's version when it started.
    public var popplerVersion: String
    /// How many documents it covers.
    public var total: Int

    /// A run as stored.
    public init(id: String, startedBy: String, startedAt: String, finishedAt: String?, status: String, executor: String, selection: String, policyVersion: String, libmagicVersion: String, popplerVersion: String, total: Int) {
        self.id = id
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.status = status
        self.executor = executor
        self.selection = selection
        self.policyVersion = policyVersion
        self.libmagicVersion = libmagicVersion
        self.popplerVersion = popplerVersion
        self.total = total
    }

    enum CodingKeys: String, CodingKey {
        case id, status, executor, selection, total
        case startedBy = "started_by"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case policyVersion = "policy_version"
        case libmagicVersion = "libmagic_version"
        case popplerVersion = "poppler_version"
    }
}

/// Which stored certificates a run covers; nil fields match everything.
public struct CertificateSelection: Sendable, Hashable, Codable {
    /// Only these statuses.
    public var statuses: [String]?
    /// Only uploaded at or after this instant.
    public var uploadedSince: String?
    /// Only uploaded before this instant.
    public var uploadedBefore: String?
    /// Only this company's.
    public var companyID: String?

    /// A selection.
    public init(statuses: [String]? = nil, uploadedSince: String? = nil, uploadedBefore: String? = nil, companyID: String? = nil) {
        self.statuses = statuses
        self.uploadedSince = uploadedSince
        self.uploadedBefore = uploadedBefore
        self.companyID = companyID
    }

    enum CodingKeys: String, CodingKey {
        case statuses
        case uploadedSince = "uploaded_since"
        case uploadedBefore = "uploaded_before"
        case companyID = "company_id"
    }
}

/// An item a worker claimed: the document and what was last known of it.
public struct ClaimedRevalidationItem: Sendable, Hashable {
    /// `certificate` or `loa`.
    public var documentType: String
    /// The document's id.
    public var documentID: String
}

/// The result of one item, written when its batch completes.
public struct RevalidationResult: Sendable, Hashable {
    /// `certificate` or `loa`.
    public var documentType: String
    /// The document's id.
    public var documentID: String
    /// `unchanged`, `verdict_changed`, `reasons_changed`, `missing`, `corrupted` (certificates); `intact`, `not_genuine`, `expiring`, `reissued`, `reissue_failed`, `missing` (LOAs).
    public var outcome: String
    /// The verdict (or LOA status) before.
    public var previousVerdict: String?
    /// The reason codes before, comma-separated.
    public var previousReasons: String?
    /// The verdict (or LOA status) now.
    public var verdict: String?
    /// The reason codes now, comma-separated.
    public var reasons: String?
    /// Whether it goes into the report.
    public var changed: Bool
    /// Whether the document went back to the review queue.
    public var requeued: Bool
    /// A short explanation (a new LOA's id, why a file is missing…).
    public var detail: String?

    /// A result.
    public init(documentType: String, documentID: String, outcome: String, previousVerdict: String?, previousReasons: String?, verdict: String?, reasons: String?, changed: Bool, requeued: Bool, detail: String?) {
        self.documentType = documentType
        self.documentID = documentID
        self.outcome = outcome
        self.previousVerdict = previousVerdict
        self.previousReasons = previousReasons
        self.verdict = verdict
        self.reasons = reasons
        self.changed = changed
        self.requeued = requeued
        self.detail = detail
    }
}

/// One line of a run's report.
public struct RevalidationReportLine: Sendable, Hashable, Codable {
    /// The run.
    public var runID: String
    /// `certificate` or `loa`.
    public var documentType: String
    /// The document.
    public var documentID: String
    /// What happened to it.
    public var outcome: String
    /// Before.
    public var previousVerdict: String?
    /// Before.
    public var previousReasons: [String]
    /// Now.
    public var verdict: String?
    /// Now.
    public var reasons: [String]
    /// Whether it went back to the review queue.
    public var requeued: Bool
    /// A short explanation.
    public var detail: String?
    /// When it was done.
    public var doneAt: String?

    enum CodingKeys: String, CodingKey {
        case outcome, verdict, reasons, requeued, detail
        case runID = "run_id"
        case documentType = "document_type"
        case documentID = "document_id"
        case previousVerdict = "previous_verdict"
        case previousReasons = "previous_reasons"
        case doneAt = "done_at"
    }
}

/// Revalidation runs and their items. Items are claimed in batches under a lease: on
/// PostgreSQL with `FOR UPDATE SKIP LOCKED`, so that several processes share one run; a
/// result is written only by the holder of the item's claim, so no document is recorded twice.
public enum RevalidationRepository {
    static let runColumns = ["id", "started_by", "started_at", "finished_at", "status", "executor", "selection", "policy_version", "libmagic_version", "poppler_version", "total"]

    struct RunRow: Decodable {
        var id: String, started_by: String, started_at: String, finished_at: String?, status: String, executor: String
        var selection: String, policy_version: String, libmagic_version: String, poppler_version: String, total: Int
        var record: RevalidationRunRecord {
            RevalidationRunRecord(id: id, startedBy: started_by, startedAt: started_at, finishedAt: finished_at, status: status, executor: executor, selection: selection,
                                  policyVersion: policy_version, libmagicVersion: libmagic_version, popplerVersion: poppler_version, total: total)
        }
    }

    /// Records a run and one pending item per selected document, in the caller's transaction
    /// (`INSERT … SELECT`: the documents never pass through this process's memory).
    public static func create(_ run: RevalidationRunRecord, certificates: CertificateSelection?, loas: Bool, on database: any SQLDatabase) async throws -> RevalidationRunRecord {
        try await database.insert(into: "revalidation_runs").columns(runColumns)
            .values(SQLBind(run.id), SQLBind(run.startedBy), SQLBind(run.startedAt), SQLBind(run.finishedAt), SQLBind(run.status), SQLBind(run.executor),
                    SQLBind(run.selection), SQLBind(run.policyVersion), SQLBind(run.libmagicVersion), SQLBind(run.popplerVersion), SQLBind(0))
            .run()
        if let certificates {
            var conditions: [any SQLExpression] = []
            if let statuses = certificates.statuses, !statuses.isEmpty {
                conditions.append(SQLBinaryExpression(SQLColumn("status"), .in, SQLBind.group(statuses)))
            }
            if let since = certificates.uploadedSince { conditions.append(SQLBinaryExpression(SQLColumn("created_at"), .greaterThanOrEqual, SQLBind(since))) }
            if let before = certificates.uploadedBefore { conditions.append(SQLBinaryExpression(SQLColumn("created_at"), .lessThan, SQLBind(before))) }
            if let company = certificates.companyID { conditions.append(SQLBinaryExpression(SQLColumn("company_id"), .equal, SQLBind(company))) }
            let condition = conditions.isEmpty ? SQLRaw("1 = 1") as any SQLExpression : SQLList(conditions, separator: SQLRaw(" AND "))
            try await database.raw("""
                INSERT INTO revalidation_items (run_id, document_type, document_id, state, attempts, previous_verdict, previous_reasons, changed, requeued)
                SELECT \(bind: run.id), 'certificate', id, 'pending', 0, verdict, reasons, 0, 0 FROM certificates WHERE \(condition)
                """).run()
        }
        if loas {
            try await database.raw("""
                INSERT INTO revalidation_items (run_id, document_type, document_id, state, attempts, previous_verdict, previous_reasons, changed, requeued)
                SELECT \(bind: run.id), 'loa', id, 'pending', 0, status, '', 0, 0 FROM loas
                """).run()
        }
        let total = try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("revalidation_items")
            .where("run_id", .equal, SQLBind(run.id)).first(decodingColumn: "n", as: Int.self) ?? 0
        try await database.update("revalidation_runs").set("total", to: SQLBind(total)).where("id", .equal, SQLBind(run.id)).run()
        var stored = run
        stored.total = total
        return stored
    }

    /// A run by id.
    public static func run(id: String, on database: any SQLDatabase) async throws -> RevalidationRunRecord? {
        guard id.utf8.count <= 64 else { return nil }
        return try await database.select().columns(runColumns).from("revalidation_runs").where("id", .equal, SQLBind(id)).first(decoding: RunRow.self)?.record
    }

    /// The latest runs, newest first.
    public static func runs(limit: Int, on database: any SQLDatabase) async throws -> [RevalidationRunRecord] {
        try await database.select().columns(runColumns).from("revalidation_runs").orderBy("started_at", .descending).orderBy("id", .descending)
            .limit(limit).all(decoding: RunRow.self).map(\.record)
    }

    /// Runs still running that the given executor works.
    public static func unfinishedRuns(executor: String, on database: any SQLDatabase) async throws -> [RevalidationRunRecord] {
        try await database.select().columns(runColumns).from("revalidation_runs")
            .where("status", .equal, SQLBind("running")).where("executor", .equal, SQLBind(executor))
            .orderBy("started_at").all(decoding: RunRow.self).map(\.record)
    }

    /// How many items are in each state (`pending`, `claimed`, `done`).
    public static func stateCounts(runID: String, on database: any SQLDatabase) async throws -> [String: Int] {
        struct Row: Decodable { var state: String; var n: Int }
        let rows = try await database.select().column("state").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("revalidation_items").where("run_id", .equal, SQLBind(runID)).groupBy("state").all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.state, $0.n) })
    }

    /// How many done items had each outcome.
    public static func outcomeCounts(runID: String, on database: any SQLDatabase) async throws -> [String: Int] {
        struct Row: Decodable { var outcome: String; var n: Int }
        let rows = try await database.select().column("outcome").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("revalidation_items").where("run_id", .equal, SQLBind(runID)).where("state", .equal, SQLBind("done"))
            .groupBy("outcome").all(decoding: Row.self)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.outcome, $0.n) })
    }

    /// Claims up to `limit` items of a run for `worker` until `until`: pending ones, and ones
    /// whose claim lapsed (their worker died). Call inside a transaction.
    public static func claimBatch(runID: String, worker: String, until: String, now: String, limit: Int, dialect: SQLDialectKind, on database: any SQLDatabase) async throws -> [ClaimedRevalidationItem] {
        let lock = dialect.skipLockedRows
        struct Row: Decodable { var document_type: String; var document_id: String }
        let candidates = try await database.raw("""
            SELECT document_type, document_id FROM revalidation_items
            WHERE run_id = \(bind: runID) AND (state = 'pending' OR (state = 'claimed' AND claim_until < \(bind: now)))
            ORDER BY document_type, document_id LIMIT \(bind: limit)\(lock)
            """).all(decoding: Row.self)
        guard !candidates.isEmpty else { return [] }
        for group in inListChunks(candidates) {
            for type in Set(group.map(\.document_type)) {
                try await database.update("revalidation_items")
                    .set("state", to: SQLBind("claimed")).set("claimed_by", to: SQLBind(worker)).set("claim_until", to: SQLBind(until))
                    .set("attempts", to: SQLBinaryExpression(SQLColumn("attempts"), .add, SQLLiteral.numeric("1")))
                    .where("run_id", .equal, SQLBind(runID)).where("document_type", .equal, SQLBind(type))
                    .where("document_id", .in, SQLBind.group(group.filter { $0.document_type == type }.map(\.document_id)))
                    .run()
            }
        }
        return candidates.map { ClaimedRevalidationItem(documentType: $0.document_type, documentID: $0.document_id) }
    }

    /// Extends a worker's claims while it works on a long batch.
    public static func renewClaims(runID: String, worker: String, until: String, on database: any SQLDatabase) async throws {
        try await database.update("revalidation_items").set("claim_until", to: SQLBind(until))
            .where("run_id", .equal, SQLBind(runID)).where("state", .equal, SQLBind("claimed")).where("claimed_by", .equal, SQLBind(worker)).run()
    }

    /// Returns every claimed item of a run to pending: for `--resume`, when the operator knows
    /// the processes that held them are gone. Returns how many.
    public static func releaseClaims(runID: String, on database: any SQLDatabase) async throws -> Int {
        try await database.update("revalidation_items")
            .set("state", to: SQLBind("pending")).set("claimed_by", to: SQLLiteral.null).set("claim_until", to: SQLLiteral.null)
            .where("run_id", .equal, SQLBind(runID)).where("state", .equal, SQLBind("claimed"))
            .returning("document_id").all().count
    }

    /// Records one item's result, only if `worker` still holds its claim; false otherwise (the
    /// claim lapsed and another worker took it), in which case the caller must not apply it.
    public static func complete(runID: String, worker: String, result: RevalidationResult, at stamp: String, on database: any SQLDatabase) async throws -> Bool {
        try await !complete(runID: runID, worker: worker, results: [result], at: stamp, on: database).isEmpty
    }

    /// Records many results at once, each only if `worker` still holds its claim, and returns
    /// the ids of the documents recorded. Results that differ only in their document are
    /// written by one statement (most of a run is `unchanged` with a handful of verdicts), so a
    /// batch costs a few statements instead of one per document.
    public static func complete(runID: String, worker: String, results: [RevalidationResult], at stamp: String, on database: any SQLDatabase) async throws -> Set<String> {
        struct Shape: Hashable {
            var documentType: String, outcome: String, previousVerdict: String?, previousReasons: String?
            var verdict: String?, reasons: String?, changed: Bool, requeued: Bool, detail: String?
        }
        var groups: [Shape: [String]] = [:]
        var order: [Shape] = []
        for result in results {
            let shape = Shape(documentType: result.documentType, outcome: result.outcome, previousVerdict: result.previousVerdict, previousReasons: result.previousReasons,
                              verdict: result.verdict, reasons: result.reasons, changed: result.changed, requeued: result.requeued, detail: result.detail)
            if groups[shape] == nil { order.append(shape) }
            groups[shape, default: []].append(result.documentID)
        }
        var recorded: Set<String> = []
        for shape in order {
            let ids = groups[shape] ?? []
            for chunk in inListChunks(ids) {
                struct Row: Decodable { var document_id: String }
                let rows = try await database.update("revalidation_items")
                    .set("state", to: SQLBind("done")).set("claimed_by", to: SQLLiteral.null).set("claim_until", to: SQLLiteral.null)
                    .set("outcome", to: SQLBind(shape.outcome))
                    .set("previous_verdict", to: SQLBind(shape.previousVerdict)).set("previous_reasons", to: SQLBind(shape.previousReasons))
                    .set("verdict", to: SQLBind(shape.verdict)).set("reasons", to: SQLBind(shape.reasons))
                    .set("changed", to: SQLBind(shape.changed ? 1 : 0)).set("requeued", to: SQLBind(shape.requeued ? 1 : 0))
                    .set("detail", to: SQLBind(shape.detail)).set("done_at", to: SQLBind(stamp))
                    .where("run_id", .equal, SQLBind(runID)).where("document_type", .equal, SQLBind(shape.documentType))
                    .where("document_id", .in, SQLBind.group(chunk))
                    .where("state", .equal, SQLBind("claimed")).where("claimed_by", .equal, SQLBind(worker))
                    .returning("document_id").all(decoding: Row.self)
                recorded.formUnion(rows.map(\.document_id))
            }
        }
        return recorded
    }

    /// Marks a run finished when none of its items is left; true when this call did it.
    public static func finishIfDone(runID: String, at stamp: String, on database: any SQLDatabase) async throws -> Bool {
        let left = try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("revalidation_items")
            .where("run_id", .equal, SQLBind(runID)).where("state", .notEqual, SQLBind("done")).first(decodingColumn: "n", as: Int.self) ?? 0
        guard left == 0 else { return false }
        return try await !database.update("revalidation_runs").set("status", to: SQLBind("finished")).set("finished_at", to: SQLBind(stamp))
            .where("id", .equal, SQLBind(runID)).where("status", .equal, SQLBind("running")).returning("id").all().isEmpty
    }

    /// A page of the report, in document order after `after` (type, id): only items that
    /// changed, unless `everything`.
    public static func reportPage(runID: String, after: (type: String, id: String)?, limit: Int, everything: Bool, on database: any SQLDatabase) async throws -> [RevalidationReportLine] {
        struct Row: Decodable {
            var document_type: String, document_id: String, outcome: String?, previous_verdict: String?, previous_reasons: String?
            var verdict: String?, reasons: String?, requeued: Int, detail: String?, done_at: String?
        }
        var query = database.select()
            .columns("document_type", "document_id", "outcome", "previous_verdict", "previous_reasons", "verdict", "reasons", "requeued", "detail", "done_at")
            .from("revalidation_items").where("run_id", .equal, SQLBind(runID)).where("state", .equal, SQLBind("done"))
        if !everything { query = query.where("changed", .equal, SQLBind(1)) }
        if let after {
            query = query.where {
                $0.where("document_type", .greaterThan, SQLBind(after.type))
                    .orWhere { $0.where("document_type", .equal, SQLBind(after.type)).where("document_id", .greaterThan, SQLBind(after.id)) }
            }
        }
        let split = { (text: String?) in (text ?? "").split(separator: ",").map(String.init) }
        return try await query.orderBy("document_type").orderBy("document_id").limit(limit).all(decoding: Row.self).map {
            RevalidationReportLine(runID: runID, documentType: $0.document_type, documentID: $0.document_id, outcome: $0.outcome ?? "",
                                   previousVerdict: $0.previous_verdict, previousReasons: split($0.previous_reasons), verdict: $0.verdict,
                                   reasons: split($0.reasons), requeued: $0.requeued != 0, detail: $0.detail, doneAt: $0.done_at)
        }
    }
}

/// `elements` in pieces small enough for one `IN (…)` list each: every element is a bound
/// parameter, and SQLite and PostgreSQL both cap how many one statement may have.
func inListChunks<Element>(_ elements: [Element]) -> [[Element]] {
    stride(from: 0, to: elements.count, by: 200).map { Array(elements[$0..<min($0 + 200, elements.count)]) }
}
