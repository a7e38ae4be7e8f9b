public import Foundation
public import SQLKit

/// A file sent with an e-mail: a blob of the store, named and typed.
public struct OutboxAttachment: Sendable, Hashable, Codable {
    /// The file name the recipient sees.
    public var fileName: String
    /// Its MIME type, e.g. `application/pdf`.
    public var contentType: String
    /// The blob holding it.
    public var sha256: String

    /// An attachment.
    public init(fileName: String, contentType: String, sha256: String) {
        self.fileName = fileName
        self.contentType = contentType
        self.sha256 = sha256
    }

    enum CodingKeys: String, CodingKey {
        case sha256
        case fileName = "file_name"
        case contentType = "content_type"
    }
}

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

    /// Files sent with it (stored as blobs; read when it is delivered).
    public var attachments: [OutboxAttachment] = []
    /// The attachments' bytes, in order, once the deliverer read them; never stored.
    public var attachmentData: [[UInt8]] = []

    enum CodingKeys: String, CodingKey {
        case id, kind, recipient, subject, body, status, attempts, attachments
        case createdAt = "created_at"
        case lastError = "last_error"
    }

    /// A stored message; its attachments are a JSON column, empty for messages without.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        kind = try container.decode(String.self, forKey: .kind)
        recipient = try container.decode(String.self, forKey: .recipient)
        subject = try container.decode(String.self, forKey: .subject)
        body = try container.decode(String.self, forKey: .body)
        status = try container.decode(Status.self, forKey: .status)
        attempts = try container.decode(Int.self, forKey: .attempts)
        lastError = try container.decodeIfPresent(String.self, forKey: .lastError)
        if let json = try container.decodeIfPresent(String.self, forKey: .attachments) {
            attachments = (try? JSONDecoder().decode([OutboxAttachment].self, from: Data(json.utf8))) ?? []
        }
    }

    /// Encodes what is stored (the attachments as JSON text, as in the database).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(kind, forKey: .kind)
        try container.encode(recipient, forKey: .recipient)
        try container.encode(subject, forKey: .subject)
        try container.encode(body, forKey: .body)
        try container.encode(status, forKey: .status)
        try container.encode(attempts, forKey: .attempts)
        try container.encodeIfPresent(lastError, forKey: .lastError)
        if !attachments.isEmpty { try container.encode(String(decoding: try JSONEncoder().encode(attachments), as: UTF8.self), forKey: .attachments) }
    }
}

/// The outbox table: e-mails are written in the same transaction as the change that causes
/// them, so a message exists exactly when its change does, and survives restarts until sent.
public enum OutboxRepository {
    /// Tries before a message is marked failed.
    public static let maxAttempts = 10

    /// Adds a message; call it inside the transaction of the change that causes it.
    @discardableResult
    public static func enqueue(kind: String, to recipient: String, subject: String, body: String, attachments: [OutboxAttachment] = [], on database: any SQLDatabase, now: Date = Date()) async throws -> String {
        let id = UUID().uuidString.lowercased()
        let stamp = Timestamp.format(now)
        let attached = attachments.isEmpty ? nil : String(decoding: try JSONEncoder().encode(attachments), as: UTF8.self)
        try await database.insert(into: "outbox")
            .columns("id", "created_at", "kind", "recipient", "subject", "body", "status", "attempts", "next_attempt_at", "attachments")
            .values(SQLBind(id), SQLBind(stamp), SQLBind(kind), SQLBind(recipient), SQLBind(subject), SQLBind(body),
                    SQLBind(OutboxMessage.Status.pending.rawValue), SQLBind(0), SQLBind(stamp), SQLBind(attached))
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
                .returning("id", "created_at", "kind", "recipient", "subject", "body", "status", "attempts", "last_error", "attachments")
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
            .columns("id", "created_at", "kind", "recipient", "subject", "body", "status", "attempts", "last_error", "attachments")
            .from("outbox").orderBy("created_at").all(decoding: OutboxMessage.self)
    }
}
