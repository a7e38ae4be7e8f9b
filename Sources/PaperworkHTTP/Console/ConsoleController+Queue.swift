import Foundation
import Hummingbird
import Store
import Workflow

/// The queue: every item can be opened without claiming it; filters and a search narrow it;
/// counts per state stay of the whole queue; the reader's own claims are marked; the time left
/// is coloured once under 12 hours and once overdue.
extension ConsoleController {
    /// The queue states a reviewer can pick, in the order the tabs show them.
    static let queueStates = ["all", "unclaimed", "mine", "claimed", "awaiting_confirmation"]

    func addQueueRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("console/queue") { request, _ -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let parameters = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
            let filter = Self.queueFilter(parameters)
            let queue = try await review.items(by: session.principal, matching: filter)
            return try page("queue", base(session, title: "Review queue", queueValues(queue, filter: filter, reviewer: session.principal.actorName)))
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
    }

    /// The filter a queue address asks for; unknown or empty values are ignored.
    static func queueFilter(_ parameters: [String: String]) -> ReviewQueue.QueueFilter {
        func value(_ name: String) -> String? {
            parameters[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        var filter = ReviewQueue.QueueFilter()
        filter.search = value("q")
        filter.state = value("state").flatMap { queueStates.contains($0) && $0 != "all" ? $0 : nil }
        filter.overdueOnly = value("due") == "overdue"
        if let due = value("due"), due != "overdue", let hours = Int(due), (1...720).contains(hours) { filter.dueWithinHours = hours }
        filter.country = value("country").map { $0.uppercased() }
        filter.verdict = value("verdict")
        filter.flag = value("flag")
        filter.source = value("source")
        return filter
    }

    /// The queue page's values: state tabs with counts, the filter form as sent, and a row per
    /// item with labels, the time left and what the reader can do.
    func queueValues(_ queue: ReviewQueue.FilteredQueue, filter: ReviewQueue.QueueFilter, reviewer: String) -> [String: Any] {
        let now = Timestamp.format(Date())
        let state = filter.state ?? "all"
        // Links keep the other filters when a tab changes the state.
        var kept = URLComponents()
        kept.queryItems = [
            ("q", filter.search), ("due", filter.overdueOnly ? "overdue" : filter.dueWithinHours.map(String.init)), ("country", filter.country),
            ("verdict", filter.verdict), ("flag", filter.flag), ("source", filter.source),
        ].compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
        let tabs = Self.queueStates.map { name -> [String: Any] in
            var link = kept
            if name != "all" { link.queryItems = (link.queryItems ?? []) + [URLQueryItem(name: "state", value: name)] }
            return ["label": texts.label("state", name), "count": queue.counts[name] ?? 0, "href": "/console/queue" + (link.string ?? ""), "current": name == state]
        }
        let rows = queue.items.map { item -> [String: Any] in
            let certificate = item.certificate
            let held = certificate.claimedBy != nil && (certificate.claimUntil ?? "") > now
            let mine = held && certificate.claimedBy == reviewer
            let evidence = queue.evidence[certificate.id]
            let ocrState = queue.ocr[certificate.id]
            return [
                "ocrPending": ocrState == .queued || ocrState == .running, "ocrFailed": ocrState == .failed,
                "hasEvidence": evidence.map { ($0.nameFound != nil || $0.numberFound != nil) && ($0.fromOCR || certificate.verdict == "accepted") } ?? false,
                "byOCR": evidence?.fromOCR ?? false,
                "nameFound": evidence?.nameFound ?? false, "numberFound": evidence?.numberFound ?? false,
                "certificateID": certificate.id, "legalName": item.company.legalName, "country": item.company.country,
                "registrationNumber": item.company.registrationNumber, "companyType": texts.label("type", item.company.companyType.rawValue),
                "verdict": texts.label("verdict", certificate.verdict), "verdictCode": certificate.verdict,
                "awaitingConfirmation": certificate.status == .awaitingConfirmation,
                "flags": certificate.flags.map { ["code": $0] }, "hasFlags": !certificate.flags.isEmpty,
                "revalidation": certificate.source == "revalidation",
                "due": Self.moment(certificate.dueAt) ?? false, "overdue": item.overdue, "soon": !item.overdue && item.secondsLeft < 12 * 3600,
                "timeLeft": Self.duration(abs(item.secondsLeft)),
                "mine": mine, "heldByOther": held && !mine, "claimedBy": held ? certificate.claimedBy ?? "" : "",
            ]
        }
        func options(_ kind: String, _ codes: [String], chosen: String?) -> [[String: Any]] {
            codes.map { ["value": $0, "label": texts.label(kind, $0), "selected": $0 == chosen] }
        }
        return [
            "items": rows, "shown": rows.count, "total": queue.counts["all"] ?? 0, "slaHours": Int(review.slaHours), "tabs": tabs, "state": state,
            "q": filter.search ?? "", "country": filter.country ?? "",
            "overdueCount": queue.counts["overdue"] ?? 0, "soonCount": queue.counts["due_soon"] ?? 0,
            "dueOptions": [
                ["value": "", "label": "Any time", "selected": !filter.overdueOnly && filter.dueWithinHours == nil],
                ["value": "overdue", "label": "Overdue", "selected": filter.overdueOnly],
                ["value": "12", "label": "Within 12 hours", "selected": filter.dueWithinHours == 12],
                ["value": "24", "label": "Within 24 hours", "selected": filter.dueWithinHours == 24],
                ["value": "48", "label": "Within 48 hours", "selected": filter.dueWithinHours == 48],
            ] as [[String: Any]],
            "verdictOptions": options("verdict", ["accepted", "needs_visual_review"], chosen: filter.verdict),
            "flagOptions": options("flag", Self.flagCodes, chosen: filter.flag),
            "sourceOptions": options("source", ["upload", "revalidation"], chosen: filter.source),
            "filtered": filter.search != nil || filter.overdueOnly || filter.dueWithinHours != nil || filter.country != nil
                || filter.verdict != nil || filter.flag != nil || filter.source != nil,
        ]
    }

    /// The flags intake sets, in the order the filter lists them.
    static let flagCodes = [
        "image_only", "incremental_updates", "form_fields", "signature_fields", "encrypted", "external_links", "automatic_actions",
        "xfa_form", "text_truncated", "pages_not_examined", "decoder_warnings", "sniff_disagreement",
    ]
}
