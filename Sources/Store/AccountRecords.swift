import Foundation

/// A customer's user account, as stored (never the password hash).
public struct UserAccount: Sendable, Hashable, Codable {
    /// Random identifier.
    public var id: String
    /// The normalized (lower-case) e-mail address, unique.
    public var email: String
    /// Full name from the profile.
    public var fullName: String?
    /// Job title from the profile.
    public var jobTitle: String?
    /// The profile photo's blob address, if one was uploaded.
    public var photoSHA256: String?
    /// The photo's sniffed MIME type (`image/png` or `image/jpeg`).
    public var photoType: String?
    /// When the account was created.
    public var createdAt: String
    /// The language the person chose for pages and e-mails (`en`, `fr`), if they chose one.
    public var preferredLanguage: String?

    /// An account as stored.
    public init(id: String, email: String, fullName: String?, jobTitle: String?, photoSHA256: String?, photoType: String?, createdAt: String, preferredLanguage: String? = nil) {
        self.id = id
        self.email = email
        self.fullName = fullName
        self.jobTitle = jobTitle
        self.photoSHA256 = photoSHA256
        self.photoType = photoType
        self.createdAt = createdAt
        self.preferredLanguage = preferredLanguage
    }

    enum CodingKeys: String, CodingKey {
        case id, email
        case fullName = "full_name"
        case jobTitle = "job_title"
        case photoSHA256 = "photo_sha256"
        case photoType = "photo_type"
        case createdAt = "created_at"
        case preferredLanguage = "preferred_language"
    }
}

/// The company types of the platform. Enterprise partners are `enterprise` or `xaas`;
/// distributor partners choose among the distributor types (and `xaas`).
public enum CompanyType: String, Sendable, Hashable, Codable, CaseIterable {
    /// An enterprise buying connectivity for itself.
    case enterprise
    /// Anything-as-a-service provider (open to both partner kinds).
    case xaas
    /// A cloud provider (distributors only).
    case cloud
    /// A datacenter operator (distributors only).
    case dataCenter = "data_center"
    /// An internet exchange (distributors only).
    case internetExchange = "internet_exchange"
    /// A network service provider (distributors only).
    case serviceProvider = "service_provider"

    /// The types a company may choose, by whether an operator has marked it a distributor.
    public static func allowed(distributor: Bool) -> [CompanyType] {
        distributor ? [.cloud, .dataCenter, .internetExchange, .serviceProvider, .xaas] : [.enterprise, .xaas]
    }
}

/// Where a company stands in verification. Only `verified` companies may order ports.
public enum CompanyStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Registered, no certificate under review yet.
    case unverified
    /// A certificate waits for a reviewer.
    case pendingReview = "pending_review"
    /// A reviewer approved the certificate of registration.
    case verified
    /// A reviewer refused it; final.
    case rejected
    /// A reviewer asked for more information; the company may upload again.
    case needsInfo = "needs_info"
}

/// A registered company.
public struct Company: Sendable, Hashable, Codable {
    /// Random identifier.
    public var id: String
    /// The legal name as declared, legal form included.
    public var legalName: String
    /// ISO 3166-1 alpha-2 country code, upper case.
    public var country: String
    /// The registration number as declared.
    public var registrationNumber: String
    /// The platform's company type.
    public var companyType: CompanyType
    /// Whether an operator has marked the company a distributor partner.
    public var distributor: Bool
    /// Verification status.
    public var status: CompanyStatus
    /// When it was registered.
    public var createdAt: String
    /// When it last changed.
    public var updatedAt: String

    /// A company as stored.
    public init(id: String, legalName: String, country: String, registrationNumber: String, companyType: CompanyType, distributor: Bool, status: CompanyStatus, createdAt: String, updatedAt: String) {
        self.id = id
        self.legalName = legalName
        self.country = country
        self.registrationNumber = registrationNumber
        self.companyType = companyType
        self.distributor = distributor
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, country, distributor, status
        case legalName = "legal_name"
        case registrationNumber = "registration_number"
        case companyType = "company_type"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// What a member may do in their company.
public enum Permission: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Invite, change and remove members; edit the company's declared data.
    case manageMembers = "manage_members"
    /// Upload certificates of registration.
    case uploadCertificates = "upload_certificates"
    /// Order and cancel ports (verified companies only).
    case orderPorts = "order_ports"
    /// Download Letters of Authorization.
    case downloadLOAs = "download_loas"

    public static func < (lhs: Permission, rhs: Permission) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A member's role in a company: a named set of permissions (extra ones may be granted on top).
public enum CompanyRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Everything, including managing members.
    case admin
    /// Orders ports and downloads their LOAs: the network engineer.
    case technical
    /// Uploads certificates of registration: legal or compliance staff.
    case compliance
    /// Reads the company's data only.
    case viewer

    /// The permissions the role grants by itself.
    public var permissions: Set<Permission> {
        switch self {
        case .admin: Set(Permission.allCases)
        case .technical: [.orderPorts, .downloadLOAs]
        case .compliance: [.uploadCertificates]
        case .viewer: []
        }
    }
}

/// One user's place in one company.
public struct Membership: Sendable, Hashable, Codable {
    /// The company.
    public var companyID: String
    /// The user.
    public var userID: String
    /// The role.
    public var role: CompanyRole
    /// Permissions granted on top of the role's.
    public var extraPermissions: Set<Permission>
    /// When the user joined.
    public var createdAt: String

    /// A membership as stored.
    public init(companyID: String, userID: String, role: CompanyRole, extraPermissions: Set<Permission>, createdAt: String) {
        self.companyID = companyID
        self.userID = userID
        self.role = role
        self.extraPermissions = extraPermissions
        self.createdAt = createdAt
    }

    /// What the member may do: the role's permissions and the extra ones.
    public var permissions: Set<Permission> { role.permissions.union(extraPermissions) }
}

/// An invitation to join a company, sent by e-mail with a secret token.
public struct Invitation: Sendable, Hashable, Codable {
    /// Random identifier (not the secret).
    public var id: String
    /// The company.
    public var companyID: String
    /// The invited address, normalized.
    public var email: String
    /// The role the member will have.
    public var role: CompanyRole
    /// Extra permissions the member will have.
    public var extraPermissions: Set<Permission>
    /// Who invited.
    public var invitedBy: String
    /// When it was sent.
    public var createdAt: String
    /// After this instant it can no longer be accepted.
    public var expiresAt: String
    /// When it was accepted, if it was.
    public var acceptedAt: String?
    /// When it was withdrawn or superseded, if it was.
    public var revokedAt: String?

    /// An invitation as stored.
    public init(id: String, companyID: String, email: String, role: CompanyRole, extraPermissions: Set<Permission>, invitedBy: String, createdAt: String, expiresAt: String, acceptedAt: String?, revokedAt: String?) {
        self.id = id
        self.companyID = companyID
        self.email = email
        self.role = role
        self.extraPermissions = extraPermissions
        self.invitedBy = invitedBy
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
        self.revokedAt = revokedAt
    }
}

/// A pending e-mail verification started by `POST /v1/signup`.
public struct Signup: Sendable, Hashable {
    /// Random identifier.
    public var id: String
    /// The address being verified, normalized.
    public var email: String
    /// After this instant the link no longer works.
    public var expiresAt: String
    /// When the account was created from it.
    public var completedAt: String?
}

/// Random secrets for links in e-mails (sign-up, invitations): 256 bits, URL-safe, shown
/// once and stored only as SHA-256 digests.
public enum LinkSecret {
    /// A new secret with a prefix saying what it is for (`su_`, `inv_`).
    public static func make(prefix: String) -> String {
        var random = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }
        return prefix + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// The digest stored in place of a secret.
    public static func digest(_ secret: String) -> String {
        blobAddress(of: Array(secret.utf8))
    }
}
