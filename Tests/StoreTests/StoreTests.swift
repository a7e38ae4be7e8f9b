import Foundation
import Logging
import SQLKit
import Testing
@testable import Store
import StoreTestSupport

/// One suite, run one test at a time: the PostgreSQL tests share one database.
@Suite("Store", .serialized)
struct StoreTests {
    @Test("a DATABASE_URL picks the backend: empty is SQLite in the data directory", arguments: [
        ("", "sqlite:/data/paperwork.sqlite"),
        ("sqlite:/srv/p.db", "sqlite:/srv/p.db"),
        ("postgres://app:secret@db:5432/paperwork", "postgres://app:***@db:5432/paperwork"),
        ("postgresql://db/paperwork", "postgresql://db/paperwork"),
    ])
    func databaseLocation(_ url: String, _ expected: String) throws {
        #expect(try DatabaseLocation(url: url, dataDirectory: "/data").description == expected)
    }

    @Test("an unknown database URL is refused with a stable code, without echoing a password")
    func unknownDatabaseURL() {
        #expect(throws: StoreError.self) { try DatabaseLocation(url: "mysql://root:hunter2@db/x", dataDirectory: "/d") }
        do {
            _ = try DatabaseLocation(url: "mysql://root:hunter2@db/x", dataDirectory: "/d")
        } catch {
            #expect(error.code == "unsupported_database_url")
            #expect(!error.message.contains("hunter2"))
        }
    }

    @Test("migrations run once, in order, and are recorded", arguments: Backend.available)
    func migrationsRunOnce(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        let first = try await store.migrate()
        #expect(first == Schema.migrations.map(\.version))
        #expect(try await store.migrate().isEmpty)
        #expect(try await store.appliedMigrations() == Schema.migrations.map(\.version))
        await store.close()
    }

    @Test("a database from a newer release is refused, not downgraded", arguments: Backend.available)
    func schemaTooNew(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        let future = Migration(999, "from the future") { _, _ in }
        try await store.migrate(Schema.migrations + [future])
        await #expect(throws: StoreError.schemaTooNew(999, known: Schema.migrations.last!.version)) {
            try await store.migrate()
        }
        await store.close()
    }

    @Test("a failing migration leaves nothing half-applied", arguments: Backend.available)
    func failingMigrationRollsBack(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        struct Boom: Error {}
        let broken = Migration(Schema.migrations.count + 1, "creates a table, then fails") { database, _ in
            try await database.create(table: "half_done").column("id", type: .bigint).run()
            throw Boom()
        }
        await #expect(throws: Boom.self) { try await store.migrate(Schema.migrations + [broken]) }
        #expect(try await store.appliedMigrations() == Schema.migrations.map(\.version))
        let tableExists: Bool
        do {
            _ = try await store.withSession { try await $0.raw("SELECT COUNT(*) AS n FROM half_done").first() }
            tableExists = true
        } catch {
            tableExists = false
        }
        #expect(!tableExists, "the table created by the failed migration must not exist")
        await store.close()
    }

    @Test("blobs are stored once under their SHA-256 and read back intact", arguments: Backend.available)
    func blobs(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        let bytes = [UInt8]("%PDF-1.7 certificate".utf8) + (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let address = try await store.blobs.put(bytes)
        #expect(address == blobAddress(of: bytes))
        #expect(try await store.blobs.put(bytes) == address, "storing again is a no-op")
        #expect(try await store.blobs.get(address) == bytes)
        #expect(try await store.blobs.contains(address))
        #expect(try await store.blobs.get(String(repeating: "0", count: 64)) == nil)
        #expect(try await store.blobs.get("../../etc/passwd") == nil)
        await store.close()
    }

    @Test("a file blob changed on disk is reported as corrupted, never served")
    func corruptedFileBlob() async throws {
        let (store, directory) = try await Backend.sqlite.freshStore()
        let address = try await store.blobs.put(Array("original".utf8))
        let path = try FileBlobStore(directory: directory + "/blobs").path(of: address)
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: path))
        await #expect(throws: StoreError.blobCorrupted(address)) { try await store.blobs.get(address) }
        await store.close()
    }

    @Test("a transaction commits when its body returns and rolls back when it throws", arguments: Backend.available)
    func transactions(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.withSession { try await $0.create(table: "things").column("name", type: .text).run() }
        try await store.transaction { try await $0.insert(into: "things").columns("name").values(SQLBind("kept")).run() }
        struct Abort: Error {}
        await #expect(throws: Abort.self) {
            try await store.transaction { database in
                try await database.insert(into: "things").columns("name").values(SQLBind("dropped")).run()
                throw Abort()
            }
        }
        let names = try await store.withSession { try await $0.select().column("name").from("things").all(decodingColumn: "name", as: String.self) }
        #expect(names == ["kept"])
        await store.close()
    }

    @Test("concurrent writers on one store all commit", arguments: Backend.available)
    func concurrentWriters(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.withSession { try await $0.create(table: "counter").column("n", type: .bigint).run() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<40 {
                group.addTask { try await store.transaction { try await $0.insert(into: "counter").columns("n").values(SQLBind(n)).run() } }
            }
            try await group.waitForAll()
        }
        let count = try await store.withSession { try await $0.select().column("n").from("counter").all(decodingColumn: "n", as: Int.self).count }
        #expect(count == 40)
        await store.close()
    }
}
