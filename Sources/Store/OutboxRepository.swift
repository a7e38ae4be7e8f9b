public import Foundation
public import SQLKit

/// One e-mail in the outbox.
public struct OutboxMessage: Sendable, Hashable, Codable {
    /// Where it stands.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Waiting for delivery (first try or a retry).
        case pending
        /// Handed to the transport.
        case sent
        /// Given up after ``OutboxRepository/maxAttempts`` tries.
        case failed
    }

    /// A random identifier, also the `Message-ID`'s local part.
    public var id: String
    /// When the change that caused it was committed.
    public var createdAt: String
    /// What it is for (`signup_verification`, `invitation`, `company_verified`…), for metrics.
    public var kind: String
    /// The address it goes to.
    public var recipient: String
    /// The subject line.
    public var subject: String
    /// The plain-text body.
    public var body: String
    /// Where it stands.
    public var status: Status
    /// Delivery attempts so far.
    public var attempts: Int
    /// The last transport error, if any.
    public var lastError: String?

    /// A message as stored.
    public init(id: String, createdAt: String, kind: String, recipient: String, subject: String, body: String, status: Status, attempts: Int, lastError: String?) {
        self.id = id
        self.createdAt = createdAt
        self.kind = kind
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, recipient, subject, body, status, attempts
        case createdAt = "created_at"
        case lastError = "last_error"
    }
}

/// The outbox table: e-mails are written in the same transaction as the change that causes
/// them, so a message exists exactly when its change does, and survives restarts until sent.
public enum OutboxRepository {
    /// Tries before a message is marked failed.
    public static let maxAttempts = 10

    /// Adds a message; call it inside the transaction of the change that causes it.
    @discardableResult
    public static func enqueue(kind: String, to recipient: String, subject: String, body: String, on database: any SQLDatabase, now: Date = Date()) async throws -> String {
        let id = UUID().uuidString.lowercased()
        let stamp = Timestamp.format(now)
        try await database.insert(into: "outbox")
            .columns("id", "created_at", "kind", "recipient", "subject", "body", "status", "attempts", "next_attempt_at")
            .values(SQLBind(id), SQLBind(stamp), SQLBind(kind), SQLBind(recipient), SQLBind(subject), SQLBind(body),
                    SQLBind(OutboxMessage.Status.pending.rawValue), SQLBind(0), SQLBind(stamp))
            .run()
        return id
    }

    /// Leases up to `limit` due messages to this deliverer for `lease` seconds, oldest first.
    /// A message leased by another instance is skipped; a lease that expires (a crash
    /// mid-delivery) makes the message due again.
    public static func leaseDue(limit: Int, lease: TimeInterval, on database: any SQLDatabase, now: Date = Date()) async throws -> [OutboxMessage] {
        let stamp = Timestamp.format(now)
        let candidates = try await database.select().column("id").from("outbox")
            .where("status", .equal, SQLBind(OutboxMessage.Status.pending.rawValue))
            .where("next_attempt_at", .lessThanOrEqual, SQLBind(stamp))
            .where { $0.where("lease_until", .is, SQLLiteral.null).orWhere("lease_until", .lessThan, SQLBind(stamp)) }
            .orderBy("created_at").limit(limit)
            .all(decodingColumn: "id", as: String.self)
        var leased: [OutboxMessage] = []
        for id in candidates {
            // Conditional update: only one deliverer wins each message. The conditions are
            // those of the selection again: a message another deliverer sent (or rescheduled)
            // since, whose lease it cleared, is no longer pending and due.
            let won = try await database.update("outbox")
                .set("lease_until", to: SQLBind(Timestamp.format(now.addingTimeInterval(lease))))
                .where("id", .equal, SQLBind(id))
                .where("status", .equal, SQLBind(OutboxMessage.Status.pending.rawValue))
                .where("next_attempt_at", .lessThanOrEqual, SQLBind(stamp))
                .where { $0.where("lease_until", .is, SQLLiteral.null).orWhere("lease_until", .lessThan, SQLBind(stamp)) }
                .returning("id", "created_at", "kind", "recipient", "subject", "body", "status", "attempts", "last_error")
                .first(decoding: OutboxMessage.self)
            if let won { leased.append(won) }
        }
        return leased
    }

    /// Records a delivery.
    public static func markSent(_ id: String, on database: any SQLDatabase, now: Date = Date()) async throws {
        try await database.update("outbox")
            .set("status", to: SQLBind(OutboxMessage.Status.sent.rawValue))
            .set("sent_at", to: SQLBind(Timestamp.format(now)))
            .set("attempts", to: SQLRaw("attempts + 1"))
            .set("lease_until", to: SQLLiteral.null)
            .where("id", .equal, SQLBind(id))
            .run()
    }

    /// Records a failed try: due again after an exponential backoff (30 s, 1 min, 2 min… at
    /// most an hour), or failed for good after ``maxAttempts``.
    public static func markAttemptFailed(_ message: OutboxMessage, error: String, on database: any SQLDatabase, now: Date = Date()) async throws {
        let attempts = message.attempts + 1
        let delay = min(3600, 30 * pow(2, Double(attempts - 1)))
        let status: OutboxMessage.Status = attempts >= maxAttempts ? .failed : .pending
        try await database.update("outbox")
            .set("status", to: SQLBind(status.rawValue))
            .set("attempts", to: SQLBind(attempts))
            .set("last_error", to: SQLBind(String(error.prefix(1000))))
            .set("next_attempt_at", to: SQLBind(Timestamp.format(now.addingTimeInterval(delay))))
            .set("lease_until", to: SQLLiteral.null)
            .where("id", .equal, SQLBind(message.id))
            .run()
    }

    /// Every message, oldest first (for operators and tests).
    public static func all(on database: any SQLDatabase) async throws -> [OutboxMessage] {
        try await database.select()
            .columns("id", "created_at", "kind", "recipient", "subject", "body", "status", "attempts", "last_error")
            .from("outbox").orderBy("created_at").all(decoding: OutboxMessage.self)
    }
}
