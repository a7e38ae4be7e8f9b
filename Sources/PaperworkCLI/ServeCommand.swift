public import ArgumentParser
import Configuration
import Foundation
import Composition
import Isolation
import Logging
import Metrics
import PaperworkHTTP
import Prometheus
import ServiceLifecycle
import Workflow

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

    @Option(help: "Document worker processes, 0 for one per core (WORKERS_COUNT).")
    var workers: Int?

    @Option(help: "The Mustache templates directory (TEMPLATES_DIRECTORY; default ./templates).")
    var templatesDirectory: String?

    @OptionGroup var data: DataOptions

    /// Required by ArgumentParser.
    public init() {}

    public func run() async throws {
        let settings = try await data.settings(extraFlags: [
            "http.host": host.map { .init(.string($0), isSecret: false) },
            "http.port": port.map { .init(.int($0), isSecret: false) },
            "workers.count": workers.map { .init(.int($0), isSecret: false) },
            "templates.directory": templatesDirectory.map { .init(.string($0), isSecret: false) },
        ])
        // LOG_LEVEL (trace…critical, default info) and LOG_FORMAT (text, or json for one
        // object per line) come from the environment, as for every server of this kind.
        let environment = ProcessInfo.processInfo.environment
        let level = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let json = environment["LOG_FORMAT"] == "json"
        LoggingSystem.bootstrap { label in
            if json {
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "paperwork")
        // Before the pool starts, so that its workers inherit the policy.
        guard let scheduling = CPUScheduling(rawValue: settings.cpuScheduling) else {
            throw ValidationError("cpu.scheduling must be batch or normal")
        }
        do {
            try scheduling.apply()
        } catch {
            logger.warning("CPU scheduling unchanged", metadata: ["error": "\(error)"])
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let wiring = Wiring(settings: settings, logger: logger)
        let transport = try wiring.mailTransport()
        let store = try await wiring.openStore()
        logger.info("database ready", metadata: ["database": "\(store.location)"])
        let pool = wiring.workerPool()
        // OCR has workers of its own, started on its first job: a long scan never holds up an upload.
        let ocrPool = wiring.ocrWorkerPool()
        let recognition = wiring.scanRecognition(store: store, recognizer: ocrPool, metrics: registry)
        let dependencies: ServiceDependencies
        do {
            try await pool.start()
            logger.info("document workers ready", metadata: ["workers": "\(pool.alive)"])
            dependencies = try await wiring.services(
                store: store, inspector: pool, metrics: registry,
                identity: try wiring.signingIdentity(createIfMissing: true), policies: wiring.policies(poolSize: pool.alive)
            )
        } catch {
            await pool.shutdown()
            await ocrPool.shutdown()
            await store.close()
            throw error
        }
        // From here on, a failure closes the pool and the store before it is thrown.
        do {
            var demoText = ""
            let base = settings.publicURL
            if settings.demoData, let demo = try await DemoData.seedIfEmpty(accounts: dependencies.accounts, companies: dependencies.companies) {
                // The sample catalog too, when run from the repository: a newcomer can search datacenters
                // and, once the demo company is verified (in the console), order a port.
                var catalogLine: String?
                let catalogFile = settings.demoCatalogDirectory + "/datacenters.json", panelsFile = settings.demoCatalogDirectory + "/patch-panels.json"
                if let records = FileManager.default.contents(atPath: catalogFile) {
                    let report = try await dependencies.catalog.importPeeringDB([UInt8](records))
                    struct PanelsFile: Decodable { var panels: [Catalog.PanelSpec] }
                    var panels = 0
                    if let data = FileManager.default.contents(atPath: panelsFile) {
                        let file = try JSONDecoder().decode(PanelsFile.self, from: data)
                        panels = try await dependencies.catalog.loadPanels(file.panels, by: .staff(role: .operator, tokenName: "demo")).created
                    }
                    catalogLine = "\(report.created) sample datacenters and \(panels) patch panels from \(settings.demoCatalogDirectory)"
                }
                demoText = DemoInstructions.text(demo, base: base, outbox: settings.mailTransport == "smtp" ? nil : settings.dataDirectory + "/outbox", catalog: catalogLine)
                let file = settings.dataDirectory + "/demo-credentials.txt"
                _ = FileManager.default.createFile(atPath: file, contents: Data(demoText.utf8), attributes: [.posixPermissions: 0o600])
                logger.notice("demo data created", metadata: ["instructions": "\(file)"])
            }
            // Printed once the socket is bound, so that what it says is already true.
            let banner = """
                Paperwork is listening on http://\(settings.host):\(settings.port)
                  data:      \(settings.dataDirectory) (\(store.location))
                  health:    curl \(base)/health
                  metrics:   curl \(base)/metrics
                  API:       curl \(base)/openapi.yaml
                  portal:    \(base)/ (customers sign up and sign in, in English or French)
                  console:   \(base)/console (reviewers sign in with a staff token)
                  e-mails:   \(settings.mailTransport == "smtp" ? "SMTP \(settings.smtpHost):\(settings.smtpPort)" : settings.dataDirectory + "/outbox/*.eml")
                """ + demoText
            let app = buildApplication(
                host: settings.host, port: settings.port,
                dependencies: dependencies,
                services: ([
                    OutboxDelivery(store: store, transport: transport, sender: settings.mailFrom, logger: logger),
                    dependencies.revalidation.map { RevalidationService(revalidation: $0, logger: logger) },
                    wiring.scanRecognitionService(recognition, concurrency: max(1, settings.ocrWorkers)),
                    dependencies.ports.flatMap { $0.policy.timestampAuthority == nil ? nil : LetterTimestampService(ports: $0, logger: logger) },
                    dependencies.ports.flatMap { settings.loaReminderDays > 0 ? LetterReminderService(ports: $0, days: settings.loaReminderDays, logger: logger) : nil },
                ] as [(any Service)?]).compactMap { $0 },
                logger: logger,
                // Written straight to the descriptor, not through stdio's buffer: whoever started us
                // through a pipe reads the address and the demo instructions at once.
                onServerRunning: { FileHandle.standardOutput.write(Data((banner + "\n").utf8)) }
            )
            try await app.runService()
        } catch {
            await pool.shutdown()
            await ocrPool.shutdown()
            await store.close()
            throw error
        }
        await pool.shutdown()
        await ocrPool.shutdown()
        await store.close()
    }
}
