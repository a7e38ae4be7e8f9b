public import ArgumentParser
import Configuration
import Foundation
import Isolation
import Logging
import Metrics
import PaperworkHTTP
import Prometheus
import Store
import Workflow
import SystemPackage

/// `paperwork serve`: the HTTP service, with its worker pool, on SQLite or PostgreSQL.
///
/// Settings come from flags, then environment variables, then a `.env` file, then defaults
/// (see ``ServerSettings``). SIGTERM and SIGINT shut it down gracefully: requests in flight
/// finish, then workers and database connections close.
public struct ServeCommand: AsyncParsableCommand {
    /// How the command appears in `paperwork --help`.
    public static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP service."
    )

    @Option(help: "Address to listen on (HTTP_HOST; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on (HTTP_PORT; default 8080).")
    var port: Int?

    @Option(help: "Where the SQLite file, stored files and outbox live (DATA_DIRECTORY; default ./data).")
    var dataDirectory: String?

    @Option(help: "postgres://user:password@host:port/database, or empty for SQLite (DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Document worker processes, 0 for one per core (WORKERS_COUNT).")
    var workers: Int?

    @Option(help: "A file of KEY=value settings read after the environment.")
    var envFile: String = ".env"

    /// Required by ArgumentParser.
    public init() {}

    public func run() async throws {
        let settings = ServerSettings(config: try await Self.configReader(
            flags: ["http.host": host.map { .init(.string($0), isSecret: false) },
                    "http.port": port.map { .init(.int($0), isSecret: false) },
                    "data.directory": dataDirectory.map { .init(.string($0), isSecret: false) },
                    "database.url": databaseURL.map { .init(.string($0), isSecret: true) },
                    "workers.count": workers.map { .init(.int($0), isSecret: false) }],
            envFile: envFile
        ))
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let logger = Logger(label: "paperwork")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let location = try DatabaseLocation(url: settings.databaseURL, dataDirectory: settings.dataDirectory)
        let store = try await Store.open(location, dataDirectory: settings.dataDirectory, logger: logger)
        let applied = try await store.migrate()
        logger.info("database ready", metadata: ["database": "\(location)", "migrations_applied": "\(applied)"])

        var poolConfiguration = WorkerPool.Configuration()
        if settings.workerCount > 0 { poolConfiguration.size = settings.workerCount }
        poolConfiguration.timeout = .seconds(settings.workerTimeoutSeconds)
        let pool = WorkerPool(configuration: poolConfiguration)
        try await pool.start()
        logger.info("document workers ready", metadata: ["workers": "\(pool.alive)"])

        let transport: any MailTransport
        switch settings.mailTransport {
        case "eml":
            transport = try EMLDirectoryTransport(directory: settings.dataDirectory + "/outbox")
        case "smtp":
            guard let security = SMTPTransport.Security(rawValue: settings.smtpSecurity) else {
                throw ValidationError("mail.smtp.security must be starttls, tls or none")
            }
            transport = SMTPTransport(configuration: .init(
                host: settings.smtpHost, port: settings.smtpPort, security: security,
                username: settings.smtpUsername, password: settings.smtpPassword, trustedCertificatesFile: settings.smtpCAFile
            ))
        default:
            throw ValidationError("mail.transport must be eml or smtp")
        }
        let app = buildApplication(
            settings: settings,
            dependencies: ServiceDependencies(store: store, inspector: pool, metrics: registry),
            services: [OutboxDelivery(store: store, transport: transport, sender: settings.mailFrom, logger: logger)],
            logger: logger
        )
        print("""
            Paperwork is listening on http://\(settings.host):\(settings.port)
              data:      \(settings.dataDirectory) (\(location))
              health:    curl http://\(settings.host):\(settings.port)/health
              metrics:   curl http://\(settings.host):\(settings.port)/metrics
              e-mails:   \(settings.mailTransport == "smtp" ? "SMTP \(settings.smtpHost):\(settings.smtpPort)" : settings.dataDirectory + "/outbox/*.eml")
            """)
        do {
            try await app.runService()
        } catch {
            await pool.shutdown()
            await store.close()
            throw error
        }
        await pool.shutdown()
        await store.close()
    }

    /// Flags (given ones only) over the environment over the `.env` file.
    static func configReader(flags: [AbsoluteConfigKey: ConfigValue?], envFile: String) async throws -> ConfigReader {
        let given = flags.compactMapValues { $0 }
        return ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: given),
            EnvironmentVariablesProvider(),
            try await EnvironmentVariablesProvider(environmentFilePath: FilePath(envFile), allowMissing: true),
        ])
    }
}
