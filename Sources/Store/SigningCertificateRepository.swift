public import SQLKit

/// An LOA signing certificate Paperwork has used.
public struct SigningCertificateRecord: Sendable, Hashable, Codable {
    /// The SHA-256 of its DER encoding, in lower-case hex: its identity (and JWKS `kid`).
    public var fingerprint: String
    /// The certificate (and its chain), PEM.
    public var certificatePEM: String
    /// Its subject, for people.
    public var subject: String
    /// When it was first used.
    public var firstUsedAt: String
    /// When a rotation replaced it; nil for the certificate in use.
    public var retiredAt: String?

    /// A record.
    public init(fingerprint: String, certificatePEM: String, subject: String, firstUsedAt: String, retiredAt: String?) {
        self.fingerprint = fingerprint
        self.certificatePEM = certificatePEM
        self.subject = subject
        self.firstUsedAt = firstUsedAt
        self.retiredAt = retiredAt
    }

    enum CodingKeys: String, CodingKey {
        case fingerprint, subject
        case certificatePEM = "certificate_pem"
        case firstUsedAt = "first_used_at"
        case retiredAt = "retired_at"
    }
}

/// Every LOA signing certificate used, so that letters signed before a key rotation are
/// checked against the certificate that signed them, and all of them can be published.
public enum SigningCertificateRepository {
    static let columns = ["fingerprint", "certificate_pem", "subject", "first_used_at", "retired_at"]

    /// Records the certificate in use, unless it is recorded; a retired one used again is current again.
    public static func recordInUse(_ record: SigningCertificateRecord, on database: any SQLDatabase) async throws {
        try await database.insert(into: "loa_signing_certificates").columns(columns)
            .values(SQLBind(record.fingerprint), SQLBind(record.certificatePEM), SQLBind(record.subject), SQLBind(record.firstUsedAt), SQLLiteral.null)
            .ignoringConflicts().run()
        try await database.update("loa_signing_certificates").set("retired_at", to: SQLLiteral.null)
            .where("fingerprint", .equal, SQLBind(record.fingerprint)).run()
    }

    /// Marks every certificate but `current` retired at `stamp`.
    public static func retireAll(except current: String, at stamp: String, on database: any SQLDatabase) async throws {
        try await database.update("loa_signing_certificates").set("retired_at", to: SQLBind(stamp))
            .where("fingerprint", .notEqual, SQLBind(current)).where("retired_at", .is, SQLLiteral.null).run()
    }

    /// Every certificate, the ones in use first, then the most recently retired.
    public static func all(on database: any SQLDatabase) async throws -> [SigningCertificateRecord] {
        try await database.select().columns(columns.map { SQLColumn($0) }).from("loa_signing_certificates")
            .orderBy("first_used_at", .descending).all(decoding: SigningCertificateRecord.self)
            .sorted { ($0.retiredAt == nil ? 1 : 0, $0.firstUsedAt) > ($1.retiredAt == nil ? 1 : 0, $1.firstUsedAt) }
    }
}
