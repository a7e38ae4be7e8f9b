import Foundation
import Logging
import SQLKit
public import Store
public import Testing

/// The backends every store test runs against: SQLite always; PostgreSQL when
/// `PAPERWORK_TEST_DATABASE_URL` names a server (CI starts one with `scripts/test-postgres`).
public enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    public var testDescription: String { rawValue }

    public static var available: [Backend] {
        ProcessInfo.processInfo.environment["PAPERWORK_TEST_DATABASE_URL"].map { _ in [.sqlite, .postgres] } ?? [.sqlite]
    }

    /// A fresh, empty store of this kind in its own data directory.
    public func freshStore() async throws -> (Store, String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-store-\(UUID().uuidString)").path
        let logger = Logger(label: "paperwork.store.tests")
        switch self {
        case .sqlite:
            return (try await Store.open(try DatabaseLocation(url: nil, dataDirectory: directory), dataDirectory: directory, logger: logger), directory)
        case .postgres:
            // A database of its own for every test, so suites can run in parallel.
            let url = ProcessInfo.processInfo.environment["PAPERWORK_TEST_DATABASE_URL"]!
            let name = "paperwork_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let admin = try await Store.open(try DatabaseLocation(url: url, dataDirectory: directory), dataDirectory: directory, logger: logger)
            try await admin.withSession { try await $0.raw(SQLQueryString("CREATE DATABASE \(unsafeRaw: name)")).run() }
            await admin.close()
            let base = url.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            let store = try await Store.open(try DatabaseLocation(url: base + "/" + name, dataDirectory: directory), dataDirectory: directory, logger: logger)
            return (store, directory)
        }
    }
}

