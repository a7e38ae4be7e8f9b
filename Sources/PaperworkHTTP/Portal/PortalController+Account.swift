import Foundation
import Hummingbird
import NIOCore
import Store
import Workflow

/// Passwords and settings: a forgotten password reset by an e-mailed link, a password changed
/// while signed in, and the profile (name, title, language, photo).
///
/// A new password ends every way in the old one opened: a reset revokes every token of the
/// account (every portal session and API token), then signs the person in afresh; a change
/// revokes all but the session that made it.
extension PortalController {
    /// The portal's account pages (see addRoutes(to:)).
    static let accountPaths: Set<String> = [
        "/password/forgot", "/password/reset", "/settings/profile", "/settings/password", "/settings/photo", "/settings/photo/remove",
    ]

    /// The templates the account pages render.
    static let accountTemplates: [String] = ["password_forgot", "password_sent", "password_reset", "settings_profile", "settings_password"]

    struct ResetForm: Decodable { var csrf: String?; var token: String?; var password: String? }
    struct PasswordChangeForm: Decodable { var csrf: String?; var current_password: String?; var new_password: String? }
    struct ProfileForm: Decodable { var csrf: String?; var full_name: String?; var job_title: String?; var language: String? }

    func addAccountRoutes(to router: Router<PaperworkRequestContext>) {
        addPasswordRoutes(to: router)
        addProfileRoutes(to: router)
    }

    // MARK: Forgotten and changed passwords

    /// `/password/forgot`, `/password/reset?token=` and `/settings/password`.
    func addPasswordRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("password/forgot") { request, _ -> Response in
            try page("password_forgot", try await reader(request), title: "password_forgot_title", [:])
        }
        router.post("password/forgot") { request, context -> Response in
            let reader = try await reader(request)
            let form = try await Self.form(EmailForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            let email = (form.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if let refusal = limited(.passwordReset, address: email, request, context) {
                let values = ["email": email, "emailError": tooManyText(refusal, reader)]
                return try tooMany(refusal, page("password_forgot", reader, title: "password_forgot_title", values, status: .tooManyRequests))
            }
            do {
                try await accounts.startPasswordReset(email: email, language: reader.language)
            } catch let error as WorkflowError where error.kind == .invalid {
                return try page("password_forgot", reader, title: "password_forgot_title", ["email": email, "emailError": accountMessage(error, reader)], status: .unprocessableContent)
            }
            // The same answer whether or not the address has an account: nothing is revealed.
            return try page("password_sent", reader, title: "password_sent_title", ["email": email])
        }
        router.get("password/reset") { request, _ -> Response in
            let reader = try await reader(request)
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            do {
                try await accounts.checkPasswordReset(token: token)
            } catch let error as WorkflowError where error.kind == .notFound || error.kind == .gone {
                return try resetLinkProblem(error, reader)
            }
            return try page("password_reset", reader, title: "password_reset_title", ["token": token])
        }
        router.post("password/reset") { request, _ -> Response in
            let reader = try await reader(request)
            let form = try await Self.form(ResetForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            let token = form.token ?? ""
            do {
                let session = try await accounts.resetPassword(token: token, password: form.password ?? "", tokenName: "portal")
                // The browser's old session cookie is replaced: that token is revoked anyway.
                return signedIn(session.secret, reader)
            } catch let error as WorkflowError where error.kind == .notFound || error.kind == .gone {
                return try resetLinkProblem(error, reader)
            } catch let error as WorkflowError where error.kind == .invalid {
                return try page("password_reset", reader, title: "password_reset_title", ["token": token, "passwordError": accountMessage(error, reader)], status: .unprocessableContent)
            }
        }

        router.get("settings/password") { request, _ -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let saved = request.uri.queryParameters["saved"] != nil
            return try page("settings_password", reader, title: "settings_password_title", ["email": user.email, "saved": saved])
        }
        router.post("settings/password") { request, _ -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let form = try await Self.form(PasswordChangeForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            do {
                try await accounts.changePassword(userID: user.id, current: form.current_password ?? "", new: form.new_password ?? "", keeping: try await sessionTokenID(request))
                return Self.redirect("/settings/password?saved=1")
            } catch let error as WorkflowError where error.kind == .invalid || error.code == "wrong_password" {
                // A password is never written back into a page: both fields are typed again.
                var values: [String: Any] = ["email": user.email]
                if error.code == "wrong_password" {
                    values["currentError"] = accountMessage(error, reader)
                } else {
                    values["newError"] = accountMessage(error, reader)
                }
                return try page("settings_password", reader, title: "settings_password_title", values, status: .unprocessableContent)
            }
        }
    }

    /// A reset link that cannot be used: says why (unknown, used, expired or replaced) and
    /// offers a new one.
    func resetLinkProblem(_ error: WorkflowError, _ reader: Reader) throws -> Response {
        try page("password_reset", reader, title: "password_reset_title", ["linkError": accountMessage(error, reader)], status: error.kind == .gone ? .gone : .notFound)
    }

    /// The id of the token behind the request's session cookie, kept when the password changes.
    func sessionTokenID(_ request: Request) async throws -> String? {
        guard let secret = request.cookies[Self.sessionCookie]?.value, !secret.isEmpty,
              let (_, token) = try await credentials.authenticate(secret, recordingUse: false) else { return nil }
        return token.id
    }

    // MARK: Profile, language and photo

    /// `/settings/profile` (name, title, language), and `/settings/photo` to see, replace
    /// (`POST`, multipart) or remove (`/settings/photo/remove`) the photo.
    func addProfileRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("settings/profile") { request, _ -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            var values = profileValues(user, reader)
            switch request.uri.queryParameters["saved"].map(String.init) {
            case "profile": values["savedProfile"] = true
            case "photo": values["savedPhoto"] = true
            case "photo_removed": values["removedPhoto"] = true
            default: break
            }
            return try page("settings_profile", reader, title: "settings_profile_title", values)
        }
        router.post("settings/profile") { request, _ -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let form = try await Self.form(ProfileForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            let language = (form.language ?? "").isEmpty ? nil : form.language
            do {
                _ = try await accounts.saveProfile(userID: user.id, fullName: form.full_name ?? "", jobTitle: form.job_title ?? "", preferredLanguage: language)
            } catch let error as WorkflowError where error.kind == .invalid {
                var values = profileValues(user, reader, kept: form)
                switch error.code {
                case "invalid_language": values["languageError"] = accountMessage(error, reader)
                case "invalid_field" where error.message.hasPrefix("job_title"): values["titleError"] = accountMessage(error, reader)
                default: values["nameError"] = accountMessage(error, reader)
                }
                return try page("settings_profile", reader, title: "settings_profile_title", values, status: .unprocessableContent)
            }
            var response = Self.redirect("/settings/profile?saved=profile")
            // The pages follow the saved language at once: the cookie would otherwise win.
            if let language {
                response.setCookie(cookie(Self.languageCookie, language, maxAge: 365 * 24 * 3600, httpOnly: true))
            }
            return response
        }

        router.get("settings/photo") { request, _ -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let photo: (bytes: [UInt8], mimeType: String)
            do {
                photo = try await accounts.photo(userID: user.id)
            } catch let error as WorkflowError where error.kind == .notFound {
                return try notFound(reader)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: photo.mimeType, .cacheControl: "private, no-store", .init("X-Content-Type-Options")!: "nosniff",
                    .init("Content-Security-Policy")!: "default-src 'none'; sandbox",
                ],
                body: .init(byteBuffer: ByteBuffer(bytes: photo.bytes))
            )
        }
        router.post("settings/photo") { request, _ -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            var values = profileValues(user, reader)
            guard let form = try await photoForm(request) else {
                values["photoError"] = texts.text("account_error_photo_too_large", reader.language)
                return try page("settings_profile", reader, title: "settings_profile_title", values, status: .contentTooLarge)
            }
            guard Self.same(form.text("csrf"), reader.csrf) else { return try expired(reader) }
            guard let photo = Self.photo(in: form) else {
                values["photoError"] = texts.text("settings_photo_choose", reader.language)
                return try page("settings_profile", reader, title: "settings_profile_title", values, status: .unprocessableContent)
            }
            do {
                _ = try await accounts.setPhoto(userID: user.id, photo: photo)
            } catch let error as WorkflowError where error.kind == .invalid {
                values["photoError"] = accountMessage(error, reader)
                return try page("settings_profile", reader, title: "settings_profile_title", values, status: .unprocessableContent)
            }
            return Self.redirect("/settings/profile?saved=photo")
        }
        router.post("settings/photo/remove") { request, _ -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let form = try await Self.form(CSRFForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            _ = try await accounts.removePhoto(userID: user.id)
            return Self.redirect("/settings/profile?saved=photo_removed")
        }
    }

    /// The profile form's values: what was typed when `kept` is given, else what is stored;
    /// the languages by their own names.
    func profileValues(_ user: UserAccount, _ reader: Reader, kept form: ProfileForm? = nil) -> [String: Any] {
        let chosen = form?.language ?? user.preferredLanguage ?? reader.language
        return [
            "profileEmail": user.email,
            "profileName": form?.full_name ?? user.fullName ?? "",
            "profileTitle": form?.job_title ?? user.jobTitle ?? "",
            "languages": PortalTexts.languages.map { ["code": $0, "name": texts.text("language_name", $0), "selected": $0 == chosen] as [String: Any] },
            "hasPhoto": user.photoSHA256 != nil,
            // A new photo gets a new address, so no browser shows the old one.
            "photoVersion": String((user.photoSHA256 ?? "").prefix(16)),
        ]
    }

    /// A multipart form with a photo, read up to twice the photo limit so that a photo a
    /// little too large is still refused beside its field with the rest of the form kept;
    /// nil past that (the body was not read to its end).
    func photoForm(_ request: Request) async throws -> MultipartForm? {
        do {
            return try await MultipartForm.read(request, limit: 2 * accounts.policy.maxPhotoBytes + 64 * 1024)
        } catch let error as APIError where error.status == .contentTooLarge {
            return nil
        }
    }

    /// The form's `photo` file, nil when none was chosen (browsers send an empty part).
    static func photo(in form: MultipartForm) -> Accounts.Photo? {
        guard let part = form["photo"], !part.bytes.isEmpty else { return nil }
        return Accounts.Photo(bytes: part.bytes, declaredType: part.contentType, fileName: part.fileName)
    }

    /// The reader's sentence for an account error: the account pages' own string when there
    /// is one (`account_error_<code>`), else the portal's.
    func accountMessage(_ error: WorkflowError, _ reader: Reader) -> String {
        texts.table(reader.language)["account_error_" + error.code] ?? message(error, reader)
    }
}
