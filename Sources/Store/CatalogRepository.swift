import Foundation
public import SQLKit

/// A datacenter (interconnection facility) of the catalog, as imported from PeeringDB records.
public struct Datacenter: Sendable, Hashable, Codable {
    /// Our identifier: `pdb-<PeeringDB id>`, stable across re-imports.
    public var id: String
    /// PeeringDB's facility id, the key of upserts.
    public var peeringDBID: Int
    /// The operator (`Equinix, Inc.`).
    public var orgName: String
    /// The facility's name (`Equinix LD8 - London, Harbour Exchange`).
    public var name: String
    /// Another name it is known by.
    public var aka: String
    /// Street address.
    public var address1: String
    /// More address.
    public var address2: String
    /// City.
    public var city: String
    /// State or region.
    public var state: String
    /// Postal code.
    public var zipcode: String
    /// ISO 3166-1 alpha-2 country.
    public var country: String
    /// Latitude, if known.
    public var latitude: Double?
    /// Longitude, if known.
    public var longitude: Double?
    /// CLLI code, if any.
    public var clli: String
    /// When the record last changed here (not at PeeringDB).
    public var updatedAt: String

    /// A datacenter as stored.
    public init(id: String, peeringDBID: Int, orgName: String, name: String, aka: String, address1: String, address2: String, city: String, state: String, zipcode: String, country: String, latitude: Double?, longitude: Double?, clli: String, updatedAt: String) {
        self.id = id
        self.peeringDBID = peeringDBID
        self.orgName = orgName
        self.name = name
        self.aka = aka
        self.address1 = address1
        self.address2 = address2
        self.city = city
        self.state = state
        self.zipcode = zipcode
        self.country = country
        self.latitude = latitude
        self.longitude = longitude
        self.clli = clli
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, aka, address1, address2, city, state, zipcode, country, latitude, longitude, clli
        case peeringDBID = "peeringdb_id"
        case orgName = "org_name"
        case updatedAt = "updated_at"
    }

    /// Whether two records say the same (ignoring when they were stored).
    public func sameContent(as other: Datacenter) -> Bool {
        var a = self, b = other
        a.updatedAt = ""
        b.updatedAt = ""
        return a == b
    }

    /// The text searches match: name, other name, operator, city, state, folded (case and accents).
    public var searchText: String {
        Self.fold([name, aka, orgName, city, state, address1].joined(separator: " "))
    }

    /// Lower case without diacritics, so `jeuneurs` finds `Jeûneurs` and `münchen` finds `MÜNCHEN`.
    public static func fold(_ text: String) -> String {
        text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: Locale(identifier: "en_US_POSIX"))
    }
}

/// The datacenter catalog.
public enum CatalogRepository {
    static let columns = ["id", "peeringdb_id", "org_name", "name", "aka", "address1", "address2", "city", "state", "zipcode", "country", "latitude", "longitude", "clli", "updated_at"]

    /// The stored record with this PeeringDB id.
    public static func datacenter(peeringDBID: Int, on database: any SQLDatabase) async throws -> Datacenter? {
        try await database.select().columns(columns).from("datacenters").where("peeringdb_id", .equal, SQLBind(peeringDBID)).first(decoding: Datacenter.self)
    }

    /// The stored record with this id.
    public static func datacenter(id: String, on database: any SQLDatabase) async throws -> Datacenter? {
        guard id.utf8.count <= 64 else { return nil }
        return try await database.select().columns(columns).from("datacenters").where("id", .equal, SQLBind(id)).first(decoding: Datacenter.self)
    }

    /// The records with these ids (unknown ids are left out), in one query.
    public static func datacenters(ids: [String], on database: any SQLDatabase) async throws -> [Datacenter] {
        let ids = Array(Set(ids.filter { $0.utf8.count <= 64 })).sorted()
        guard !ids.isEmpty else { return [] }
        return try await database.select().columns(columns).from("datacenters").where("id", .in, SQLBind.group(ids)).all(decoding: Datacenter.self)
    }

    /// Inserts or replaces a record (keyed by id).
    public static func save(_ datacenter: Datacenter, exists: Bool, on database: any SQLDatabase) async throws {
        if exists {
            try await database.update("datacenters")
                .set("org_name", to: SQLBind(datacenter.orgName)).set("name", to: SQLBind(datacenter.name)).set("aka", to: SQLBind(datacenter.aka))
                .set("address1", to: SQLBind(datacenter.address1)).set("address2", to: SQLBind(datacenter.address2))
                .set("city", to: SQLBind(datacenter.city)).set("state", to: SQLBind(datacenter.state)).set("zipcode", to: SQLBind(datacenter.zipcode))
                .set("country", to: SQLBind(datacenter.country)).set("latitude", to: SQLBind(datacenter.latitude)).set("longitude", to: SQLBind(datacenter.longitude))
                .set("clli", to: SQLBind(datacenter.clli)).set("search_text", to: SQLBind(datacenter.searchText)).set("updated_at", to: SQLBind(datacenter.updatedAt))
                .where("id", .equal, SQLBind(datacenter.id)).run()
        } else {
            try await database.insert(into: "datacenters")
                .columns(columns + ["search_text"])
                .values(
                    SQLBind(datacenter.id), SQLBind(datacenter.peeringDBID), SQLBind(datacenter.orgName), SQLBind(datacenter.name), SQLBind(datacenter.aka),
                    SQLBind(datacenter.address1), SQLBind(datacenter.address2), SQLBind(datacenter.city), SQLBind(datacenter.state), SQLBind(datacenter.zipcode),
                    SQLBind(datacenter.country), SQLBind(datacenter.latitude), SQLBind(datacenter.longitude), SQLBind(datacenter.clli), SQLBind(datacenter.updatedAt),
                    SQLBind(datacenter.searchText)
                )
                .run()
        }
    }

    /// Datacenters by country and/or folded text, ordered by country, city and name.
    public static func search(country: String?, query: String?, limit: Int, offset: Int, on database: any SQLDatabase) async throws -> [Datacenter] {
        let select = database.select().columns(columns).from("datacenters")
        if let country { select.where("country", .equal, SQLBind(country)) }
        for word in (query.map(Datacenter.fold) ?? "").split(whereSeparator: { $0.isWhitespace }).prefix(8) {
            select.where(SQLQueryString("search_text LIKE \(bind: SQLLike.containing(String(word))) ESCAPE '\\'"))
        }
        return try await select.orderBy("country").orderBy("city").orderBy("name").limit(limit).offset(offset).all(decoding: Datacenter.self)
    }

    /// How many datacenters the catalog holds.
    public static func count(on database: any SQLDatabase) async throws -> Int {
        try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("datacenters").first(decodingColumn: "n", as: Int.self) ?? 0
    }
}
