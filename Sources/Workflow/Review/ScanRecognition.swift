public import Foundation
public import Intake
public import Isolation
public import Logging
public import Metrics
public import ServiceLifecycle
public import Store

/// OCR of scanned certificates, off the upload's path: an upload whose file has no text layer
/// is queued for review at once and gets an OCR job in the same transaction (``OCRJobRepository``);
/// this reads the job's pages in an isolated worker and recomputes the certificate's evidence
/// from the text, so the review queue shows whether the scan holds the declared name and number.
///
/// Jobs are durable: one taken by an instance that dies is taken again when its lease lapses,
/// and several instances on PostgreSQL share the queue without ever reading a document twice.
/// A worker crash or timeout costs that job one attempt; after the last it is `failed` with
/// `processing_failed` or `processing_timeout`, and the upload itself is untouched.
public struct ScanRecognition: Sendable {
    /// How OCR jobs run.
    public struct Policy: Sendable {
        /// Whether uploads queue OCR jobs at all (off where Tesseract is not installed).
        public var enabled = true
        /// How long a taken job is held before another instance may take it; renewed every
        /// third of it while the job runs, so only a dead instance loses its jobs.
        public var lease: TimeInterval = 60
        /// Attempts before a job is given up.
        public var maxAttempts = 3
        /// The wait before a failed attempt is tried again, times the attempts so far.
        public var retryDelay: TimeInterval = 30
        /// Resolution, pixel and time limits per page (languages come from each company's country).
        public var pages = OCRPolicy()

        /// The defaults: enabled, 60-second leases, three attempts.
        public init() {}
    }

    let store: Store
    let recognizer: any DocumentInspector
    /// The policy in force.
    public let policy: Policy
    let limits: IntakeLimits
    let clock: @Sendable () -> Date
    let logger: Logger
    let metrics: (any MetricsFactory)?

    /// OCR over `store`, reading documents with `recognizer` (a worker pool of its own, so
    /// that long scans never hold up uploads), under intake's `limits`.
    public init(store: Store, recognizer: any DocumentInspector, policy: Policy, limits: IntakeLimits, clock: @escaping @Sendable () -> Date = Date.init, logger: Logger, metrics: (any MetricsFactory)? = nil) {
        self.store = store
        self.recognizer = recognizer
        self.policy = policy
        self.limits = limits
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    /// What happened to one job taken from the queue.
    public enum Outcome: String, Sendable {
        /// Read and recorded.
        case done
        /// Failed this attempt; queued again for later.
        case retried
        /// Failed its last attempt.
        case failed
        /// Another instance took it meanwhile (this one's lease had lapsed): nothing recorded.
        case lost
    }

    /// Queues every image-only certificate for OCR again (attempts reset): for revalidation
    /// runs after a Tesseract or language-pack upgrade. Returns how many were queued.
    public func requeueAllScans() async throws -> Int {
        let now = Timestamp.format(clock())
        return try await store.transaction { database in
            let ids = try await OCRJobRepository.imageOnlyCertificateIDs(on: database)
            try await OCRJobRepository.enqueue(certificateIDs: ids, reason: "revalidation", now: now, on: database)
            return ids.count
        }
    }

    /// Takes the next due job and works it; nil when none is due.
    public func workNext(as owner: String) async throws -> (certificateID: String, outcome: Outcome)? {
        let now = clock()
        let claimed = try await store.transaction { [policy, dialect = store.dialect] database in
            try await OCRJobRepository.claim(
                owner: owner, until: Timestamp.format(now.addingTimeInterval(policy.lease)), now: Timestamp.format(now), dialect: dialect, on: database
            )
        }
        guard let job = claimed else {
            await recordBacklog()
            return nil
        }
        let outcome = try await work(job, as: owner)
        Counter(label: "paperwork_ocr_jobs_total", dimensions: [("outcome", outcome.rawValue)], factory: metricsFactory).increment()
        await recordBacklog()
        return (job.certificateID, outcome)
    }

    /// Works due jobs until none is left: what `paperwork revalidate --ocr` does after queueing.
    public func drain(as owner: String) async throws -> [Outcome: Int] {
        var outcomes: [Outcome: Int] = [:]
        while let (_, outcome) = try await workNext(as: owner) { outcomes[outcome, default: 0] += 1 }
        return outcomes
    }

    /// The OCR job of a certificate, if it has one.
    public func job(certificateID: String) async throws -> OCRJobRecord? {
        try await store.withSession { try await OCRJobRepository.job(certificateID: certificateID, on: $0) }
    }

    private var metricsFactory: any MetricsFactory { metrics ?? MetricsSystem.factory }

    private func work(_ job: OCRJobRecord, as owner: String) async throws -> Outcome {
        struct Material: Sendable {
            var certificate: CertificateRecord
            var company: Company?
            var inspectionJSON: String?
        }
        let material = try await store.withSession { database -> Material? in
            guard let certificate = try await CertificateRepository.certificate(id: job.certificateID, on: database) else { return nil }
            return Material(
                certificate: certificate, company: try await CompanyRepository.company(id: certificate.companyID, on: database),
                inspectionJSON: try await CertificateRepository.inspectionJSON(id: certificate.id, on: database)
            )
        }
        guard let material, let storedJSON = material.inspectionJSON, let bytes = try await store.blobs.get(material.certificate.sha256) else {
            return try await end(job, as: owner, failure: (.processingFailed, "the stored certificate or its file is missing"), final: true)
        }
        var pages = policy.pages
        pages.languages = OCRLanguages.forCountry(material.company?.country)
        let claims = CompanyClaims(legalName: material.company?.legalName, registrationNumber: material.company?.registrationNumber, country: material.company?.country)

        // The same bytes already read for another certificate, in the same languages: OCR of
        // identical pages gives the same text, so its pages are reused and only the evidence
        // is searched for again, for this company. Customers often upload one scan again (after
        // "more information needed", or to a second company); each read costs seconds of CPU.
        // A revalidation run reads again on purpose (a newer engine or models), so its jobs
        // reuse only what the same run read after they were queued.
        let finishedSince = job.reason == "upload" ? nil : job.availableAt
        if let ownInspection = try? JSONDecoder().decode(Inspection.self, from: Data(storedJSON.utf8)),
           let reused = try await Self.finishedOCR(of: material.certificate, languages: pages.languages, finishedSince: finishedSince, on: store) {
            Counter(label: "paperwork_ocr_reused_total", factory: metricsFactory).increment()
            return try await record(job, as: owner, into: ownInspection, ocr: reused, evidence: CertificateInspector.evidence(claims, fromOCR: reused))
        }

        // The lease is renewed while the worker reads, so a long scan is never taken twice.
        let renewal = Task { [store, policy, clock] in
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(policy.lease / 3))
                let until = Timestamp.format(clock().addingTimeInterval(policy.lease))
                try await store.withSession { try await OCRJobRepository.renew(certificateID: job.certificateID, owner: owner, until: until, on: $0) }
            }
        }
        let read = await recognizer.recognize(
            bytes, declared: DeclaredType(fileName: material.certificate.fileName, mimeType: material.certificate.declaredType),
            claims: claims, limits: limits, policy: pages, receivedOn: nil
        )
        renewal.cancel()

        if read.verdict == .rejected, let code = read.reasons.first(where: { $0 == .processingFailed || $0 == .processingTimeout }) {
            let message = read.findings.first?.message ?? code.rawValue
            logger.warning("OCR attempt failed", metadata: ["certificate": "\(job.certificateID)", "code": "\(code.rawValue)", "attempt": "\(job.attempts)"])
            return try await end(job, as: owner, failure: (code, message), final: job.attempts >= policy.maxAttempts)
        }
        for page in read.ocr where page.status == .recognized || page.status == .timedOut {
            Timer(label: "paperwork_ocr_page_seconds", factory: metricsFactory).recordSeconds(page.seconds)
        }
        // The OCR and its evidence join what intake stored at upload (its signals were judged
        // on the day received); a stored inspection that cannot be read is replaced by this one.
        let stored = (try? JSONDecoder().decode(Inspection.self, from: Data(storedJSON.utf8))) ?? read
        return try await record(job, as: owner, into: stored, ocr: read.ocr, evidence: read.ocr.isEmpty ? nil : read.evidence)
    }

    /// The pages of a finished OCR of the same file in `languages` (ended after `finishedSince`,
    /// when given), every page recognised; nil when there is none.
    private static func finishedOCR(of certificate: CertificateRecord, languages: [String], finishedSince: String?, on store: Store) async throws -> [PageOCR]? {
        let others = try await store.withSession {
            try await OCRJobRepository.finishedInspections(sha256: certificate.sha256, except: certificate.id, finishedSince: finishedSince, on: $0)
        }
        for json in others {
            guard let other = try? JSONDecoder().decode(Inspection.self, from: Data(json.utf8)), !other.ocr.isEmpty,
                  other.ocr.allSatisfy({ $0.status == .recognized && $0.languages == languages }) else { continue }
            return other.ocr
        }
        return nil
    }

    /// Stores `ocr` (and `evidence`, when given) into the certificate's inspection and ends the
    /// job as done, if this owner still holds it.
    private func record(_ job: OCRJobRecord, as owner: String, into inspection: Inspection, ocr: [PageOCR], evidence: Evidence?) async throws -> Outcome {
        var stored = inspection
        stored.previews = []
        stored.ocr = ocr
        if let evidence { stored.evidence = evidence }
        let json = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        let now = Timestamp.format(clock())
        let recorded = try await store.transaction { database in
            guard try await OCRJobRepository.finish(certificateID: job.certificateID, owner: owner, state: .done, now: now, on: database) else { return false }
            try await CertificateRepository.replaceInspectionJSON(id: job.certificateID, json: json, on: database)
            return true
        }
        return recorded ? .done : .lost
    }

    /// Records a failed attempt: queued again after a delay, or failed for good.
    private func end(_ job: OCRJobRecord, as owner: String, failure: (code: ReasonCode, message: String), final: Bool) async throws -> Outcome {
        let now = clock()
        let applied = try await store.transaction { [policy] database in
            if final {
                return try await OCRJobRepository.finish(
                    certificateID: job.certificateID, owner: owner, state: .failed, errorCode: failure.code.rawValue, errorMessage: failure.message,
                    now: Timestamp.format(now), on: database
                )
            }
            return try await OCRJobRepository.retry(
                certificateID: job.certificateID, owner: owner, availableAt: Timestamp.format(now.addingTimeInterval(policy.retryDelay * Double(job.attempts))),
                errorCode: failure.code.rawValue, errorMessage: failure.message, on: database
            )
        }
        guard applied else { return .lost }
        return final ? .failed : .retried
    }

    private func recordBacklog() async {
        guard let counts = try? await store.withSession({ try await OCRJobRepository.counts(on: $0) }) else { return }
        Gauge(label: "paperwork_ocr_backlog", factory: metricsFactory).record((counts[.queued] ?? 0) + (counts[.running] ?? 0))
    }
}

/// Works OCR jobs beside the web server: `concurrency` loops, each taking the next due job as
/// soon as it finished the last, and looking again every `pollInterval` while none is due. An
/// upload's job is therefore started within a poll interval, and one interrupted by a restart
/// is taken again once its lease lapses.
public struct ScanRecognitionService: Service {
    let recognition: ScanRecognition
    let concurrency: Int
    let pollInterval: Duration
    let owner: String
    let logger: Logger

    /// A service over `recognition`; `owner` names this instance in the jobs' leases.
    public init(recognition: ScanRecognition, concurrency: Int = 1, pollInterval: Duration = .seconds(1), owner: String, logger: Logger) {
        self.recognition = recognition
        self.concurrency = max(1, concurrency)
        self.pollInterval = pollInterval
        self.owner = owner
        self.logger = logger
    }

    /// Runs until graceful shutdown; a job cut short then is taken again after its lease.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for loop in 0..<concurrency {
                    group.addTask {
                        let name = "\(owner)/\(loop)"
                        while !Task.isCancelled {
                            do {
                                if let (id, outcome) = try await recognition.workNext(as: name) {
                                    logger.info("OCR job ended", metadata: ["certificate": "\(id)", "outcome": "\(outcome.rawValue)"])
                                    continue
                                }
                            } catch where Task.isCancelled {
                                return
                            } catch {
                                logger.error("OCR queue unavailable; retrying", metadata: ["error": "\(error)"])
                            }
                            try? await Task.sleep(for: pollInterval)
                        }
                    }
                }
            }
        }
    }
}
