import Foundation
public import Logging
import NIOCore
import NIOPosix
import PostgresKit
public import SQLKit
import SQLiteKit

/// Which SQL dialect a store speaks; queries are shared, and the few that differ ask.
public enum SQLDialectKind: String, Sendable {
    /// SQLite 3 (bundled by SQLiteNIO).
    case sqlite
    /// PostgreSQL 12 or later.
    case postgres
}

extension SQLDialectKind {
    /// What a claim query appends so that concurrent claimers pass each other instead of
    /// waiting: `FOR UPDATE SKIP LOCKED` on PostgreSQL; nothing on SQLite, whose write
    /// transactions already take turns.
    public var skipLockedRows: SQLRaw {
        self == .postgres ? SQLRaw(" FOR UPDATE SKIP LOCKED") : SQLRaw("")
    }
}

/// The database and the blob store behind one SQL layer (sql-kit) for SQLite and PostgreSQL.
///
/// All access goes through ``withSession(_:)`` (one connection for the closure's duration) or
/// ``transaction(_:)`` (the same, inside `BEGIN`…`COMMIT`, rolled back on any error). A write
/// is acknowledged only when it is durable: SQLite runs in WAL mode with `synchronous=FULL`;
/// PostgreSQL commits are durable by default.
public final class Store: Sendable {
    /// The dialect, for the few queries that differ.
    public let dialect: SQLDialectKind
    /// Where the data is, for logs.
    public let location: DatabaseLocation
    /// Originals, previews and LOAs, addressed by SHA-256.
    public let blobs: any BlobStore
    private let pools: Pools
    private let logger: Logger
    /// SQLite allows one writer at a time, and its busy wait blocks a thread of NIO's small
    /// pool; writers in this process take turns here instead, so the wait never holds a thread.
    /// (The busy timeout still covers writers in other processes, such as `paperwork tokens`.)
    private let writers = WriterGate()

    /// Connections per event loop on SQLite (the machine has one event loop per core).
    static let sqliteConnectionsPerEventLoop = 16

    private enum Pools: Sendable {
        /// Readers, and the writer's own connections on a thread of their own: a commit's
        /// fsync then never holds one of the threads every read waits for.
        case sqlite(readers: SharedPool<DurableSQLiteSource>, writer: SharedPool<DurableSQLiteSource>, writerThread: NIOThreadPool)
        case postgres(SharedPool<PostgresConnectionSource>)
    }

    /// Opens the database (creating the SQLite file and the data directory when needed) and
    /// the blob store: files under `dataDirectory/blobs` with SQLite, a table with PostgreSQL.
    public static func open(_ location: DatabaseLocation, dataDirectory: String, logger: Logger) async throws -> Store {
        let group = MultiThreadedEventLoopGroup.singleton
        switch location {
        case let .sqlite(path):
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let source = DurableSQLiteSource(path: path, threadPool: .singleton)
            // A connection stays checked out while its task waits its turn on the executor, so
            // under load a small pool, not the CPU, is what requests queue for: with 2 per loop,
            // 50 busy portal sessions left a fifth of the two cores idle and doubled the p99.
            // SQLite connections are a file handle and a lazily filled page cache each.
            let pool = EventLoopGroupConnectionPool(source: source, maxConnectionsPerEventLoop: Self.sqliteConnectionsPerEventLoop, pruneInterval: nil, logger: logger, on: group)
            // Writers take turns (`writers`), so one connection per event loop is enough; its
            // thread runs the commits (and their fsyncs) away from the readers' threads.
            let writerThread = NIOThreadPool(numberOfThreads: 1)
            writerThread.start()
            let writer = EventLoopGroupConnectionPool(source: DurableSQLiteSource(path: path, threadPool: writerThread), maxConnectionsPerEventLoop: 1, pruneInterval: nil, logger: logger, on: group)
            let store = Store(
                dialect: .sqlite, location: location, blobs: try FileBlobStore(directory: dataDirectory + "/blobs"),
                pools: .sqlite(readers: SharedPool(pool), writer: SharedPool(writer), writerThread: writerThread), logger: logger
            )
            // WAL is a property of the file: set it once, before anything else runs.
            try await store.withSession { try await $0.raw("PRAGMA journal_mode = WAL").run() }
            return store
        case let .postgres(url):
            let configuration = try SQLPostgresConfiguration(url: url)
            let pool = EventLoopGroupConnectionPool(source: PostgresConnectionSource(sqlConfiguration: configuration), maxConnectionsPerEventLoop: 4, pruneInterval: nil, logger: logger, on: group)
            let database = pool.database(logger: logger).sql()
            let store = Store(dialect: .postgres, location: location, blobs: DatabaseBlobStore(database: database), pools: .postgres(SharedPool(pool)), logger: logger)
            return store
        }
    }

    private init(dialect: SQLDialectKind, location: DatabaseLocation, blobs: any BlobStore, pools: Pools, logger: Logger) {
        self.dialect = dialect
        self.location = location
        self.blobs = blobs
        self.pools = pools
        self.logger = logger
    }

    /// Runs `body` on one connection: for reads. Writes go through ``transaction(_:)``, which
    /// on SQLite also takes this process's writer turn.
    @discardableResult
    public func withSession<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        switch pools {
        case let .sqlite(readers, _, _):
            return try await Self.withConnection(of: readers, logger: logger, body)
        case let .postgres(shared):
            return try await shared.pool.database(logger: logger).sql().withSession(body)
        }
    }

    private static func withConnection<Result: Sendable>(of shared: SharedPool<DurableSQLiteSource>, logger: Logger,
                                                         _ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        try await shared.pool.withConnection(logger: logger) { connection in
            connection.eventLoop.makeFutureWithTask { try await body(connection.sql()) }
        }.get()
    }

    /// One connection for a write: the writer's on SQLite, any on PostgreSQL.
    private func withWriter<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        switch pools {
        case let .sqlite(_, writer, _): try await Self.withConnection(of: writer, logger: logger, body)
        case .postgres: try await withSession(body)
        }
    }

    /// Runs `body` in a transaction on one connection: committed when it returns, rolled back
    /// when it throws. On SQLite the transaction takes the write lock at once (`IMMEDIATE`),
    /// so two writers queue instead of failing to upgrade.
    @discardableResult
    public func transaction<Result: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> Result) async throws -> Result {
        let begin = dialect == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        let serialized = dialect == .sqlite
        if serialized { await writers.enter() }
        do {
            let result = try await withWriter { database in
                try await database.raw(SQLQueryString(begin)).run()
                do {
                    let result = try await body(database)
                    try await database.raw("COMMIT").run()
                    return result
                } catch {
                    try? await database.raw("ROLLBACK").run()
                    throw error
                }
            }
            if serialized { await writers.leave() }
            return result
        } catch {
            if serialized { await writers.leave() }
            throw error
        }
    }

    /// Checks that the database answers (for `/health`).
    public func ping() async throws {
        try await withSession { try await $0.raw("SELECT 1").run() }
    }

    /// Closes every connection.
    public func close() async {
        switch pools {
        case let .sqlite(readers, writer, writerThread):
            try? await readers.pool.shutdownAsync()
            try? await writer.pool.shutdownAsync()
            try? await writerThread.shutdownGracefully()
        case let .postgres(shared): try? await shared.pool.shutdownAsync()
        }
    }
}

/// SQLite connections set up for a service: foreign keys on, durable commits, and a busy
/// timeout so that a second writer (another connection, or `paperwork tokens` in another
/// process) waits for the lock instead of failing.
struct DurableSQLiteSource: ConnectionPoolSource, Sendable {
    let base: SQLiteConnectionSource

    init(path: String, threadPool: NIOThreadPool) {
        base = SQLiteConnectionSource(configuration: SQLiteConfiguration(storage: .file(path: path), enableForeignKeys: true), threadPool: threadPool)
    }

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        base.makeConnection(logger: logger, on: eventLoop).flatMap { connection in
            connection.query("PRAGMA busy_timeout = 10000")
                .flatMap { _ in connection.query("PRAGMA synchronous = FULL") }
                .map { _ in connection }
        }
    }
}

/// An AsyncKit connection pool shared between tasks.
///
/// `@unchecked Sendable` is safe here: AsyncKit predates Sendable annotations, but
/// `EventLoopGroupConnectionPool`'s only mutable state (`didShutdown`) is guarded by its
/// `NIOLock`, its per-loop pools are confined to their event loops (every entry point hops to
/// the loop), and `pool` itself is immutable.
final class SharedPool<Source: ConnectionPoolSource>: @unchecked Sendable {
    let pool: EventLoopGroupConnectionPool<Source>
    init(_ pool: EventLoopGroupConnectionPool<Source>) { self.pool = pool }
}

/// A first-come, first-served turnstile for one writer at a time.
actor WriterGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard busy else {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
