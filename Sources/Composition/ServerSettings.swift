public import Configuration
import Foundation
public import Intake
public import LOA
import SystemPackage
public import Workflow

/// The service's settings, read through swift-configuration: command-line flags first, then
/// environment variables, then a `.env` file, then the defaults below.
///
/// Keys are dotted (`http.port`); as environment variables they are upper-case with
/// underscores (`HTTP_PORT`, `DATA_DIRECTORY`, `DATABASE_URL`).
public struct ServerSettings: Sendable, Hashable {
    /// `http.host`: the address to listen on.
    public var host: String
    /// `http.port`: the port to listen on.
    public var port: Int
    /// `data.directory`: where the SQLite file, blobs and the e-mail outbox live.
    public var dataDirectory: String
    /// `database.url`: empty for SQLite in the data directory, or `postgres://…`.
    public var databaseURL: String
    /// `workers.count`: document worker processes (0: one per core).
    public var workerCount: Int
    /// `workers.timeout.seconds`: time one document may take in a worker.
    public var workerTimeoutSeconds: Int
    /// `cpu.scheduling`: `batch` (the default: `SCHED_BATCH` for the server and its workers)
    /// or `normal` (the policy it was started with).
    public var cpuScheduling: String
    /// `uploads.max.bytes`: the largest certificate upload accepted.
    public var maxUploadBytes: Int
    /// `intake.max.pages`: PDFs with more pages are refused (`too_many_pages`).
    public var intakeMaxPages: Int
    /// `intake.max.image.pixels`: images with more pixels are refused before decoding.
    public var intakeMaxImagePixels: Int
    /// `intake.min.text.characters`: fewer non-blank characters than this count as a scan.
    public var intakeMinTextCharacters: Int
    /// `ocr.enabled`: whether uploads with no text layer are read by OCR in the background.
    public var ocrEnabled: Bool
    /// `ocr.workers`: worker processes for OCR, apart from the document workers so that a
    /// long scan never holds up an upload (default 1).
    public var ocrWorkers: Int
    /// `ocr.seconds.per.page`: time OCR may spend on one page (default 60).
    public var ocrSecondsPerPage: Int
    /// `ocr.max.pixels.per.page`: the largest page OCR reads (default 40 000 000 pixels).
    public var ocrMaxPixelsPerPage: Int
    /// `ocr.lease.seconds`: how long an instance holds a job without renewing it (default 60).
    public var ocrLeaseSeconds: Int
    /// `ocr.max.attempts`: attempts before a job is given up (default 3).
    public var ocrMaxAttempts: Int
    /// `ocr.retry.delay.seconds`: the wait before a failed attempt is retried, times the
    /// attempts so far (default 30).
    public var ocrRetryDelaySeconds: Int
    /// `ocr.poll.milliseconds`: how often an idle instance looks for due jobs (default 1000).
    public var ocrPollMilliseconds: Int
    /// `forensics.rules.file`: the forensic checks' editable rules (editing tools, maximum
    /// certificate ages, the near-duplicate distance).
    public var forensicRulesFile: String
    /// The rules read from ``forensicRulesFile`` when the settings were read.
    public var forensicRules: ForensicRules
    /// Why ``forensicRulesFile`` could not be used, if it could not: `serve` and `revalidate`
    /// refuse to start rather than run without the rules an operator wrote.
    public var forensicRulesProblem: ForensicRules.LoadError?
    /// `mail.from`: the sender of every e-mail.
    public var mailFrom: String
    /// `mail.transport`: `eml` (files under `<data>/outbox`, the default) or `smtp`.
    public var mailTransport: String
    /// `mail.smtp.host`, `.port`, `.security` (`starttls`, `tls`, `none`), `.username`,
    /// `.password` (a secret), `.ca.file` (PEM CA certificates to trust instead of the system's).
    public var smtpHost: String
    /// See ``smtpHost``.
    public var smtpPort: Int
    /// See ``smtpHost``.
    public var smtpSecurity: String
    /// See ``smtpHost``.
    public var smtpUsername: String?
    /// See ``smtpHost``.
    public var smtpPassword: String?
    /// See ``smtpHost``.
    public var smtpCAFile: String?
    /// `mail.support`: the support contact printed in e-mails that ask customers to act.
    public var supportAddress: String
    /// `http.public.url`: the service's address as customers reach it, for links in e-mails.
    public var publicURL: String
    /// `templates.directory`: the Mustache templates (`mail/`, and later the console and LOAs).
    public var templatesDirectory: String
    /// `auth.bcrypt.cost`: bcrypt's work factor for passwords (12; each step doubles the time).
    public var bcryptCost: Int
    /// `review.sla.hours`: how long reviewers have to decide (due time = upload + SLA).
    public var reviewSLAHours: Int
    /// `review.claim.minutes`: how long a reviewer's claim lasts before the item returns.
    public var reviewClaimMinutes: Int
    /// `review.four.eyes`: an approval takes effect only when a second reviewer confirms it.
    public var reviewFourEyes: Bool
    /// `rate.limits.enabled`: limits on sign-in, sign-up, password resets and invitations
    /// (on by default; off only for load tests run from one address).
    public var rateLimitsEnabled: Bool
    /// `http.trust.forwarded.for`: take the client's address from the last `X-Forwarded-For`
    /// entry, for rate limits. Only behind a reverse proxy that appends it.
    public var trustForwardedFor: Bool
    /// `loa.signing.certificate` and `loa.signing.key`: PEM files of the X.509 certificate and
    /// private key (P-256 or RSA) that sign LOAs. When neither exists, a development pair is
    /// generated there on first start (the README says how to install real ones).
    public var loaCertificateFile: String
    /// See ``loaCertificateFile``.
    public var loaPrivateKeyFile: String
    /// `loa.validity.days`: how long an LOA is valid (60).
    public var loaValidityDays: Int
    /// `loa.tsa.url`: an RFC 3161 time-stamping authority that timestamps LOA signatures
    /// (PAdES B-T); empty: letters are B-B. `loa.tsa.username`, `loa.tsa.password` (a secret):
    /// HTTP Basic credentials; `loa.tsa.ca.file`: PEM roots its tokens (and its HTTPS server)
    /// must chain to; `loa.tsa.timeout.seconds` (10): past it the letter is issued at B-B.
    public var loaTSAURL: String
    /// See ``loaTSAURL``.
    public var loaTSAUsername: String?
    /// See ``loaTSAURL``.
    public var loaTSAPassword: String?
    /// See ``loaTSAURL``.
    public var loaTSACAFile: String?
    /// See ``loaTSAURL``.
    public var loaTSATimeoutSeconds: Int
    /// `loa.tsa.revocation.data` (true): timestamped letters also store their chains'
    /// certificates and CRLs, fetched from the distribution points the certificates name
    /// (PAdES B-LT); false: they stay at B-T.
    public var loaRevocationData: Bool
    /// `loa.reminder.days`: a letter whose port still awaits its cross-connect this many days
    /// before it expires is reminded to the company, once (14; 0 turns reminders off).
    public var loaReminderDays: Int
    /// `demo.catalog.directory`: with demo data, the sample catalog imported on first start.
    public var demoCatalogDirectory: String
    /// `demo.data`: on first start with an empty database, create a demo company, an operator
    /// and a reviewer, and print how to use them. Turn off in production.
    public var demoData: Bool

    /// The review policy these settings describe.
    public var reviewPolicy: CertificateIntake.Policy {
        var policy = CertificateIntake.Policy()
        policy.sla = TimeInterval(max(1, reviewSLAHours)) * 3600
        policy.claimLease = TimeInterval(max(1, reviewClaimMinutes)) * 60
        policy.fourEyes = reviewFourEyes
        policy.maxUploadBytes = maxUploadBytes
        policy.limits = intakeLimits
        policy.queuesOCR = ocrEnabled
        return policy
    }

    /// How OCR jobs run, from the `ocr.*` settings.
    public var scanRecognitionPolicy: ScanRecognition.Policy {
        var policy = ScanRecognition.Policy()
        policy.enabled = ocrEnabled
        policy.lease = TimeInterval(max(3, ocrLeaseSeconds))
        policy.maxAttempts = max(1, ocrMaxAttempts)
        policy.retryDelay = TimeInterval(max(0, ocrRetryDelaySeconds))
        policy.pages.secondsPerPage = Double(max(1, ocrSecondsPerPage))
        policy.pages.maxPixelsPerPage = max(1_000_000, ocrMaxPixelsPerPage)
        return policy
    }

    /// How LOAs are issued: the templates, the validity, the public address for the QR code,
    /// signed with `identity` (loaded from ``loaCertificateFile`` and ``loaPrivateKeyFile``).
    public func portsPolicy(identity: SigningIdentity) -> Ports.Policy {
        var policy = Ports.Policy(templateDirectory: templatesDirectory, identity: identity, publicURL: publicURL)
        policy.validityDays = max(1, loaValidityDays)
        if !loaTSAURL.isEmpty {
            policy.timestampAuthority = TimestampAuthority(settings: .init(
                url: loaTSAURL, username: loaTSAUsername, password: loaTSAPassword, caFile: loaTSACAFile,
                timeout: .seconds(max(1, loaTSATimeoutSeconds))
            ))
            if !loaRevocationData { policy.revocationData = nil }
        }
        return policy
    }

    /// The e-mail templates under `templates.directory`, with the public address and support contact.
    public func mailComposer() async throws -> MailComposer {
        try await MailComposer(directory: templatesDirectory + "/mail", publicURL: publicURL, supportAddress: supportAddress)
    }

    /// How revalidation runs are worked by a process with `poolSize` document workers: today's
    /// intake policy, the review SLA for documents sent back, two lanes per worker.
    public func revalidationSettings(poolSize: Int) -> Revalidation.Settings {
        var settings = Revalidation.Settings()
        settings.limits = intakeLimits
        settings.reviewSLA = reviewPolicy.sla
        settings.lanes = 2 * max(1, poolSize)
        return settings
    }

    /// The intake policy's limits, for uploads and revalidation runs alike (its version is
    /// recorded with each run: changing a limit here changes it).
    public var intakeLimits: IntakeLimits {
        var limits = IntakeLimits(maxFileBytes: maxUploadBytes, maxPages: intakeMaxPages, maxImagePixels: intakeMaxImagePixels)
        limits.minTextCharacters = intakeMinTextCharacters
        limits.forensics = forensicRules
        return limits
    }

    /// The settings every command reads: `flags` (given on the command line) over the
    /// environment over the `envFile` (`KEY=value` lines; a missing file is fine) over the
    /// defaults.
    public static func load(flags: [AbsoluteConfigKey: ConfigValue] = [:], envFile: String = ".env") async throws -> ServerSettings {
        ServerSettings(config: ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: flags),
            EnvironmentVariablesProvider(),
            try await EnvironmentVariablesProvider(environmentFilePath: FilePath(envFile), allowMissing: true),
        ]))
    }

    /// Reads every setting, falling back to the documented defaults.
    public init(config: ConfigReader) {
        host = config.string(forKey: "http.host", default: "127.0.0.1")
        port = config.int(forKey: "http.port", default: 8080)
        dataDirectory = config.string(forKey: "data.directory", default: "./data")
        databaseURL = config.string(forKey: "database.url", default: "")
        workerCount = config.int(forKey: "workers.count", default: 0)
        workerTimeoutSeconds = config.int(forKey: "workers.timeout.seconds", default: 30)
        cpuScheduling = config.string(forKey: "cpu.scheduling", default: "batch")
        maxUploadBytes = config.int(forKey: "uploads.max.bytes", default: 20 * 1024 * 1024)
        intakeMaxPages = config.int(forKey: "intake.max.pages", default: IntakeLimits().maxPages)
        intakeMaxImagePixels = config.int(forKey: "intake.max.image.pixels", default: IntakeLimits().maxImagePixels)
        intakeMinTextCharacters = config.int(forKey: "intake.min.text.characters", default: IntakeLimits().minTextCharacters)
        ocrEnabled = config.bool(forKey: "ocr.enabled", default: true)
        ocrWorkers = config.int(forKey: "ocr.workers", default: 1)
        ocrSecondsPerPage = config.int(forKey: "ocr.seconds.per.page", default: 60)
        ocrMaxPixelsPerPage = config.int(forKey: "ocr.max.pixels.per.page", default: OCRPolicy().maxPixelsPerPage)
        ocrLeaseSeconds = config.int(forKey: "ocr.lease.seconds", default: 60)
        ocrMaxAttempts = config.int(forKey: "ocr.max.attempts", default: 3)
        ocrRetryDelaySeconds = config.int(forKey: "ocr.retry.delay.seconds", default: 30)
        ocrPollMilliseconds = config.int(forKey: "ocr.poll.milliseconds", default: 1000)
        forensicRulesFile = config.string(forKey: "forensics.rules.file", default: "rules/forensics.json")
        do {
            forensicRules = try ForensicRules.load(from: forensicRulesFile)
            forensicRulesProblem = nil
        } catch {
            forensicRules = ForensicRules()
            forensicRulesProblem = error
        }
        mailFrom = config.string(forKey: "mail.from", default: "noreply@paperwork.localhost")
        mailTransport = config.string(forKey: "mail.transport", default: "eml")
        smtpHost = config.string(forKey: "mail.smtp.host", default: "localhost")
        smtpPort = config.int(forKey: "mail.smtp.port", default: 587)
        smtpSecurity = config.string(forKey: "mail.smtp.security", default: "starttls")
        smtpUsername = config.string(forKey: "mail.smtp.username")
        smtpPassword = config.string(forKey: "mail.smtp.password", isSecret: true)
        smtpCAFile = config.string(forKey: "mail.smtp.ca.file")
        supportAddress = config.string(forKey: "mail.support", default: "support@paperwork.localhost")
        publicURL = config.string(forKey: "http.public.url", default: "http://\(host):\(port)")
        templatesDirectory = config.string(forKey: "templates.directory", default: "templates")
        bcryptCost = config.int(forKey: "auth.bcrypt.cost", default: 12)
        demoData = config.bool(forKey: "demo.data", default: true)
        demoCatalogDirectory = config.string(forKey: "demo.catalog.directory", default: "samples/catalog")
        reviewSLAHours = config.int(forKey: "review.sla.hours", default: 72)
        loaCertificateFile = config.string(forKey: "loa.signing.certificate", default: dataDirectory + "/loa/signing-certificate.pem")
        loaPrivateKeyFile = config.string(forKey: "loa.signing.key", default: dataDirectory + "/loa/signing-key.pem")
        loaValidityDays = config.int(forKey: "loa.validity.days", default: 60)
        loaTSAURL = config.string(forKey: "loa.tsa.url", default: "")
        loaTSAUsername = config.string(forKey: "loa.tsa.username")
        loaTSAPassword = config.string(forKey: "loa.tsa.password", isSecret: true)
        loaTSACAFile = config.string(forKey: "loa.tsa.ca.file")
        loaTSATimeoutSeconds = config.int(forKey: "loa.tsa.timeout.seconds", default: 10)
        loaRevocationData = config.bool(forKey: "loa.tsa.revocation.data", default: true)
        loaReminderDays = config.int(forKey: "loa.reminder.days", default: 14)
        reviewClaimMinutes = config.int(forKey: "review.claim.minutes", default: 15)
        reviewFourEyes = config.bool(forKey: "review.four.eyes", default: false)
        rateLimitsEnabled = config.bool(forKey: "rate.limits.enabled", default: true)
        trustForwardedFor = config.bool(forKey: "http.trust.forwarded.for", default: false)
    }
}
