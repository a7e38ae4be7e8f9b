import Foundation
import Logging
import SQLKit
import Store
import StoreTestSupport
import Testing
@testable import Workflow

/// A transport that fails the first `failures` deliveries, then records what it is given.
final class FlakyTransport: MailTransport, @unchecked Sendable {
    // @unchecked Sendable: every access to the mutable state below holds `lock`.
    private let lock = NSLock()
    private var failuresLeft: Int
    private var _delivered: [OutboxMessage] = []

    init(failures: Int) { failuresLeft = failures }

    var delivered: [OutboxMessage] { lock.withLock { _delivered } }

    func deliver(_ message: OutboxMessage, from sender: String) async throws {
        struct Refused: Error {}
        try lock.withLock {
            if failuresLeft > 0 {
                failuresLeft -= 1
                throw Refused()
            }
            _delivered.append(message)
        }
    }
}

@Suite("Outbox", .serialized)
struct OutboxDeliveryTests {
    let logger = Logger(label: "paperwork.outbox.tests")

    @Test("a message exists exactly when the change that causes it was committed", arguments: Backend.available)
    func enqueuedWithItsChange(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        try await store.transaction { try await OutboxRepository.enqueue(kind: "signup_verification", to: "a@example.com", subject: "Verify", body: "Hi", on: $0) }
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await store.transaction { database in
                try await OutboxRepository.enqueue(kind: "invitation", to: "b@example.com", subject: "Join", body: "Hi", on: database)
                throw Abort()
            }
        }
        let messages = try await store.withSession { try await OutboxRepository.all(on: $0) }
        #expect(messages.map(\.recipient) == ["a@example.com"])
        await store.close()
    }

    @Test("delivery writes an .eml file per message and marks it sent", arguments: Backend.available)
    func emlDelivery(_ backend: Backend) async throws {
        let (store, directory) = try await backend.freshStore()
        try await store.migrate()
        try await store.transaction {
            try await OutboxRepository.enqueue(kind: "company_verified", to: "admin@northwind.example", subject: "Société vérifiée ✓",
                                               body: "Your company NORTHWIND CONNECT LIMITED has been verified.\nBienvenue à bord.\nSupport: support@paperwork.example", on: $0)
        }
        let transport = try EMLDirectoryTransport(directory: directory + "/outbox")
        let delivery = OutboxDelivery(store: store, transport: transport, sender: "noreply@paperwork.example", logger: logger)
        #expect(try await delivery.deliverDue() == 1)
        #expect(try await delivery.deliverDue() == 0, "sent messages are not sent again")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/outbox").filter { $0.hasSuffix(".eml") }
        #expect(files.count == 1)
        let text = try String(contentsOfFile: directory + "/outbox/" + files[0], encoding: .utf8)
        #expect(text.contains("To: admin@northwind.example\r\n"))
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Content-Transfer-Encoding: 8bit\r\n"), "files keep UTF-8 as it is, so links stay whole")
        #expect(text.contains("NORTHWIND CONNECT LIMITED has been verified."))
        #expect(text.contains("Bienvenue à bord."))
        // Over SMTP the same message goes quoted-printable, which every server carries.
        let messages0 = try await store.withSession { try await OutboxRepository.all(on: $0) }
        let smtp = RFC5322.render(try #require(messages0.first), from: "noreply@paperwork.example")
        #expect(smtp.contains("Content-Transfer-Encoding: quoted-printable\r\n") && smtp.contains("Bienvenue =C3=A0 bord."))
        let messages = try await store.withSession { try await OutboxRepository.all(on: $0) }
        #expect(messages.map(\.status) == [.sent])
        await store.close()
    }

    @Test("a body of short ASCII lines is sent as it is (7bit), so links and tokens stay whole")
    func plainBodiesStayReadable() {
        let token = "su_" + String(repeating: "A1b2-C3d4_", count: 5)
        let body = "Open this link to confirm the address and choose your password:\n  https://paperwork.example.com/signup/complete?token=\(token)\n"
        let message = OutboxMessage(id: "m1", createdAt: "", kind: "signup_verification", recipient: "a@example.com", subject: "Confirm", body: body, status: .pending, attempts: 0, lastError: nil)
        let text = RFC5322.render(message, from: "noreply@paperwork.example")
        #expect(text.contains("Content-Transfer-Encoding: 7bit\r\n"))
        #expect(text.contains("\r\n  https://paperwork.example.com/signup/complete?token=\(token)\r\n"))
    }

    @Test("a refused delivery is retried after a backoff, then succeeds", arguments: Backend.available)
    func retriesWithBackoff(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        try await store.transaction { try await OutboxRepository.enqueue(kind: "invitation", to: "c@example.com", subject: "Join", body: "Hi", on: $0) }
        let transport = FlakyTransport(failures: 1)
        let delivery = OutboxDelivery(store: store, transport: transport, sender: "noreply@paperwork.example", logger: logger)
        let now = Date()
        #expect(try await delivery.deliverDue(now: now) == 0)
        #expect(try await delivery.deliverDue(now: now.addingTimeInterval(10)) == 0, "not due again before the backoff")
        #expect(try await delivery.deliverDue(now: now.addingTimeInterval(31)) == 1)
        let message = try #require(try await store.withSession { try await OutboxRepository.all(on: $0) }.first)
        #expect(message.status == .sent && message.attempts == 2 && message.lastError != nil)
        await store.close()
    }

    @Test("after the last attempt a message is marked failed and left alone", arguments: Backend.available)
    func givesUp(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        try await store.transaction { try await OutboxRepository.enqueue(kind: "invitation", to: "d@example.com", subject: "Join", body: "Hi", on: $0) }
        let delivery = OutboxDelivery(store: store, transport: FlakyTransport(failures: .max), sender: "noreply@paperwork.example", logger: logger)
        var now = Date()
        for _ in 0..<OutboxRepository.maxAttempts + 2 {
            _ = try await delivery.deliverDue(now: now)
            now = now.addingTimeInterval(3601)
        }
        let message = try #require(try await store.withSession { try await OutboxRepository.all(on: $0) }.first)
        #expect(message.status == .failed && message.attempts == OutboxRepository.maxAttempts)
        await store.close()
    }

    @Test("nothing is lost across a restart", arguments: Backend.available)
    func survivesRestart(_ backend: Backend) async throws {
        let (store, directory) = try await backend.freshStore()
        try await store.migrate()
        try await store.transaction { try await OutboxRepository.enqueue(kind: "signup_verification", to: "e@example.com", subject: "Verify", body: "Hi", on: $0) }
        let location = store.location
        await store.close()
        let reopened = try await Store.open(location, dataDirectory: directory, logger: logger)
        let transport = FlakyTransport(failures: 0)
        #expect(try await OutboxDelivery(store: reopened, transport: transport, sender: "noreply@paperwork.example", logger: logger).deliverDue() == 1)
        #expect(transport.delivered.map(\.recipient) == ["e@example.com"])
        await reopened.close()
    }

    @Test("four deliverers at once send each message exactly once", arguments: Backend.available)
    func concurrentDeliverers(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        for n in 0..<60 {
            try await store.transaction { try await OutboxRepository.enqueue(kind: "invitation", to: "user\(n)@example.com", subject: "Join", body: "Hi", on: $0) }
        }
        let transport = FlakyTransport(failures: 0)
        let sent = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { try await OutboxDelivery(store: store, transport: transport, sender: "noreply@paperwork.example", logger: logger).deliverDue() }
            }
            return try await group.reduce(0, +)
        }
        #expect(sent == 60)
        #expect(Set(transport.delivered.map(\.recipient)).count == 60)
        #expect(transport.delivered.count == 60)
        await store.close()
    }
}
