import Foundation
import Hummingbird
import Store
import Workflow

/// Companies, members and invitations. Every route scopes by the caller: a company the
/// caller does not belong to answers 404 exactly like one that does not exist.
struct CompaniesController {
    let companies: Companies
    let rateLimits: RateLimits

    struct RegisterRequest: Decodable {
        var legal_name: String
        var country: String
        var registration_number: String
        var company_type: String?
    }
    struct UpdateRequest: Decodable {
        var legal_name: String?
        var country: String?
        var registration_number: String?
        var company_type: String?
    }
    struct DistributorRequest: Decodable {
        var distributor: Bool
        var company_type: String?
    }
    struct InviteRequest: Decodable {
        var email: String
        var role: String?
        var permissions: [String]?
    }
    struct MemberChangeRequest: Decodable {
        var role: String?
        var permissions: [String]?
    }
    struct AcceptRequest: Decodable {
        var token: String
        var password: String?
        var full_name: String?
        var job_title: String?
    }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.post("v1/companies") { request, context -> EditedResponse<CompanyResponse> in
            let userID = try requireUser(context)
            let body = try await RequestBody.json(RegisterRequest.self, from: request)
            let view = try await companies.register(by: userID, legalName: body.legal_name, country: body.country, registrationNumber: body.registration_number, companyType: body.company_type)
            return EditedResponse(status: .created, headers: [.location: "/v1/companies/\(view.company.id)"], response: CompanyResponse(view))
        }

        router.get("v1/companies") { request, context -> CompanyList in
            let principal = try context.requirePrincipal()
            let query = QueryParameters(request)
            let views = try await companies.list(
                for: principal, status: query.string("status"),
                limit: try query.integer("limit", in: 1...500, default: 100), offset: try query.integer("offset", in: 0...QueryParameters.maxOffset, default: 0)
            )
            return CompanyList(companies: views.map(CompanyResponse.init))
        }

        router.get("v1/companies/{id}") { _, context -> CompanyResponse in
            CompanyResponse(try await companies.access(try context.parameters.require("id"), by: try context.requirePrincipal()))
        }

        router.patch("v1/companies/{id}") { request, context -> CompanyResponse in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let body = try await RequestBody.json(UpdateRequest.self, from: request)
            return CompanyResponse(try await companies.update(id, by: principal, legalName: body.legal_name, country: body.country, registrationNumber: body.registration_number, companyType: body.company_type))
        }

        router.put("v1/companies/{id}/distributor") { request, context -> CompanyResponse in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let body = try await RequestBody.json(DistributorRequest.self, from: request)
            return CompanyResponse(try await companies.setDistributor(id, by: principal, distributor: body.distributor, companyType: body.company_type))
        }

        router.get("v1/companies/{id}/members") { _, context -> MemberList in
            let members = try await companies.members(of: try context.parameters.require("id"), by: try context.requirePrincipal())
            return MemberList(members: members.map(MemberResponse.init))
        }

        router.patch("v1/companies/{id}/members/{userID}") { request, context -> MemberResponse in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let userID = try context.parameters.require("userID")
            let body = try await RequestBody.json(MemberChangeRequest.self, from: request)
            return MemberResponse(try await companies.changeMember(userID, of: id, by: principal, role: body.role, permissions: body.permissions))
        }

        router.delete("v1/companies/{id}/members/{userID}") { _, context -> HTTPResponse.Status in
            try await companies.removeMember(try context.parameters.require("userID"), of: try context.parameters.require("id"), by: try context.requirePrincipal())
            return .noContent
        }

        router.post("v1/companies/{id}/invitations") { request, context -> EditedResponse<InvitationResponse> in
            let principal = try context.requirePrincipal()
            let id = try context.parameters.require("id")
            let body = try await RequestBody.json(InviteRequest.self, from: request)
            if let refusal = rateLimits.admit(.invitation, address: body.email, client: rateLimits.client(of: request, remoteAddress: context.remoteAddress)) {
                throw refusal.apiError
            }
            let invitation = try await companies.invite(to: id, by: principal, email: body.email, role: body.role, permissions: body.permissions)
            return EditedResponse(status: .created, response: InvitationResponse(invitation))
        }

        router.get("v1/companies/{id}/invitations") { _, context -> InvitationList in
            let invitations = try await companies.invitations(of: try context.parameters.require("id"), by: try context.requirePrincipal())
            return InvitationList(invitations: invitations.map(InvitationResponse.init))
        }

        router.delete("v1/companies/{id}/invitations/{invitationID}") { _, context -> HTTPResponse.Status in
            try await companies.withdrawInvitation(try context.parameters.require("invitationID"), of: try context.parameters.require("id"), by: try context.requirePrincipal())
            return .noContent
        }

        router.post("v1/invitations/accept") { request, context -> EditedResponse<AcceptedInvitationResponse> in
            let body = try await RequestBody.json(AcceptRequest.self, from: request)
            let (membership, session) = try await companies.acceptInvitation(token: body.token, by: context.principal, password: body.password, fullName: body.full_name, jobTitle: body.job_title)
            return EditedResponse(status: .created, response: AcceptedInvitationResponse(
                company_id: membership.companyID, role: membership.role.rawValue,
                permissions: membership.permissions.sorted().map(\.rawValue), session: session.map(SessionResponse.init)
            ))
        }
    }
}
