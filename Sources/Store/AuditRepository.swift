import Foundation
public import SQLKit

/// One entry of the append-only audit log: who changed what, when, from what to what.
public struct AuditEntry: Sendable, Hashable, Codable {
    /// Position in the log (increasing).
    public var id: Int
    /// When.
    public var at: String
    /// Who: `user:<id>`, `reviewer:<name>`, `operator:<name>`, `system`.
    public var actor: String
    /// What kind of thing changed (`certificate`, `company`).
    public var entityType: String
    /// Which one.
    public var entityID: String
    /// What happened (`uploaded`, `queued`, `claimed`, `approved`…).
    public var action: String
    /// The state before (JSON), if there was one.
    public var before: String?
    /// The state after (JSON).
    public var after: String?

    enum CodingKeys: String, CodingKey {
        case id, at, actor, action, before, after
        case entityType = "entity_type"
        case entityID = "entity_id"
    }
}

/// The audit log. Rows are only ever inserted: the API has no route that changes them, and
/// database triggers refuse UPDATE and DELETE on both SQLite and PostgreSQL.
public enum AuditRepository {
    /// An entry to append: an ``AuditEntry`` before the log gives it its position.
    public struct NewEntry: Sendable {
        /// Who.
        public var actor: String
        /// What kind of thing changed.
        public var entityType: String
        /// Which one.
        public var entityID: String
        /// What happened.
        public var action: String
        /// The state before (JSON), if there was one.
        public var before: String?
        /// The state after (JSON).
        public var after: String?
        /// When.
        public var at: String

        /// An entry to append.
        public init(actor: String, entityType: String, entityID: String, action: String, before: String?, after: String?, at: String) {
            self.actor = actor
            self.entityType = entityType
            self.entityID = entityID
            self.action = action
            self.before = before
            self.after = after
            self.at = at
        }
    }

    /// Appends an entry; call it in the transaction of the change it records.
    public static func append(actor: String, entityType: String, entityID: String, action: String, before: String?, after: String?, at: String, on database: any SQLDatabase) async throws {
        try await append([NewEntry(actor: actor, entityType: entityType, entityID: entityID, action: action, before: before, after: after, at: at)], on: database)
    }

    /// Appends entries in their order with one statement, for a change that writes several
    /// (an upload that supersedes, queues and moves its company).
    public static func append(_ entries: [NewEntry], on database: any SQLDatabase) async throws {
        guard !entries.isEmpty else { return }
        // Raw SQL with binds rather than the query builder: every state change writes here.
        let rows = entries.map { entry -> SQLQueryString in
            "(\(binds: [entry.at, entry.actor, entry.entityType, entry.entityID, entry.action, entry.before, entry.after]))"
        }
        try await database.raw("""
            INSERT INTO audit_log ("at", "actor", "entity_type", "entity_id", "action", "before", "after") VALUES \(rows.joined(separator: ", "))
            """).run()
    }

    /// What to look for in the log; nil fields match everything.
    public struct Filter: Sendable {
        /// Only this entity type.
        public var entityType: String?
        /// Only this entity.
        public var entityID: String?
        /// Only this actor.
        public var actor: String?
        /// Only this action.
        public var action: String?
        /// Only at or after this instant.
        public var since: String?
        /// Only before this instant.
        public var until: String?
        /// Only entries after this position (for paging).
        public var after: Int?
        /// At most this many.
        public var limit: Int = 100

        /// Everything, a page at a time.
        public init(entityType: String? = nil, entityID: String? = nil, actor: String? = nil, action: String? = nil, since: String? = nil, until: String? = nil, after: Int? = nil, limit: Int = 100) {
            self.entityType = entityType
            self.entityID = entityID
            self.actor = actor
            self.action = action
            self.since = since
            self.until = until
            self.after = after
            self.limit = limit
        }
    }

    /// The entries matching a filter, in log order.
    public static func entries(_ filter: Filter, on database: any SQLDatabase) async throws -> [AuditEntry] {
        let query = database.select().columns("id", "at", "actor", "entity_type", "entity_id", "action", "before", "after").from("audit_log")
        if let value = filter.entityType { query.where("entity_type", .equal, SQLBind(value)) }
        if let value = filter.entityID { query.where("entity_id", .equal, SQLBind(value)) }
        if let value = filter.actor { query.where("actor", .equal, SQLBind(value)) }
        if let value = filter.action { query.where("action", .equal, SQLBind(value)) }
        if let value = filter.since { query.where("at", .greaterThanOrEqual, SQLBind(value)) }
        if let value = filter.until { query.where("at", .lessThan, SQLBind(value)) }
        if let value = filter.after { query.where("id", .greaterThan, SQLBind(value)) }
        return try await query.orderBy("id").limit(max(1, min(filter.limit, 1000))).all(decoding: AuditEntry.self)
    }
}
