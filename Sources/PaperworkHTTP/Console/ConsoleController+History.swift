import Foundation
import Hummingbird
import Store
import Workflow

/// Looking back: decided items searched by reviewer, outcome, date and company (and the
/// reader's own); one company's whole file; and a dashboard of the workload drawn as
/// server-rendered SVG (no script, no external asset).
extension ConsoleController {
    func addHistoryRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("console/history") { request, _ -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let parameters = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
            func value(_ name: String) -> String? { parameters[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } }
            var filter = CertificateViews.HistoryFilter()
            filter.reviewer = value("mine") != nil ? session.principal.actorName : value("reviewer")
            filter.outcome = value("outcome").flatMap { DecisionOutcome(rawValue: $0)?.rawValue }
            filter.from = value("from")
            filter.to = value("to")
            filter.search = value("q")
            var values: [String: Any] = [
                "q": filter.search ?? "", "from": filter.from ?? "", "to": filter.to ?? "", "mine": value("mine") != nil,
                "outcomes": DecisionOutcome.allCases.map { ["value": $0.rawValue, "label": texts.label("outcome", $0.rawValue), "selected": $0.rawValue == filter.outcome] },
                "reviewers": try await views.reviewers(by: session.principal).map { ["value": $0, "selected": $0 == filter.reviewer] },
            ]
            var status = HTTPResponse.Status.ok
            do {
                let entries = try await views.history(filter, by: session.principal)
                values["entries"] = entries.map { entry -> [String: Any] in
                    Self.compact([
                        "when": Self.moment(entry.decision.createdAt) ?? false, "reviewer": entry.decision.reviewer,
                        "outcome": texts.label("outcome", entry.decision.outcome), "outcomeCode": entry.decision.outcome,
                        "reason": texts.label("reason", entry.decision.reasonCode), "message": entry.decision.message,
                        "certificateID": entry.certificate.id, "companyID": entry.company.id, "legalName": entry.company.legalName,
                        "registrationNumber": entry.company.registrationNumber, "country": entry.company.country,
                    ])
                }
                values["count"] = entries.count
            } catch let error as WorkflowError where error.kind == .invalid {
                values["dateError"] = error.message
                values["entries"] = [[String: Any]]()
                status = .unprocessableContent
            }
            return try page("history", base(session, title: "History", values), status: status)
        }

        router.get("console/companies/{id}") { request, context -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let file: CertificateViews.CompanyFile
            do {
                file = try await views.companyFile(try context.parameters.require("id"), by: session.principal)
            } catch let error as WorkflowError where error.kind == .notFound {
                return try errorPage(.notFound, "No such company.", csrf: session.csrfToken, reviewer: session.principal.actorName)
            }
            return try page("company", base(session, title: file.company.legalName, companyFileValues(file)))
        }

        router.get("console/dashboard") { request, _ -> Response in
            guard let (session, _) = try await session(request) else { return Self.redirect("/console/sign-in") }
            let dashboard = try await views.dashboard(by: session.principal)
            return try page("dashboard", base(session, title: "Dashboard", dashboardValues(dashboard)))
        }
    }

    /// A company's file: declared data, uploads with their decisions (both messages), people,
    /// the audit trail in words.
    func companyFileValues(_ file: CertificateViews.CompanyFile) -> [String: Any] {
        let company = file.company
        return [
            "companyID": company.id, "legalName": company.legalName, "country": company.country, "registrationNumber": company.registrationNumber,
            "companyType": texts.label("type", company.companyType.rawValue), "distributor": company.distributor,
            "companyStatus": texts.label("company", company.status.rawValue), "companyStatusCode": company.status.rawValue,
            "created": Self.moment(company.createdAt) ?? false,
            "uploads": file.uploads.map { upload -> [String: Any] in
                let certificate = upload.certificate
                return Self.compact([
                    "certificateID": certificate.id, "fileName": certificate.fileName ?? "(no name)", "when": Self.moment(certificate.createdAt) ?? false,
                    "uploader": upload.uploader.map { ($0.fullName ?? $0.email) + " <\($0.email)>" } ?? certificate.uploadedBy,
                    "status": texts.label("status", certificate.status.rawValue), "statusCode": certificate.status.rawValue,
                    "verdict": texts.label("verdict", certificate.verdict), "source": texts.label("source", certificate.source),
                    "reasons": certificate.reasons.joined(separator: ", "),
                    "decisions": upload.decisions.map { decision -> [String: Any] in
                        Self.compact([
                            "when": Self.moment(decision.createdAt) ?? false, "reviewer": decision.reviewer,
                            "outcome": texts.label("outcome", decision.outcome), "reason": texts.label("reason", decision.reasonCode),
                            "message": decision.message, "internalNote": decision.internalNote ?? "",
                        ])
                    },
                ])
            },
            "hasUploads": !file.uploads.isEmpty,
            "members": file.members.map { member -> [String: Any] in
                ["name": member.user.fullName ?? member.user.email, "email": member.user.email, "role": member.membership.role.rawValue,
                 "language": member.user.preferredLanguage ?? "en"]
            },
            "audit": file.audit.map { entry -> [String: Any] in
                [
                    "when": Self.moment(entry.at) ?? false, "actor": entry.actor, "what": "\(entry.entityType) \(entry.action.replacingOccurrences(of: "_", with: " "))",
                    "change": Self.auditChange(entry.before, entry.after),
                ]
            },
        ]
    }

    /// What an audit entry changed, field by field (`legal_name: A → B; status: x → y`); the
    /// new state alone when there was none before.
    static func auditChange(_ before: String?, _ after: String?) -> String {
        func object(_ json: String?) -> [String: String] {
            guard let json, let data = json.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
            return object.compactMapValues { $0 as? String }
        }
        let old = object(before), new = object(after)
        if old.isEmpty { return new["status"].map { "→ \($0)" } ?? "" }
        return Set(old.keys).union(new.keys).sorted().compactMap { key -> String? in
            guard old[key] != new[key] else { return nil }
            return "\(key.replacingOccurrences(of: "_", with: " ")): \(old[key] ?? "—") → \(new[key] ?? "—")"
        }.joined(separator: "; ")
    }

    /// The dashboard's figures and its three charts as SVG shapes (bars sized on the server).
    func dashboardValues(_ dashboard: CertificateViews.Dashboard) -> [String: Any] {
        let ageMax = max(1, dashboard.ageBuckets.map(\.count).max() ?? 1)
        let ageBars = dashboard.ageBuckets.enumerated().map { index, bucket -> [String: Any] in
            let width = Int(Double(bucket.count) / Double(ageMax) * 360)
            return ["y": 10 + index * 34, "textY": 10 + index * 34 + 17, "width": width, "label": bucket.label, "count": bucket.count,
                    "countX": 110 + width + 6, "late": index == 4]
        }
        let dayMax = max(1, dashboard.perDay.map { $0.approve + $0.requestInfo + $0.reject }.max() ?? 1)
        let columnWidth = 36
        let dayBars = dashboard.perDay.enumerated().map { index, day -> [String: Any] in
            let scale = 160.0 / Double(dayMax)
            let approve = Int(Double(day.approve) * scale), info = Int(Double(day.requestInfo) * scale), reject = Int(Double(day.reject) * scale)
            let x = 30 + index * columnWidth
            return [
                "x": x, "labelX": x + 14, "label": String(day.day.suffix(5)), "total": day.approve + day.requestInfo + day.reject,
                "approveY": 180 - approve, "approveHeight": approve,
                "infoY": 180 - approve - info, "infoHeight": info,
                "rejectY": 180 - approve - info - reject, "rejectHeight": reject,
                "totalY": 180 - approve - info - reject - 4,
                "title": "\(day.day): \(day.approve) approved, \(day.requestInfo) more information, \(day.reject) rejected",
            ]
        }
        let share = dashboard.decided == 0 ? 0 : Int((Double(dashboard.withinSLA) / Double(dashboard.decided) * 100).rounded())
        return [
            "ageBars": ageBars, "dayBars": dayBars, "chartWidth": 30 + dashboard.perDay.count * columnWidth + 10,
            "decided": dashboard.decided, "withinSLA": dashboard.withinSLA, "share": share, "shareWidth": share * 4,
            "slaHours": Int(review.slaHours), "days": dashboard.perDay.count,
        ]
    }
}
