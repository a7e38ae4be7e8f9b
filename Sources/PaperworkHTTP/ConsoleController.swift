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
    let stylesheet: String
    let secureCookies: Bool
    let sessionLifetime: TimeInterval = 8 * 3600

    static let sessionCookie = "pw_console"
    static let preSessionCookie = "pw_console_csrf"

    /// Loads the console's templates from `directory` (`templates/console`).
    public static func load(directory: String, credentials: Credentials, review: ReviewQueue, views: CertificateViews, secureCookies: Bool) async throws -> ConsoleController {
        let templates = try await MustacheLibrary(directory: directory)
        for name in ["header", "footer", "sign_in", "queue", "certificate", "error"] where templates.getTemplate(named: name) == nil {
            throw WorkflowError(.invalid, code: "console_template_missing", "no console template \(name).mustache in \(directory)")
        }
        let stylesheet = (try? String(contentsOfFile: directory + "/style.css", encoding: .utf8)) ?? ""
        return ConsoleController(credentials: credentials, review: review, views: views, templates: templates, stylesheet: stylesheet, secureCookies: secureCookies)
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
    }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("console") { _, _ in Self.redirect("/console/queue") }
        router.get("console/style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "max-age=300"], body: .init(byteBuffer: ByteBuffer(string: stylesheet)))
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

        router.get("console/queue") { request, _ -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let items = try await review.items(by: session.principal)
            let rows: [[String: Any]] = items.map { item in
                [
                    "certificateID": item.certificate.id, "legalName": item.company.legalName, "country": item.company.country,
                    "registrationNumber": item.company.registrationNumber, "companyType": item.company.companyType.rawValue,
                    "verdict": item.certificate.verdict, "awaitingConfirmation": item.certificate.status == .awaitingConfirmation,
                    "dueAt": item.certificate.dueAt ?? "", "overdue": item.overdue, "timeLeft": Self.duration(abs(item.secondsLeft)),
                    "claimedBy": item.certificate.claimedBy ?? "",
                ]
            }
            return try page("queue", base(session, title: "Review queue", ["items": rows, "count": rows.count, "slaHours": Int(review.slaHours)]))
        }

        router.post("console/claims") { request, _ -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let form = try await Self.form(ClaimForm.self, request)
            guard Self.same(form.csrf, session.csrfToken) else { return try errorPage(.forbidden, "This form has expired; reload the page.", csrf: session.csrfToken) }
            do {
                let id = form.certificate_id.flatMap { $0.isEmpty ? nil : $0 }
                let item = try await review.claim(id, by: session.principal)
                return Self.redirect("/console/certificates/\(item.certificate.id)")
            } catch let error as WorkflowError {
                return try errorPage(.conflict, error.message, csrf: session.csrfToken, reviewer: session.principal.actorName)
            }
        }

        router.get("console/certificates/{id}") { request, context -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let id = try context.parameters.require("id")
            let reviewView: CertificateViews.Review
            do {
                reviewView = try await views.review(id, by: session.principal)
            } catch let error as WorkflowError {
                return try errorPage(.notFound, error.message, csrf: session.csrfToken, reviewer: session.principal.actorName)
            }
            return try page("certificate", base(session, title: reviewView.company.legalName, certificateValues(reviewView, reviewer: session.principal.actorName, notice: request.uri.queryParameters["decided"] != nil ? "Decision recorded." : nil)))
        }

        router.get("console/certificates/{id}/pages/{file}") { request, context -> Response in
            guard let (session, _) = try await session(request) else { return Response(status: .unauthorized) }
            let id = try context.parameters.require("id")
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".png"), let number = Int(file.dropLast(4)) else { throw APIError.notFound("page") }
            let png = try await views.preview(id, page: number, by: session.principal)
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }

        router.post("console/certificates/{id}/decision") { request, context -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let id = try context.parameters.require("id")
            let form = try await Self.form(DecisionForm.self, request)
            guard Self.same(form.csrf, session.csrfToken) else { return try errorPage(.forbidden, "This form has expired; reload the page.", csrf: session.csrfToken) }
            func blankToNil(_ text: String?) -> String? { text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } }
            do {
                _ = try await review.decide(id, .init(
                    outcome: form.outcome ?? "", reasonCode: form.reason_code ?? "", message: blankToNil(form.message),
                    internalNote: blankToNil(form.internal_note), companyType: blankToNil(form.company_type)
                ), by: session.principal)
                return Self.redirect("/console/certificates/\(id)?decided=1")
            } catch let error as WorkflowError {
                return try errorPage(error.kind == .invalid ? .unprocessableContent : .conflict, error.message, csrf: session.csrfToken, reviewer: session.principal.actorName)
            }
        }

        router.post("console/certificates/{id}/release") { request, context -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let form = try await Self.form(CSRFForm.self, request)
            guard Self.same(form.csrf, session.csrfToken) else { return try errorPage(.forbidden, "This form has expired; reload the page.", csrf: session.csrfToken) }
            try? await review.release(try context.parameters.require("id"), by: session.principal)
            return Self.redirect("/console/queue")
        }
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
                .init("Content-Security-Policy")!: "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
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

    func certificateValues(_ view: CertificateViews.Review, reviewer: String, notice: String?) -> [String: Any] {
        let certificate = view.certificate
        let texts = view.inspection.pageTexts
        let pageCount = max(certificate.pages, 1)
        var evidence: [[String: Any]] = []
        if let match = view.inspection.evidence.legalName {
            evidence.append(["label": "Legal name", "declared": match.declared, "found": match.found, "pages": match.pages.map(String.init).joined(separator: ", ")])
        }
        if let match = view.inspection.evidence.registrationNumber {
            evidence.append(["label": "Registration number", "declared": match.declared, "found": match.found, "pages": match.pages.map(String.init).joined(separator: ", ")])
        }
        let candidates = view.inspection.evidence.registrationNumberCandidates.joined(separator: ", ")
        var values: [String: Any] = [
            "certificateID": certificate.id, "legalName": view.company.legalName, "country": view.company.country,
            "registrationNumber": view.company.registrationNumber, "companyType": view.company.companyType.rawValue,
            "companyStatus": view.company.status.rawValue, "status": certificate.status.rawValue, "fileName": certificate.fileName ?? "(no name)",
            "sniffedMIME": certificate.sniffedMIME, "pages": certificate.pages, "verdict": certificate.verdict, "flags": certificate.flags,
            "claimedBy": certificate.claimedBy ?? "", "claimUntil": certificate.claimUntil ?? "",
            "evidence": evidence, "candidates": candidates,
            "pageList": (1...pageCount).map { number -> [String: Any] in
                ["number": number, "certificateID": certificate.id, "text": number <= texts.count ? texts[number - 1] : ""]
            },
            "hasDecisions": !view.decisions.isEmpty,
            "decisions": view.decisions.map { decision -> [String: Any] in
                ["createdAt": decision.createdAt, "reviewer": decision.reviewer, "outcome": decision.outcome, "reasonCode": decision.reasonCode,
                 "message": decision.message, "internalNote": decision.internalNote ?? ""]
            },
            "decidable": certificate.claimedBy == reviewer && CertificateStatus.inQueue.contains(certificate.status),
            "reasonGroups": DecisionOutcome.allCases.map { ["outcome": $0.rawValue, "codes": $0.reasonCodes] as [String: Any] },
            "companyTypes": CompanyType.allowed(distributor: view.company.distributor).map(\.rawValue),
        ]
        if let notice { values["notice"] = notice }
        return values
    }
}
