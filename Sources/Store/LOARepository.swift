import Foundation
public import SQLKit

/// An issued Letter of Authorization, as recorded (the signed PDF is a blob).
public struct LOARecord: Sendable, Hashable, Codable {
    /// The LOA id printed on the letter and in its verification URL.
    public var id: String
    /// The port it authorizes a cross-connect to.
    public var portID: String
    /// The authorized company.
    public var companyID: String
    /// When it was issued (timestamp).
    public var issuedAt: String
    /// The last day it is valid (`YYYY-MM-DD`, as printed).
    public var expiresAt: String
    /// `valid`, `superseded` (a newer one was issued) or `revoked` (the port was cancelled).
    public var status: String
    /// The signed PDF's blob address.
    public var pdfSHA256: String
    /// `en` or `fr`.
    public var language: String
    /// `a4` or `us_letter`.
    public var paperSize: String
    /// The LOA that replaced it.
    public var supersededBy: String?
    /// When it was revoked.
    public var revokedAt: String?
    /// Who had it issued.
    public var issuedBy: String
    /// The PAdES level of its signature: `B-B`, `B-T` once timestamped, `B-LT` once its
    /// revocation data is stored too; nil for letters signed before PAdES (plain CMS).
    public var signatureLevel: String? = nil
    /// Its printed fields as a compact JWS, signed when it was issued (kept, since the key
    /// that signed it may be rotated since); nil for letters issued before JWS.
    public var jws: String? = nil

    /// A record as stored.
    public init(id: String, portID: String, companyID: String, issuedAt: String, expiresAt: String, status: String, pdfSHA256: String, language: String, paperSize: String, supersededBy: String?, revokedAt: String?, issuedBy: String) {
        self.id = id
        self.portID = portID
        self.companyID = companyID
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.status = status
        self.pdfSHA256 = pdfSHA256
        self.language = language
        self.paperSize = paperSize
        self.supersededBy = supersededBy
        self.revokedAt = revokedAt
        self.issuedBy = issuedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, status, language
        case portID = "port_id"
        case companyID = "company_id"
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case pdfSHA256 = "pdf_sha256"
        case paperSize = "paper_size"
        case supersededBy = "superseded_by"
        case revokedAt = "revoked_at"
        case issuedBy = "issued_by"
        case signatureLevel = "signature_level"
        case jws
    }
}

/// Issued LOAs.
public enum LOARepository {
    static let columns = ["id", "port_id", "company_id", "issued_at", "expires_at", "status", "pdf_sha256", "language", "paper_size", "superseded_by", "revoked_at", "issued_by", "signature_level", "jws"]

    /// Records a new LOA with the letter as printed (JSON) and as rendered (every field, JSON),
    /// and its first rendition; the port's earlier valid ones become superseded by it.
    public static func insertSuperseding(_ record: LOARecord, letterJSON: String, letter: String? = nil, on database: any SQLDatabase) async throws {
        try await database.update("loas").set("status", to: SQLBind("superseded")).set("superseded_by", to: SQLBind(record.id))
            .where("port_id", .equal, SQLBind(record.portID)).where("status", .equal, SQLBind("valid")).run()
        try await database.insert(into: "loas")
            .columns(columns + ["letter_json"])
            .values(
                SQLBind(record.id), SQLBind(record.portID), SQLBind(record.companyID), SQLBind(record.issuedAt), SQLBind(record.expiresAt),
                SQLBind(record.status), SQLBind(record.pdfSHA256), SQLBind(record.language), SQLBind(record.paperSize),
                SQLBind(record.supersededBy), SQLBind(record.revokedAt), SQLBind(record.issuedBy), SQLBind(record.signatureLevel), SQLBind(record.jws), SQLBind(letterJSON)
            )
            .run()
        try await database.update("loas").set("letter", to: SQLBind(letter)).where("id", .equal, SQLBind(record.id)).run()
        _ = try await insertRendition(loaID: record.id, language: record.language, paperSize: record.paperSize, pdfSHA256: record.pdfSHA256, signatureLevel: record.signatureLevel, at: record.issuedAt, on: database)
    }

    /// The letter as rendered (JSON), for letters issued since renditions exist.
    public static func letter(id: String, on database: any SQLDatabase) async throws -> String? {
        try await database.select().column("letter").from("loas").where("id", .equal, SQLBind(id)).first(decodingColumn: "letter", as: String?.self) ?? nil
    }

    /// Valid letters whose signature has no timestamp yet (B-B, or signed before PAdES),
    /// oldest first: what a timestamp run works through.
    public static func lettersWithoutTimestamp(limit: Int, on database: any SQLDatabase) async throws -> [LOARecord] {
        try await database.select().columns(columns).from("loas").where("status", .equal, SQLBind("valid"))
            .where(SQLGroupExpression(SQLBinaryExpression(SQLColumn("signature_level"), .is, SQLLiteral.null)), .or, SQLBinaryExpression(SQLColumn("signature_level"), .equal, SQLBind("B-B")))
            .orderBy("issued_at").limit(limit).all(decoding: LOARecord.self)
    }

    /// Renditions of valid letters, other than the first, whose signature has no timestamp yet.
    public static func renditionsWithoutTimestamp(limit: Int, on database: any SQLDatabase) async throws -> [(loaID: String, pdfSHA256: String)] {
        struct Row: Decodable { var loa_id: String; var pdf_sha256: String }
        return try await database.raw("""
            SELECT r.loa_id, r.pdf_sha256 FROM loa_renditions r JOIN loas l ON l.id = r.loa_id
            WHERE l.status = 'valid' AND r.signature_level = 'B-B' AND r.pdf_sha256 <> l.pdf_sha256
            ORDER BY r.rendered_at LIMIT \(bind: limit)
            """).all(decoding: Row.self).map { ($0.loa_id, $0.pdf_sha256) }
    }

    /// Signatures (letters' and renditions', as letter id and PDF digest) of valid letters at
    /// `level`: what a run upgrades when what the next level needs can be had again.
    public static func signaturesAtLevel(_ level: String, limit: Int, on database: any SQLDatabase) async throws -> [(loaID: String, pdfSHA256: String)] {
        struct Row: Decodable { var loa_id: String; var pdf_sha256: String }
        return try await database.raw("""
            SELECT r.loa_id, r.pdf_sha256 FROM loa_renditions r JOIN loas l ON l.id = r.loa_id
            WHERE l.status = 'valid' AND r.signature_level = \(bind: level)
            UNION
            SELECT id AS loa_id, pdf_sha256 FROM loas WHERE status = 'valid' AND signature_level = \(bind: level)
            LIMIT \(bind: limit)
            """).all(decoding: Row.self).map { ($0.loa_id, $0.pdf_sha256) }
    }

    /// Records that the PDF `old` of a letter (the letter's own or a rendition's) was replaced
    /// by `new`: the same signature, now at `level` (`B-T` with a timestamp added, `B-LT` with
    /// its revocation data stored too).
    public static func recordUpgrade(loaID: String, old: String, new: String, level: String, on database: any SQLDatabase) async throws {
        try await database.update("loas").set("pdf_sha256", to: SQLBind(new)).set("signature_level", to: SQLBind(level))
            .where("id", .equal, SQLBind(loaID)).where("pdf_sha256", .equal, SQLBind(old)).run()
        try await database.update("loa_renditions").set("pdf_sha256", to: SQLBind(new)).set("signature_level", to: SQLBind(level))
            .where("loa_id", .equal, SQLBind(loaID)).where("pdf_sha256", .equal, SQLBind(old)).run()
    }

    /// Valid letters whose last day is between `today` and `last` (inclusive), not reminded
    /// yet, whose port still awaits its cross-connect.
    public static func expiringWithoutReminder(today: String, last: String, limit: Int = 500, on database: any SQLDatabase) async throws -> [LOARecord] {
        try await database.select().columns(columns.map { SQLColumn($0, table: "loas") }).from("loas")
            .join("ports", on: SQLColumn("port_id", table: "loas"), .equal, SQLColumn("id", table: "ports"))
            .where(SQLColumn("status", table: "loas"), .equal, SQLBind("valid"))
            .where(SQLColumn("status", table: "ports"), .equal, SQLBind("awaiting_cross_connect"))
            .where(SQLColumn("reminded_at", table: "loas"), .is, SQLLiteral.null)
            .where(SQLColumn("expires_at", table: "loas"), .greaterThanOrEqual, SQLBind(today))
            .where(SQLColumn("expires_at", table: "loas"), .lessThanOrEqual, SQLBind(last))
            .orderBy(SQLColumn("expires_at", table: "loas")).limit(limit).all(decoding: LOARecord.self)
    }

    /// Marks a letter reminded; false when it already was (another instance sent it).
    public static func markReminded(id: String, at stamp: String, on database: any SQLDatabase) async throws -> Bool {
        struct Row: Decodable { var id: String }
        return try await database.update("loas").set("reminded_at", to: SQLBind(stamp))
            .where("id", .equal, SQLBind(id)).where("reminded_at", .is, SQLLiteral.null)
            .returning("id").first(decoding: Row.self) != nil
    }

    /// The stored PDF of one rendition of a letter, if it was rendered.
    public static func rendition(loaID: String, language: String, paperSize: String, on database: any SQLDatabase) async throws -> String? {
        try await database.select().column("pdf_sha256").from("loa_renditions").where("loa_id", .equal, SQLBind(loaID))
            .where("language", .equal, SQLBind(language)).where("paper_size", .equal, SQLBind(paperSize))
            .first(decodingColumn: "pdf_sha256", as: String.self)
    }

    /// Records a rendition; false when one was recorded first (two downloads at once), whose
    /// PDF is then the one to serve.
    public static func insertRendition(loaID: String, language: String, paperSize: String, pdfSHA256: String, signatureLevel: String?, at stamp: String, on database: any SQLDatabase) async throws -> Bool {
        struct Row: Decodable { var loa_id: String }
        return try await database.insert(into: "loa_renditions").columns("loa_id", "language", "paper_size", "pdf_sha256", "rendered_at", "signature_level")
            .values(SQLBind(loaID), SQLBind(language), SQLBind(paperSize), SQLBind(pdfSHA256), SQLBind(stamp), SQLBind(signatureLevel))
            .ignoringConflicts().returning("loa_id").first(decoding: Row.self) != nil
    }

    /// The letter as printed on an LOA (JSON), for the verification page.
    public static func letterJSON(id: String, on database: any SQLDatabase) async throws -> String? {
        try await database.select().column("letter_json").from("loas").where("id", .equal, SQLBind(id)).first(decodingColumn: "letter_json", as: String.self)
    }

    /// An LOA by id.
    public static func loa(id: String, on database: any SQLDatabase) async throws -> LOARecord? {
        guard id.utf8.count <= 64 else { return nil }
        return try await database.select().columns(columns).from("loas").where("id", .equal, SQLBind(id)).first(decoding: LOARecord.self)
    }

    /// The port's valid LOA whose last day is `today` or later, if any.
    public static func current(portID: String, today: String, on database: any SQLDatabase) async throws -> LOARecord? {
        try await database.select().columns(columns).from("loas").where("port_id", .equal, SQLBind(portID))
            .where("status", .equal, SQLBind("valid")).where("expires_at", .greaterThanOrEqual, SQLBind(today))
            .orderBy("issued_at", .descending).first(decoding: LOARecord.self)
    }

    /// Revokes every LOA of a port still valid (the port was cancelled).
    public static func revokeAll(portID: String, at stamp: String, on database: any SQLDatabase) async throws {
        try await database.update("loas").set("status", to: SQLBind("revoked")).set("revoked_at", to: SQLBind(stamp))
            .where("port_id", .equal, SQLBind(portID)).where("status", .equal, SQLBind("valid")).run()
    }

    /// Every LOA, oldest first, a page at a time (for revalidation runs).
    public static func all(after id: String?, limit: Int, on database: any SQLDatabase) async throws -> [LOARecord] {
        let query = database.select().columns(columns).from("loas")
        if let id { query.where("id", .greaterThan, SQLBind(id)) }
        return try await query.orderBy("id").limit(limit).all(decoding: LOARecord.self)
    }
}
