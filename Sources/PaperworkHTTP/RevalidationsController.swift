import Foundation
import Hummingbird
import NIOCore
import Store
import Workflow

/// Revalidation runs for operators: `POST /v1/revalidations` starts one (the server's
/// background worker works it), `GET /v1/revalidations` lists them, `GET /v1/revalidations/{id}`
/// shows progress and counts, `GET /v1/revalidations/{id}/report` streams what changed as JSON
/// Lines or CSV.
struct RevalidationsController {
    let revalidation: Revalidation

    struct StartRequest: Decodable {
        var certificates: Bool?
        var statuses: [String]?
        var uploaded_since: String?
        var uploaded_before: String?
        var company_id: String?
        var loas: Bool?
        var loa_expiring_within_days: Int?
        var reissue_expiring: Bool?
        var signals: Bool?
    }

    struct RunStatus: ResponseEncodable {
        var run: RevalidationRunResponse
        var done: Int
        var in_progress: Int
        var pending: Int
        var outcomes: [String: Int]
        var report_url: String

        init(_ status: Revalidation.Status) {
            run = RevalidationRunResponse(status.run)
            done = status.done
            in_progress = status.inProgress
            pending = status.pending
            outcomes = status.outcomes
            report_url = "/v1/revalidations/\(status.run.id)/report"
        }
    }

    struct RunList: ResponseEncodable { var runs: [RevalidationRunResponse] }

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.post("v1/revalidations") { request, context -> EditedResponse<RunStatus> in
            let actor = try Self.requireOperator(context)
            let body = try await RequestBody.json(StartRequest.self, from: request, allowEmpty: true)
                ?? StartRequest(certificates: nil, statuses: nil, uploaded_since: nil, uploaded_before: nil, company_id: nil, loas: nil, loa_expiring_within_days: nil, reissue_expiring: nil, signals: nil)
            let filters = CertificateSelection(
                statuses: body.statuses, uploadedSince: body.uploaded_since, uploadedBefore: body.uploaded_before, companyID: body.company_id
            )
            // Checked even when certificates is false and they go unused: what the contract refuses is refused whatever else is sent.
            _ = try Revalidation.checked(filters)
            let selection = body.certificates == false ? nil : filters
            let run = try await revalidation.start(
                .init(certificates: selection, loas: body.loas ?? false, loaExpiringWithinDays: body.loa_expiring_within_days, reissueExpiring: body.reissue_expiring ?? false,
                       signals: body.signals ?? false),
                by: actor, executor: "server"
            )
            return EditedResponse(status: .accepted, headers: [.location: "/v1/revalidations/\(run.id)"], response: RunStatus(try await revalidation.status(run.id)))
        }
        router.get("v1/revalidations") { request, context -> RunList in
            _ = try Self.requireOperator(context)
            let limit = try QueryParameters(request).integer("limit", in: 1...500, default: 50)
            return RunList(runs: try await revalidation.runs(limit: limit).map(RevalidationRunResponse.init))
        }
        router.get("v1/revalidations/{id}") { _, context -> RunStatus in
            _ = try Self.requireOperator(context)
            return RunStatus(try await revalidation.status(try context.parameters.require("id")))
        }
        router.get("v1/revalidations/{id}/report") { request, context -> Response in
            _ = try Self.requireOperator(context)
            let query = QueryParameters(request)
            let format = query.string("format")
            if let format, format != "csv", format != "jsonl" {
                throw APIError(.badRequest, code: "invalid_format", detail: "format must be jsonl or csv")
            }
            let wantsCSV = format == "csv" || (format == nil && request.headers[.accept]?.contains("text/csv") == true)
            let everything = try query.boolean("all", default: false)
            let id = try context.parameters.require("id")
            let chunks = try await revalidation.report(runID: id, format: wantsCSV ? .csv : .jsonl, everything: everything)
            return Response(
                status: .ok,
                headers: [
                    .contentType: wantsCSV ? "text/csv; charset=utf-8" : "application/x-ndjson",
                    .contentDisposition: "attachment; filename=\"revalidation-\(id).\(wantsCSV ? "csv" : "jsonl")\"",
                ],
                body: ResponseBody { writer in
                    for try await chunk in chunks { try await writer.write(ByteBuffer(string: chunk)) }
                    try await writer.finish(nil)
                }
            )
        }
    }

    static func requireOperator(_ context: PaperworkRequestContext) throws -> String {
        let principal = try context.requirePrincipal()
        guard case .staff(.operator, _) = principal else {
            throw APIError(.forbidden, code: "operator_only", detail: "revalidation runs are for operators")
        }
        return principal.actorName
    }
}
