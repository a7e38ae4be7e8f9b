import Foundation
public import Hummingbird
import Mustache
import NIOCore
import Store
public import Workflow

/// The customer portal: the pages customers use in a browser, in English and French, over the
/// same workflows as the API. This first part covers the way in: what the platform asks of a
/// new customer (`/`), sign-up by e-mail (`/signup`, and `/signup/complete` that the e-mail
/// links to), sign-in and sign-out, the signed-in account page, and registering a company.
///
/// - Sessions: the bearer token of an ordinary sign-in, in an `HttpOnly` cookie with
///   `SameSite=Lax` (so links from e-mails arrive signed in) and `Secure` behind https;
///   signing out revokes the token.
/// - Every form carries a CSRF token compared in constant time with a cookie of its own.
/// - Every page is rendered by Mustache, which escapes every value, and sent with a strict
///   Content-Security-Policy: nothing is loaded from another host, no inline script runs;
///   the one script (`local-time.js`) only shows times in the reader's time zone.
/// - No page tells whether an address has an account: sign-up answers the same either way.
public struct PortalController: Sendable {
    let accounts: Accounts
    let companies: Companies
    let credentials: Credentials
    let intake: CertificateIntake
    let views: CertificateViews
    let catalog: Catalog
    /// Ports and their LOAs; nil when no signing identity is configured (no ports then).
    let ports: Ports?
    /// The templates per language, with their `{{t.key}}` texts written in (see
    /// ``PortalTexts/localizedLibrary(directory:language:)``).
    let templates: [String: MustacheLibrary]
    let texts: PortalTexts
    /// The `<option>`s of every country per language, rendered once from
    /// `country_options.mustache`: the 249 options were most of a search page's rendering.
    let countryOptionsHTML: [String: CountryOptions]
    let stylesheet: String
    /// The one script: shows `<time>` elements in the reader's time zone.
    let localTimeScript: String
    let secureCookies: Bool
    let supportAddress: String
    /// The limits on sign-in, sign-up, resets and invitations; ``buildRouter(dependencies:)``
    /// gives the portal the API's, so both count in the same buckets.
    public var rateLimits = RateLimits()

    /// The portal's pages: HTML for browsers, not part of the API contract (`openapi.yaml`).
    static let paths: Set<String> = corePaths.union(accountPaths).union(memberPaths).union(portPaths)

    static let corePaths: Set<String> = [
        "/", "/language", "/signup", "/signup/complete", "/signin", "/signout", "/account", "/companies/new", "/companies/{id}/details",
        "/companies/{id}", "/companies/{id}/certificate", "/portal/style.css", "/portal/local-time.js",
    ]

    /// Every template the portal renders; all must load at start.
    static let requiredTemplates = ["header", "footer", "country_options", "home", "signup", "signup_sent", "signup_complete", "signin", "account", "company_new", "certificate", "company", "error"]
        + accountTemplates + memberTemplates + portTemplates

    static let sessionCookie = "pw_session"
    static let csrfCookie = "pw_csrf"
    static let languageCookie = "pw_lang"
    static let companyCookie = "pw_company"
    static let sessionLifetime = 30 * 24 * 3600

    /// Loads the templates, strings and stylesheet from `directory` (`templates/portal`);
    /// throws if any is missing, so a broken deployment fails at start, not on a customer.
    public static func load(
        directory: String, accounts: Accounts, companies: Companies, credentials: Credentials, intake: CertificateIntake, views: CertificateViews,
        catalog: Catalog, ports: Ports?, secureCookies: Bool, supportAddress: String
    ) async throws -> PortalController {
        let texts = try PortalTexts(directory: directory)
        var templates: [String: MustacheLibrary] = [:]
        for language in PortalTexts.languages {
            templates[language] = try texts.localizedLibrary(directory: directory, language: language)
        }
        for name in requiredTemplates where templates["en"]?.getTemplate(named: name) == nil {
            throw WorkflowError(.invalid, code: "portal_template_missing", "no portal template \(name).mustache in \(directory)")
        }
        guard let stylesheet = try? String(contentsOfFile: directory + "/style.css", encoding: .utf8) else {
            throw WorkflowError(.invalid, code: "portal_template_missing", "no portal stylesheet style.css in \(directory)")
        }
        guard let localTimeScript = try? String(contentsOfFile: directory + "/local-time.js", encoding: .utf8) else {
            throw WorkflowError(.invalid, code: "portal_template_missing", "no portal script local-time.js in \(directory)")
        }
        var countryOptionsHTML: [String: CountryOptions] = [:]
        for language in PortalTexts.languages {
            countryOptionsHTML[language] = CountryOptions(templates[language]?.render(["countries": texts.countryOptions(language, chosen: "")], withTemplate: "country_options") ?? "")
        }
        return PortalController(
            accounts: accounts, companies: companies, credentials: credentials, intake: intake, views: views, catalog: catalog, ports: ports, templates: templates,
            texts: texts, countryOptionsHTML: countryOptionsHTML, stylesheet: stylesheet, localTimeScript: localTimeScript, secureCookies: secureCookies, supportAddress: supportAddress
        )
    }

    struct EmailForm: Decodable { var csrf: String?; var email: String? }
    struct CompleteForm: Decodable { var csrf: String?; var token: String?; var password: String?; var full_name: String?; var job_title: String? }
    struct SignInForm: Decodable { var csrf: String?; var email: String?; var password: String?; var next: String? }
    struct CSRFForm: Decodable { var csrf: String? }
    struct CompanyForm: Decodable {
        var csrf: String?; var legal_name: String?; var country: String?; var registration_number: String?; var company_type: String?
    }

    /// What every page knows about its reader.
    struct Reader {
        var language: String
        var csrf: String
        /// Set when the CSRF cookie was just made and must be sent with the page.
        var newCSRF: Bool
        var user: UserAccount?
        var path: String
        /// The companies the signed-in person belongs to (at most 100), and the one in use:
        /// the company of the page's `/companies/{id}` path, else the last one used
        /// (a cookie), else the first.
        var companies: [Companies.View] = []
        var company: Companies.View?
        /// Set when the company in use changed and the cookie must follow.
        var companyChanged = false

        /// Who acts for this reader in the workflows.
        var principal: Principal? { user.map { .user(id: $0.id) } }
    }

    /// Adds the portal's routes.
    public func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("portal/style.css") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: stylesheet))
            )
        }
        router.get("portal/local-time.js") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: localTimeScript))
            )
        }
        router.get("/") { request, _ -> Response in
            let reader = try await reader(request)
            return try page("home", reader, title: "home_title", [:])
        }
        router.get("language") { request, _ -> Response in
            let wanted = request.uri.queryParameters["to"].map(String.init) ?? ""
            let back = Self.localPath(request.uri.queryParameters["back"].map(String.init))
            var response = Self.redirect(back)
            if PortalTexts.languages.contains(wanted) {
                response.setCookie(cookie(Self.languageCookie, wanted, maxAge: 365 * 24 * 3600, httpOnly: true))
                // Signed in, the choice is the person's too: their e-mails follow it.
                if let secret = request.cookies[Self.sessionCookie]?.value, !secret.isEmpty,
                   let (principal, _) = try await credentials.authenticate(secret, recordingUse: false), case let .user(id) = principal {
                    try await accounts.setPreferredLanguage(userID: id, language: wanted)
                }
            }
            return response
        }

        router.get("signup") { request, _ -> Response in
            try page("signup", try await reader(request), title: "signup_title", [:])
        }
        router.post("signup") { request, context -> Response in
            let reader = try await reader(request)
            let form = try await Self.form(EmailForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            let email = (form.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            if let refusal = limited(.signUp, address: email, request, context) {
                return try tooMany(refusal, page("signup", reader, title: "signup_title", ["email": email, "emailError": tooManyText(refusal, reader)], status: .tooManyRequests))
            }
            do {
                try await accounts.startSignup(email: email, language: reader.language)
            } catch let error as WorkflowError where error.kind == .invalid {
                return try page("signup", reader, title: "signup_title", ["email": email, "emailError": message(error, reader)], status: .unprocessableContent)
            }
            // The same answer whether or not the address has an account: only the e-mail differs.
            return try page("signup_sent", reader, title: "signup_sent_title", ["email": email])
        }
        router.get("signup/complete") { request, _ -> Response in
            let reader = try await reader(request)
            let token = request.uri.queryParameters["token"].map(String.init) ?? ""
            return try page("signup_complete", reader, title: "complete_title", ["token": token])
        }
        // The form is multipart (an optional photo); a URL-encoded one is still read. The link's
        // token is also in the form's address, so a photo too large to read keeps the link.
        router.post("signup/complete") { request, _ -> Response in
            let reader = try await reader(request)
            let form: CompleteForm
            var photo: Accounts.Photo?
            if MultipartForm.isMultipart(request) {
                guard let multipart = try await photoForm(request) else {
                    let token = request.uri.queryParameters["token"].map(String.init) ?? ""
                    let values = ["token": token, "photoError": texts.text("account_error_photo_too_large", reader.language)]
                    return try page("signup_complete", reader, title: "complete_title", values, status: .contentTooLarge)
                }
                form = CompleteForm(
                    csrf: multipart.text("csrf"), token: multipart.text("token"), password: multipart.text("password"),
                    full_name: multipart.text("full_name"), job_title: multipart.text("job_title")
                )
                photo = Self.photo(in: multipart)
            } else {
                form = try await Self.form(CompleteForm.self, request)
            }
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            let kept: [String: Any] = ["token": form.token ?? "", "fullName": form.full_name ?? "", "jobTitle": form.job_title ?? ""]
            do {
                let jobTitle = (form.job_title ?? "").trimmingCharacters(in: .whitespaces)
                let session = try await accounts.completeSignup(
                    token: form.token ?? "", password: form.password ?? "", fullName: form.full_name ?? "",
                    jobTitle: jobTitle.isEmpty ? nil : jobTitle, photo: photo, language: reader.language
                )
                return signedIn(session.secret, reader)
            } catch let error as WorkflowError {
                var values = kept
                switch error.code {
                case "weak_password", "password_too_long": values["passwordError"] = message(error, reader)
                case "invalid_field" where error.message.hasPrefix("full_name"): values["nameError"] = message(error, reader)
                case "invalid_field" where error.message.hasPrefix("job_title"): values["titleError"] = message(error, reader)
                case "invalid_photo", "photo_too_large": values["photoError"] = accountMessage(error, reader)
                default: values["error"] = message(error, reader); values["linkProblem"] = true
                }
                // A password is never written back into a page (caches, history, shoulder surfing):
                // the other fields keep what was typed.
                return try page("signup_complete", reader, title: "complete_title", values, status: error.kind == .invalid ? .unprocessableContent : .ok)
            }
        }

        // `next` (a path on this site only) is where sign-in goes afterwards, such as back to
        // an invitation; kept in a hidden field across a failed attempt.
        router.get("signin") { request, _ -> Response in
            let next = Self.signInNext(request.uri.queryParameters["next"].map(String.init))
            return try page("signin", try await reader(request), title: "signin_title", next.map { ["next": $0] } ?? [:])
        }
        router.post("signin") { request, context -> Response in
            let reader = try await reader(request)
            let form = try await Self.form(SignInForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            let email = (form.email ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let next = Self.signInNext(form.next)
            if let refusal = limited(.signIn, address: email, request, context) {
                var values: [String: Any] = ["email": email, "error": tooManyText(refusal, reader)]
                if let next { values["next"] = next }
                return try tooMany(refusal, page("signin", reader, title: "signin_title", values, status: .tooManyRequests))
            }
            do {
                let session = try await accounts.signIn(email: email, password: form.password ?? "", tokenName: "portal")
                var response = signedIn(session.secret, reader)
                if let next { response.headers[.location] = next }
                return response
            } catch let error as WorkflowError where error.kind == .unauthenticated || error.kind == .invalid {
                var values: [String: Any] = ["email": email, "error": texts.text("signin_failed", reader.language)]
                if let next { values["next"] = next }
                return try page("signin", reader, title: "signin_title", values, status: .unauthorized)
            }
        }
        router.post("signout") { request, _ -> Response in
            let reader = try await reader(request)
            let form = try await Self.form(CSRFForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            if let secret = request.cookies[Self.sessionCookie]?.value, let (principal, token) = try await credentials.authenticate(secret, recordingUse: false) {
                _ = try await credentials.revoke(token.id, ownedBy: principal)
            }
            var response = Self.redirect("/")
            response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0, httpOnly: true))
            return response
        }

        addCompanyRoutes(to: router)
        addCertificateRoutes(to: router)
        addAccountRoutes(to: router)
        addMemberRoutes(to: router)
        addPortRoutes(to: router)

        router.get("account") { request, _ -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let list = try await companies.list(for: .user(id: user.id), status: nil)
            let rows = list.map { view -> [String: Any] in
                [
                    "id": view.company.id,
                    "legalName": view.company.legalName,
                    "country": texts.countryName(view.company.country, reader.language),
                    "status": texts.text("company_status_" + view.company.status.rawValue, reader.language),
                ]
            }
            return try page("account", reader, title: "account_title", ["companies": rows, "hasCompanies": !rows.isEmpty])
        }
    }

    // MARK: Registering a company, and its details

    /// `/companies/new`: legal name, country (every ISO country, named in the reader's
    /// language), registration number with what it looks like in common countries, and the
    /// company type, Enterprise or XaaS, each explained. The distributor categories appear
    /// only once an operator has marked the company as a distributor partner: then
    /// `/companies/{id}/details` offers them.
    func addCompanyRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("companies/new") { request, _ -> Response in
            let reader = try await reader(request)
            guard reader.user != nil else { return Self.redirect("/signin") }
            return try page("company_new", reader, title: "company_title", companyFormValues(reader, kept: CompanyForm()))
        }
        router.post("companies/new") { request, _ -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let form = try await Self.form(CompanyForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            do {
                let registered = try await companies.register(
                    by: user.id, legalName: form.legal_name ?? "", country: form.country ?? "",
                    registrationNumber: form.registration_number ?? "", companyType: form.company_type
                )
                // Next: its certificate of registration, from the company's status page.
                return Self.redirect("/companies/\(registered.company.id)")
            } catch let error as WorkflowError where error.kind == .invalid {
                var values = companyFormValues(reader, kept: form)
                companyFieldError(error, reader, into: &values)
                return try page("company_new", reader, title: "company_title", values, status: .unprocessableContent)
            }
        }

        // The declared data can change until a certificate is under review, and again when a
        // reviewer asks for more information; the type can always change, among the types the
        // company's distributor mark opens. Admins edit; other members read.
        router.get("companies/{id}/details") { request, context -> Response in
            let reader = try await reader(request)
            guard reader.user != nil else { return Self.redirect("/signin") }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            var values = companyDetailsValues(view, reader, kept: nil)
            if request.uri.queryParameters["saved"] != nil { values["saved"] = true }
            return try page("company_new", reader, title: "company_details_title", values)
        }
        router.post("companies/{id}/details") { request, context -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            let form = try await Self.form(CompanyForm.self, request)
            guard Self.same(form.csrf, reader.csrf) else { return try expired(reader) }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            let locked = !Self.declaredDataEditable(view.company)
            do {
                _ = try await companies.update(
                    view.company.id, by: .user(id: user.id),
                    legalName: locked ? nil : form.legal_name ?? "", country: locked ? nil : form.country ?? "",
                    registrationNumber: locked ? nil : form.registration_number ?? "", companyType: form.company_type
                )
                return Self.redirect("/companies/\(view.company.id)/details?saved=1")
            } catch let error as WorkflowError where error.kind == .invalid || error.kind == .conflict {
                var values = companyDetailsValues(view, reader, kept: form)
                companyFieldError(error, reader, into: &values)
                return try page("company_new", reader, title: "company_details_title", values, status: error.kind == .invalid ? .unprocessableContent : .conflict)
            } catch let error as WorkflowError {
                return try refused(error, reader)
            }
        }
    }

    /// Whether the legal name, country and number may change: reviewers check them against
    /// the certificate, so not while one is under review or after a decision, except when
    /// more information was asked for.
    static func declaredDataEditable(_ company: Company) -> Bool {
        company.status == .unverified || company.status == .needsInfo
    }

    /// A refused company form's error, beside its field.
    func companyFieldError(_ error: WorkflowError, _ reader: Reader, into values: inout [String: Any]) {
        switch error.code {
        case "invalid_country": values["countryError"] = message(error, reader)
        case "invalid_field" where error.message.hasPrefix("registration_number"): values["numberError"] = message(error, reader)
        case "invalid_field": values["nameError"] = message(error, reader)
        case "company_locked": values["error"] = message(error, reader)
        default: values["typeError"] = message(error, reader)
        }
    }

    /// The registration form's values: what was typed, the countries sorted by their name in
    /// the reader's language, and the types a company that is not a distributor may choose.
    func companyFormValues(_ reader: Reader, kept form: CompanyForm) -> [String: Any] {
        let chosen = (form.country ?? "").uppercased()
        return [
            "formAction": "/companies/new", "formHeading": texts.text("company_heading", reader.language),
            "formIntro": texts.text("company_intro", reader.language), "submitLabel": texts.text("company_submit", reader.language),
            "legalName": form.legal_name ?? "", "registrationNumber": form.registration_number ?? "",
            "countries": countryOptions(reader, chosen: chosen), "noCountry": chosen.isEmpty,
            "typeHint": texts.text("company_type_unsure", reader.language),
            "types": typeOptions(CompanyType.allowed(distributor: false), reader, chosen: form.company_type ?? CompanyType.enterprise.rawValue),
            "editable": true, "canSave": true,
        ]
    }

    /// A company's details as stored (or as typed, after a refusal): the declared data, read
    /// only once frozen, and the types its distributor mark opens; a form for admins only.
    func companyDetailsValues(_ view: Companies.View, _ reader: Reader, kept form: CompanyForm?) -> [String: Any] {
        let company = view.company
        let editable = Self.declaredDataEditable(company)
        let canSave = view.membership?.permissions.contains(.manageMembers) == true
        let chosen = (form?.country ?? company.country).uppercased()
        var values: [String: Any] = [
            "formAction": "/companies/\(company.id)/details", "formHeading": texts.text("company_details_heading", reader.language),
            "formIntro": texts.text(company.distributor ? "company_details_intro_distributor" : "company_details_intro", reader.language),
            "submitLabel": texts.text("company_details_submit", reader.language),
            "legalName": editable ? form?.legal_name ?? company.legalName : company.legalName,
            "registrationNumber": editable ? form?.registration_number ?? company.registrationNumber : company.registrationNumber,
            "countries": countryOptions(reader, chosen: editable ? chosen : company.country), "noCountry": false,
            "typeHint": texts.text(company.distributor ? "company_type_distributor" : "company_type_unsure", reader.language),
            "types": typeOptions(CompanyType.allowed(distributor: company.distributor), reader, chosen: form?.company_type ?? company.companyType.rawValue),
            "editable": editable && canSave, "canSave": canSave, "details": true,
        ]
        if !editable { values["lockedNotice"] = texts.text("company_details_locked", reader.language) }
        if !canSave { values["readOnlyNotice"] = texts.text("company_details_admins_only", reader.language) }
        return values
    }

    /// The company types as radio buttons, each named and explained, `chosen` checked.
    func typeOptions(_ types: [CompanyType], _ reader: Reader, chosen: String) -> [[String: Any]] {
        types.map { type in
            [
                "value": type.rawValue, "label": texts.text("type_" + type.rawValue, reader.language),
                "detail": texts.text("type_\(type.rawValue)_detail", reader.language), "checked": type.rawValue == chosen,
            ]
        }
    }

    // MARK: Readers, pages, forms

    /// Who is reading: language (their cookie, else their account's preference, else
    /// `Accept-Language`), CSRF token, account, and companies.
    func reader(_ request: Request) async throws -> Reader {
        var user: UserAccount?
        var memberOf: [Companies.View] = []
        if let secret = request.cookies[Self.sessionCookie]?.value, !secret.isEmpty, let signedIn = try await companies.signedIn(session: secret) {
            (user, memberOf) = (signedIn.user, signedIn.companies)
        }
        let chosen = request.cookies[Self.languageCookie]?.value ?? user?.preferredLanguage
        let language = PortalTexts.language(cookie: chosen, acceptLanguage: request.headers[.acceptLanguage])
        let existing = request.cookies[Self.csrfCookie]?.value ?? ""
        let csrf = existing.count >= 32 ? existing : LinkSecret.make(prefix: "")
        var reader = Reader(language: language, csrf: csrf, newCSRF: csrf != existing, user: user, path: request.uri.path)
        if user != nil {
            reader.companies = memberOf
            let remembered = request.cookies[Self.companyCookie]?.value
            let inPath = Self.companyID(inPath: reader.path)
            reader.company = reader.companies.first { $0.company.id == inPath }
                ?? reader.companies.first { $0.company.id == remembered }
                ?? reader.companies.first
            reader.companyChanged = reader.company != nil && reader.company?.company.id != remembered
        }
        return reader
    }

    /// The id in a `/companies/{id}…` path, if any.
    static func companyID(inPath path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0] == "companies", parts[1] != "new" else { return nil }
        return String(parts[1])
    }

    /// Passes the rate limits for `action` on this address and the request's client, or
    /// says how long to wait.
    func limited(_ action: RateLimits.Action, address: String, _ request: Request, _ context: PaperworkRequestContext) -> RateLimits.Refusal? {
        rateLimits.admit(action, address: address, client: rateLimits.client(of: request, remoteAddress: context.remoteAddress))
    }

    /// "Too many attempts; try again in N minutes", in the reader's language.
    func tooManyText(_ refusal: RateLimits.Refusal, _ reader: Reader) -> String {
        let minutes = (refusal.retryAfterSeconds + 59) / 60
        let key = minutes <= 1 ? "rate_limited_one_minute" : "rate_limited_minutes"
        return texts.text(key, reader.language).replacingOccurrences(of: "{minutes}", with: String(minutes))
    }

    /// A page answering a refused request: 429 with `Retry-After`.
    func tooMany(_ refusal: RateLimits.Refusal, _ page: Response) -> Response {
        var response = page
        response.headers[.retryAfter] = String(refusal.retryAfterSeconds)
        return response
    }

    func page(_ name: String, _ reader: Reader, title: String, _ values: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        var context = values
        let table = texts.table(reader.language)
        context["title"] = table[title] ?? title
        context["lang"] = reader.language
        context["csrf"] = reader.csrf
        context["support"] = supportAddress
        context["back"] = reader.path
        context["otherLanguages"] = PortalTexts.languages.filter { $0 != reader.language }.map { ["code": $0, "name": texts.text("language_name", $0)] }
        if let user = reader.user {
            context["user"] = ["fullName": user.fullName ?? user.email, "email": user.email, "hasPhoto": user.photoSHA256 != nil]
        }
        if let current = reader.company {
            let id = current.company.id
            // Not "current": templates use that word inside their own sections.
            context["companyInUse"] = [
                "id": id, "legalName": current.company.legalName,
                "others": reader.companies.filter { $0.company.id != id }.map { ["id": $0.company.id, "legalName": $0.company.legalName] },
                "several": reader.companies.count > 1,
            ] as [String: Any]
        }
        guard let html = (templates[reader.language] ?? templates["en"])?.render(context, withTemplate: name) else {
            throw APIError(.internalServerError, code: "internal_error", detail: "the portal template \(name) is missing")
        }
        var response = Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .init("Content-Security-Policy")!: "default-src 'none'; script-src 'self'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                .init("X-Frame-Options")!: "DENY", .init("Referrer-Policy")!: "same-origin", .init("X-Content-Type-Options")!: "nosniff",
                .contentLanguage: reader.language,
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
        if reader.newCSRF {
            response.setCookie(Cookie(name: Self.csrfCookie, value: reader.csrf, path: "/", secure: secureCookies, httpOnly: true, sameSite: .strict))
        }
        if reader.companyChanged, let id = reader.company?.company.id {
            response.setCookie(cookie(Self.companyCookie, id, maxAge: 365 * 24 * 3600, httpOnly: true))
        }
        return response
    }

    /// A form older than its CSRF cookie (or forged): shown again, never acted on.
    func expired(_ reader: Reader) throws -> Response {
        try page("error", reader, title: "error_title", ["message": texts.text("form_expired", reader.language)], status: .forbidden)
    }

    /// The reader's sentence for a workflow error: the code's own when the strings have one.
    func message(_ error: WorkflowError, _ reader: Reader) -> String {
        let table = texts.table(reader.language)
        return table["error_" + error.code] ?? table["error_generic"] ?? error.message
    }

    func signedIn(_ secret: String, _ reader: Reader) -> Response {
        var response = Self.redirect("/account")
        response.setCookie(cookie(Self.sessionCookie, secret, maxAge: Self.sessionLifetime, httpOnly: true))
        return response
    }

    func cookie(_ name: String, _ value: String, maxAge: Int, httpOnly: Bool) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: httpOnly, sameSite: .lax)
    }

    /// Only paths on this site, so the language switch cannot redirect elsewhere.
    static func localPath(_ candidate: String?) -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.contains("\\"),
              candidate.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { return "/" }
        return candidate
    }

    static func form<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try await ConsoleController.form(type, request)
    }

    static func same(_ submitted: String?, _ expected: String) -> Bool {
        ConsoleController.same(submitted, expected)
    }

    static func redirect(_ location: String) -> Response {
        ConsoleController.redirect(location)
    }
}
