import Hummingbird
import Store
import Workflow

/// The review queue and claims: `GET /v1/review/queue`, `POST /v1/review/claims`,
/// `DELETE /v1/review/claims/{id}`; and the audit log for operators: `GET /v1/audit`.
struct ReviewController {
    let queue: ReviewQueue
    let auditLog: AuditLog

    struct ItemResponse: Encodable {
        var certificate_id: String
        var company_id: String
        var legal_name: String
        var country: String
        var registration_number: String
        var company_type: String
        var status: String
        var source: String
        var verdict: String
        var flags: [String]
        var queued_at: String?
        var due_at: String?
        var overdue: Bool
        var seconds_left: Int
        var claimed_by: String?
        var claim_until: String?
        var first_approval_by: String?

        init(_ item: ReviewQueue.Item) {
            certificate_id = item.certificate.id
            company_id = item.company.id
            legal_name = item.company.legalName
            country = item.company.country
            registration_number = item.company.registrationNumber
            company_type = item.company.companyType.rawValue
            status = item.certificate.status.rawValue
            source = item.certificate.source
            verdict = item.certificate.verdict
            flags = item.certificate.flags
            queued_at = item.certificate.queuedAt
            due_at = item.certificate.dueAt
            overdue = item.overdue
            seconds_left = item.secondsLeft
            claimed_by = item.certificate.claimedBy
            claim_until = item.certificate.claimUntil
            first_approval_by = item.certificate.firstApprovalBy
        }
    }

    struct QueueResponse: ResponseEncodable { var items: [ItemResponse] }
    struct ClaimRequest: Decodable { var certificate_id: String? }
    struct ClaimResponse: ResponseEncodable { var item: ItemResponse }
    struct AuditList: ResponseEncodable { var entries: [AuditEntryResponse] }

    /// What the audit log records entries about (the contract's `AuditEntry.entity_type`).
    static let auditEntityTypes = ["certificate", "company", "port", "loa", "revalidation_run"]

    func addRoutes(to router: Router<PaperworkRequestContext>) {
        router.get("v1/review/queue") { request, context -> QueueResponse in
            let limit = try QueryParameters(request).integer("limit", in: 1...500, default: 100)
            return QueueResponse(items: try await queue.items(by: try context.requirePrincipal(), limit: limit).map(ItemResponse.init))
        }
        router.post("v1/review/claims") { request, context -> ClaimResponse in
            let principal = try context.requirePrincipal()
            // No body (or `{}`) claims the oldest claimable item.
            let body = try await RequestBody.json(ClaimRequest.self, from: request, allowEmpty: true) ?? ClaimRequest(certificate_id: nil)
            return ClaimResponse(item: ItemResponse(try await queue.claim(body.certificate_id, by: principal)))
        }
        router.delete("v1/review/claims/{id}") { _, context -> HTTPResponse.Status in
            try await queue.release(try context.parameters.require("id"), by: try context.requirePrincipal())
            return .noContent
        }
        router.get("v1/audit") { request, context -> AuditList in
            guard case .staff(.operator, _) = try context.requirePrincipal() else {
                throw APIError(.forbidden, code: "operator_only", detail: "the audit log is for operators")
            }
            let query = QueryParameters(request)
            let filter = AuditRepository.Filter(
                entityType: try query.oneOf("entity_type", Self.auditEntityTypes), entityID: query.string("entity_id"), actor: query.string("actor"), action: query.string("action"),
                // Instants in any offset, compared in the stored form (UTC, milliseconds).
                since: try query.dateTime("since").map(Timestamp.format), until: try query.dateTime("until").map(Timestamp.format),
                after: try query.integer("after", in: 0...Int.max), limit: try query.integer("limit", in: 1...1000, default: 100)
            )
            return AuditList(entries: try await auditLog.entries(filter).map(AuditEntryResponse.init))
        }
    }
}
