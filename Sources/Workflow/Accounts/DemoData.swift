import Foundation
import Store

/// Demo data for a newcomer: on first start with an empty database, a demo company with its
/// admin, an operator token and a reviewer token, so the API can be tried at once.
public enum DemoData {
    /// What was created; the secrets are shown once.
    public struct Credentials: Sendable {
        /// The demo admin's e-mail address.
        public var adminEmail: String
        /// The demo admin's password.
        public var adminPassword: String
        /// A bearer token for the demo admin.
        public var adminToken: String
        /// The demo company's id.
        public var companyID: String
        /// A bearer token with the operator role.
        public var operatorToken: String
        /// A bearer token with the reviewer role.
        public var reviewerToken: String
    }

    /// The demo admin's address.
    public static let adminEmail = "admin@demo.paperwork.localhost"

    /// Creates the demo data if the database has no users and no companies; nil otherwise.
    public static func seedIfEmpty(accounts: Accounts, companies: Companies) async throws -> Credentials? {
        let store = accounts.store
        let empty = try await store.withSession { database in
            let users = try await AccountRepository.userCount(on: database)
            let companies = try await CompanyRepository.count(on: database)
            return users == 0 && companies == 0
        }
        guard empty else { return nil }
        let password = String(LinkSecret.make(prefix: "").prefix(20))
        let hash = try await accounts.policy.hasher.hash(password)
        let user = try await store.transaction { database in
            try await AccountRepository.createUser(email: adminEmail, passwordHash: hash, fullName: "Dana Demo", jobTitle: "Head of Network", on: database)
        }
        let company = try await companies.register(by: user.id, legalName: "Demo Networks Ltd", country: "GB", registrationNumber: "01234567", companyType: "enterprise").company
        return try await store.transaction { database in
            let admin = try await TokenRepository.create(name: "demo", for: .user(id: user.id), on: database).secret
            let operatorToken = try await TokenRepository.create(name: "demo-operator", for: .staff(role: .operator, tokenName: "demo-operator"), on: database).secret
            let reviewer = try await TokenRepository.create(name: "demo-reviewer", for: .staff(role: .reviewer, tokenName: "demo-reviewer"), on: database).secret
            return Credentials(adminEmail: adminEmail, adminPassword: password, adminToken: admin, companyID: company.id, operatorToken: operatorToken, reviewerToken: reviewer)
        }
    }
}
