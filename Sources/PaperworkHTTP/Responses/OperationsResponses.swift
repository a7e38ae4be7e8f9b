import Store

/// A revalidation run as the API shows it (`RevalidationRun` in `openapi.yaml`).
struct RevalidationRunResponse: Encodable {
    var id: String
    var started_by: String
    var started_at: String
    var finished_at: String?
    var status: String
    var executor: String
    var selection: String
    var policy_version: String
    var libmagic_version: String
    var poppler_version: String
    var total: Int

    init(_ record: RevalidationRunRecord) {
        id = record.id
        started_by = record.startedBy
        started_at = record.startedAt
        finished_at = record.finishedAt
        status = record.status
        executor = record.executor
        selection = record.selection
        policy_version = record.policyVersion
        libmagic_version = record.libmagicVersion
        poppler_version = record.popplerVersion
        total = record.total
    }
}

/// An API token as its owner sees it, never its secret (`Token` in `openapi.yaml`).
struct TokenResponse: Encodable {
    var id: String
    var name: String
    var staff_role: String?
    var user_id: String?
    var created_at: String
    var last_used_at: String?
    var revoked_at: String?

    init(_ token: APIToken) {
        id = token.id
        name = token.name
        staff_role = token.staffRole?.rawValue
        user_id = token.userID
        created_at = token.createdAt
        last_used_at = token.lastUsedAt
        revoked_at = token.revokedAt
    }
}

/// One entry of the audit log (`AuditEntry` in `openapi.yaml`).
struct AuditEntryResponse: Encodable {
    var id: Int
    var at: String
    var actor: String
    var entity_type: String
    var entity_id: String
    var action: String
    var before: String?
    var after: String?

    init(_ entry: AuditEntry) {
        id = entry.id
        at = entry.at
        actor = entry.actor
        entity_type = entry.entityType
        entity_id = entry.entityID
        action = entry.action
        before = entry.before
        after = entry.after
    }
}
