public import Foundation
public import Logging
import Metrics
public import ServiceLifecycle
public import Store

/// Delivers the outbox in the background: leases due messages, hands each to the transport,
/// records the outcome, and retries failures with backoff. Nothing is lost on restart: a
/// message stays `pending` in the database until a transport accepted it.
public struct OutboxDelivery: Service {
    let store: Store
    let transport: any MailTransport
    let sender: String
    let interval: Duration
    let logger: Logger

    /// A deliverer polling every `interval`.
    public init(store: Store, transport: any MailTransport, sender: String, interval: Duration = .seconds(1), logger: Logger) {
        self.store = store
        self.transport = transport
        self.sender = sender
        self.interval = interval
        self.logger = logger
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                _ = try await deliverDue()
            } catch {
                logger.error("outbox delivery pass failed", metadata: ["error": "\(error)"])
            }
            try? await gracefulShutdown(sleepingFor: interval)
        }
    }

    /// One pass: delivers every message due now; returns how many were sent.
    @discardableResult
    public func deliverDue(now: Date = Date()) async throws -> Int {
        var sent = 0
        while true {
            let batch = try await store.transaction { try await OutboxRepository.leaseDue(limit: 20, lease: 120, on: $0, now: now) }
            if batch.isEmpty { return sent }
            for message in batch {
                do {
                    // Files travel as blobs until the message is sent.
                    var withFiles = message
                    for attachment in message.attachments {
                        guard let bytes = try await store.blobs.get(attachment.sha256) else {
                            throw WorkflowError(.notFound, code: "attachment_missing", "the attachment \(attachment.fileName) is no longer stored")
                        }
                        withFiles.attachmentData.append(bytes)
                    }
                    try await transport.deliver(withFiles, from: sender)
                    try await store.transaction { try await OutboxRepository.markSent(message.id, on: $0) }
                    Counter(label: "paperwork_emails_sent_total", dimensions: [("kind", message.kind)]).increment()
                    sent += 1
                } catch {
                    logger.warning("e-mail not delivered; will retry", metadata: ["id": "\(message.id)", "error": "\(error)"])
                    try await store.transaction { try await OutboxRepository.markAttemptFailed(message, error: "\(error)", on: $0) }
                    Counter(label: "paperwork_email_failures_total", dimensions: [("kind", message.kind)]).increment()
                }
            }
        }
    }
}

/// Sleeps for `duration`, or less when a graceful shutdown begins.
func gracefulShutdown(sleepingFor duration: Duration) async throws {
    try await cancelWhenGracefulShutdown {
        try await Task.sleep(for: duration)
    }
}
