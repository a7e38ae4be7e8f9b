public import SQLKit

/// One reviewer decision on a certificate, as recorded.
public struct DecisionRecord: Sendable, Hashable, Codable {
    /// Random identifier.
    public var id: String
    /// The certificate decided on.
    public var certificateID: String
    /// The reviewer.
    public var reviewer: String
    /// `approve`, `reject`, `request_info`, or `confirm` (the second approval in four-eyes mode).
    public var outcome: String
    /// The documented reason code.
    public var reasonCode: String
    /// What the customer is told.
    public var message: String
    /// What only staff see.
    public var internalNote: String?
    /// The company type the reviewer set at approval, if they corrected it.
    public var companyType: String?
    /// When.
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, reviewer, outcome, message
        case certificateID = "certificate_id"
        case reasonCode = "reason_code"
        case internalNote = "internal_note"
        case companyType = "company_type"
        case createdAt = "created_at"
    }

    /// A decision as recorded.
    public init(id: String, certificateID: String, reviewer: String, outcome: String, reasonCode: String, message: String, internalNote: String?, companyType: String?, createdAt: String) {
        self.id = id
        self.certificateID = certificateID
        self.reviewer = reviewer
        self.outcome = outcome
        self.reasonCode = reasonCode
        self.message = message
        self.internalNote = internalNote
        self.companyType = companyType
        self.createdAt = createdAt
    }
}

/// Reviewer decisions.
public enum DecisionRepository {
    /// Records a decision.
    public static func insert(_ decision: DecisionRecord, on database: any SQLDatabase) async throws {
        try await database.insert(into: "decisions").model(decision, keyEncodingStrategy: .useDefaultKeys).run()
    }

    /// A certificate's decisions, oldest first.
    public static func decisions(certificateID: String, on database: any SQLDatabase) async throws -> [DecisionRecord] {
        try await database.select().columns("id", "certificate_id", "reviewer", "outcome", "reason_code", "message", "internal_note", "company_type", "created_at")
            .from("decisions").where("certificate_id", .equal, SQLBind(certificateID)).orderBy("created_at").all(decoding: DecisionRecord.self)
    }

    /// Decisions newest first, narrowed by reviewer, outcome and a half-open time range
    /// (`since` ≤ created < `until`, ISO 8601), at most `limit` from `offset`: the reviewers'
    /// history.
    public static func history(
        reviewer: String?, outcome: String?, since: String?, until: String?, limit: Int, offset: Int = 0, on database: any SQLDatabase
    ) async throws -> [DecisionRecord] {
        let query = database.select().columns("id", "certificate_id", "reviewer", "outcome", "reason_code", "message", "internal_note", "company_type", "created_at")
            .from("decisions")
        if let reviewer { query.where("reviewer", .equal, SQLBind(reviewer)) }
        if let outcome { query.where("outcome", .equal, SQLBind(outcome)) }
        if let since { query.where("created_at", .greaterThanOrEqual, SQLBind(since)) }
        if let until { query.where("created_at", .lessThan, SQLBind(until)) }
        return try await query.orderBy("created_at", .descending).limit(max(1, min(limit, 1000))).offset(max(0, offset)).all(decoding: DecisionRecord.self)
    }

    /// The distinct names of everyone who has decided, for the history's reviewer filter.
    public static func reviewers(on database: any SQLDatabase) async throws -> [String] {
        try await database.select().distinct().column("reviewer").from("decisions").orderBy("reviewer").all(decodingColumn: "reviewer", as: String.self)
    }
}
