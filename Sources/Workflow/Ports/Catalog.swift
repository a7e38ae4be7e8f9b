public import Foundation
public import Store

/// The datacenter catalog: PeeringDB facility records imported (upserted by PeeringDB id),
/// searched by country and folded text, and the provider's patch panels in each datacenter.
public struct Catalog: Sendable {
    let store: Store

    /// The catalog over a store.
    public init(store: Store) {
        self.store = store
    }

    /// What an import did.
    public struct ImportReport: Sendable, Codable {
        /// Records new to the catalog.
        public var created = 0
        /// Records whose content changed.
        public var updated = 0
        /// Records already up to date (left untouched).
        public var unchanged = 0
        /// Records that could not be imported, with why.
        public var skipped: [Skipped] = []

        /// One refused record.
        public struct Skipped: Sendable, Codable {
            /// Its position in the file's `data` array.
            public var index: Int
            /// Its PeeringDB id, if it had one.
            public var peeringDBID: Int?
            /// Why.
            public var reason: String

            enum CodingKeys: String, CodingKey {
                case index, reason
                case peeringDBID = "peeringdb_id"
            }
        }
    }

    /// Imports facility records in PeeringDB's API format (`{"data": [{id, org_name, name,
    /// address1, …}]}`): new ids are added, changed records updated, identical ones left alone,
    /// malformed ones skipped with a reason. All in one transaction.
    public func importPeeringDB(_ json: [UInt8], now: Date = Date()) async throws -> ImportReport {
        guard let root = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any], let records = root["data"] as? [Any] else {
            throw WorkflowError(.invalid, code: "invalid_catalog", "the file is not PeeringDB facility JSON: expected an object with a \"data\" array")
        }
        var report = ImportReport()
        var parsed: [Datacenter] = []
        var seen = Set<Int>()
        for (index, raw) in records.enumerated() {
            switch Self.datacenter(from: raw, now: now) {
            case let .success(datacenter):
                if !seen.insert(datacenter.peeringDBID).inserted {
                    report.skipped.append(.init(index: index, peeringDBID: datacenter.peeringDBID, reason: "duplicate id in the file"))
                } else {
                    parsed.append(datacenter)
                }
            case let .failure(error):
                report.skipped.append(.init(index: index, peeringDBID: (raw as? [String: Any])?["id"] as? Int, reason: error.message))
            }
        }
        let toSave = parsed
        let counts: (Int, Int, Int) = try await store.transaction { database in
            var created = 0, updated = 0, unchanged = 0
            for datacenter in toSave {
                if let existing = try await CatalogRepository.datacenter(peeringDBID: datacenter.peeringDBID, on: database) {
                    if existing.sameContent(as: datacenter) {
                        unchanged += 1
                    } else {
                        try await CatalogRepository.save(datacenter, exists: true, on: database)
                        updated += 1
                    }
                } else {
                    try await CatalogRepository.save(datacenter, exists: false, on: database)
                    created += 1
                }
            }
            return (created, updated, unchanged)
        }
        (report.created, report.updated, report.unchanged) = counts
        return report
    }

    struct RecordError: Error { var message: String }

    static func datacenter(from raw: Any, now: Date) -> Result<Datacenter, RecordError> {
        guard let record = raw as? [String: Any] else { return .failure(.init(message: "not an object")) }
        guard let id = record["id"] as? Int, id > 0 else { return .failure(.init(message: "missing or invalid id")) }
        func text(_ key: String) -> String {
            guard let value = record[key] as? String else { return "" }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            return String(trimmed.unicodeScalars.filter { $0.properties.generalCategory != .control }.prefix(500).map(Character.init))
        }
        let name = text("name")
        guard !name.isEmpty else { return .failure(.init(message: "missing name")) }
        let country = text("country").uppercased()
        guard InputRules.isoCountryCodes.contains(country) else { return .failure(.init(message: "unknown country '\(country)'")) }
        func coordinate(_ key: String, limit: Double) -> Double? {
            guard let value = record[key] as? Double, value.isFinite, abs(value) <= limit else { return nil }
            return value
        }
        return .success(Datacenter(
            id: "pdb-\(id)", peeringDBID: id, orgName: text("org_name"), name: name, aka: text("aka"),
            address1: text("address1"), address2: text("address2"), city: text("city"), state: text("state"), zipcode: text("zipcode"),
            country: country, latitude: coordinate("latitude", limit: 90), longitude: coordinate("longitude", limit: 180),
            clli: text("clli"), updatedAt: Timestamp.format(now)
        ))
    }

    /// Datacenters by country (ISO code) and text (name, operator, city; case and accents folded).
    public func search(country: String?, query: String?, limit: Int = 50, offset: Int = 0) async throws -> [Datacenter] {
        let country = try country.map { code throws(WorkflowError) in try InputRules.country(code) }
        let query = query.map { String($0.prefix(200)) }
        return try await store.withSession { try await CatalogRepository.search(country: country, query: query, limit: max(1, min(limit, 200)), offset: max(0, offset), on: $0) }
    }

    /// One datacenter, or `not_found`.
    public func datacenter(_ id: String) async throws -> Datacenter {
        guard let datacenter = try await store.withSession({ try await CatalogRepository.datacenter(id: id, on: $0) }) else {
            throw WorkflowError.notFound("datacenter")
        }
        return datacenter
    }

    /// The datacenters with these ids by id, in one read (unknown ids are absent): for lists
    /// that name each row's datacenter.
    public func datacenters(_ ids: [String]) async throws -> [String: Datacenter] {
        let found = try await store.withSession { try await CatalogRepository.datacenters(ids: ids, on: $0) }
        return Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A patch panel as loaded by operators.
    public struct PanelSpec: Sendable, Codable {
        /// The datacenter: our id (`pdb-42`)…
        public var datacenter: String?
        /// …or its PeeringDB id.
        public var peeringDBID: Int?
        /// Cage or suite.
        public var cage: String
        /// Cabinet.
        public var cabinet: String
        /// Panel label.
        public var name: String
        /// Number of positions (even, 2…288).
        public var positions: Int
        /// `smf` (default) or `mmf`.
        public var media: String?
        /// `LC` (default) or `SC`.
        public var connector: String?

        enum CodingKeys: String, CodingKey {
            case datacenter, cage, cabinet, name, positions, media, connector
            case peeringDBID = "peeringdb_id"
        }
    }

    /// Loads patch panels (`{"panels": [...]}`), adding new ones and updating known ones;
    /// returns how many were created and updated. Invalid entries refuse the whole file.
    public func loadPanels(_ specs: [PanelSpec], by principal: Principal) async throws -> (created: Int, updated: Int) {
        guard case .staff(.operator, _) = principal else {
            throw WorkflowError(.forbidden, code: "operator_only", "only operators load patch panels")
        }
        for (index, spec) in specs.enumerated() {
            guard spec.positions >= 2, spec.positions <= 288, spec.positions % 2 == 0 else {
                throw WorkflowError(.invalid, code: "invalid_panel", "panel \(index): positions must be an even number from 2 to 288")
            }
            guard PortOptions.media.contains(spec.media ?? "smf"), PortOptions.connectors.contains(spec.connector ?? "LC") else {
                throw WorkflowError(.invalid, code: "invalid_panel", "panel \(index): media must be smf or mmf, connector LC or SC")
            }
            for (field, value) in [("cage", spec.cage), ("cabinet", spec.cabinet), ("name", spec.name)] {
                _ = try InputRules.text(value, field: "panel \(index) \(field)")
            }
        }
        return try await store.transaction { database in
            var created = 0, updated = 0
            for (index, spec) in specs.enumerated() {
                let datacenter: Datacenter?
                if let id = spec.datacenter { datacenter = try await CatalogRepository.datacenter(id: id, on: database) }
                else if let id = spec.peeringDBID { datacenter = try await CatalogRepository.datacenter(peeringDBID: id, on: database) }
                else { datacenter = nil }
                guard let datacenter else {
                    throw WorkflowError(.invalid, code: "unknown_datacenter", "panel \(index): no datacenter \(spec.datacenter ?? spec.peeringDBID.map { "peeringdb_id \($0)" } ?? "given"); import the catalog first")
                }
                let (_, isNew) = try await PortRepository.upsertPanel(
                    datacenterID: datacenter.id, cage: spec.cage.trimmingWhitespace(), cabinet: spec.cabinet.trimmingWhitespace(), name: spec.name.trimmingWhitespace(),
                    positions: spec.positions, media: spec.media ?? "smf", connector: spec.connector ?? "LC", on: database
                )
                if isNew { created += 1 } else { updated += 1 }
            }
            return (created, updated)
        }
    }

    /// A datacenter's panels with how many pairs are free.
    public func panels(of datacenterID: String) async throws -> [(PatchPanel, freePairs: Int)] {
        _ = try await datacenter(datacenterID)
        return try await store.withSession { database in
            var result: [(PatchPanel, Int)] = []
            for panel in try await PortRepository.panels(datacenterID: datacenterID, on: database) {
                let taken = try await PortRepository.allocatedPairs(panelID: panel.id, on: database).count
                result.append((panel, panel.positions / 2 - taken))
            }
            return result
        }
    }
}

/// The choices a port order offers.
public enum PortOptions {
    /// Port speeds.
    public static let speeds = ["1G", "10G", "100G"]
    /// Fibre types: single-mode (the default) and multi-mode.
    public static let media = ["smf", "mmf"]
    /// Connectors: LC (the default) and SC.
    public static let connectors = ["LC", "SC"]
}
