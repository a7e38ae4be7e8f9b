import Foundation
import Hummingbird
import Intake
import Mustache
import NIOCore
import Store
public import Workflow

/// The reviewer console: server-rendered HTML from `templates/console/` (swift-mustache),
/// usable without JavaScript. A reviewer signs in with a staff token, sees the queue with due
/// times, claims an item, reads the page images beside the extracted text with the evidence
/// and the declared data, and decides.
///
/// Sessions are a random cookie (`HttpOnly`, `SameSite=Strict`, `Secure` behind HTTPS),
/// stored as a SHA-256 digest and ended by revoking the token. Every form carries the
/// session's CSRF token (the sign-in form a pre-session one), compared in constant time.
/// Mustache escapes every value; the pages send a strict Content-Security-Policy.
public struct ConsoleController: Sendable {
    let credentials: Credentials
    let review: ReviewQueue
    let views: CertificateViews
    let templates: MustacheLibrary
    let texts: ConsoleTexts
    let stylesheet: String
    /// The keyboard shortcuts (`keys.js`), an enhancement the pages work without.
    let keysScript: String
    let secureCookies: Bool
    let sessionLifetime: TimeInterval = 8 * 3600

    static let sessionCookie = "pw_console"
    static let preSessionCookie = "pw_console_csrf"

    /// Loads the console's templates from `directory` (`templates/console`).
    public static func load(directory: String, credentials: Credentials, review: ReviewQueue, views: CertificateViews, secureCookies: Bool) async throws -> ConsoleController {
        let templates = try await MustacheLibrary(directory: directory)
        for name in ["header", "footer", "sign_in", "queue", "certificate", "history", "company", "dashboard", "error"] where templates.getTemplate(named: name) == nil {
            throw WorkflowError(.invalid, code: "console_template_missing", "no console template \(name).mustache in \(directory)")
        }
        let stylesheet = (try? String(contentsOfFile: directory + "/style.css", encoding: .utf8)) ?? ""
        guard let keysScript = try? String(contentsOfFile: directory + "/keys.js", encoding: .utf8) else {
            throw WorkflowError(.invalid, code: "console_template_missing", "no console script keys.js in \(directory)")
        }
        return ConsoleController(
            credentials: credentials, review: review, views: views, templates: templates, texts: try ConsoleTexts(directory: directory),
            stylesheet: stylesheet, keysScript: keysScript, secureCookies: secureCookies
        )
    }

    struct SignInForm: Decodable { var csrf: String?; var token: String? }
    struct CSRFForm: Decodable { var csrf: String? }
    struct ClaimForm: Decodable { var csrf: String?; var certificate_id: String? }
    struct DecisionForm: Decodable {
        var csrf: String?
        var outcome: String?
        var reason_code: String?
        var message: String?
        var internal_note: String?
        var company_type: String?
        /// Ticked to approve although the evidence is incomplete or flags are set.
        var confirm: String?
    }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("console") { _, _ in Self.redirect("/console/queue") }
        router.get("console/style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"], body: .init(byteBuffer: ByteBuffer(string: stylesheet)))
        }
        router.get("console/keys.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "max-age=300"], body: .init(byteBuffer: ByteBuffer(string: keysScript)))
        }

        router.get("console/sign-in") { request, _ -> Response in
            if try await session(request) != nil { return Self.redirect("/console/queue") }
            let csrf = LinkSecret.make(prefix: "")
            var response = try page("sign_in", ["title": "Sign in", "csrf": csrf])
            response.setCookie(cookie(Self.preSessionCookie, csrf, maxAge: 3600))
            return response
        }

        router.post("console/sign-in") { request, _ -> Response in
            let form = try await Self.form(SignInForm.self, request)
            guard let expected = request.cookies[Self.preSessionCookie]?.value, Self.same(form.csrf, expected) else {
                return try errorPage(.forbidden, "This form has expired. Open the sign-in page again.", csrf: nil)
            }
            let secret = (form.token ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard let (principal, token) = try await credentials.authenticate(secret, recordingUse: false),
                  case .staff = principal else {
                var response = try page("sign_in", ["title": "Sign in", "csrf": expected, "error": "That is not a valid staff token."])
                response.status = .unauthorized
                return response
            }
            let expires = Date().addingTimeInterval(sessionLifetime)
            let cookieValue = try await credentials.openConsoleSession(for: principal, tokenID: token.id, until: expires)
            var response = Self.redirect("/console/queue")
            response.setCookie(cookie(Self.sessionCookie, cookieValue, maxAge: Int(sessionLifetime)))
            response.setCookie(cookie(Self.preSessionCookie, "", maxAge: 0))
            return response
        }

        router.post("console/sign-out") { request, _ -> Response in
            guard let (session, secret) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let form = try await Self.form(CSRFForm.self, request)
            guard Self.same(form.csrf, session.csrfToken) else { return try errorPage(.forbidden, "This form has expired; reload the page.", csrf: session.csrfToken) }
            try await credentials.closeConsoleSession(secret)
            var response = Self.redirect("/console/sign-in")
            response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
            return response
        }

        addQueueRoutes(to: router)
        addCertificateRoutes(to: router)
        addHistoryRoutes(to: router)
    }

    // MARK: Sessions, forms, pages

    func session(_ request: Request) async throws -> (ConsoleSession, String)? {
        guard let secret = request.cookies[Self.sessionCookie]?.value, !secret.isEmpty else { return nil }
        guard let session = try await credentials.consoleSession(secret) else { return nil }
        return (session, secret)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/console", secure: secureCookies, httpOnly: true, sameSite: .strict)
    }

    static func form<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await RequestBody.collect(request, limit: 64 * 1024)
        do {
            return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: buffer))
        } catch {
            throw APIError(.badRequest, code: "invalid_form", detail: "the form could not be read")
        }
    }

    /// Constant-time comparison of a submitted token with the expected one.
    static func same(_ submitted: String?, _ expected: String) -> Bool {
        guard let submitted, !expected.isEmpty else { return false }
        let a = Array(submitted.utf8), b = Array(expected.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// A stored timestamp for a `<time>` element: day, month, hour in UTC, which the portal's
    /// `local-time.js` (also loaded by the console) shows in the reviewer's time zone.
    static func moment(_ timestamp: String?) -> [String: String]? {
        guard let timestamp, let date = try? Date(timestamp, strategy: .iso8601) else { return nil }
        let style = Date.FormatStyle(date: .abbreviated, time: .shortened, locale: Locale(identifier: "en_GB"), timeZone: TimeZone(identifier: "UTC")!)
        return ["text": date.formatted(style) + " UTC", "iso": timestamp]
    }

    /// Values without their empty texts: Mustache shows a section for any string, even an
    /// empty one, so `{{#message}}…{{/message}}` must find no key when there is no message.
    static func compact(_ values: [String: Any]) -> [String: Any] {
        values.filter { !(($0.value as? String)?.isEmpty ?? false) }
    }

    static func duration(_ seconds: Int) -> String {
        let hours = seconds / 3600, minutes = (seconds % 3600) / 60
        return hours > 0 ? "\(hours) h \(minutes) min" : "\(minutes) min"
    }

    func base(_ session: ConsoleSession, title: String, _ values: [String: Any]) -> [String: Any] {
        var context = values
        context["title"] = title
        context["csrf"] = session.csrfToken
        context["reviewer"] = session.principal.actorName
        return context
    }

    func page(_ name: String, _ context: [String: Any], status: HTTPResponse.Status = .ok) throws -> Response {
        guard let html = templates.render(context, withTemplate: name) else {
            throw APIError(.internalServerError, code: "internal_error", detail: "the console template \(name) is missing")
        }
        return Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .init("Content-Security-Policy")!: "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                .init("X-Frame-Options")!: "DENY", .init("Referrer-Policy")!: "no-referrer", .init("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    func errorPage(_ status: HTTPResponse.Status, _ message: String, csrf: String?, reviewer: String? = nil) throws -> Response {
        var context: [String: Any] = ["title": "Not possible", "heading": "That did not work", "error": message]
        if let csrf, let reviewer {
            context["csrf"] = csrf
            context["reviewer"] = reviewer
        }
        return try page("error", context, status: status)
    }
}
