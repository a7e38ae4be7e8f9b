import Hummingbird
import Store
import Workflow

/// The JSON shapes of accounts, companies and members, in the API's snake_case.
struct UserResponse: ResponseEncodable {
    var id: String
    var email: String
    var full_name: String?
    var job_title: String?
    var photo_url: String?
    var preferred_language: String?
    var created_at: String

    init(_ user: UserAccount) {
        id = user.id
        email = user.email
        full_name = user.fullName
        job_title = user.jobTitle
        photo_url = user.photoSHA256 == nil ? nil : "/v1/me/photo"
        preferred_language = user.preferredLanguage
        created_at = user.createdAt
    }
}

struct SessionResponse: ResponseEncodable {
    var token: String
    var token_id: String
    var user: UserResponse

    init(_ session: Accounts.Session) {
        token = session.secret
        token_id = session.token.id
        user = UserResponse(session.user)
    }
}

struct CompanyResponse: ResponseEncodable {
    var id: String
    var legal_name: String
    var country: String
    var registration_number: String
    var company_type: String
    var distributor: Bool
    var allowed_company_types: [String]
    var status: String
    var created_at: String
    var updated_at: String
    var my_role: String?
    var my_permissions: [String]?

    init(_ view: Companies.View) {
        self.init(company: view.company, membership: view.membership)
    }

    init(company: Company, membership: Membership? = nil) {
        id = company.id
        legal_name = company.legalName
        country = company.country
        registration_number = company.registrationNumber
        company_type = company.companyType.rawValue
        distributor = company.distributor
        allowed_company_types = CompanyType.allowed(distributor: company.distributor).map(\.rawValue)
        status = company.status.rawValue
        created_at = company.createdAt
        updated_at = company.updatedAt
        my_role = membership?.role.rawValue
        my_permissions = membership.map { $0.permissions.sorted().map(\.rawValue) }
    }
}

struct CompanyList: ResponseEncodable {
    var companies: [CompanyResponse]
}

struct MemberResponse: ResponseEncodable {
    var user_id: String
    var email: String
    var full_name: String?
    var job_title: String?
    var role: String
    var extra_permissions: [String]
    var permissions: [String]
    var joined_at: String

    init(_ member: Companies.Member) {
        user_id = member.user.id
        email = member.user.email
        full_name = member.user.fullName
        job_title = member.user.jobTitle
        role = member.membership.role.rawValue
        extra_permissions = member.membership.extraPermissions.sorted().map(\.rawValue)
        permissions = member.membership.permissions.sorted().map(\.rawValue)
        joined_at = member.membership.createdAt
    }
}

struct MemberList: ResponseEncodable {
    var members: [MemberResponse]
}

struct InvitationResponse: ResponseEncodable {
    var id: String
    var company_id: String
    var email: String
    var role: String
    var extra_permissions: [String]
    var created_at: String
    var expires_at: String

    init(_ invitation: Invitation) {
        id = invitation.id
        company_id = invitation.companyID
        email = invitation.email
        role = invitation.role.rawValue
        extra_permissions = invitation.extraPermissions.sorted().map(\.rawValue)
        created_at = invitation.createdAt
        expires_at = invitation.expiresAt
    }
}

struct InvitationList: ResponseEncodable {
    var invitations: [InvitationResponse]
}

struct AcceptedInvitationResponse: ResponseEncodable {
    var company_id: String
    var role: String
    var permissions: [String]
    var session: SessionResponse?
}
