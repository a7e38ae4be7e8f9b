public import Foundation
public import SQLKit

/// A patch panel of the provider's demarcation inventory in a datacenter: where ports land.
public struct PatchPanel: Sendable, Hashable, Codable {
    /// Random identifier.
    public var id: String
    /// The datacenter.
    public var datacenterID: String
    /// Cage or suite.
    public var cage: String
    /// Cabinet (rack).
    public var cabinet: String
    /// The panel's label (`PP-0101`).
    public var name: String
    /// Numbered positions 1…N; a duplex port takes a pair (1/2, 3/4…).
    public var positions: Int
    /// `smf` (single-mode fibre) or `mmf` (multi-mode).
    public var media: String
    /// `LC` or `SC`.
    public var connector: String

    /// A panel as stored.
    public init(id: String, datacenterID: String, cage: String, cabinet: String, name: String, positions: Int, media: String, connector: String) {
        self.id = id
        self.datacenterID = datacenterID
        self.cage = cage
        self.cabinet = cabinet
        self.name = name
        self.positions = positions
        self.media = media
        self.connector = connector
    }

    enum CodingKeys: String, CodingKey {
        case id, cage, cabinet, name, positions, media, connector
        case datacenterID = "datacenter_id"
    }
}

/// Where a port stands.
public enum PortStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Ordered; the customer sends the LOA to the datacenter for the cross-connect.
    case awaitingCrossConnect = "awaiting_cross_connect"
    /// An operator confirmed the cross-connect.
    case active
    /// Cancelled: its position is free again and its LOA revoked.
    case cancelled
}

/// A port ordered by a company.
public struct CustomerPort: Sendable, Hashable, Codable {
    /// Random identifier.
    public var id: String
    /// The service id printed on the LOA (`PW-7K3M9Q2X`).
    public var serviceID: String
    /// The company.
    public var companyID: String
    /// The datacenter.
    public var datacenterID: String
    /// The patch panel.
    public var panelID: String
    /// The duplex pair's first position (odd).
    public var positionA: Int
    /// The pair's second position.
    public var positionB: Int
    /// `1G`, `10G` or `100G`.
    public var speed: String
    /// `smf` or `mmf`.
    public var media: String
    /// `LC` or `SC`.
    public var connector: String
    /// Where it stands.
    public var status: PortStatus
    /// The user who ordered it.
    public var orderedBy: String
    /// When.
    public var createdAt: String
    /// When it last changed.
    public var updatedAt: String
    /// The datacenter's id for the cross-connect to it, recorded by the operator who activated
    /// the port (nil before, or when the operator gave none).
    public var crossConnectID: String?

    /// A port as stored.
    public init(id: String, serviceID: String, companyID: String, datacenterID: String, panelID: String, positionA: Int, positionB: Int, speed: String, media: String, connector: String, status: PortStatus, orderedBy: String, createdAt: String, updatedAt: String, crossConnectID: String? = nil) {
        self.crossConnectID = crossConnectID
        self.id = id
        self.serviceID = serviceID
        self.companyID = companyID
        self.datacenterID = datacenterID
        self.panelID = panelID
        self.positionA = positionA
        self.positionB = positionB
        self.speed = speed
        self.media = media
        self.connector = connector
        self.status = status
        self.orderedBy = orderedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, speed, media, connector, status
        case serviceID = "service_id"
        case companyID = "company_id"
        case datacenterID = "datacenter_id"
        case panelID = "panel_id"
        case positionA = "position_a"
        case positionB = "position_b"
        case orderedBy = "ordered_by"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case crossConnectID = "cross_connect_id"
    }
}

/// Patch panels, position allocations and ports.
public enum PortRepository {
    static let panelColumns = ["id", "datacenter_id", "cage", "cabinet", "name", "positions", "media", "connector"]
    static let portColumns = ["id", "service_id", "company_id", "datacenter_id", "panel_id", "position_a", "position_b", "speed", "media", "connector", "status", "ordered_by", "created_at", "updated_at", "cross_connect_id"]

    /// Adds a panel, or updates the size, media and connector of the one with the same
    /// datacenter, cage, cabinet and name. Returns it and whether it was new.
    public static func upsertPanel(datacenterID: String, cage: String, cabinet: String, name: String, positions: Int, media: String, connector: String, on database: any SQLDatabase, now: Date = Date()) async throws -> (PatchPanel, created: Bool) {
        if let existing = try await database.select().columns(panelColumns).from("patch_panels")
            .where("datacenter_id", .equal, SQLBind(datacenterID)).where("cage", .equal, SQLBind(cage))
            .where("cabinet", .equal, SQLBind(cabinet)).where("name", .equal, SQLBind(name)).first(decoding: PatchPanel.self) {
            try await database.update("patch_panels").set("positions", to: SQLBind(positions)).set("media", to: SQLBind(media)).set("connector", to: SQLBind(connector))
                .where("id", .equal, SQLBind(existing.id)).run()
            return (PatchPanel(id: existing.id, datacenterID: datacenterID, cage: cage, cabinet: cabinet, name: name, positions: positions, media: media, connector: connector), false)
        }
        let panel = PatchPanel(id: UUID().uuidString.lowercased(), datacenterID: datacenterID, cage: cage, cabinet: cabinet, name: name, positions: positions, media: media, connector: connector)
        try await database.insert(into: "patch_panels")
            .columns(panelColumns + ["created_at"])
            .values(SQLBind(panel.id), SQLBind(datacenterID), SQLBind(cage), SQLBind(cabinet), SQLBind(name), SQLBind(positions), SQLBind(media), SQLBind(connector), SQLBind(Timestamp.format(now)))
            .run()
        return (panel, true)
    }

    /// A datacenter's panels, in allocation order (cage, cabinet, name).
    public static func panels(datacenterID: String, on database: any SQLDatabase) async throws -> [PatchPanel] {
        try await database.select().columns(panelColumns).from("patch_panels").where("datacenter_id", .equal, SQLBind(datacenterID))
            .orderBy("cage").orderBy("cabinet").orderBy("name").all(decoding: PatchPanel.self)
    }

    /// A panel by id.
    public static func panel(id: String, on database: any SQLDatabase) async throws -> PatchPanel? {
        try await database.select().columns(panelColumns).from("patch_panels").where("id", .equal, SQLBind(id)).first(decoding: PatchPanel.self)
    }

    /// The first positions of the pairs in use on a panel.
    public static func allocatedPairs(panelID: String, on database: any SQLDatabase) async throws -> Set<Int> {
        Set(try await database.select().column("pair_start").from("panel_allocations").where("panel_id", .equal, SQLBind(panelID)).all(decodingColumn: "pair_start", as: Int.self))
    }

    /// Finds the lowest free duplex pair of a panel, holding the panel for this transaction: on
    /// PostgreSQL the panel row is locked (`FOR UPDATE`) before anything else touches it, so
    /// concurrent orders take turns per panel; SQLite's write transactions already do. Call
    /// ``recordAllocation(panelID:pairStart:portID:on:)`` in the same transaction. Nil when
    /// the panel is full.
    public static func lowestFreePair(panel: PatchPanel, dialect: SQLDialectKind, on database: any SQLDatabase) async throws -> Int? {
        if dialect == .postgres {
            try await database.raw("SELECT id FROM patch_panels WHERE id = \(bind: panel.id) FOR UPDATE").run()
        }
        let taken = try await allocatedPairs(panelID: panel.id, on: database)
        return stride(from: 1, to: panel.positions, by: 2).first(where: { !taken.contains($0) })
    }

    /// Records that a pair belongs to a port; the primary key on (panel, pair) refuses a pair
    /// given twice, whatever happens above.
    public static func recordAllocation(panelID: String, pairStart: Int, portID: String, on database: any SQLDatabase) async throws {
        try await database.insert(into: "panel_allocations").columns("panel_id", "pair_start", "port_id")
            .values(SQLBind(panelID), SQLBind(pairStart), SQLBind(portID)).run()
    }

    /// Frees a port's pair.
    public static func freePair(portID: String, on database: any SQLDatabase) async throws {
        try await database.delete(from: "panel_allocations").where("port_id", .equal, SQLBind(portID)).run()
    }

    /// Stores a new port.
    public static func insert(_ port: CustomerPort, on database: any SQLDatabase) async throws {
        try await database.insert(into: "ports").model(port, keyEncodingStrategy: .useDefaultKeys).run()
    }

    /// A port by id.
    public static func port(id: String, on database: any SQLDatabase) async throws -> CustomerPort? {
        guard id.utf8.count <= 64 else { return nil }
        return try await database.select().columns(portColumns).from("ports").where("id", .equal, SQLBind(id)).first(decoding: CustomerPort.self)
    }

    /// A company's ports, newest first.
    public static func ports(companyID: String, on database: any SQLDatabase) async throws -> [CustomerPort] {
        try await database.select().columns(portColumns).from("ports").where("company_id", .equal, SQLBind(companyID))
            .orderBy("created_at", .descending).all(decoding: CustomerPort.self)
    }

    /// Moves a port from one status to another; false when it was no longer in `from`.
    /// `crossConnectID`, when given, is recorded with the move (an activation's).
    public static func transition(id: String, from: PortStatus, to: PortStatus, crossConnectID: String? = nil, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        var update = database.update("ports").set("status", to: SQLBind(to.rawValue)).set("updated_at", to: SQLBind(Timestamp.format(now)))
        if let crossConnectID { update = update.set("cross_connect_id", to: SQLBind(crossConnectID)) }
        return try await !update.where("id", .equal, SQLBind(id)).where("status", .equal, SQLBind(from.rawValue)).returning("id").all().isEmpty
    }
}
