import Foundation
public import Store
import SQLKit

/// Companies, their members and invitations, with tenant isolation: a customer sees and
/// changes only the companies they belong to, and a foreign company's id is answered exactly
/// like an unknown one (`not_found`). Staff (reviewers, operators) read every company.
public struct Companies: Sendable {
    let store: Store
    let accounts: Accounts

    /// Companies over the same store and policy as ``Accounts``.
    public init(accounts: Accounts) {
        self.store = accounts.store
        self.accounts = accounts
    }

    /// A company as one caller sees it: with the caller's own role and permissions.
    public struct View: Sendable {
        /// The company.
        public var company: Company
        /// The caller's membership, nil for staff.
        public var membership: Membership?
    }

    // MARK: Access

    /// The company, if the caller may see it; otherwise `not_found` (never `forbidden`, so
    /// that ids reveal nothing). With `permission`, a member must also hold it, and staff are
    /// refused (`staff_cannot_act_for_customer`): they read, customers act.
    public func access(_ companyID: String, by principal: Principal, needing permission: Permission? = nil) async throws -> View {
        try Self.allowing(try await store.withSession { try await Self.view(companyID, by: principal, on: $0) }, needing: permission)
    }

    /// The company as `principal` sees it, read on `database`; nil when they may not see it.
    static func view(_ companyID: String, by principal: Principal, on database: any SQLDatabase) async throws -> View? {
        switch principal {
        case .staff:
            return try await CompanyRepository.company(id: companyID, on: database).map { View(company: $0, membership: nil) }
        case let .user(userID):
            // A company the caller is not a member of does not exist for them.
            guard let (company, membership) = try await CompanyRepository.company(id: companyID, withMembershipOf: userID, on: database),
                  let membership else { return nil }
            return View(company: company, membership: membership)
        }
    }

    /// Runs `body` on one connection once the caller may see the company (with `permission`,
    /// by the rules of ``access(_:by:needing:)``): a page's reads then cost one connection
    /// checkout, not one for the check and one for the data.
    func reading<Result: Sendable>(_ companyID: String, by principal: Principal, needing permission: Permission? = nil,
                                   _ body: @escaping @Sendable (any SQLDatabase, View) async throws -> Result) async throws -> Result {
        try await store.withSession { database in
            try await body(database, try Self.allowing(try await Self.view(companyID, by: principal, on: database), needing: permission))
        }
    }

    /// `view` if the caller may act on it with `permission`: the rules of ``access(_:by:needing:)``.
    static func allowing(_ view: View?, needing permission: Permission?) throws(WorkflowError) -> View {
        guard let view else { throw WorkflowError.notFound("company") }
        if let permission {
            guard let membership = view.membership else {
                throw WorkflowError(.forbidden, code: "staff_cannot_act_for_customer", "staff tokens read company data; only the company's members act for it")
            }
            guard membership.permissions.contains(permission) else { throw WorkflowError.permissionDenied(permission.rawValue) }
        }
        return view
    }

    // MARK: Companies

    /// Registers a company; the caller becomes its admin. Enterprise partners choose
    /// `enterprise` or `xaas`; the distributor types open up once an operator marks the company.
    public func register(by userID: String, legalName: String, country: String, registrationNumber: String, companyType: String?) async throws -> View {
        let legalName = try InputRules.text(legalName, field: "legal_name")
        let country = try InputRules.country(country)
        let registrationNumber = try InputRules.text(registrationNumber, field: "registration_number")
        let type = try Self.companyType(companyType ?? CompanyType.enterprise.rawValue, distributor: false)
        let now = accounts.policy.clock()
        return try await store.transaction { database in
            let company = try await CompanyRepository.create(legalName: legalName, country: country, registrationNumber: registrationNumber, companyType: type, createdBy: userID, on: database, now: now)
            let membership = try await MembershipRepository.add(companyID: company.id, userID: userID, role: .admin, extraPermissions: [], on: database, now: now)
            return View(company: company, membership: membership)
        }
    }

    /// Who a browser session's secret stands for: the account and the companies it belongs
    /// to, each with its membership; nil for an unknown or revoked secret, or a staff token.
    /// One database session for all of it, since every portal page asks this first.
    public func signedIn(session secret: String) async throws -> (user: UserAccount, companies: [View])? {
        let found: (APIToken, UserAccount, [View])? = try await store.withSession { database in
            guard let (principal, token) = try await TokenRepository.authenticate(secret, on: database), case let .user(userID) = principal,
                  let user = try await AccountRepository.user(id: userID, on: database) else { return nil }
            return (token, user, try await Self.views(ofUser: userID, status: nil, on: database))
        }
        guard let (token, user, views) = found else { return nil }
        try await Credentials.recordUse(of: token, at: accounts.policy.clock(), in: store)
        return (user, views)
    }

    /// A member's companies with their memberships.
    static func views(ofUser userID: String, status: CompanyStatus?, on database: any SQLDatabase) async throws -> [View] {
        try await CompanyRepository.companiesWithMemberships(ofUser: userID, on: database)
            .filter { status == nil || $0.0.status == status }
            .map { View(company: $0.0, membership: $0.1) }
    }

    /// The companies a caller sees: their own, or (staff) every one, optionally by status.
    public func list(for principal: Principal, status: String?, limit: Int = 100, offset: Int = 0) async throws -> [View] {
        let status = try status.map { raw throws(WorkflowError) -> CompanyStatus in
            guard let status = CompanyStatus(rawValue: raw) else {
                throw WorkflowError(.invalid, code: "invalid_status", "status must be one of \(CompanyStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return status
        }
        return try await store.withSession { database in
            switch principal {
            case .staff:
                return try await CompanyRepository.all(status: status, limit: max(1, min(limit, 500)), offset: max(0, offset), on: database).map { View(company: $0, membership: nil) }
            case let .user(userID):
                return try await Self.views(ofUser: userID, status: status, on: database)
            }
        }
    }

    /// Changes a company's declared data or type. The declared data (name, country, number)
    /// is what reviewers check against the certificate, so it is frozen while a review is
    /// pending and after a decision, except when a reviewer asked for more information.
    public func update(_ companyID: String, by principal: Principal, legalName: String?, country: String?, registrationNumber: String?, companyType: String?) async throws -> View {
        var view = try await access(companyID, by: principal, needing: .manageMembers)
        var company = view.company
        if legalName != nil || country != nil || registrationNumber != nil {
            guard company.status == .unverified || company.status == .needsInfo else {
                throw WorkflowError(.conflict, code: "company_locked", "the legal name, country and registration number cannot change while the company is \(company.status.rawValue)")
            }
        }
        if let legalName { company.legalName = try InputRules.text(legalName, field: "legal_name") }
        if let country { company.country = try InputRules.country(country) }
        if let registrationNumber { company.registrationNumber = try InputRules.text(registrationNumber, field: "registration_number") }
        // A type the company's distributor mark does not open is refused by its state (409), not by the input.
        if let companyType { company.companyType = try Self.companyType(companyType, distributor: company.distributor, whenNotAllowed: .conflict) }
        let updated = company, original = view.company
        let now = accounts.policy.clock()
        try await store.transaction { database in
            try await CompanyRepository.update(updated, on: database, now: now)
            if let entry = Audit.detailsEntry(actor: principal.actorName, before: original, after: updated, at: Timestamp.format(now)) {
                try await AuditRepository.append([entry], on: database)
            }
        }
        view.company = try await reload(companyID)
        return view
    }

    /// An operator marks (or unmarks) a company as a distributor partner, which opens (or
    /// closes) the distributor company types. Unmarking a company whose type is
    /// distributor-only needs a new type in the same request.
    public func setDistributor(_ companyID: String, by principal: Principal, distributor: Bool, companyType: String?) async throws -> View {
        guard case .staff(.operator, _) = principal else {
            throw WorkflowError(.forbidden, code: "operator_only", "only operators mark distributor partners")
        }
        var company = try await access(companyID, by: principal).company
        let original = company
        company.distributor = distributor
        if let companyType {
            company.companyType = try Self.companyType(companyType, distributor: distributor)
        } else if !CompanyType.allowed(distributor: distributor).contains(company.companyType) {
            throw WorkflowError(.conflict, code: "company_type_not_allowed", "the company's type \(company.companyType.rawValue) is for distributors only; send a company_type among \(CompanyType.allowed(distributor: distributor).map(\.rawValue).joined(separator: ", "))")
        }
        let updated = company
        let now = accounts.policy.clock()
        try await store.transaction { database in
            try await CompanyRepository.update(updated, on: database, now: now)
            if let entry = Audit.detailsEntry(actor: principal.actorName, before: original, after: updated, at: Timestamp.format(now)) {
                try await AuditRepository.append([entry], on: database)
            }
        }
        return View(company: try await reload(companyID), membership: nil)
    }

    private func reload(_ companyID: String) async throws -> Company {
        guard let company = try await store.withSession({ try await CompanyRepository.company(id: companyID, on: $0) }) else {
            throw WorkflowError.notFound("company")
        }
        return company
    }

    /// The company type `raw` names, if a company whose distributor mark is `distributor` may
    /// have it. An unknown type is invalid input; a known one the mark does not open is refused
    /// with `whenNotAllowed`: invalid when the request itself sets the mark (registration, an
    /// operator's change), a conflict with the company's state when it is the stored mark.
    static func companyType(_ raw: String, distributor: Bool, whenNotAllowed kind: WorkflowError.Kind = .invalid) throws(WorkflowError) -> CompanyType {
        let allowed = CompanyType.allowed(distributor: distributor)
        guard let type = CompanyType(rawValue: raw), allowed.contains(type) else {
            let hint = distributor ? "" : " (the distributor types need an operator to mark the company as a distributor partner)"
            throw WorkflowError(CompanyType(rawValue: raw) == nil ? .invalid : kind, code: "company_type_not_allowed",
                                "company_type must be one of \(allowed.map(\.rawValue).joined(separator: ", "))\(hint)")
        }
        return type
    }
}
