public import Foundation
public import LOA
import Metrics
import NIOPosix
import SQLKit
public import Store

extension Ports {
    /// An LOA with its signed PDF.
    public struct IssuedLOA: Sendable {
        /// The record.
        public var record: LOARecord
        /// The signed PDF.
        public var pdf: [UInt8]
        /// A file name for downloads (`LOA-…-PW-….pdf`).
        public var fileName: String { "\(record.id)-\(record.portID.prefix(8)).pdf" }
    }

    /// The port's current LOA in the language and paper size asked for (those it was issued
    /// in when not given), issuing a letter if none is valid (permission: download LOAs).
    ///
    /// A letter is one id, one port, one validity: another language or paper size is a
    /// rendition of the same letter, rendered and signed the first time it is asked for, then
    /// stored and served as is. Renditions never supersede each other; only a reissue does.
    public func currentLOA(portID: String, by principal: Principal, language: String?, paperSize: String?) async throws -> IssuedLOA {
        _ = try Self.options(language: language, paperSize: paperSize)
        let port = try await loaPort(portID, by: principal)
        let today = CalendarDate(utc: clock()).description
        guard let record = try await store.withSession({ try await LOARepository.current(portID: port.id, today: today, on: $0) }) else {
            return try await issue(port, by: principal, language: language, paperSize: paperSize)
        }
        let (wantedLanguage, wantedPaper) = try Self.options(language: language ?? record.language, paperSize: paperSize ?? record.paperSize)
        var served = record
        served.language = wantedLanguage.rawValue
        served.paperSize = wantedPaper.rawValue
        if let stored = try await store.withSession({
            try await LOARepository.rendition(loaID: record.id, language: wantedLanguage.rawValue, paperSize: wantedPaper.rawValue, on: $0)
        }) ?? (served.language == record.language && served.paperSize == record.paperSize ? record.pdfSHA256 : nil),
           let pdf = try await store.blobs.get(stored) {
            served.pdfSHA256 = stored
            return IssuedLOA(record: served, pdf: pdf)
        }
        return try await render(record, of: port, language: wantedLanguage, paper: wantedPaper)
    }

    /// Renders and signs another rendition of an issued letter: the same id, dates and fields,
    /// in another language or paper size. Two requests at once render twice but store once:
    /// the second serves the first's PDF.
    private func render(_ record: LOARecord, of port: CustomerPort, language: LetterOfAuthorization.Language, paper: LetterOfAuthorization.PaperSize) async throws -> IssuedLOA {
        var letter: LetterOfAuthorization
        if let json = try await store.withSession({ try await LOARepository.letter(id: record.id, on: $0) }),
           let stored = try? JSONDecoder().decode(LetterOfAuthorization.self, from: Data(json.utf8)) {
            letter = stored
        } else {
            // Issued before renditions were stored whole: the letter is drawn again from the port.
            let issued = try CalendarDate(String(record.issuedAt.prefix(10)))
            letter = try await self.letter(for: port, id: record.id, issueDate: issued, expiryDate: try CalendarDate(record.expiresAt), language: language, paper: paper)
        }
        letter.language = language
        letter.paperSize = paper
        let now = clock()
        let (pdf, level) = try await renderAndSign(letter, at: now)
        let id = record.id
        let sha256 = try await store.blobs.put(pdf)
        let stored = try await store.transaction { database -> String in
            if try await LOARepository.insertRendition(loaID: id, language: language.rawValue, paperSize: paper.rawValue, pdfSHA256: sha256, signatureLevel: level, at: Timestamp.format(now), on: database) {
                return sha256
            }
            return try await LOARepository.rendition(loaID: id, language: language.rawValue, paperSize: paper.rawValue, on: database) ?? sha256
        }
        var served = record
        served.language = language.rawValue
        served.paperSize = paper.rawValue
        served.pdfSHA256 = stored
        return IssuedLOA(record: served, pdf: stored == sha256 ? pdf : try await store.blobs.get(stored) ?? pdf)
    }

    /// Issues a new LOA for the port; the previous one is superseded.
    public func reissueLOA(portID: String, by principal: Principal, language: String?, paperSize: String?) async throws -> IssuedLOA {
        _ = try Self.options(language: language, paperSize: paperSize)
        let port = try await loaPort(portID, by: principal)
        return try await issue(port, by: principal, language: language, paperSize: paperSize)
    }

    /// An LOA's record, for its company's members and staff.
    public func loa(_ id: String, by principal: Principal) async throws -> LOARecord {
        guard let record = try await store.withSession({ try await LOARepository.loa(id: id, on: $0) }) else { throw WorkflowError.notFound("LOA") }
        do {
            _ = try await companies.access(record.companyID, by: principal)
        } catch let error as WorkflowError where error.kind == .notFound {
            throw WorkflowError.notFound("LOA")
        }
        return record
    }

    private func loaPort(_ portID: String, by principal: Principal) async throws -> CustomerPort {
        let port = try await port(portID, by: principal)
        if case .user = principal { _ = try await companies.access(port.companyID, by: principal, needing: .downloadLOAs) }
        guard port.status != .cancelled else {
            throw WorkflowError(.gone, code: "port_cancelled", "the port is cancelled; its LOAs are revoked")
        }
        return port
    }

    /// The language and paper size asked for (English on A4 by default). Checked before
    /// anything about the port, so that invalid input is refused as such whatever the port's state.
    private static func options(language rawLanguage: String?, paperSize rawPaper: String?) throws(WorkflowError) -> (LetterOfAuthorization.Language, LetterOfAuthorization.PaperSize) {
        guard let language = LetterOfAuthorization.Language(rawValue: rawLanguage ?? "en") else {
            throw WorkflowError(.invalid, code: "invalid_language", "language must be one of \(LetterOfAuthorization.Language.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let paper = LetterOfAuthorization.PaperSize(rawValue: rawPaper ?? "a4") else {
            throw WorkflowError(.invalid, code: "invalid_paper_size", "paper must be a4 or us_letter")
        }
        return (language, paper)
    }

    private func issue(_ port: CustomerPort, by principal: Principal, language rawLanguage: String?, paperSize rawPaper: String?) async throws -> IssuedLOA {
        let (language, paper) = try Self.options(language: rawLanguage, paperSize: rawPaper)
        let now = clock()
        let issueDate = CalendarDate(utc: now)
        let id = "LOA-" + Self.serviceID().dropFirst(3) + String(Self.serviceID().dropFirst(3).prefix(4))
        let letter = try await self.letter(for: port, id: id, issueDate: issueDate, expiryDate: issueDate.adding(days: policy.validityDays), language: language, paper: paper)
        let (pdf, level) = try await renderAndSign(letter, at: now)
        let sha256 = try await store.blobs.put(pdf)
        var issued = LOARecord(
            id: id, portID: port.id, companyID: port.companyID, issuedAt: Timestamp.format(now), expiresAt: letter.expiryDate.description,
            status: "valid", pdfSHA256: sha256, language: language.rawValue, paperSize: paper.rawValue, supersededBy: nil, revokedAt: nil,
            issuedBy: principal.actorName
        )
        issued.signatureLevel = level
        issued.jws = try await policy.identity.jws(LetterClaims(letter, issuedAt: now, publicURL: policy.publicURL))
        let record = issued
        let letterJSON = String(decoding: try JSONEncoder().encode(PrintedLetter(letter)), as: UTF8.self)
        let wholeLetter = String(decoding: try JSONEncoder().encode(letter), as: UTF8.self)
        let inUse = try SigningKeys.record(policy.identity, at: record.issuedAt)
        let attachment = OutboxAttachment(fileName: IssuedLOA(record: record, pdf: []).fileName, contentType: "application/pdf", sha256: sha256)
        try await store.transaction { [self] database in
            try await SigningCertificateRepository.recordInUse(inUse, on: database)
            try await LOARepository.insertSuperseding(record, letterJSON: letterJSON, letter: wholeLetter, on: database)
            // The letter goes by e-mail, as a PDF, to the company's admins and whoever ordered the port.
            try await mailLetter("loa_issued", letter, port: port, attachment: attachment, now: now, on: database)
            try await AuditRepository.append(actor: principal.actorName, entityType: "loa", entityID: id, action: "issued", before: nil,
                                             after: Audit.json(["port_id": port.id, "expires": record.expiresAt]), at: record.issuedAt, on: database)
        }
        return IssuedLOA(record: record, pdf: pdf)
    }

    /// Renders and signs a letter (PAdES B-B), then timestamps its signature when an authority
    /// is configured (B-T) and stores its chains' revocation data (B-LT). An authority that
    /// fails or is slow costs only the timestamp: the letter is issued at B-B, and a later run
    /// adds it; revocation data that cannot be fetched leaves it at B-T, likewise.
    func renderAndSign(_ letter: LetterOfAuthorization, at now: Date) async throws -> (pdf: [UInt8], level: String) {
        // Drawing and signing take milliseconds of CPU: off the event loops.
        let renderer = self.renderer, signer = LOASigner(identity: policy.identity), id = letter.id
        let prepared = try await NIOThreadPool.singleton.runIfActive { () throws -> LOASigner.PreparedSignature in
            try signer.prepare(try renderer.render(letter), signingTime: now, reason: "Letter of Authorization \(id)")
        }
        if let authority = policy.timestampAuthority {
            do {
                let stamped = try await authority.stamp(try prepared.timestampRequest())
                return await withValidationData(try prepared.signed(timestampToken: stamped.token))
            } catch {
                Counter(label: "paperwork_loa_timestamp_failures_total").increment()
            }
        }
        return (try prepared.signed(), "B-B")
    }

    /// A timestamped letter with its document security store (B-LT), or as it is (B-T) when
    /// the revocation data cannot be had now.
    func withValidationData(_ timestamped: [UInt8]) async -> (pdf: [UInt8], level: String) {
        guard let fetcher = revocationFetcher else { return (timestamped, "B-T") }
        do {
            return (try await fetcher.addingValidationData(to: timestamped, anchors: timestampAnchors), "B-LT")
        } catch {
            Counter(label: "paperwork_loa_validation_data_failures_total").increment()
            return (timestamped, "B-T")
        }
    }

    /// Every certificate letters were signed with, the one in use first: what datacenters
    /// check letters against, published at `/loa/certificates.pem` and `.jwks`.
    public func signingCertificates() async throws -> [PublishedCertificate] {
        let current = try policy.identity.published
        let recorded = try await store.withSession { try await SigningCertificateRepository.all(on: $0) }
        var seen: Set<String> = [current.fingerprint]
        var all = [current]
        for record in recorded where !seen.contains(record.fingerprint) {
            guard let published = try? PublishedCertificate(chainPEM: record.certificatePEM) else { continue }
            seen.insert(published.fingerprint)
            all.append(published)
        }
        return all
    }

    /// What a timestamp run did.
    public struct TimestampRun: Sendable {
        /// Signatures timestamped (letters and renditions).
        public var stamped = 0
        /// Timestamped signatures whose revocation data was stored (B-LT), in this run.
        public var longTerm = 0
        /// Signatures the authority could not timestamp this time.
        public var failed = 0
        /// The first failure's code and message, for operators.
        public var firstFailure: String?

        /// Nothing done yet.
        public init() {}
    }

    /// Adds a signature timestamp to valid letters and renditions that lack one (issued while
    /// the authority was down, or before PAdES), in place: the signature is unchanged and
    /// stays valid. Stops at the first `timestamp_unavailable` (the authority is still down).
    /// Then stores revocation data for timestamped letters without it (B-T to B-LT).
    public func addMissingTimestamps(limit: Int = 200) async throws -> TimestampRun {
        guard let authority = policy.timestampAuthority else {
            throw WorkflowError(.conflict, code: "timestamp_authority_not_configured", "no time-stamping authority is configured (loa.tsa.url)")
        }
        let (letters, renditions) = try await store.withSession { database in
            (try await LOARepository.lettersWithoutTimestamp(limit: limit, on: database), try await LOARepository.renditionsWithoutTimestamp(limit: limit, on: database))
        }
        var run = TimestampRun()
        for (loaID, old) in letters.map({ ($0.id, $0.pdfSHA256) }) + renditions.map({ ($0.loaID, $0.pdfSHA256) }) {
            guard let pdf = try await store.blobs.get(old) else { continue }
            do {
                let stamped = try await LOASigner.addingSignatureTimestamp(to: pdf) { request in try await authority.stamp(request).token }
                let upgraded = await withValidationData(stamped)
                let new = try await store.blobs.put(upgraded.pdf)
                try await store.transaction { try await LOARepository.recordUpgrade(loaID: loaID, old: old, new: new, level: upgraded.level, on: $0) }
                run.stamped += 1
                if upgraded.level == "B-LT" { run.longTerm += 1 }
            } catch {
                run.failed += 1
                if run.firstFailure == nil { run.firstFailure = "\(loaID): \(error)" }
                if let failure = error as? TimestampAuthority.Failure, failure.code == "timestamp_unavailable" { break }
            }
        }
        guard revocationFetcher != nil, run.failed == 0 else { return run }
        let timestamped = try await store.withSession { try await LOARepository.signaturesAtLevel("B-T", limit: limit, on: $0) }
        for (loaID, old) in timestamped {
            guard let pdf = try await store.blobs.get(old), !LOASigner.hasValidationData(pdf) else { continue }
            let upgraded = await withValidationData(pdf)
            // The authority's revocation data is still out of reach: the next run tries again.
            guard upgraded.level == "B-LT" else { break }
            let new = try await store.blobs.put(upgraded.pdf)
            try await store.transaction { try await LOARepository.recordUpgrade(loaID: loaID, old: old, new: new, level: "B-LT", on: $0) }
            run.longTerm += 1
        }
        return run
    }

    /// Queues the `kind` e-mail about `letter` to the company's admins and the person who
    /// ordered the port, each in their language (the letter's when they chose none).
    func mailLetter(_ kind: String, _ letter: LetterOfAuthorization, port: CustomerPort, attachment: OutboxAttachment?, now: Date, on database: any SQLDatabase) async throws {
        let members = try await MembershipRepository.members(ofCompany: port.companyID, on: database)
        var recipients: [(email: String, language: String?)] = []
        for (membership, user) in members where membership.role == .admin || user.id == port.orderedBy {
            if !recipients.contains(where: { $0.email == user.email }) { recipients.append((user.email, user.preferredLanguage)) }
        }
        for recipient in recipients {
            let language = recipient.language ?? letter.language.rawValue
            let wording = wording(language)
            let expiry = wording?.format(letter.expiryDate) ?? letter.expiryDate.description
            let text = try companies.accounts.mail.compose(kind, [
                "loa_id": letter.id, "facility": letter.facility.name, "service_id": letter.serviceID, "port_positions": letter.portPositions,
                "patch_panel": letter.patchPanel, "expiry_date": expiry, "verify_url": letter.verificationURL,
                "company_id": port.companyID, "port_id": port.id,
            ], language: language)
            _ = try await OutboxRepository.enqueue(
                kind: kind, to: recipient.email, subject: text.subject, body: text.body, attachments: attachment.map { [$0] } ?? [], on: database, now: now
            )
        }
    }

    /// Reminds the company, once per letter, that a letter expires within `days` while its
    /// port still awaits the cross-connect. Returns how many letters were reminded.
    public func sendExpiryReminders(within days: Int, now: Date? = nil) async throws -> Int {
        let moment = now ?? clock()
        let today = CalendarDate(utc: moment)
        let due = try await store.withSession { try await LOARepository.expiringWithoutReminder(today: today.description, last: today.adding(days: days).description, on: $0) }
        var reminded = 0
        for record in due {
            let stored = try await store.withSession { try await LOARepository.letter(id: record.id, on: $0) }
            guard let json = stored, let letter = try? JSONDecoder().decode(LetterOfAuthorization.self, from: Data(json.utf8)),
                  let port = try await store.withSession({ try await PortRepository.port(id: record.portID, on: $0) }) else { continue }
            let sent = try await store.transaction { [self] database -> Bool in
                guard try await LOARepository.markReminded(id: record.id, at: Timestamp.format(moment), on: database) else { return false }
                try await mailLetter("loa_expiring", letter, port: port, attachment: nil, now: moment, on: database)
                return true
            }
            if sent { reminded += 1 }
        }
        return reminded
    }

    /// The letter for a port as the catalog describes it today.
    private func letter(
        for port: CustomerPort, id: String, issueDate: CalendarDate, expiryDate: CalendarDate,
        language: LetterOfAuthorization.Language, paper: LetterOfAuthorization.PaperSize
    ) async throws -> LetterOfAuthorization {
        let (company, datacenter, panel) = try await store.withSession { database in
            (try await CompanyRepository.company(id: port.companyID, on: database),
             try await CatalogRepository.datacenter(id: port.datacenterID, on: database),
             try await PortRepository.panel(id: port.panelID, on: database))
        }
        guard let company, let datacenter, let panel else { throw WorkflowError.notFound("port") }
        let countryName = Locale(identifier: "en_US_POSIX").localizedString(forRegionCode: datacenter.country) ?? datacenter.country
        let cityLine = [datacenter.zipcode, datacenter.city].filter { !$0.isEmpty }.joined(separator: " ")
        return LetterOfAuthorization(
            id: id, issueDate: issueDate, expiryDate: expiryDate,
            issuer: profile.issuer, authorizedParty: company.legalName,
            facility: .init(name: datacenter.name, addressLines: [datacenter.address1, datacenter.address2, cityLine, datacenter.state, countryName].filter { !$0.isEmpty }),
            cage: panel.cage, cabinet: panel.cabinet, patchPanel: panel.name, portPositions: "\(port.positionA)/\(port.positionB)",
            media: port.media == "mmf" ? .multiModeFiber : .singleModeFiber, connector: port.connector == "SC" ? .sc : .lc,
            speed: LetterOfAuthorization.PortSpeed(rawValue: port.speed) ?? .tenGigabit, serviceID: port.serviceID,
            signatory: signatory, verificationURL: policy.publicURL + "/verify/" + id, language: language, paperSize: paper
        )
    }

    /// What the public verification page says about an LOA id.
    public struct Verification: Sendable, Codable {
        /// `valid`, `expired`, `superseded`, `revoked`, or `unknown`.
        public var status: String
        /// Whether the stored, signed PDF still verifies with its signature.
        public var genuine: Bool
        /// What is printed on the letter (nil when unknown).
        public var letter: PrintedLetter?
        /// The language the letter was issued in (`en`, `fr`); nil when unknown.
        public var language: String? = nil
        /// Where its port stands now: `awaiting_cross_connect`, `active` or `cancelled`.
        public var portStatus: String? = nil
        /// The datacenter's cross-connect id, once the port is active and the operator gave it.
        public var crossConnectID: String? = nil
        /// The printed fields as a JWS signed at issue (``LetterClaims``), for datacenters'
        /// systems; nil for letters issued before JWS.
        public var jws: String? = nil
        /// The letter's wording in its language (labels, media names, dates), for the page.
        public var wording: LOATemplate? = nil

        enum CodingKeys: String, CodingKey {
            case status, genuine, letter, language, jws
            case portStatus = "port_status"
            case crossConnectID = "cross_connect_id"
        }
    }

    /// The letter wording in `language` (English when that language has none).
    public func wording(_ language: String) -> LOATemplate? {
        renderer.templates[LetterOfAuthorization.Language(rawValue: language) ?? .english] ?? renderer.templates[.english]
    }

    /// Looks an LOA up for the public verification page: only what is printed on it.
    public func verify(_ id: String) async throws -> Verification {
        guard let (record, json) = try await store.withSession({ database -> (LOARecord, String)? in
            guard let record = try await LOARepository.loa(id: id, on: database), let json = try await LOARepository.letterJSON(id: id, on: database) else { return nil }
            return (record, json)
        }) else { return Verification(status: "unknown", genuine: false, letter: nil) }
        let letter = try? JSONDecoder().decode(PrintedLetter.self, from: Data(json.utf8))
        var genuine = false
        if let pdf = try? await store.blobs.get(record.pdfSHA256) {
            // Checked against every certificate Paperwork has signed with: a letter signed
            // before a key rotation is checked against the certificate that signed it.
            let trusted = try await signingCertificates().map(\.chainPEM)
            let report = try? await LOAVerifier.verify(pdf, trustedCertificatePEMs: trusted)
            genuine = report?.isIntact == true && report?.signerTrusted == true && report?.loaID == id
        }
        let today = CalendarDate(utc: clock()).description
        let status = switch record.status {
        case "revoked": "revoked"
        case "superseded": "superseded"
        default: record.expiresAt < today ? "expired" : "valid"
        }
        let port = try? await store.withSession { try await PortRepository.port(id: record.portID, on: $0) }
        return Verification(status: status, genuine: genuine, letter: letter, language: record.language, portStatus: port?.status.rawValue,
                            crossConnectID: port?.status == .active ? port?.crossConnectID : nil, jws: record.jws, wording: wording(record.language))
    }
}

/// The fields printed on an LOA, as the verification page shows them: the letter's id and
/// its ``PrintedFields``, in one flat JSON object (as stored with each letter since issue).
@dynamicMemberLookup
public struct PrintedLetter: Sendable, Codable {
    /// The LOA id.
    public var id: String
    /// Everything else printed on it.
    public var fields: PrintedFields

    enum CodingKeys: String, CodingKey {
        case id
    }

    init(_ letter: LetterOfAuthorization) {
        id = letter.id
        fields = PrintedFields(letter)
    }

    public init(from decoder: any Decoder) throws {
        id = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .id)
        fields = try PrintedFields(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try fields.encode(to: encoder)
    }

    /// A printed field by name (`letter.serviceID`).
    public subscript<Value>(dynamicMember keyPath: KeyPath<PrintedFields, Value>) -> Value {
        fields[keyPath: keyPath]
    }
}
