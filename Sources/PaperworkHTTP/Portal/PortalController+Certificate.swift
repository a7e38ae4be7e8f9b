import Foundation
import Hummingbird
import Store
import Workflow

/// The certificate of registration and the verification status, as the company sees them.
extension PortalController {
    /// `/companies/{id}` (the verification status) and `/companies/{id}/certificate` (what
    /// the certificate is, and its upload). Another company's id answers the same "not found"
    /// page as an unknown one.
    func addCertificateRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("companies/{id}") { request, context -> Response in
            let reader = try await reader(request)
            guard reader.user != nil else { return Self.redirect("/signin") }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            return try page("company", reader, title: "status_title", try await statusValues(view, reader))
        }
        router.get("companies/{id}/certificate") { request, context -> Response in
            let reader = try await reader(request)
            guard reader.user != nil else { return Self.redirect("/signin") }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            return try page("certificate", reader, title: "certificate_title", certificateValues(view, reader))
        }
        router.post("companies/{id}/certificate") { request, context -> Response in
            let reader = try await reader(request)
            guard let user = reader.user else { return Self.redirect("/signin") }
            guard let view = companyView(try context.parameters.require("id"), reader) else { return try notFound(reader) }
            var values = certificateValues(view, reader)
            let permit: CertificateIntake.UploadPermit
            do {
                permit = try await intake.permit(view.company.id, by: .user(id: user.id))
            } catch let error as WorkflowError {
                values["error"] = message(error, reader)
                return try page("certificate", reader, title: "certificate_title", values, status: .conflict)
            }
            let limit = intake.policy.maxUploadBytes
            let form: MultipartForm
            do {
                form = try await MultipartForm.read(request, limit: limit + 64 * 1024)
            } catch let error as APIError where error.status == .contentTooLarge {
                values["fileError"] = texts.text("reason_file_too_large", reader.language)
                return try page("certificate", reader, title: "certificate_title", values, status: .contentTooLarge)
            }
            guard Self.same(form.text("csrf"), reader.csrf) else { return try expired(reader) }
            guard let file = form["file"], !file.bytes.isEmpty else {
                values["fileError"] = texts.text("certificate_choose_file", reader.language)
                return try page("certificate", reader, title: "certificate_title", values, status: .unprocessableContent)
            }
            guard file.bytes.count <= limit else {
                values["fileError"] = texts.text("reason_file_too_large", reader.language)
                return try page("certificate", reader, title: "certificate_title", values, status: .contentTooLarge)
            }
            let outcome = try await intake.upload(.init(bytes: file.bytes, fileName: file.fileName, mimeType: file.contentType, idempotencyKey: nil), with: permit)
            guard outcome.certificate.status != .rejected else {
                // Each reason as a sentence saying what to do; the file is kept for reference.
                values["refused"] = true
                values["fileName"] = file.fileName ?? ""
                values["reasons"] = outcome.certificate.reasons.map { ["text": texts.table(reader.language)["reason_" + $0] ?? texts.text("reason_other", reader.language)] }
                return try page("certificate", reader, title: "certificate_title", values, status: .unprocessableContent)
            }
            return Self.redirect("/companies/\(view.company.id)")
        }
    }

    /// The company `id` as the reader sees it: one of the companies they belong to, read with
    /// the reader moments ago; nil (answered as not found) for any other id. Actions still go
    /// through the workflow, which checks access and permissions again.
    func companyView(_ id: String, _ reader: Reader) -> Companies.View? {
        reader.companies.first { $0.company.id == id }
    }

    func notFound(_ reader: Reader) throws -> Response {
        try page("error", reader, title: "error_title", ["message": texts.text("not_found", reader.language)], status: .notFound)
    }

    func certificateValues(_ view: Companies.View, _ reader: Reader) -> [String: Any] {
        ["companyID": view.company.id, "legalName": view.company.legalName, "maxMegabytes": intake.policy.maxUploadBytes / (1024 * 1024)]
    }

    /// The timeline of the latest certificate: uploaded, in review, then verified, more
    /// information needed or rejected; with the expected decision time and the reviewer's
    /// message to the customer.
    func statusValues(_ view: Companies.View, _ reader: Reader) async throws -> [String: Any] {
        let principal = Principal.user(id: reader.user?.id ?? "")
        let latest = try await intake.certificates(ofCompany: view.company.id)
            .filter { $0.status != .superseded && $0.status != .rejected }
            .max { $0.createdAt < $1.createdAt }
        var values: [String: Any] = [
            "companyID": view.company.id, "legalName": view.company.legalName,
            "companyStatus": texts.text("company_status_" + view.company.status.rawValue, reader.language),
            "canUpload": view.company.status != .verified && view.company.status != .rejected,
        ]
        guard let certificate = latest else {
            values["noCertificate"] = true
            return values
        }
        let decisions = try await views.customerDecisions(certificate.id, by: principal)
        let status = certificate.status
        let decided = status == .approved || status == .declined || status == .infoRequested
        values["certificate"] = [
            "fileName": certificate.fileName ?? "", "uploadedAt": moment(certificate.createdAt, reader),
        ]
        values["steps"] = [
            ["label": texts.text("timeline_uploaded", reader.language), "when": moment(certificate.createdAt, reader), "done": true, "current": false],
            ["label": texts.text("timeline_in_review", reader.language), "when": false, "done": true, "current": !decided],
            [
                "label": texts.text("timeline_" + (status == .approved ? "verified" : status == .declined ? "rejected" : status == .infoRequested ? "needs_info" : "decision"), reader.language),
                "when": decisions.last.map { moment($0.createdAt, reader) } ?? false, "done": decided, "current": decided,
            ],
        ]
        if !decided, let due = certificate.dueAt {
            values["expected"] = moment(due, reader)
        }
        if status == .infoRequested || status == .declined, let last = decisions.last {
            // The reason in words (what to do about it), then the reviewer's own note.
            if let reason = texts.table(reader.language)["decision_reason_" + last.reasonCode] { values["reviewerReason"] = reason }
            if !last.message.isEmpty { values["reviewerMessage"] = last.message }
        }
        values["verified"] = status == .approved
        values["needsInfo"] = status == .infoRequested
        values["rejected"] = status == .declined
        values["waiting"] = !decided
        return values
    }

    /// A stored timestamp for a `<time>` element: the text in UTC (as `formatted`), and the
    /// instant, which the portal's small script shows in the browser's own time zone.
    func moment(_ timestamp: String, _ reader: Reader) -> [String: String] {
        ["text": formatted(timestamp, reader), "iso": timestamp]
    }

    /// A stored timestamp as the reader reads dates: day, month in words, hour, in UTC (the
    /// pages run no script that could tell the browser's time zone).
    func formatted(_ timestamp: String, _ reader: Reader) -> String {
        guard let date = try? Date(timestamp, strategy: .iso8601) else { return timestamp }
        let style = Date.FormatStyle(date: .long, time: .shortened, locale: Locale(identifier: reader.language), timeZone: TimeZone(identifier: "UTC")!)
        return date.formatted(style) + " UTC"
    }
}
