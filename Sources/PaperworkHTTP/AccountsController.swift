import Foundation
import Hummingbird
import NIOCore
import Store
import Workflow

/// Sign-up, sessions and the caller's own profile:
/// `POST /v1/signup`, `POST /v1/signup/complete`, `POST /v1/sessions`,
/// `DELETE /v1/sessions/current`, `GET|PATCH /v1/me`, `GET|PUT /v1/me/photo`,
/// `POST /v1/me/password`, `POST /v1/password/forgot`, `POST /v1/password/reset`.
/// Sign-in, sign-up and reset requests pass the rate limits first (429 `rate_limited`).
struct AccountsController {
    let accounts: Accounts
    let companies: Companies
    let credentials: Credentials
    let maxPhotoBytes: Int
    let rateLimits: RateLimits

    struct SignupRequest: Decodable { var email: String }
    struct CompleteRequest: Decodable {
        var token: String
        var password: String
        var full_name: String
        var job_title: String?
    }
    struct SessionRequest: Decodable {
        var email: String
        var password: String
        var token_name: String?
    }
    struct ProfileRequest: Decodable {
        var full_name: String?
        var job_title: String?
        var preferred_language: String?
    }
    struct ForgotRequest: Decodable { var email: String; var language: String? }
    struct ResetRequest: Decodable { var token: String; var password: String; var token_name: String? }
    struct PasswordChangeRequest: Decodable { var current_password: String; var new_password: String }
    struct Accepted: ResponseEncodable { var status: String; var detail: String }
    struct Me: ResponseEncodable {
        var user: UserResponse
        var companies: [CompanyResponse]
    }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.post("v1/signup") { request, context -> EditedResponse<Accepted> in
            let body = try await RequestBody.json(SignupRequest.self, from: request)
            try admit(.signUp, address: body.email, request, context)
            try await accounts.startSignup(email: body.email)
            return EditedResponse(status: .accepted, response: Accepted(status: "verification_sent", detail: "if the address can sign up, a verification link is on its way"))
        }

        router.post("v1/signup/complete") { request, _ -> EditedResponse<SessionResponse> in
            let session: Accounts.Session
            if MultipartForm.isMultipart(request) {
                let form = try await MultipartForm.read(request, limit: maxPhotoBytes + RequestBody.jsonLimit)
                guard let token = form.text("token"), let password = form.text("password"), let name = form.text("full_name") else {
                    throw APIError(.badRequest, code: "missing_field", detail: "send the fields token, password and full_name (and optionally job_title and a photo file)")
                }
                let photo = form["photo"].flatMap { $0.bytes.isEmpty ? nil : Accounts.Photo(bytes: $0.bytes, declaredType: $0.contentType, fileName: $0.fileName) }
                session = try await accounts.completeSignup(token: token, password: password, fullName: name, jobTitle: form.text("job_title"), photo: photo)
            } else {
                let body = try await RequestBody.json(CompleteRequest.self, from: request)
                session = try await accounts.completeSignup(token: body.token, password: body.password, fullName: body.full_name, jobTitle: body.job_title, photo: nil)
            }
            return EditedResponse(status: .created, response: SessionResponse(session))
        }

        router.post("v1/sessions") { request, context -> EditedResponse<SessionResponse> in
            let body = try await RequestBody.json(SessionRequest.self, from: request)
            try admit(.signIn, address: body.email, request, context)
            let session = try await accounts.signIn(email: body.email, password: body.password, tokenName: body.token_name)
            return EditedResponse(status: .created, response: SessionResponse(session))
        }

        router.delete("v1/sessions/current") { _, context -> HTTPResponse.Status in
            let principal = try context.requirePrincipal()
            guard let tokenID = context.tokenID else { throw APIError.unauthenticated }
            _ = try await credentials.revoke(tokenID, ownedBy: principal)
            return .noContent
        }

        router.get("v1/me") { _, context -> Me in
            let userID = try requireUser(context)
            let user = try await accounts.user(userID)
            let views = try await companies.list(for: .user(id: userID), status: nil)
            return Me(user: UserResponse(user), companies: views.map(CompanyResponse.init))
        }

        router.patch("v1/me") { request, context -> UserResponse in
            let userID = try requireUser(context)
            let body = try await RequestBody.json(ProfileRequest.self, from: request)
            if let language = body.preferred_language {
                try await accounts.setPreferredLanguage(userID: userID, language: language)
            }
            return UserResponse(try await accounts.updateProfile(userID: userID, fullName: body.full_name, jobTitle: body.job_title))
        }

        // A new password ends the other sessions: every token of the account but the caller's.
        router.post("v1/me/password") { request, context -> HTTPResponse.Status in
            let userID = try requireUser(context)
            let body = try await RequestBody.json(PasswordChangeRequest.self, from: request)
            try await accounts.changePassword(userID: userID, current: body.current_password, new: body.new_password, keeping: context.tokenID)
            return .noContent
        }

        // The same answer whether or not the address has an account.
        router.post("v1/password/forgot") { request, context -> EditedResponse<Accepted> in
            let body = try await RequestBody.json(ForgotRequest.self, from: request)
            try admit(.passwordReset, address: body.email, request, context)
            try await accounts.startPasswordReset(email: body.email, language: body.language)
            return EditedResponse(status: .accepted, response: Accepted(status: "reset_sent", detail: "if the address has an account, a password-reset link is on its way"))
        }

        // Every token of the account is revoked; the answer is a new session.
        router.post("v1/password/reset") { request, _ -> EditedResponse<SessionResponse> in
            let body = try await RequestBody.json(ResetRequest.self, from: request)
            let session = try await accounts.resetPassword(token: body.token, password: body.password, tokenName: body.token_name ?? "api")
            return EditedResponse(status: .created, response: SessionResponse(session))
        }

        router.put("v1/me/photo") { request, context -> UserResponse in
            let userID = try requireUser(context)
            let bytes = try await RequestBody.collect(request, limit: maxPhotoBytes)
            let photo = Accounts.Photo(bytes: Array(buffer: bytes), declaredType: request.headers[.contentType], fileName: nil)
            return UserResponse(try await accounts.setPhoto(userID: userID, photo: photo))
        }

        router.get("v1/me/photo") { _, context -> Response in
            let userID = try requireUser(context)
            let (bytes, type) = try await accounts.photo(userID: userID)
            return Response(
                status: .ok,
                headers: [.contentType: type, .cacheControl: "private, max-age=300", .init("X-Content-Type-Options")!: "nosniff"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
            )
        }
    }
}

extension AccountsController {
    /// Passes the rate limits for `action` on this address and client, or throws 429.
    func admit(_ action: RateLimits.Action, address: String, _ request: Request, _ context: PaperworkRequestContext) throws {
        if let refusal = rateLimits.admit(action, address: address, client: rateLimits.client(of: request, remoteAddress: context.remoteAddress)) {
            throw refusal.apiError
        }
    }
}

/// The caller's user id; staff tokens have no profile (403 `user_only`).
func requireUser(_ context: PaperworkRequestContext) throws -> String {
    switch try context.requirePrincipal() {
    case let .user(id): return id
    case .staff: throw APIError(.forbidden, code: "user_only", detail: "this route is for customers' user accounts, not staff tokens")
    }
}
