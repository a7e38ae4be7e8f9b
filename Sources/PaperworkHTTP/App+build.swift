import Foundation
public import Hummingbird
public import Isolation
public import Logging
import Metrics
public import Prometheus
public import Store
public import Workflow
public import ServiceLifecycle

/// What the HTTP layer needs from the layers below, built once at start.
public struct ServiceDependencies: Sendable {
    /// The database and blob store.
    public var store: Store
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

    /// Bundles the dependencies; the account workflows share the store, the inspector (for
    /// profile photos), the mail templates and the policy.
    public init(store: Store, inspector: any DocumentInspector, metrics: PrometheusCollectorRegistry, mail: MailComposer, accountPolicy: Accounts.Policy = .init(), reviewPolicy: CertificateIntake.Policy = .init()) {
        self.store = store
        self.inspector = inspector
        self.metrics = metrics
        accounts = Accounts(store: store, inspector: inspector, mail: mail, policy: accountPolicy)
        companies = Companies(accounts: accounts)
        intake = CertificateIntake(companies: companies, inspector: inspector, policy: reviewPolicy)
        // Seconds from upload to decision: minutes to days, with the 72-hour SLA as a bucket edge.
        var factory = PrometheusMetricsFactory(registry: metrics)
        factory.valueHistogramBuckets[ReviewQueue.timeToDecisionLabel] = [60, 600, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 48 * 3600, 72 * 3600, 96 * 3600, 168 * 3600]
        review = ReviewQueue(intake: intake, metrics: factory)
        views = CertificateViews(queue: review)
        catalog = Catalog(store: store)
    }
}

/// Builds the Hummingbird application: the one place that lists middleware and routes.
/// Background services (outbox delivery…) run beside the server and stop with it.
/// `onServerRunning` runs once the socket is bound.
public func buildApplication(settings: ServerSettings, dependencies: ServiceDependencies, services: [any Service], logger: Logger, onServerRunning: @escaping @Sendable () async -> Void = {}) -> some ApplicationProtocol {
    let router = buildRouter(dependencies: dependencies)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: "paperwork"),
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
    router.add(middleware: BearerAuthenticationMiddleware(store: dependencies.store))
    HealthController(store: dependencies.store).addRoutes(to: router)
    MetricsController(registry: dependencies.metrics, beforeScrape: { [review = dependencies.review] in await review.refreshGauges() }).addRoutes(to: router)
    TokensController(store: dependencies.store).addRoutes(to: router)
    AccountsController(accounts: dependencies.accounts, companies: dependencies.companies, store: dependencies.store, maxPhotoBytes: dependencies.accounts.policy.maxPhotoBytes).addRoutes(to: router)
    CompaniesController(companies: dependencies.companies).addRoutes(to: router)
    CertificatesController(intake: dependencies.intake, views: dependencies.views, queue: dependencies.review, companies: dependencies.companies).addRoutes(to: router)
    ReviewController(queue: dependencies.review, store: dependencies.store).addRoutes(to: router)
    OpenAPIController().addRoutes(to: router)
    dependencies.console?.addRoutes(to: router)
    if let ports = dependencies.ports {
        PortsController(catalog: dependencies.catalog, ports: ports).addRoutes(to: router)
    }
    if let revalidation = dependencies.revalidation {
        RevalidationsController(revalidation: revalidation).addRoutes(to: router)
    }
    return router
}
