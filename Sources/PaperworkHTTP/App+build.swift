import Foundation
public import Hummingbird
public import Isolation
public import Logging
public import Prometheus
import Store
public import Workflow
public import ServiceLifecycle

/// What the HTTP layer needs from the layers below, built once at start.
public struct ServiceDependencies: Sendable {
    /// Who is calling: bearer tokens and console sessions.
    public var credentials: Credentials
    /// Whether the database answers, for `/health`.
    public var readiness: Readiness
    /// The audit log, for operators.
    public var auditLog: AuditLog
    /// Where untrusted documents are parsed.
    public var inspector: any DocumentInspector
    /// Where `/metrics` reads from.
    public var metrics: PrometheusCollectorRegistry
    /// Sign-up, sessions, profiles.
    public var accounts: Accounts
    /// Companies, members, invitations.
    public var companies: Companies
    /// Certificate uploads.
    public var intake: CertificateIntake
    /// The review queue and decisions.
    public var review: ReviewQueue
    /// What customers and reviewers read about certificates.
    public var views: CertificateViews
    /// The datacenter catalog.
    public var catalog: Catalog
    /// Ports and LOAs, when the LOA templates and signing identity are loaded.
    public var ports: Ports?
    /// Revalidation runs for operators, when the server works them (``RevalidationService``).
    public var revalidation: Revalidation?
    /// The reviewer console, when its templates are loaded (``ConsoleController/load(directory:store:review:views:secureCookies:)``).
    public var console: ConsoleController?
    /// Limits on sign-in, sign-up, password resets and invitations, shared by the API and
    /// the portal (the portal's copy counts in the same buckets).
    public var rateLimits = RateLimits()
    /// The customer portal, when its templates are loaded (``PortalController/load(directory:accounts:companies:credentials:intake:views:catalog:ports:secureCookies:supportAddress:)``).
    public var portal: PortalController?

    /// Bundles the workflows, built by the composition root (`Wiring` in `Composition`); the
    /// optional services are set afterwards, when their templates and keys are loaded.
    public init(
        credentials: Credentials, readiness: Readiness, auditLog: AuditLog, inspector: any DocumentInspector, metrics: PrometheusCollectorRegistry,
        accounts: Accounts, companies: Companies, intake: CertificateIntake, review: ReviewQueue, views: CertificateViews, catalog: Catalog
    ) {
        self.credentials = credentials
        self.readiness = readiness
        self.auditLog = auditLog
        self.inspector = inspector
        self.metrics = metrics
        self.accounts = accounts
        self.companies = companies
        self.intake = intake
        self.review = review
        self.views = views
        self.catalog = catalog
    }
}

/// Builds the Hummingbird application: the one place that lists middleware and routes.
/// Background services (outbox delivery…) run beside the server and stop with it.
/// `onServerRunning` runs once the socket is bound.
public func buildApplication(host: String, port: Int, dependencies: ServiceDependencies, services: [any Service], logger: Logger, onServerRunning: @escaping @Sendable () async -> Void = {}) -> some ApplicationProtocol {
    let router = buildRouter(dependencies: dependencies)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "paperwork"),
        services: services,
        onServerRunning: { _ in await onServerRunning() },
        logger: logger
    )
}

/// The routes, with request metrics and logging around them.
public func buildRouter(dependencies: ServiceDependencies) -> Router<PaperworkRequestContext> {
    let router = Router(context: PaperworkRequestContext.self)
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: BearerAuthenticationMiddleware(credentials: dependencies.credentials))
    HealthController(readiness: dependencies.readiness).addRoutes(to: router)
    MetricsController(registry: dependencies.metrics, beforeScrape: { [review = dependencies.review] in await review.refreshGauges() }).addRoutes(to: router)
    TokensController(credentials: dependencies.credentials).addRoutes(to: router)
    AccountsController(accounts: dependencies.accounts, companies: dependencies.companies, credentials: dependencies.credentials, maxPhotoBytes: dependencies.accounts.policy.maxPhotoBytes, rateLimits: dependencies.rateLimits).addRoutes(to: router)
    CompaniesController(companies: dependencies.companies, rateLimits: dependencies.rateLimits).addRoutes(to: router)
    CertificatesController(intake: dependencies.intake, views: dependencies.views, queue: dependencies.review, companies: dependencies.companies).addRoutes(to: router)
    ReviewController(queue: dependencies.review, auditLog: dependencies.auditLog).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    dependencies.console?.addRoutes(to: router)
    if var portal = dependencies.portal {
        portal.rateLimits = dependencies.rateLimits
        portal.addRoutes(to: router)
    }
    if let ports = dependencies.ports {
        PortsController(catalog: dependencies.catalog, ports: ports).addRoutes(to: router)
    }
    if let revalidation = dependencies.revalidation {
        RevalidationsController(revalidation: revalidation).addRoutes(to: router)
    }
    // Last, so that it wraps only what no route took: 405 with `Allow` for the other methods
    // of every path above.
    router.add(middleware: MethodNotAllowedMiddleware(routes: router.routes))
    return router
}
