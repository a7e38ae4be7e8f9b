import ArgumentParser
import Composition
import Configuration

/// Where the data is, shared by every command that opens it (`serve`, `tokens`, `catalog`,
/// `revalidate`): the same flags, environment variables and `.env` file, so they always agree
/// on the database.
struct DataOptions: ParsableArguments {
    @Option(help: "Where the SQLite file, stored files and outbox live (DATA_DIRECTORY; default ./data).")
    var dataDirectory: String?

    @Option(help: "postgres://user:password@host:port/database, or empty for SQLite (DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "A file of KEY=value settings read after the environment.")
    var envFile: String = ".env"

    /// The settings: the given flags (plus `extraFlags`) over the environment over the `.env` file.
    /// Refuses a forensic rules file that cannot be read or is not valid: intake must not run
    /// without the rules an operator wrote.
    func settings(extraFlags: [AbsoluteConfigKey: ConfigValue?] = [:]) async throws -> ServerSettings {
        var flags = extraFlags
        flags["data.directory"] = dataDirectory.map { .init(.string($0), isSecret: false) }
        flags["database.url"] = databaseURL.map { .init(.string($0), isSecret: true) }
        let settings = try await ServerSettings.load(flags: flags.compactMapValues { $0 }, envFile: envFile)
        if let problem = settings.forensicRulesProblem {
            throw ValidationError("\(problem.code): \(problem.message) (set FORENSICS_RULES_FILE)")
        }
        return settings
    }
}
