import ArgumentParser
import Configuration
import Logging
import PaperworkHTTP
import Store
import SystemPackage

/// Where the data is, shared by every command that opens it (`serve`, `tokens`): the same
/// flags, environment variables and `.env` file, so they always agree on the database.
struct DataOptions: ParsableArguments {
    @Option(help: "Where the SQLite file, stored files and outbox live (DATA_DIRECTORY; default ./data).")
    var dataDirectory: String?

    @Option(help: "postgres://user:password@host:port/database, or empty for SQLite (DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "A file of KEY=value settings read after the environment.")
    var envFile: String = ".env"

    /// The settings: the given flags (plus `extraFlags`) over the environment over the `.env` file.
    func settings(extraFlags: [AbsoluteConfigKey: ConfigValue?] = [:]) async throws -> ServerSettings {
        var flags = extraFlags
        flags["data.directory"] = dataDirectory.map { .init(.string($0), isSecret: false) }
        flags["database.url"] = databaseURL.map { .init(.string($0), isSecret: true) }
        return ServerSettings(config: ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: flags.compactMapValues { $0 }),
            EnvironmentVariablesProvider(),
            try await EnvironmentVariablesProvider(environmentFilePath: FilePath(envFile), allowMissing: true),
        ]))
    }

    /// Opens the store the settings name and brings its schema up to date.
    static func openStore(_ settings: ServerSettings, logger: Logger) async throws -> Store {
        let location = try DatabaseLocation(url: settings.databaseURL, dataDirectory: settings.dataDirectory)
        let store = try await Store.open(location, dataDirectory: settings.dataDirectory, logger: logger)
        let applied = try await store.migrate()
        if !applied.isEmpty {
            logger.info("database migrated", metadata: ["database": "\(location)", "migrations_applied": "\(applied)"])
        }
        return store
    }
}
