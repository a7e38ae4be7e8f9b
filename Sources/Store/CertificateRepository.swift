import Foundation
public import SQLKit

/// Where an uploaded certificate of registration stands.
public enum CertificateStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Refused by the intake policy at upload; kept for audit, never queued.
    case rejected
    /// In the review queue.
    case queued
    /// Approved by one reviewer; waits for a second, different one (four-eyes mode).
    case awaitingConfirmation = "awaiting_confirmation"
    /// Approved: the company is verified.
    case approved
    /// Refused by a reviewer: final.
    case declined
    /// A reviewer asked for more information; the company may upload again.
    case infoRequested = "info_requested"
    /// A newer upload of the same company replaced it while it was queued.
    case superseded

    /// The statuses of items in the review queue.
    public static let inQueue: [CertificateStatus] = [.queued, .awaitingConfirmation]
}

/// One uploaded certificate of registration, as stored.
public struct CertificateRecord: Sendable, Hashable, Codable {
    /// Random identifier.
    public var id: String
    /// The company it is for.
    public var companyID: String
    /// The user who uploaded it.
    public var uploadedBy: String
    /// The file's SHA-256 (its blob address).
    public var sha256: String
    /// Its size in bytes.
    public var size: Int
    /// The file name the client sent.
    public var fileName: String?
    /// The Content-Type the client sent.
    public var declaredType: String?
    /// What libmagic says it is.
    public var sniffedMIME: String
    /// The intake verdict (`accepted`, `needs_visual_review`, `rejected`).
    public var verdict: String
    /// The intake reason codes.
    public var reasons: [String]
    /// The intake flags.
    public var flags: [String]
    /// Page count.
    public var pages: Int
    /// Where it stands.
    public var status: CertificateStatus
    /// `upload`, or `revalidation` when a revalidation run sent it back to review.
    public var source: String
    /// When it was uploaded.
    public var createdAt: String
    /// When it last changed.
    public var updatedAt: String
    /// When it entered the queue.
    public var queuedAt: String?
    /// When a decision is due (queued time plus the review SLA).
    public var dueAt: String?
    /// The reviewer holding it, while their claim lasts.
    public var claimedBy: String?
    /// When the claim lapses and the item returns to the queue.
    public var claimUntil: String?
    /// In four-eyes mode: the reviewer whose approval waits for confirmation.
    public var firstApprovalBy: String?

    /// A certificate as stored.
    public init(
        id: String, companyID: String, uploadedBy: String, sha256: String, size: Int, fileName: String?, declaredType: String?,
        sniffedMIME: String, verdict: String, reasons: [String], flags: [String], pages: Int, status: CertificateStatus, source: String,
        createdAt: String, updatedAt: String, queuedAt: String?, dueAt: String?, claimedBy: String?, claimUntil: String?, firstApprovalBy: String?
    ) {
        self.id = id
        self.companyID = companyID
        self.uploadedBy = uploadedBy
        self.sha256 = sha256
        self.size = size
        self.fileName = fileName
        self.declaredType = declaredType
        self.sniffedMIME = sniffedMIME
        self.verdict = verdict
        self.reasons = reasons
        self.flags = flags
        self.pages = pages
        self.status = status
        self.source = source
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.queuedAt = queuedAt
        self.dueAt = dueAt
        self.claimedBy = claimedBy
        self.claimUntil = claimUntil
        self.firstApprovalBy = firstApprovalBy
    }

    enum CodingKeys: String, CodingKey {
        case id, sha256, size, verdict, pages, status, source
        case companyID = "company_id"
        case uploadedBy = "uploaded_by"
        case fileName = "file_name"
        case declaredType = "declared_type"
        case sniffedMIME = "sniffed_mime"
        case reasons, flags
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case queuedAt = "queued_at"
        case dueAt = "due_at"
        case claimedBy = "claimed_by"
        case claimUntil = "claim_until"
        case firstApprovalBy = "first_approval_by"
    }
}

/// A stored inspection's evidence in short: found or not, and from OCR text or not.
public struct EvidenceSummary: Sendable, Hashable {
    /// Whether the declared legal name was found; nil when none was declared.
    public var nameFound: Bool?
    /// Whether the declared registration number was found; nil when none was declared.
    public var numberFound: Bool?
    /// Whether the text searched was OCR's (the file has no text layer).
    public var fromOCR: Bool
}

/// Certificates, the review queue over them, and their previews.
public enum CertificateRepository {
    static let columns = [
        "id", "company_id", "uploaded_by", "sha256", "size", "file_name", "declared_type", "sniffed_mime", "verdict",
        "reasons", "flags", "pages", "status", "source", "created_at", "updated_at", "queued_at", "due_at",
        "claimed_by", "claim_until", "first_approval_by",
    ]

    struct Row: Decodable {
        var id: String, company_id: String, uploaded_by: String, sha256: String, size: Int
        var file_name: String?, declared_type: String?, sniffed_mime: String, verdict: String
        var reasons: String, flags: String, pages: Int, status: String, source: String
        var created_at: String, updated_at: String, queued_at: String?, due_at: String?
        var claimed_by: String?, claim_until: String?, first_approval_by: String?

        var record: CertificateRecord {
            CertificateRecord(
                id: id, companyID: company_id, uploadedBy: uploaded_by, sha256: sha256, size: size, fileName: file_name,
                declaredType: declared_type, sniffedMIME: sniffed_mime, verdict: verdict,
                reasons: reasons.split(separator: ",").map(String.init), flags: flags.split(separator: ",").map(String.init),
                pages: pages, status: CertificateStatus(rawValue: status) ?? .rejected, source: source,
                createdAt: created_at, updatedAt: updated_at, queuedAt: queued_at, dueAt: due_at,
                claimedBy: claimed_by, claimUntil: claim_until, firstApprovalBy: first_approval_by
            )
        }
    }

    /// A certificate to store, with its full inspection (JSON, without previews) and the
    /// upload's `Idempotency-Key`.
    public struct NewCertificate: Sendable {
        /// The record.
        public var record: CertificateRecord
        /// The inspection, as JSON.
        public var inspectionJSON: String
        /// The key the upload was sent with, unique per company.
        public var idempotencyKey: String?

        /// A certificate to store.
        public init(record: CertificateRecord, inspectionJSON: String, idempotencyKey: String?) {
            self.record = record
            self.inspectionJSON = inspectionJSON
            self.idempotencyKey = idempotencyKey
        }
    }

    /// Stores a new certificate with its full inspection (JSON, without previews).
    public static func insert(_ record: CertificateRecord, inspectionJSON: String, idempotencyKey: String?, on database: any SQLDatabase) async throws {
        try await insert([NewCertificate(record: record, inspectionJSON: inspectionJSON, idempotencyKey: idempotencyKey)], on: database)
    }

    /// Stores new certificates with one statement; all or none (a taken idempotency key fails it).
    public static func insert(_ certificates: [NewCertificate], on database: any SQLDatabase) async throws {
        guard !certificates.isEmpty else { return }
        let rows = certificates.map { certificate -> SQLQueryString in
            let record = certificate.record
            let values: [any Encodable & Sendable] = [
                record.id, record.companyID, record.uploadedBy, record.sha256, record.size, record.fileName, record.declaredType,
                record.sniffedMIME, record.verdict, record.reasons.joined(separator: ","), record.flags.joined(separator: ","), record.pages,
                record.status.rawValue, record.source, record.createdAt, record.updatedAt, record.queuedAt, record.dueAt,
                record.claimedBy, record.claimUntil, record.firstApprovalBy, certificate.inspectionJSON, certificate.idempotencyKey,
            ]
            return "(\(binds: values))"
        }
        try await database.raw("INSERT INTO certificates (\(unsafeRaw: insertColumnList)) VALUES \(rows.joined(separator: ", "))").run()
    }

    /// The insert's column list, written once: an upload's hottest statement skips the query
    /// builder's quoting of 23 identifiers per row.
    static let insertColumnList = (columns + ["inspection", "idempotency_key"]).map { "\"\($0)\"" }.joined(separator: ", ")

    /// A certificate by id.
    public static func certificate(id: String, on database: any SQLDatabase) async throws -> CertificateRecord? {
        guard id.utf8.count <= 64 else { return nil }
        return try await database.select().columns(columns).from("certificates").where("id", .equal, SQLBind(id)).first(decoding: Row.self)?.record
    }

    /// The certificate a company stored under an idempotency key, if any.
    public static func certificate(companyID: String, idempotencyKey: String, on database: any SQLDatabase) async throws -> CertificateRecord? {
        try await database.select().columns(columns).from("certificates")
            .where("company_id", .equal, SQLBind(companyID)).where("idempotency_key", .equal, SQLBind(idempotencyKey))
            .first(decoding: Row.self)?.record
    }

    /// Certificates of other companies with the same file (same SHA-256), newest first, at
    /// most `limit`.
    public static func certificates(sha256: String, excludingCompany companyID: String, limit: Int = 20, on database: any SQLDatabase) async throws -> [CertificateRecord] {
        try await database.select().columns(columns.map { SQLColumn($0) }).from("certificates")
            .where("sha256", .equal, SQLBind(sha256)).where("company_id", .notEqual, SQLBind(companyID))
            .orderBy("created_at", .descending).orderBy("id").limit(max(1, limit))
            .all(decoding: Row.self).map(\.record)
    }

    /// Records a certificate's first-page difference hash (16 hexadecimal digits), once its
    /// first page was drawn (at upload for an image, with its previews for a PDF).
    public static func setFirstPageHash(id: String, hash: String, on database: any SQLDatabase) async throws {
        try await database.update("certificates").set("first_page_hash", to: SQLBind(hash)).where("id", .equal, SQLBind(id)).run()
    }

    /// A certificate's first-page difference hash, when known.
    public static func firstPageHash(id: String, on database: any SQLDatabase) async throws -> String? {
        struct Row: Decodable { var first_page_hash: String? }
        return try await database.select().column("first_page_hash").from("certificates").where("id", .equal, SQLBind(id)).first(decoding: Row.self)?.first_page_hash
    }

    /// Every other company's certificates whose first-page hash is known, newest first:
    /// compared by Hamming distance in the caller (64-bit hashes; a scan of one short column).
    public static func firstPageHashes(excludingCompany companyID: String, on database: any SQLDatabase) async throws -> [(id: String, companyID: String, hash: String)] {
        struct Row: Decodable { var id: String; var company_id: String; var first_page_hash: String }
        return try await database.select().column("id").column("company_id").column("first_page_hash").from("certificates")
            .where("first_page_hash", .isNot, SQLLiteral.null).where("company_id", .notEqual, SQLBind(companyID))
            .orderBy("created_at", .descending)
            .all(decoding: Row.self).map { ($0.id, $0.company_id, $0.first_page_hash) }
    }

    /// The stored inspection (JSON) of a certificate.
    public static func inspectionJSON(id: String, on database: any SQLDatabase) async throws -> String? {
        try await database.select().column("inspection").from("certificates").where("id", .equal, SQLBind(id)).first(decodingColumn: "inspection", as: String.self)
    }

    /// Replaces a certificate's stored inspection (JSON), when something learnt later (the
    /// pages, drawn) adds to it.
    public static func replaceInspectionJSON(id: String, json: String, on database: any SQLDatabase) async throws {
        try await database.update("certificates").set("inspection", to: SQLBind(json)).where("id", .equal, SQLBind(id)).run()
    }

    /// A company's certificates, newest first.
    public static func certificates(ofCompany companyID: String, on database: any SQLDatabase) async throws -> [CertificateRecord] {
        try await database.select().columns(columns).from("certificates").where("company_id", .equal, SQLBind(companyID))
            .orderBy("created_at", .descending).all(decoding: Row.self).map(\.record)
    }

    /// The review queue, oldest first (claimed items included, with their claim).
    public static func queue(limit: Int, on database: any SQLDatabase) async throws -> [CertificateRecord] {
        try await database.select().columns(columns).from("certificates")
            .where("status", .in, SQLBind.group(CertificateStatus.inQueue.map(\.rawValue)))
            .orderBy("queued_at").orderBy("id").limit(limit).all(decoding: Row.self).map(\.record)
    }

    /// How many items are queued, and when the oldest was queued.
    public static func queueDepth(on database: any SQLDatabase) async throws -> (count: Int, oldestQueuedAt: String?) {
        struct Row: Decodable { var n: Int; var oldest: String? }
        let row = try await database.select()
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLFunction("MIN", args: SQLColumn("queued_at")), as: "oldest")
            .from("certificates").where("status", .in, SQLBind.group(CertificateStatus.inQueue.map(\.rawValue)))
            .first(decoding: Row.self)
        return (row?.n ?? 0, row?.oldest)
    }

    /// Claims the oldest claimable item for `reviewer` until `until`: unclaimed or with a
    /// lapsed claim, and (four-eyes) not awaiting this reviewer's own confirmation. On
    /// PostgreSQL `FOR UPDATE SKIP LOCKED` lets concurrent claims pass each other; SQLite's
    /// write transactions take turns. Call inside a transaction.
    public static func claimNext(reviewer: String, until: String, now: String, dialect: SQLDialectKind, on database: any SQLDatabase) async throws -> CertificateRecord? {
        let lock = dialect.skipLockedRows
        let candidates = try await database.raw("""
            SELECT id FROM certificates
            WHERE status IN ('queued', 'awaiting_confirmation')
              AND (claim_until IS NULL OR claim_until < \(bind: now))
              AND (first_approval_by IS NULL OR first_approval_by <> \(bind: reviewer))
            ORDER BY queued_at, id LIMIT 1\(lock)
            """).all(decoding: IDRow.self)
        guard let id = candidates.first?.id else { return nil }
        return try await claim(id: id, reviewer: reviewer, until: until, now: now, on: database)
    }

    struct IDRow: Decodable { var id: String }

    /// Claims one item, if it is claimable by this reviewer (unclaimed, lapsed, or already
    /// theirs); nil when another reviewer holds it or it is not in the queue.
    public static func claim(id: String, reviewer: String, until: String, now: String, on database: any SQLDatabase) async throws -> CertificateRecord? {
        guard id.utf8.count <= 64 else { return nil }
        return try await database.update("certificates")
            .set("claimed_by", to: SQLBind(reviewer)).set("claim_until", to: SQLBind(until))
            .where("id", .equal, SQLBind(id))
            .where("status", .in, SQLBind.group(CertificateStatus.inQueue.map(\.rawValue)))
            .where { $0.where("claim_until", .is, SQLLiteral.null).orWhere("claim_until", .lessThan, SQLBind(now)).orWhere("claimed_by", .equal, SQLBind(reviewer)) }
            .where { $0.where("first_approval_by", .is, SQLLiteral.null).orWhere("first_approval_by", .notEqual, SQLBind(reviewer)) }
            .returning(columns.map { SQLColumn($0) })
            .first(decoding: Row.self)?.record
    }

    /// Gives a claim back to the queue; false when the reviewer did not hold it.
    public static func release(id: String, reviewer: String, on database: any SQLDatabase) async throws -> Bool {
        let rows = try await database.update("certificates")
            .set("claimed_by", to: SQLLiteral.null).set("claim_until", to: SQLLiteral.null)
            .where("id", .equal, SQLBind(id)).where("claimed_by", .equal, SQLBind(reviewer))
            .returning("id").all()
        return !rows.isEmpty
    }

    /// Moves a certificate to a new status (leaving the queue clears the claim), only from
    /// `from`; false when it was no longer there.
    public static func transition(id: String, from: CertificateStatus, to: CertificateStatus, firstApprovalBy: String? = nil, now: String, on database: any SQLDatabase) async throws -> Bool {
        let update = database.update("certificates")
            .set("status", to: SQLBind(to.rawValue)).set("updated_at", to: SQLBind(now))
            .set("claimed_by", to: SQLLiteral.null).set("claim_until", to: SQLLiteral.null)
            .set("first_approval_by", to: SQLBind(firstApprovalBy))
        return try await !update.where("id", .equal, SQLBind(id)).where("status", .equal, SQLBind(from.rawValue)).returning("id").all().isEmpty
    }

    /// Marks the queued items of these companies superseded by newer uploads, with one
    /// statement; says which company each superseded certificate belonged to.
    public static func supersedeQueued(companyIDs: [String], now: String, on database: any SQLDatabase) async throws -> [(id: String, companyID: String)] {
        guard !companyIDs.isEmpty else { return [] }
        struct Superseded: Decodable { var id: String; var company_id: String }
        return try await database.update("certificates")
            .set("status", to: SQLBind(CertificateStatus.superseded.rawValue)).set("updated_at", to: SQLBind(now))
            .set("claimed_by", to: SQLLiteral.null).set("claim_until", to: SQLLiteral.null)
            .where("company_id", .in, SQLBind.group(companyIDs))
            .where("status", .in, SQLBind.group(CertificateStatus.inQueue.map(\.rawValue)))
            .returning("id", "company_id").all(decoding: Superseded.self).map { ($0.id, $0.company_id) }
    }

    /// What a revalidation needs to examine a certificate again: where its file is, what the
    /// uploader declared, and its company's declared name and number.
    public struct RevalidationInput: Sendable, Hashable, Decodable {
        /// The certificate.
        public var id: String
        /// Its blob address.
        public var sha256: String
        /// The uploader's file name.
        public var fileName: String?
        /// The uploader's Content-Type.
        public var declaredType: String?
        /// The company's declared legal name.
        public var legalName: String
        /// The company's declared registration number.
        public var registrationNumber: String
        /// The company's country of registration.
        public var country: String
        /// When the certificate was uploaded: the day its age is counted to.
        public var createdAt: String
        /// The verdict last recorded.
        public var verdict: String
        /// The reason codes last recorded, comma-separated.
        public var reasons: String

        enum CodingKeys: String, CodingKey {
            case id, sha256, verdict, reasons, country
            case fileName = "file_name"
            case declaredType = "declared_type"
            case legalName = "legal_name"
            case registrationNumber = "registration_number"
            case createdAt = "created_at"
        }
    }

    /// Whether each certificate's text showed the declared name and number (nil where none was
    /// declared), and whether that text was OCR's, by id: what the review queue's rows show.
    public static func evidenceSummaries(ids: [String], on database: any SQLDatabase) async throws -> [String: EvidenceSummary] {
        guard !ids.isEmpty else { return [:] }
        struct Row: Decodable { var id: String; var inspection: String }
        struct Match: Decodable { var found: Bool }
        struct Evidence: Decodable {
            var legal_name: Match?
            var registration_number: Match?
            var from_ocr: Bool?
        }
        struct Stored: Decodable { var evidence: Evidence? }
        let decoder = JSONDecoder()
        var summaries: [String: EvidenceSummary] = [:]
        for chunk in inListChunks(ids) {
            for row in try await database.select().column("id").column("inspection").from("certificates").where("id", .in, SQLBind.group(chunk)).all(decoding: Row.self) {
                guard let evidence = (try? decoder.decode(Stored.self, from: Data(row.inspection.utf8)))?.evidence else { continue }
                summaries[row.id] = EvidenceSummary(nameFound: evidence.legal_name?.found, numberFound: evidence.registration_number?.found, fromOCR: evidence.from_ocr ?? false)
            }
        }
        return summaries
    }

    /// The forensic signal codes stored with each certificate's inspection, by id.
    public static func signalCodes(ids: [String], on database: any SQLDatabase) async throws -> [String: [String]] {
        guard !ids.isEmpty else { return [:] }
        struct Row: Decodable { var id: String; var inspection: String }
        struct Stored: Decodable {
            struct Signal: Decodable { var code: String }
            var signals: [Signal]?
        }
        let decoder = JSONDecoder()
        var codes: [String: [String]] = [:]
        for row in try await database.select().column("id").column("inspection").from("certificates").where("id", .in, SQLBind.group(ids)).all(decoding: Row.self) {
            codes[row.id] = (try? decoder.decode(Stored.self, from: Data(row.inspection.utf8)))?.signals?.map(\.code) ?? []
        }
        return codes
    }

    /// The revalidation inputs of some certificates (those that exist).
    public static func revalidationInputs(ids: [String], on database: any SQLDatabase) async throws -> [RevalidationInput] {
        guard !ids.isEmpty else { return [] }
        return try await database.select()
            .column(SQLColumn("id", table: "certificates")).column(SQLColumn("sha256", table: "certificates"))
            .column(SQLColumn("file_name", table: "certificates")).column(SQLColumn("declared_type", table: "certificates"))
            .column(SQLColumn("legal_name", table: "companies")).column(SQLColumn("registration_number", table: "companies"))
            .column(SQLColumn("country", table: "companies")).column(SQLColumn("created_at", table: "certificates"))
            .column(SQLColumn("verdict", table: "certificates")).column(SQLColumn("reasons", table: "certificates"))
            .from("certificates").join("companies", on: SQLColumn("company_id", table: "certificates"), .equal, SQLColumn("id", table: "companies"))
            .where(SQLColumn("id", table: "certificates"), .in, SQLBind.group(ids))
            .all(decoding: RevalidationInput.self)
    }

    /// Records a revalidation's new verdict on a certificate and, when `requeue` gives the
    /// queue and due times, puts it back into the review queue marked `revalidation`.
    public static func applyRevalidation(
        id: String, verdict: String, reasons: [String], flags: [String], pages: Int, inspectionJSON: String,
        requeue: (queuedAt: String, dueAt: String)?, now: String, on database: any SQLDatabase
    ) async throws {
        var update = database.update("certificates")
            .set("verdict", to: SQLBind(verdict)).set("reasons", to: SQLBind(reasons.joined(separator: ",")))
            .set("flags", to: SQLBind(flags.joined(separator: ","))).set("pages", to: SQLBind(pages))
            .set("inspection", to: SQLBind(inspectionJSON)).set("updated_at", to: SQLBind(now))
        if let requeue {
            update = update.set("status", to: SQLBind(CertificateStatus.queued.rawValue)).set("source", to: SQLBind("revalidation"))
                .set("queued_at", to: SQLBind(requeue.queuedAt)).set("due_at", to: SQLBind(requeue.dueAt))
                .set("claimed_by", to: SQLLiteral.null).set("claim_until", to: SQLLiteral.null).set("first_approval_by", to: SQLLiteral.null)
        }
        try await update.where("id", .equal, SQLBind(id)).run()
    }

    /// The stored preview of one page, if rendered already.
    public static func preview(certificateID: String, page: Int, on database: any SQLDatabase) async throws -> String? {
        try await database.select().column("preview_sha256").from("certificate_previews")
            .where("certificate_id", .equal, SQLBind(certificateID)).where("page", .equal, SQLBind(page))
            .first(decodingColumn: "preview_sha256", as: String.self)
    }

    /// Records rendered previews (a page already recorded is left as it is).
    public static func savePreviews(certificateID: String, pages: [(page: Int, sha256: String)], on database: any SQLDatabase) async throws {
        for (page, sha256) in pages {
            try await database.insert(into: "certificate_previews")
                .columns("certificate_id", "page", "preview_sha256")
                .values(SQLBind(certificateID), SQLBind(page), SQLBind(sha256))
                .ignoringConflicts(with: ["certificate_id", "page"])
                .run()
        }
    }

    /// A page image rendered at `dpi` for the reviewers, if one was made: its blob and size.
    public static func pageImage(certificateID: String, page: Int, dpi: Int, on database: any SQLDatabase) async throws -> (sha256: String, width: Int, height: Int)? {
        struct Row: Decodable { var image_sha256: String; var width: Int; var height: Int }
        guard let row = try await database.select().columns("image_sha256", "width", "height").from("certificate_page_images")
            .where("certificate_id", .equal, SQLBind(certificateID)).where("page", .equal, SQLBind(page)).where("dpi", .equal, SQLBind(dpi))
            .first(decoding: Row.self) else { return nil }
        return (row.image_sha256, row.width, row.height)
    }

    /// Records a rendered page image (one already recorded is left as it is: two reviewers
    /// asking at once render the same bytes).
    public static func savePageImage(certificateID: String, page: Int, dpi: Int, sha256: String, width: Int, height: Int, on database: any SQLDatabase) async throws {
        try await database.insert(into: "certificate_page_images")
            .columns("certificate_id", "page", "dpi", "image_sha256", "width", "height")
            .values(SQLBind(certificateID), SQLBind(page), SQLBind(dpi), SQLBind(sha256), SQLBind(width), SQLBind(height))
            .ignoringConflicts(with: ["certificate_id", "page", "dpi"])
            .run()
    }
}
