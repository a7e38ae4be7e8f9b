import Foundation
public import SQLKit

/// Where an OCR job stands.
public enum OCRJobState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for an instance to take it (again, after a retry, once `available_at` passes).
    case queued
    /// Taken by an instance whose lease runs until `lease_until`; taken again once it lapses.
    case running
    /// Read; the certificate's inspection holds the OCR text and evidence.
    case done
    /// Given up after its last attempt: `error_code` is `processing_failed` or `processing_timeout`.
    case failed
}

/// One OCR job: reading the pages of one image-only certificate.
public struct OCRJobRecord: Sendable, Hashable, Codable {
    /// The certificate read (one job per certificate).
    public var certificateID: String
    /// Where it stands.
    public var state: OCRJobState
    /// Why it was queued: `upload` or `revalidation`.
    public var reason: String
    /// Attempts started so far (a lapsed lease counts as one).
    public var attempts: Int
    /// When it may be taken.
    public var availableAt: String
    /// The instance holding it, while it runs.
    public var leaseOwner: String?
    /// When that instance's lease lapses.
    public var leaseUntil: String?
    /// The last failure's stable code.
    public var errorCode: String?
    /// The last failure, for operators.
    public var errorMessage: String?
    /// When it was queued.
    public var createdAt: String
    /// When its last attempt started.
    public var startedAt: String?
    /// When it ended.
    public var finishedAt: String?

    enum CodingKeys: String, CodingKey {
        case state, reason, attempts
        case certificateID = "certificate_id"
        case availableAt = "available_at"
        case leaseOwner = "lease_owner"
        case leaseUntil = "lease_until"
        case errorCode = "error_code"
        case errorMessage = "error_message"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

/// The OCR jobs table: a durable queue that survives restarts and that several instances share.
///
/// A job is taken under a lease (on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so two instances
/// never take the same one); its result is written only by the lease's holder, in the
/// transaction that ends the job, so no document's OCR is recorded twice. A lease that lapses
/// (its instance died) makes the job available again.
public enum OCRJobRepository {
    static let columns = [
        "certificate_id", "state", "reason", "attempts", "available_at", "lease_owner", "lease_until",
        "error_code", "error_message", "created_at", "started_at", "finished_at",
    ]

    /// Queues a job for each certificate, or queues its job again (attempts reset) when it has
    /// one. Call inside the transaction that stores the certificates.
    public static func enqueue(certificateIDs: [String], reason: String, now: String, on database: any SQLDatabase) async throws {
        guard !certificateIDs.isEmpty else { return }
        struct Row: Decodable { var certificate_id: String }
        var existing: Set<String> = []
        for chunk in inListChunks(certificateIDs) {
            let rows = try await database.select().column("certificate_id").from("ocr_jobs").where("certificate_id", .in, SQLBind.group(chunk)).all(decoding: Row.self)
            existing.formUnion(rows.map(\.certificate_id))
        }
        for chunk in inListChunks(Array(existing)) {
            try await database.update("ocr_jobs")
                .set("state", to: SQLBind(OCRJobState.queued.rawValue)).set("reason", to: SQLBind(reason)).set("attempts", to: SQLBind(0))
                .set("available_at", to: SQLBind(now)).set("lease_owner", to: SQLLiteral.null).set("lease_until", to: SQLLiteral.null)
                .set("error_code", to: SQLLiteral.null).set("error_message", to: SQLLiteral.null).set("finished_at", to: SQLLiteral.null)
                .where("certificate_id", .in, SQLBind.group(chunk)).run()
        }
        let fresh = certificateIDs.filter { !existing.contains($0) }
        guard !fresh.isEmpty else { return }
        let insert = database.insert(into: "ocr_jobs").columns(columns)
        for id in Set(fresh).sorted() {
            insert.values([
                SQLBind(id), SQLBind(OCRJobState.queued.rawValue), SQLBind(reason), SQLBind(0), SQLBind(now), SQLLiteral.null, SQLLiteral.null,
                SQLLiteral.null, SQLLiteral.null, SQLBind(now), SQLLiteral.null, SQLLiteral.null,
            ])
        }
        try await insert.run()
    }

    /// Takes the job that has waited longest among those due (queued, or running under a
    /// lapsed lease) for `owner` until `until`. Call inside a transaction.
    public static func claim(owner: String, until: String, now: String, dialect: SQLDialectKind, on database: any SQLDatabase) async throws -> OCRJobRecord? {
        struct Row: Decodable { var certificate_id: String }
        let candidate = try await database.raw("""
            SELECT certificate_id FROM ocr_jobs
            WHERE (state = 'queued' AND available_at <= \(bind: now)) OR (state = 'running' AND lease_until < \(bind: now))
            ORDER BY available_at, certificate_id LIMIT 1\(dialect.skipLockedRows)
            """).first(decoding: Row.self)
        guard let candidate else { return nil }
        return try await database.update("ocr_jobs")
            .set("state", to: SQLBind(OCRJobState.running.rawValue)).set("lease_owner", to: SQLBind(owner)).set("lease_until", to: SQLBind(until))
            .set("attempts", to: SQLBinaryExpression(SQLColumn("attempts"), .add, SQLLiteral.numeric("1"))).set("started_at", to: SQLBind(now))
            .where("certificate_id", .equal, SQLBind(candidate.certificate_id))
            .returning(columns.map { SQLColumn($0) }).first(decoding: OCRJobRecord.self)
    }

    /// Extends `owner`'s lease on a job it is still working.
    public static func renew(certificateID: String, owner: String, until: String, on database: any SQLDatabase) async throws {
        try await database.update("ocr_jobs").set("lease_until", to: SQLBind(until))
            .where("certificate_id", .equal, SQLBind(certificateID)).where("lease_owner", .equal, SQLBind(owner))
            .where("state", .equal, SQLBind(OCRJobState.running.rawValue)).run()
    }

    /// Ends a job (`done`, or `failed` with a code), only if `owner` still holds its lease;
    /// false otherwise, and the caller must then not record its result. Call inside the
    /// transaction that records the result.
    public static func finish(certificateID: String, owner: String, state: OCRJobState, errorCode: String? = nil, errorMessage: String? = nil, now: String, on database: any SQLDatabase) async throws -> Bool {
        struct Row: Decodable { var certificate_id: String }
        return try await database.update("ocr_jobs")
            .set("state", to: SQLBind(state.rawValue)).set("lease_owner", to: SQLLiteral.null).set("lease_until", to: SQLLiteral.null)
            .set("error_code", to: SQLBind(errorCode)).set("error_message", to: SQLBind(errorMessage)).set("finished_at", to: SQLBind(now))
            .where("certificate_id", .equal, SQLBind(certificateID)).where("state", .equal, SQLBind(OCRJobState.running.rawValue))
            .where("lease_owner", .equal, SQLBind(owner))
            .returning("certificate_id").first(decoding: Row.self) != nil
    }

    /// Puts a job back in the queue after a failed attempt, to be taken again from
    /// `availableAt`, only if `owner` still holds its lease.
    public static func retry(certificateID: String, owner: String, availableAt: String, errorCode: String, errorMessage: String, on database: any SQLDatabase) async throws -> Bool {
        struct Row: Decodable { var certificate_id: String }
        return try await database.update("ocr_jobs")
            .set("state", to: SQLBind(OCRJobState.queued.rawValue)).set("lease_owner", to: SQLLiteral.null).set("lease_until", to: SQLLiteral.null)
            .set("available_at", to: SQLBind(availableAt)).set("error_code", to: SQLBind(errorCode)).set("error_message", to: SQLBind(errorMessage))
            .where("certificate_id", .equal, SQLBind(certificateID)).where("state", .equal, SQLBind(OCRJobState.running.rawValue))
            .where("lease_owner", .equal, SQLBind(owner))
            .returning("certificate_id").first(decoding: Row.self) != nil
    }

    /// The stored inspections of other certificates with the same file (SHA-256) whose OCR job
    /// is done (and ended after `finishedSince`, when given), newest first, at most
    /// `limit`: a finished OCR of identical bytes can be reused.
    public static func finishedInspections(sha256: String, except certificateID: String, finishedSince: String? = nil, limit: Int = 3, on database: any SQLDatabase) async throws -> [String] {
        struct Row: Decodable { var inspection: String? }
        let query = database.select().column(SQLColumn("inspection", table: "certificates")).from("certificates")
            .join("ocr_jobs", on: SQLColumn("certificate_id", table: "ocr_jobs"), .equal, SQLColumn("id", table: "certificates"))
            .where(SQLColumn("sha256", table: "certificates"), .equal, SQLBind(sha256))
            .where(SQLColumn("id", table: "certificates"), .notEqual, SQLBind(certificateID))
            .where(SQLColumn("state", table: "ocr_jobs"), .equal, SQLBind(OCRJobState.done.rawValue))
        if let finishedSince { query.where(SQLColumn("finished_at", table: "ocr_jobs"), .greaterThan, SQLBind(finishedSince)) }
        return try await query.orderBy(SQLColumn("finished_at", table: "ocr_jobs") as any SQLExpression, SQLDirection.descending)
            .limit(limit)
            .all(decoding: Row.self).compactMap(\.inspection)
    }

    /// A certificate's job, if it has one.
    public static func job(certificateID: String, on database: any SQLDatabase) async throws -> OCRJobRecord? {
        try await database.select().columns(columns.map { SQLColumn($0) }).from("ocr_jobs")
            .where("certificate_id", .equal, SQLBind(certificateID)).first(decoding: OCRJobRecord.self)
    }

    /// The jobs of these certificates, by certificate id (for the review queue's rows).
    public static func jobs(certificateIDs: [String], on database: any SQLDatabase) async throws -> [String: OCRJobRecord] {
        var jobs: [String: OCRJobRecord] = [:]
        for chunk in inListChunks(certificateIDs) {
            for job in try await database.select().columns(columns.map { SQLColumn($0) }).from("ocr_jobs")
                .where("certificate_id", .in, SQLBind.group(chunk)).all(decoding: OCRJobRecord.self) {
                jobs[job.certificateID] = job
            }
        }
        return jobs
    }

    /// How many jobs are in each state: the backlog is `queued` plus `running`.
    public static func counts(on database: any SQLDatabase) async throws -> [OCRJobState: Int] {
        struct Row: Decodable { var state: String; var n: Int }
        let rows = try await database.select().column("state").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from("ocr_jobs").groupBy("state").all(decoding: Row.self)
        var counts: [OCRJobState: Int] = [:]
        for row in rows { if let state = OCRJobState(rawValue: row.state) { counts[state] = row.n } }
        return counts
    }

    /// The ids of image-only certificates (verdict `needs_visual_review`), for a revalidation
    /// run that reads every scan again.
    public static func imageOnlyCertificateIDs(on database: any SQLDatabase) async throws -> [String] {
        struct Row: Decodable { var id: String }
        return try await database.select().column("id").from("certificates").where("verdict", .equal, SQLBind("needs_visual_review"))
            .orderBy("created_at").all(decoding: Row.self).map(\.id)
    }
}
