import Foundation
import Intake
public import Isolation
public import LOA
public import Logging
import Metrics
public import PaperworkHTTP
public import Prometheus
public import Store
public import Workflow

/// The composition root: the one place that turns ``ServerSettings`` into Paperwork's
/// services. `serve`, `revalidate`, `tokens`, `catalog`, the benchmarks and the tests' service
/// all build through it, so each service is wired one way and an error in the wiring is
/// thrown to the caller, never swallowed.
public struct Wiring: Sendable {
    /// What the services are built from.
    public let settings: ServerSettings
    /// Where the wiring reports what it did (a migration, a generated key).
    public let logger: Logger

    /// Wiring for `settings`, reporting to `logger`.
    public init(settings: ServerSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Opens the database the settings name and brings its schema up to date.
    public func openStore() async throws -> Store {
        let location = try DatabaseLocation(url: settings.databaseURL, dataDirectory: settings.dataDirectory)
        let store = try await Store.open(location, dataDirectory: settings.dataDirectory, logger: logger)
        do {
            let applied = try await store.migrate()
            if !applied.isEmpty {
                logger.info("database migrated", metadata: ["database": "\(location)", "migrations_applied": "\(applied)"])
            }
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// The document worker pool, not started yet: `workers.count` workers (or `size`, or one
    /// per core), each document bounded by `workers.timeout.seconds`.
    public func workerPool(size: Int? = nil) -> WorkerPool {
        var configuration = WorkerPool.Configuration()
        if let size, size > 0 {
            configuration.size = size
        } else if settings.workerCount > 0 {
            configuration.size = settings.workerCount
        }
        configuration.timeout = .seconds(settings.workerTimeoutSeconds)
        return WorkerPool(configuration: configuration)
    }

    /// The OCR worker pool, not started yet: `ocr.workers` workers, apart from the document
    /// workers, each page bounded by `ocr.seconds.per.page` on top of `workers.timeout.seconds`.
    public func ocrWorkerPool() -> WorkerPool {
        var configuration = WorkerPool.Configuration()
        configuration.size = max(1, settings.ocrWorkers)
        configuration.timeout = .seconds(settings.workerTimeoutSeconds)
        return WorkerPool(configuration: configuration)
    }

    /// OCR jobs over `store`, read by `recognizer` (the ``ocrWorkerPool()``), metrics into `metrics`.
    public func scanRecognition(store: Store, recognizer: any DocumentInspector, metrics: PrometheusCollectorRegistry?) -> ScanRecognition {
        ScanRecognition(
            store: store, recognizer: recognizer, policy: settings.scanRecognitionPolicy, limits: settings.intakeLimits,
            logger: logger, metrics: metrics.map { PrometheusMetricsFactory(registry: $0) }
        )
    }

    /// The background service that works OCR jobs, or nil when `ocr.enabled` is false.
    public func scanRecognitionService(_ recognition: ScanRecognition, concurrency: Int) -> ScanRecognitionService? {
        guard settings.ocrEnabled else { return nil }
        let owner = "\(ProcessInfo.processInfo.hostName)/\(getpid())"
        return ScanRecognitionService(
            recognition: recognition, concurrency: concurrency, pollInterval: .milliseconds(max(10, settings.ocrPollMilliseconds)), owner: owner, logger: logger
        )
    }

    /// Where e-mails go: `.eml` files under `<data>/outbox`, or an SMTP server.
    public func mailTransport() throws(WiringError) -> any MailTransport {
        switch settings.mailTransport {
        case "eml":
            do {
                return try EMLDirectoryTransport(directory: settings.dataDirectory + "/outbox")
            } catch {
                throw WiringError(code: "outbox_unavailable", message: "the outbox \(settings.dataDirectory)/outbox cannot be used: \(error)")
            }
        case "smtp":
            guard let security = SMTPTransport.Security(rawValue: settings.smtpSecurity) else {
                throw WiringError(code: "invalid_setting", message: "mail.smtp.security must be starttls, tls or none")
            }
            return SMTPTransport(configuration: .init(
                host: settings.smtpHost, port: settings.smtpPort, security: security,
                username: settings.smtpUsername, password: settings.smtpPassword, trustedCertificatesFile: settings.smtpCAFile
            ))
        default:
            throw WiringError(code: "invalid_setting", message: "mail.transport must be eml or smtp")
        }
    }

    /// The LOA signing identity. With `createIfMissing`, a development pair is generated
    /// where the settings point when neither file exists (a warning says how to install real
    /// ones); without it, missing files are an error.
    public func signingIdentity(createIfMissing: Bool) throws -> SigningIdentity {
        guard createIfMissing else {
            return try SigningIdentity.load(certificateFile: settings.loaCertificateFile, privateKeyFile: settings.loaPrivateKeyFile)
        }
        try FileManager.default.createDirectory(atPath: (settings.loaPrivateKeyFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let (identity, created) = try SigningIdentity.loadOrCreateDevelopment(
            certificateFile: settings.loaCertificateFile, privateKeyFile: settings.loaPrivateKeyFile, organization: "Paperwork development"
        )
        if created {
            logger.warning("generated a development LOA signing key and self-signed certificate; install your own (docs/ports-and-loas.md#signing-keys)", metadata: [
                "certificate": "\(settings.loaCertificateFile)", "key": "\(settings.loaPrivateKeyFile)",
            ])
        }
        return identity
    }

    /// How the workflows behave, from the settings; each may be adjusted before the services
    /// are built (tests lower bcrypt's cost, shrink batches).
    public struct Policies: Sendable {
        /// Sign-up, passwords, photos.
        public var accounts: Accounts.Policy
        /// Uploads, the review SLA, claims, four-eyes.
        public var review: CertificateIntake.Policy
        /// Revalidation runs worked by this process.
        public var revalidation: Revalidation.Settings
    }

    /// The policies the settings describe, for a process with `poolSize` document workers.
    public func policies(poolSize: Int) -> Policies {
        var accounts = Accounts.Policy()
        accounts.hasher = PasswordHasher(cost: UInt8(clamping: settings.bcryptCost))
        return Policies(accounts: accounts, review: settings.reviewPolicy, revalidation: settings.revalidationSettings(poolSize: poolSize))
    }

    /// The services the HTTP layer serves: every workflow over `store`, documents parsed by
    /// `inspector`, metrics into `metrics`, LOAs signed by `identity` (no ports without one),
    /// the reviewer console from the templates.
    public func services(
        store: Store, inspector: any DocumentInspector, metrics: PrometheusCollectorRegistry, identity: SigningIdentity?, policies: Policies
    ) async throws -> ServiceDependencies {
        let mail = try await settings.mailComposer()
        let accounts = Accounts(store: store, inspector: inspector, mail: mail, policy: policies.accounts)
        let companies = Companies(accounts: accounts)
        let intake = CertificateIntake(companies: companies, inspector: inspector, policy: policies.review)
        // Seconds from upload to decision: minutes to days, with the 72-hour SLA as a bucket edge.
        var factory = PrometheusMetricsFactory(registry: metrics)
        factory.valueHistogramBuckets[ReviewQueue.timeToDecisionLabel] = [60, 600, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 48 * 3600, 72 * 3600, 96 * 3600, 168 * 3600]
        let review = ReviewQueue(intake: intake, metrics: factory)
        let views = CertificateViews(queue: review)
        let ports = try identity.map { try Ports(companies: companies, policy: settings.portsPolicy(identity: $0)) }
        let credentials = Credentials(store: store)
        var services = ServiceDependencies(
            credentials: credentials, readiness: Readiness(store: store), auditLog: AuditLog(store: store), inspector: inspector, metrics: metrics,
            accounts: accounts, companies: companies, intake: intake, review: review, views: views, catalog: Catalog(store: store)
        )
        services.ports = ports
        var limits = RateLimits.Policy()
        limits.enabled = settings.rateLimitsEnabled
        limits.trustForwardedFor = settings.trustForwardedFor
        services.rateLimits = RateLimits(limits)
        services.revalidation = Revalidation(store: store, inspector: inspector, ports: ports, settings: policies.revalidation)
        services.console = try await ConsoleController.load(
            directory: settings.templatesDirectory + "/console", credentials: credentials, review: review, views: views,
            secureCookies: settings.publicURL.hasPrefix("https://")
        )
        services.portal = try await PortalController.load(
            directory: settings.templatesDirectory + "/portal", accounts: accounts, companies: companies, credentials: credentials,
            intake: intake, views: views, catalog: services.catalog, ports: ports,
            secureCookies: settings.publicURL.hasPrefix("https://"), supportAddress: settings.supportAddress
        )
        return services
    }

    /// The LOA issuer alone (templates, signing identity from its files), for processes that
    /// check or reissue letters without serving HTTP (`paperwork revalidate`).
    public func ports(store: Store, inspector: any DocumentInspector) async throws -> Ports {
        let accounts = Accounts(store: store, inspector: inspector, mail: try await settings.mailComposer(), policy: policies(poolSize: 1).accounts)
        return try Ports(companies: Companies(accounts: accounts), policy: settings.portsPolicy(identity: try signingIdentity(createIfMissing: false)))
    }

    /// A revalidation runner for a process with `poolSize` workers; `adjust` sets what the
    /// command line overrides (batch size, lease).
    public func revalidation(store: Store, inspector: any DocumentInspector, ports: Ports?, poolSize: Int, adjust: (inout Revalidation.Settings) -> Void = { _ in }) -> Revalidation {
        var revalidationSettings = settings.revalidationSettings(poolSize: poolSize)
        adjust(&revalidationSettings)
        return Revalidation(store: store, inspector: inspector, ports: ports, settings: revalidationSettings)
    }
}

/// A setting that cannot be wired, with a stable code.
public struct WiringError: Error, CustomStringConvertible, Sendable {
    /// Stable, e.g. `invalid_setting`.
    public var code: String
    /// What is wrong and how to fix it.
    public var message: String
    /// The code and message, as printed when the process stops.
    public var description: String { "\(code): \(message)" }

    /// An error with its code and message.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
}
