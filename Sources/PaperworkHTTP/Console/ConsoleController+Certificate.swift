import Foundation
import Hummingbird
import Intake
import NIOCore
import Store
import Workflow

/// One certificate as a reviewer checks it: the declared data, what intake could and could not
/// see (the evidence, flags in words, an image-only document said plainly, the metadata), the
/// page images beside their text with the declared values highlighted, the decisions so far
/// (and the four-eyes state), then the decision: an outcome, a reason offered for that outcome
/// only, the message to the customer prefilled from the reason's template in the customer's
/// language, and an explicit confirmation before approving what intake could not back.
extension ConsoleController {
    /// The zoom levels of the page viewer, as CSS classes (`fit` is the column's width).
    static let zoomLevels = ["fit", "100", "200", "400"]

    func addCertificateRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("console/certificates/{id}") { request, context -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let parameters = request.uri.queryParameters
            let choice = DecisionChoice(
                outcome: parameters["outcome"].map(String.init), reason: parameters["reason"].map(String.init),
                zoom: parameters["zoom"].map(String.init), rotate: parameters["rotate"].flatMap { Int(String($0)) }
            )
            let notice = parameters["decided"] != nil ? "Decision recorded." : nil
            return try await certificatePage(try context.parameters.require("id"), session, choice: choice, notice: notice)
        }

        router.get("console/certificates/{id}/pages/{file}") { request, context -> Response in
            guard let (session, _) = try await session(request) else { return Response(status: .unauthorized) }
            let id = try context.parameters.require("id")
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".png"), let number = Int(file.dropLast(4)) else { throw APIError.notFound("page") }
            // `?dpi=300`: the full-resolution image, rendered in a worker once, then cached.
            let png = if let dpi = request.uri.queryParameters["dpi"].flatMap({ Int(String($0)) }) {
                try await views.pageImage(id, page: number, dpi: dpi, by: session.principal)
            } else {
                try await views.preview(id, page: number, by: session.principal)
            }
            return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600"], body: .init(byteBuffer: ByteBuffer(bytes: png)))
        }

        router.post("console/certificates/{id}/decision") { request, context -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let id = try context.parameters.require("id")
            let form = try await Self.form(DecisionForm.self, request)
            guard Self.same(form.csrf, session.csrfToken) else { return try errorPage(.forbidden, "This form has expired; reload the page.", csrf: session.csrfToken) }
            func blankToNil(_ text: String?) -> String? { text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } }
            let choice = DecisionChoice(outcome: form.outcome, reason: form.reason_code, zoom: nil, rotate: nil)
            // Approving what intake could not back needs the reviewer's explicit word.
            if form.outcome == DecisionOutcome.approve.rawValue, form.confirm != "yes" {
                let view = try await views.review(id, by: session.principal)
                if !Self.approvalWarnings(view).isEmpty {
                    return try await certificatePage(id, session, choice: choice, kept: form, fieldErrors: ["confirmError": "Tick the box to confirm you checked these points by eye, or choose another outcome."], status: .unprocessableContent)
                }
            }
            do {
                _ = try await review.decide(id, .init(
                    outcome: form.outcome ?? "", reasonCode: form.reason_code ?? "", message: blankToNil(form.message),
                    internalNote: blankToNil(form.internal_note), companyType: blankToNil(form.company_type)
                ), by: session.principal)
                return Self.redirect("/console/certificates/\(id)?decided=1")
            } catch let error as WorkflowError where error.kind == .invalid {
                let key = switch error.code {
                case "missing_field": "messageError"
                case "invalid_reason_code", "invalid_outcome": "reasonError"
                default: error.message.hasPrefix("company_type") ? "typeError" : "messageError"
                }
                return try await certificatePage(id, session, choice: choice, kept: form, fieldErrors: [key: error.message], status: .unprocessableContent)
            } catch let error as WorkflowError where error.kind == .conflict {
                // The claim lapsed, another reviewer decided, four-eyes: the page as it now is.
                return try await certificatePage(id, session, choice: choice, kept: form, fieldErrors: ["error": error.message], status: .conflict)
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

    /// What the reviewer picked so far: outcome and reason (from links, or the form sent back),
    /// and how the pages are shown.
    struct DecisionChoice {
        var outcome: String?
        var reason: String?
        var zoom: String?
        var rotate: Int?
    }

    /// The certificate page, with what was typed and errors when a decision was refused.
    func certificatePage(
        _ id: String, _ session: ConsoleSession, choice: DecisionChoice, notice: String? = nil,
        kept form: DecisionForm? = nil, fieldErrors: [String: String] = [:], status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let view: CertificateViews.Review
        do {
            view = try await views.review(id, by: session.principal)
        } catch let error as WorkflowError {
            return try errorPage(.notFound, error.message, csrf: session.csrfToken, reviewer: session.principal.actorName)
        }
        var values = certificateValues(view, reviewer: session.principal.actorName, choice: choice, kept: form)
        for (key, text) in fieldErrors { values[key] = text }
        if let notice { values["notice"] = notice }
        return try page("certificate", base(session, title: view.company.legalName, values), status: status)
    }

    /// One forensic signal as the certificate page shows it: its evidence in words and links.
    func signalValues(_ signal: ForensicSignal) -> [String: Any] {
        [
            "code": signal.code.rawValue, "label": texts.label("signal", signal.code.rawValue), "message": signal.message,
            "facts": signal.facts.map { ["name": $0.name, "value": $0.value] }, "hasFacts": !signal.facts.isEmpty,
            "removed": signal.textRemoved, "added": signal.textAdded, "hasDiff": !signal.textRemoved.isEmpty || !signal.textAdded.isEmpty,
            "pageLinks": signal.pages, "hasPages": !signal.pages.isEmpty, "hasAreas": !signal.areas.isEmpty,
            "related": signal.related.map { related -> [String: Any] in
                [
                    "href": related.certificateID.isEmpty ? false : "/console/certificates/\(related.certificateID)",
                    "companyName": related.companyName, "relation": texts.label("relation", related.relation),
                ]
            },
            "hasRelated": !signal.related.isEmpty,
        ]
    }

    /// The signals' areas on one page, in its points, to outline on its image.
    func areaValues(_ inspection: Inspection, page: Int) -> [[String: Any]] {
        inspection.signals.flatMap { signal in
            signal.areas.filter { $0.page == page }.map { area -> [String: Any] in
                // A little margin, so the outline does not hide the glyphs it points at.
                [
                    "code": signal.code.rawValue, "label": texts.label("signal", signal.code.rawValue),
                    "x": Self.decimal(area.x - 2), "y": Self.decimal(area.y - 2), "width": Self.decimal(area.width + 4), "height": Self.decimal(area.height + 4),
                ]
            }
        }
    }

    /// A length in points for SVG attributes, to a hundredth.
    static func decimal(_ value: Double) -> String {
        String(format: "%.2f", value.isFinite ? value : 0)
    }

    /// What intake could not back, each a sentence: the reviewer confirms them before approving.
    static func approvalWarnings(_ view: CertificateViews.Review) -> [String] {
        var warnings: [String] = []
        let evidence = view.inspection.evidence
        let searched = evidence.fromOCR ? "the OCR text" : "the text"
        if let name = evidence.legalName, !name.found { warnings.append("The declared legal name “\(name.declared)” was not found in \(searched).") }
        if let number = evidence.registrationNumber, !number.found { warnings.append("The declared registration number “\(number.declared)” was not found in \(searched).") }
        if evidence.fromOCR, evidence.legalName?.found == true || evidence.registrationNumber?.found == true {
            warnings.append("What was found, was found by OCR in the page images, not in a text layer: compare it with the images.")
        }
        if !view.certificate.flags.isEmpty { warnings.append("Intake set flags: \(view.certificate.flags.joined(separator: ", ")).") }
        if !view.inspection.signals.isEmpty {
            warnings.append("Forensic signals: \(view.inspection.signals.map(\.code.rawValue).joined(separator: ", ")).")
        }
        return warnings
    }

    func certificateValues(_ view: CertificateViews.Review, reviewer: String, choice: DecisionChoice, kept form: DecisionForm?) -> [String: Any] {
        let certificate = view.certificate
        let inspection = view.inspection
        let pageTexts = inspection.pageTexts
        let pageCount = max(certificate.pages, 1)
        let imageOnly = certificate.flags.contains(InspectionFlag.imageOnly.rawValue)
        let now = Timestamp.format(Date())
        let held = certificate.claimedBy != nil && (certificate.claimUntil ?? "") > now
        let mine = held && certificate.claimedBy == reviewer
        let inQueue = CertificateStatus.inQueue.contains(certificate.status)
        let metadata = Self.metadataRows(inspection.metadata)
        let ocrState = view.ocrJob?.state
        let recognized = inspection.ocr.filter { $0.status == .recognized }
        let fromOCR = inspection.evidence.fromOCR

        var evidence: [[String: Any]] = []
        var needles: [String] = []
        for (label, match) in [("Legal name", inspection.evidence.legalName), ("Registration number", inspection.evidence.registrationNumber)] {
            guard let match else { continue }
            if match.found { needles.append(match.declared) }
            evidence.append(Self.compact([
                "label": label, "declared": match.declared, "found": match.found, "pages": match.pages.map(String.init).joined(separator: ", "), "byOCR": fromOCR,
                "kind": match.kind.map { $0.rawValue.replacingOccurrences(of: "_", with: " ") } ?? "",
            ]))
        }
        let zoom = Self.zoomLevels.contains(choice.zoom ?? "") ? choice.zoom! : "fit"
        let rotate = [0, 90, 180, 270].contains(choice.rotate ?? 0) ? choice.rotate ?? 0 : 0
        func viewLink(zoom: String, rotate: Int) -> String {
            var items = [URLQueryItem(name: "zoom", value: zoom), URLQueryItem(name: "rotate", value: String(rotate))]
            if let outcome = choice.outcome { items.append(URLQueryItem(name: "outcome", value: outcome)) }
            if let reason = choice.reason { items.append(URLQueryItem(name: "reason", value: reason)) }
            var components = URLComponents()
            components.path = "/console/certificates/\(certificate.id)"
            components.queryItems = items
            return (components.string ?? "") + "#pages"
        }
        var values: [String: Any] = [
            "certificateID": certificate.id, "companyID": view.company.id, "legalName": view.company.legalName, "country": view.company.country,
            "registrationNumber": view.company.registrationNumber,
            "companyType": texts.label("type", view.company.companyType.rawValue), "companyTypeCode": view.company.companyType.rawValue,
            "companyStatus": texts.label("company", view.company.status.rawValue), "companyStatusCode": view.company.status.rawValue,
            "status": texts.label("status", certificate.status.rawValue), "statusCode": certificate.status.rawValue,
            "fileName": certificate.fileName ?? "(no name)", "sniffedMIME": certificate.sniffedMIME, "pages": certificate.pages,
            "uploaded": Self.moment(certificate.createdAt) ?? false, "due": Self.moment(certificate.dueAt) ?? false,
            "uploader": view.uploader.map { ($0.fullName ?? $0.email) + " <\($0.email)>" } ?? certificate.uploadedBy,
            "customerLanguage": view.customerLanguage == "fr" ? "French" : "English",
            "source": texts.label("source", certificate.source),
            "verdict": texts.label("verdict", certificate.verdict), "verdictCode": certificate.verdict,
            "imageOnly": imageOnly,
            "ocrPending": ocrState == .queued || ocrState == .running, "ocrFailed": ocrState == .failed, "ocrError": view.ocrJob?.errorCode ?? "",
            "ocrDone": ocrState == .done && !recognized.isEmpty, "ocrEmpty": ocrState == .done && recognized.isEmpty,
            "ocrConfidence": recognized.isEmpty ? 0 : recognized.map(\.confidence).reduce(0, +) / recognized.count,
            "ocrSkipped": inspection.ocr.filter { $0.status != .recognized }.map { ["page": $0.page, "status": $0.status.rawValue, "reason": $0.reason ?? ""] },
            "flags": certificate.flags.map { ["code": $0, "label": texts.label("flag", $0)] }, "hasFlags": !certificate.flags.isEmpty,
            "findings": inspection.findings.map { ["code": $0.code.rawValue, "message": $0.message] }, "hasFindings": !inspection.findings.isEmpty,
            "metadata": metadata, "hasMetadata": !metadata.isEmpty,
            "evidence": evidence, "candidates": inspection.evidence.registrationNumberCandidates.joined(separator: ", "),
            "claimedBy": held ? certificate.claimedBy ?? "" : "", "claimUntil": (held ? Self.moment(certificate.claimUntil) : nil) ?? false,
            "mine": mine, "heldByOther": held && !mine, "claimable": inQueue && !held,
            "zoom": zoom, "rotate": rotate,
            "zoomLinks": Self.zoomLevels.map { ["level": $0, "label": $0 == "fit" ? "Fit" : "\($0) %", "href": viewLink(zoom: $0, rotate: rotate), "current": $0 == zoom] },
            "rotateLink": viewLink(zoom: zoom, rotate: (rotate + 90) % 360),
            "signals": inspection.signals.map { signalValues($0) }, "hasSignals": !inspection.signals.isEmpty,
            "pageList": (1...pageCount).map { number -> [String: Any] in
                let text = number <= pageTexts.count ? pageTexts[number - 1] : ""
                let read = text.allSatisfy(\.isWhitespace) ? recognized.first { $0.page == number } : nil
                // The signals' areas are outlined on the upright page only.
                let pageSize = number <= inspection.pageSizes.count ? inspection.pageSizes[number - 1] : nil
                let areas = rotate == 0 && pageSize != nil ? areaValues(inspection, page: number) : []
                return [
                    "number": number, "certificateID": certificate.id, "segments": Self.highlighted(text, needles),
                    "areas": areas, "hasAreas": !areas.isEmpty,
                    "pageWidth": Self.decimal(pageSize?.width ?? 0), "pageHeight": Self.decimal(pageSize?.height ?? 0),
                    // Enlarged, the page is drawn from the 300 dpi image so that small print stays sharp.
                    "sharp": zoom == "200" || zoom == "400",
                    "noText": text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && read == nil,
                    "ocr": read.map { ["confidence": $0.confidence, "languages": $0.languages.joined(separator: "+"), "segments": Self.highlighted($0.text, needles)] as [String: Any] } ?? false,
                    "layerText": read == nil,
                ]
            },
            "hasDecisions": !view.decisions.isEmpty,
            "decisions": view.decisions.map { decision -> [String: Any] in
                Self.compact([
                    "when": Self.moment(decision.createdAt) ?? false, "reviewer": decision.reviewer,
                    "outcome": texts.label("outcome", decision.outcome), "reason": texts.label("reason", decision.reasonCode), "reasonCode": decision.reasonCode,
                    "message": decision.message, "internalNote": decision.internalNote ?? "",
                ])
            },
        ]
        values = Self.compact(values)
        if certificate.status == .awaitingConfirmation, let first = certificate.firstApprovalBy {
            values["firstApproval"] = first
            values["ownApproval"] = first == reviewer
        }
        guard mine, inQueue else { return values }

        // Deciding: outcome, then a reason for it, then the message in the customer's language.
        values["decidable"] = true
        let outcome = DecisionOutcome(rawValue: choice.outcome ?? "")
        values["outcomes"] = DecisionOutcome.allCases.map { candidate -> [String: Any] in
            ["value": candidate.rawValue, "label": texts.label("outcome", candidate.rawValue), "href": "/console/certificates/\(certificate.id)?outcome=\(candidate.rawValue)#decide", "current": candidate == outcome]
        }
        guard let outcome else { return values }
        let reason = outcome.reasonCodes.contains(choice.reason ?? "") ? choice.reason! : outcome.reasonCodes[0]
        values["outcome"] = outcome.rawValue
        values["outcomeLabel"] = texts.label("outcome", outcome.rawValue)
        values["reasonCode"] = reason
        values["reasons"] = outcome.reasonCodes.map { code -> [String: Any] in
            ["code": code, "label": texts.label("reason", code), "current": code == reason,
             "href": "/console/certificates/\(certificate.id)?outcome=\(outcome.rawValue)&reason=\(code)#decide"]
        }
        values["message"] = form?.message ?? texts.message(for: reason, language: view.customerLanguage)
        values["internalNote"] = form?.internal_note ?? ""
        values["messageRequired"] = outcome != .approve
        values["approving"] = outcome == .approve
        values["rejecting"] = outcome == .reject
        if outcome == .approve {
            let warnings = Self.approvalWarnings(view)
            values["warnings"] = warnings.map { ["text": $0] }
            values["guarded"] = !warnings.isEmpty
            values["confirmed"] = form?.confirm == "yes"
            values["companyTypes"] = CompanyType.allowed(distributor: view.company.distributor).map { type -> [String: Any] in
                ["value": type.rawValue, "label": texts.label("type", type.rawValue), "selected": type.rawValue == form?.company_type]
            }
        }
        return values
    }

    /// The document information as label and value rows, empty values left out.
    static func metadataRows(_ metadata: DocumentMetadata?) -> [[String: String]] {
        guard let metadata else { return [] }
        return [("Title", metadata.title), ("Author", metadata.author), ("Creator", metadata.creator), ("Producer", metadata.producer), ("Created", moment(metadata.creationDate)?["text"] ?? metadata.creationDate),
                ("Modified", moment(metadata.modificationDate)?["text"] ?? metadata.modificationDate)]
            .compactMap { label, value in value.flatMap { $0.isEmpty ? nil : ["label": label, "value": $0] } }
    }

    /// A page's text cut into plain and highlighted pieces: each needle found in any case,
    /// with any spaces, dots, dashes or slashes between its letters and digits (`912345678`
    /// finds `912 345 678`). Mustache escapes every piece.
    static func highlighted(_ text: String, _ needles: [String]) -> [[String: Any]] {
        guard !text.isEmpty else { return [] }
        var ranges: [Range<String.Index>] = []
        for needle in needles {
            let characters = needle.filter { $0.isLetter || $0.isNumber }
            guard characters.count >= 3 else { continue }
            let pattern = characters.map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: "[\\s.\\-/]*")
            guard let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { continue }
            for match in expression.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range, in: text) { ranges.append(range) }
            }
        }
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var segments: [[String: Any]] = []
        var cursor = text.startIndex
        for range in ranges where range.lowerBound >= cursor {
            if cursor < range.lowerBound { segments.append(["text": String(text[cursor..<range.lowerBound]), "mark": false]) }
            segments.append(["text": String(text[range]), "mark": true])
            cursor = range.upperBound
        }
        if cursor < text.endIndex { segments.append(["text": String(text[cursor...]), "mark": false]) }
        return segments
    }
}
