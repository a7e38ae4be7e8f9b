public import Foundation
public import SQLKit

/// Companies and their verification status. Every query that a customer's request leads to
/// is scoped by the caller's membership in the workflow layer; this layer only stores.
public enum CompanyRepository {
    static let columns = ["id", "legal_name", "country", "registration_number", "company_type", "distributor", "status", "created_at", "updated_at"]

    struct Row: Decodable {
        var id: String
        var legal_name: String
        var country: String
        var registration_number: String
        var company_type: String
        var distributor: Int
        var status: String
        var created_at: String
        var updated_at: String

        var company: Company {
            Company(
                id: id, legalName: legal_name, country: country, registrationNumber: registration_number,
                companyType: CompanyType(rawValue: company_type) ?? .enterprise, distributor: distributor != 0,
                status: CompanyStatus(rawValue: status) ?? .unverified, createdAt: created_at, updatedAt: updated_at
            )
        }
    }

    /// Registers a company (status `unverified`, not a distributor).
    public static func create(legalName: String, country: String, registrationNumber: String, companyType: CompanyType, createdBy: String, on database: any SQLDatabase, now: Date = Date()) async throws -> Company {
        let stamp = Timestamp.format(now)
        let company = Company(id: UUID().uuidString.lowercased(), legalName: legalName, country: country, registrationNumber: registrationNumber, companyType: companyType, distributor: false, status: .unverified, createdAt: stamp, updatedAt: stamp)
        try await database.insert(into: "companies")
            .columns("id", "legal_name", "country", "registration_number", "company_type", "distributor", "status", "created_by", "created_at", "updated_at")
            .values(SQLBind(company.id), SQLBind(legalName), SQLBind(country), SQLBind(registrationNumber), SQLBind(companyType.rawValue), SQLBind(0), SQLBind(company.status.rawValue), SQLBind(createdBy), SQLBind(stamp), SQLBind(stamp))
            .run()
        return company
    }

    /// A company by id.
    public static func company(id: String, on database: any SQLDatabase) async throws -> Company? {
        guard id.utf8.count <= 64 else { return nil }
        return try await database.select().columns(columns).from("companies").where("id", .equal, SQLBind(id)).first(decoding: Row.self)?.company
    }

    /// Several companies by id, in no particular order (absent ids are left out).
    public static func companies(ids: [String], on database: any SQLDatabase) async throws -> [Company] {
        guard !ids.isEmpty else { return [] }
        return try await database.select().columns(columns).from("companies").where("id", .in, SQLBind.group(ids)).all(decoding: Row.self).map(\.company)
    }

    /// A company by id with one user's membership in it (nil when not a member): the access
    /// check behind every customer request, in one query rather than two.
    public static func company(id: String, withMembershipOf userID: String, on database: any SQLDatabase) async throws -> (Company, Membership?)? {
        guard id.utf8.count <= 64 else { return nil }
        guard let row = try await database.raw("""
            SELECT \(unsafeRaw: withMembershipColumns)
            FROM companies c LEFT JOIN memberships m ON m.company_id = c.id AND m.user_id = \(bind: userID)
            WHERE c.id = \(bind: id)
            """).first() else { return nil }
        return try companyAndMembership(row, userID: userID)
    }

    /// A company's columns (`c`) and its membership's (`m`, prefixed `member_`), as read by a join.
    static let withMembershipColumns = """
        c.id, c.legal_name, c.country, c.registration_number, c.company_type, c.distributor, c.status, c.created_at, c.updated_at,
        m.role AS member_role, m.extra_permissions AS member_extra_permissions, m.created_at AS member_created_at
        """

    /// The company and `userID`'s membership (nil when the join found none) of a row read with
    /// ``withMembershipColumns``.
    static func companyAndMembership(_ row: any SQLRow, userID: String) throws -> (Company, Membership?) {
        struct Joined: Decodable {
            var member_role: String?
            var member_extra_permissions: String?
            var member_created_at: String?
        }
        let company = try row.decode(model: Row.self).company
        let joined = try row.decode(model: Joined.self)
        guard let role = joined.member_role, let extra = joined.member_extra_permissions, let since = joined.member_created_at else { return (company, nil) }
        return (company, MembershipRepository.Row(company_id: company.id, user_id: userID, role: role, extra_permissions: extra, created_at: since).membership)
    }

    /// A user's companies with their membership in each, oldest company first, in one
    /// statement (every portal page asks it, so it is raw SQL: no builder to serialise).
    public static func companiesWithMemberships(ofUser userID: String, on database: any SQLDatabase) async throws -> [(Company, Membership)] {
        try await database.raw("""
            SELECT \(unsafeRaw: withMembershipColumns)
            FROM memberships m JOIN companies c ON c.id = m.company_id
            WHERE m.user_id = \(bind: userID)
            ORDER BY c.created_at, c.id
            """).all().compactMap { row in
            // An inner join: every row has its membership.
            let (company, membership) = try companyAndMembership(row, userID: userID)
            return membership.map { (company, $0) }
        }
    }

    /// A registration number as compared across companies: upper case, without the spaces,
    /// dots, dashes and slashes people type differently. Indexed (migration 12).
    static let registrationKeySQL = "UPPER(REPLACE(REPLACE(REPLACE(REPLACE(registration_number, ' ', ''), '.', ''), '-', ''), '/', ''))"

    /// Other companies registered in `country` under the same number as `registrationNumber`
    /// (compared as ``registrationKeySQL`` does), oldest first, at most `limit`.
    public static func companies(registeredAs registrationNumber: String, in country: String, excluding companyID: String, limit: Int = 20, on database: any SQLDatabase) async throws -> [Company] {
        let key = registrationNumber.uppercased().filter { !" .-/".contains($0) }
        guard !key.isEmpty else { return [] }
        return try await database.raw("""
            SELECT \(unsafeRaw: columns.joined(separator: ", ")) FROM companies
            WHERE country = \(bind: country) AND \(unsafeRaw: registrationKeySQL) = \(bind: key) AND id <> \(bind: companyID)
            ORDER BY created_at, id LIMIT \(unsafeRaw: String(max(1, limit)))
            """).all(decoding: Row.self).map(\.company)
    }

    /// Every company (for staff), optionally of one status, oldest first, one page at a time.
    public static func all(status: CompanyStatus?, limit: Int, offset: Int, on database: any SQLDatabase) async throws -> [Company] {
        let query = database.select().columns(columns).from("companies")
        if let status { query.where("status", .equal, SQLBind(status.rawValue)) }
        return try await query.orderBy("created_at").orderBy("id").limit(limit).offset(offset).all(decoding: Row.self).map(\.company)
    }

    /// Writes a company's declared data, type and distributor mark.
    public static func update(_ company: Company, on database: any SQLDatabase, now: Date = Date()) async throws {
        try await database.update("companies")
            .set("legal_name", to: SQLBind(company.legalName))
            .set("country", to: SQLBind(company.country))
            .set("registration_number", to: SQLBind(company.registrationNumber))
            .set("company_type", to: SQLBind(company.companyType.rawValue))
            .set("distributor", to: SQLBind(company.distributor ? 1 : 0))
            .set("updated_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(company.id)).run()
    }

    /// Moves a company from one status to another, only if it is still in `from`: false when a
    /// concurrent change got there first (the caller re-reads and decides).
    public static func transition(_ id: String, from: CompanyStatus, to: CompanyStatus, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        let rows = try await database.update("companies").set("status", to: SQLBind(to.rawValue)).set("updated_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(id)).where("status", .equal, SQLBind(from.rawValue))
            .returning("id").all()
        return !rows.isEmpty
    }

    /// How many companies exist.
    public static func count(on database: any SQLDatabase) async throws -> Int {
        try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("companies").first(decodingColumn: "n", as: Int.self) ?? 0
    }
}
