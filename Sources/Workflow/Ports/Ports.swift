import Foundation
public import LOA
import NIOPosix
import SQLKit
public import Store

/// Ports and their Letters of Authorization. A verified company's member with `order_ports`
/// orders a port in a datacenter; a free duplex pair on a matching patch panel is allocated
/// atomically; the LOA is rendered (cairo, pango), signed (CMS), stored, and verifiable by
/// anyone at `/verify/{id}`.
public struct Ports: Sendable {
    /// How LOAs are issued.
    public struct Policy: Sendable {
        /// Days an LOA stays valid (60).
        public var validityDays = 60
        /// The templates directory; LOAs use its `loa/` folder (wording, issuer details, signature image).
        public var templateDirectory: String
        /// The key and certificate that sign LOAs.
        public var identity: SigningIdentity
        /// The service's public address, for the verification URL printed as a QR code.
        public var publicURL: String
        /// The time-stamping authority that timestamps signatures (PAdES B-T); nil: B-B.
        public var timestampAuthority: TimestampAuthority?
        /// How timestamped letters gather their chains' revocation data for PAdES B-LT;
        /// nil: they stay at B-T.
        public var revocationData: RevocationDataFetcher.Settings? = RevocationDataFetcher.Settings()

        /// A policy with the default validity.
        public init(templateDirectory: String, identity: SigningIdentity, publicURL: String) {
            self.templateDirectory = templateDirectory
            self.identity = identity
            self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        }
    }

    let store: Store
    let companies: Companies
    let renderer: LOARenderer
    let profile: LOAIssuerProfile
    let signatory: LetterOfAuthorization.Signatory
    /// The policy in force.
    public let policy: Policy
    let clock: @Sendable () -> Date
    /// Fetches (and caches) CRLs for B-LT, when timestamps and revocation data are both on.
    let revocationFetcher: RevocationDataFetcher?
    /// The time-stamping authority's CA certificates (DER), stored with each B-LT letter.
    let timestampAnchors: [[UInt8]]

    /// Loads the LOA templates and issuer profile once; errors name the file at fault.
    public init(companies: Companies, policy: Policy) throws {
        self.store = companies.store
        self.companies = companies
        self.policy = policy
        self.renderer = try LOARenderer(templateDirectory: policy.templateDirectory)
        self.profile = try LOAIssuerProfile.load(templateDirectory: policy.templateDirectory)
        self.signatory = try profile.signatory(templateDirectory: policy.templateDirectory)
        self.clock = companies.accounts.policy.clock
        if policy.timestampAuthority != nil, let settings = policy.revocationData {
            self.revocationFetcher = RevocationDataFetcher(settings: settings)
        } else {
            self.revocationFetcher = nil
        }
        if let caFile = policy.timestampAuthority?.settings.caFile, let pem = try? String(contentsOfFile: caFile, encoding: .utf8) {
            self.timestampAnchors = LOASigner.certificates(inPEM: pem)
        } else {
            self.timestampAnchors = []
        }
    }

    /// A port order as submitted.
    public struct Order: Sendable {
        /// The ordering company.
        public var companyID: String
        /// The datacenter (`pdb-…`).
        public var datacenterID: String
        /// 1G, 10G or 100G.
        public var speed: String
        /// smf (default) or mmf.
        public var media: String?
        /// LC (default) or SC.
        public var connector: String?

        /// An order as submitted.
        public init(companyID: String, datacenterID: String, speed: String, media: String?, connector: String?) {
            self.companyID = companyID
            self.datacenterID = datacenterID
            self.speed = speed
            self.media = media
            self.connector = connector
        }
    }

    /// Orders a port: only for verified companies and members allowed to order.
    public func order(_ order: Order, by principal: Principal) async throws -> CustomerPort {
        let view = try await companies.access(order.companyID, by: principal, needing: .orderPorts)
        guard case let .user(userID) = principal else { throw WorkflowError.notFound("company") }
        guard view.company.status == .verified else {
            throw WorkflowError(.forbidden, code: "company_not_verified", "only verified companies may order ports; the company is \(view.company.status.rawValue)")
        }
        guard PortOptions.speeds.contains(order.speed) else {
            throw WorkflowError(.invalid, code: "invalid_speed", "speed must be one of \(PortOptions.speeds.joined(separator: ", "))")
        }
        let media = order.media ?? "smf", connector = order.connector ?? "LC"
        guard PortOptions.media.contains(media) else { throw WorkflowError(.invalid, code: "invalid_media", "media must be smf (single-mode fibre) or mmf (multi-mode)") }
        guard PortOptions.connectors.contains(connector) else { throw WorkflowError(.invalid, code: "invalid_connector", "connector must be LC or SC") }
        let now = clock()
        let stamp = Timestamp.format(now)
        let dialect = store.dialect
        return try await store.transaction { database in
            guard try await CatalogRepository.datacenter(id: order.datacenterID, on: database) != nil else {
                throw WorkflowError(.notFound, code: "datacenter_not_found", "no such datacenter; search GET /v1/datacenters")
            }
            let panels = try await PortRepository.panels(datacenterID: order.datacenterID, on: database).filter { $0.media == media && $0.connector == connector }
            guard !panels.isEmpty else {
                throw WorkflowError(.conflict, code: "no_patch_panel", "this datacenter has no \(media)/\(connector) patch panel for new ports")
            }
            let portID = UUID().uuidString.lowercased()
            for panel in panels {
                guard let start = try await PortRepository.lowestFreePair(panel: panel, dialect: dialect, on: database) else { continue }
                let port = CustomerPort(
                    id: portID, serviceID: Self.serviceID(), companyID: order.companyID, datacenterID: order.datacenterID, panelID: panel.id,
                    positionA: start, positionB: start + 1, speed: order.speed, media: media, connector: connector, status: .awaitingCrossConnect,
                    orderedBy: userID, createdAt: stamp, updatedAt: stamp
                )
                try await PortRepository.insert(port, on: database)
                try await PortRepository.recordAllocation(panelID: panel.id, pairStart: start, portID: portID, on: database)
                try await AuditRepository.append(actor: principal.actorName, entityType: "port", entityID: portID, action: "ordered", before: nil,
                                                 after: Audit.json(["status": port.status.rawValue, "panel": panel.name, "positions": "\(start)/\(start + 1)"]), at: stamp, on: database)
                return port
            }
            throw WorkflowError(.conflict, code: "no_free_position", "every \(media)/\(connector) patch panel of this datacenter is full; an operator must add one")
        }
    }

    /// A port the caller may see (its company's members, and staff).
    public func port(_ id: String, by principal: Principal) async throws -> CustomerPort {
        guard let port = try await store.withSession({ try await PortRepository.port(id: id, on: $0) }) else { throw WorkflowError.notFound("port") }
        do {
            _ = try await companies.access(port.companyID, by: principal)
        } catch let error as WorkflowError where error.kind == .notFound {
            throw WorkflowError.notFound("port")
        }
        return port
    }

    /// A company's ports.
    public func ports(of companyID: String, by principal: Principal) async throws -> [CustomerPort] {
        try await companies.reading(companyID, by: principal) { database, _ in try await PortRepository.ports(companyID: companyID, on: database) }
    }

    /// Cancels a port: its position is freed and its LOAs revoked.
    public func cancel(_ id: String, by principal: Principal) async throws -> CustomerPort {
        var port = try await port(id, by: principal)
        _ = try await companies.access(port.companyID, by: principal, needing: .orderPorts)
        let now = clock()
        let stamp = Timestamp.format(now)
        let previous = port.status
        guard previous != .cancelled else { throw WorkflowError(.conflict, code: "port_cancelled", "the port is already cancelled") }
        try await store.transaction { database in
            guard try await PortRepository.transition(id: id, from: previous, to: .cancelled, on: database, now: now) else {
                throw WorkflowError(.conflict, code: "port_changed", "the port changed meanwhile; retry")
            }
            try await PortRepository.freePair(portID: id, on: database)
            try await LOARepository.revokeAll(portID: id, at: stamp, on: database)
            try await AuditRepository.append(actor: principal.actorName, entityType: "port", entityID: id, action: "cancelled",
                                             before: Audit.json(["status": previous.rawValue]), after: Audit.json(["status": "cancelled"]), at: stamp, on: database)
        }
        port.status = .cancelled
        return port
    }

    /// An operator confirms the cross-connect: the port is active. `crossConnectID` is the
    /// datacenter's id for the cross-connect (its order or circuit number), recorded so that the
    /// customer, support and the datacenter's desk on `/verify` name the same cable; throws
    /// `invalid_cross_connect_id` for one that is empty, longer than 64 characters or holds
    /// control characters.
    public func activate(_ id: String, crossConnectID: String? = nil, by principal: Principal) async throws -> CustomerPort {
        guard case .staff(.operator, _) = principal else { throw WorkflowError(.forbidden, code: "operator_only", "only operators mark ports active") }
        let crossConnectID = try crossConnectID.map(Self.validCrossConnectID)
        var port = try await port(id, by: principal)
        let now = clock()
        guard try await store.transaction({ database in
            let moved = try await PortRepository.transition(id: id, from: .awaitingCrossConnect, to: .active, crossConnectID: crossConnectID, on: database, now: now)
            if moved {
                var after = ["status": "active"]
                if let crossConnectID { after["cross_connect_id"] = crossConnectID }
                try await AuditRepository.append(actor: principal.actorName, entityType: "port", entityID: id, action: "activated",
                                                 before: Audit.json(["status": "awaiting_cross_connect"]), after: Audit.json(after), at: Timestamp.format(now), on: database)
            }
            return moved
        }) else {
            throw WorkflowError(.conflict, code: "port_not_awaiting_cross_connect", "the port is \(port.status.rawValue)")
        }
        port.status = .active
        port.crossConnectID = crossConnectID
        return port
    }

    /// A cross-connect id as given, trimmed: 1–64 characters, none of them a control character
    /// (datacenters write them as `CX-0012345`, `1-23456789`, `LD8:XC:01234`).
    static func validCrossConnectID(_ raw: String) throws -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 64, !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) else {
            throw WorkflowError(.invalid, code: "invalid_cross_connect_id", "a cross-connect id is 1–64 characters without control characters")
        }
        return trimmed
    }

    static func serviceID() -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return "PW-" + String((0..<8).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
