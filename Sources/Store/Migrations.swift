public import Foundation
public import SQLKit

/// One versioned change to the schema. Versions only grow; a shipped migration never changes.
public struct Migration: Sendable {
    /// The schema version this migration produces.
    public var version: Int
    /// What it does, recorded beside the version.
    public var name: String
    /// The change, run inside the migration transaction.
    public var apply: @Sendable (any SQLDatabase, SQLDialectKind) async throws -> Void

    /// A migration to `version`.
    public init(_ version: Int, _ name: String, apply: @escaping @Sendable (any SQLDatabase, SQLDialectKind) async throws -> Void) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

extension Store {
    /// Applies the migrations not yet applied, in order, each recorded in `schema_migrations`,
    /// all in one transaction. Several instances starting at once on PostgreSQL take turns (an
    /// advisory lock); on SQLite the immediate transaction does the same.
    /// - Returns: the versions applied now.
    @discardableResult
    public func migrate(_ migrations: [Migration] = Schema.migrations) async throws -> [Int] {
        let dialect = self.dialect
        let known = migrations.map(\.version).max() ?? 0
        return try await transaction { database in
            if dialect == .postgres {
                try await database.raw("SELECT pg_advisory_xact_lock(7274760001)").run()
            }
            try await database.create(table: "schema_migrations").ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .text, .notNull)
                .run()
            let applied = Set(try await database.select().column("version").from("schema_migrations").all(decodingColumn: "version", as: Int.self))
            if let newest = applied.max(), newest > known { throw StoreError.schemaTooNew(newest, known: known) }
            var done: [Int] = []
            for migration in migrations.sorted(by: { $0.version < $1.version }) where !applied.contains(migration.version) {
                try await migration.apply(database, dialect)
                try await database.insert(into: "schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(Timestamp.now()))
                    .run()
                done.append(migration.version)
            }
            return done
        }
    }

    /// The versions recorded in `schema_migrations`.
    public func appliedMigrations() async throws -> [Int] {
        try await withSession { database in
            try await database.select().column("version").from("schema_migrations").orderBy("version").all(decodingColumn: "version", as: Int.self)
        }
    }
}

/// Paperwork's schema, one migration per change (the SwiftPackageIndex-Server way).
public enum Schema {
    /// Every migration this build knows, oldest first.
    public static let migrations: [Migration] = [
        Migration(1, "blobs: stored files addressed by SHA-256 (PostgreSQL; SQLite keeps them as files)") { database, dialect in
            guard dialect == .postgres else { return }
            try await database.create(table: "blobs")
                .column("sha256", type: .text, .primaryKey(autoIncrement: false))
                .column("size", type: .bigint, .notNull)
                .column("content", type: .custom(SQLRaw("BYTEA")), .notNull)
                .run()
        },
        Migration(2, "outbox: e-mails written with the change that causes them, delivered later") { database, _ in
            try await database.create(table: "outbox")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("created_at", type: .text, .notNull)
                .column("kind", type: .text, .notNull)
                .column("recipient", type: .text, .notNull)
                .column("subject", type: .text, .notNull)
                .column("body", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("attempts", type: .bigint, .notNull)
                .column("next_attempt_at", type: .text, .notNull)
                .column("lease_until", type: .text)
                .column("last_error", type: .text)
                .column("sent_at", type: .text)
                .run()
            try await database.create(index: "outbox_due").on("outbox").column("status").column("next_attempt_at").run()
        },
        Migration(3, "users and API tokens (stored as SHA-256 digests)") { database, _ in
            try await database.create(table: "users")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("email", type: .text, .notNull, .unique)
                .column("password_hash", type: .text)
                .column("full_name", type: .text)
                .column("job_title", type: .text)
                .column("created_at", type: .text, .notNull)
                .run()
            try await database.create(table: "api_tokens")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("token_sha256", type: .text, .notNull, .unique)
                .column("user_id", type: .text, .references("users", "id"))
                .column("staff_role", type: .text)
                .column("created_at", type: .text, .notNull)
                .column("last_used_at", type: .text)
                .column("revoked_at", type: .text)
                .run()
            try await database.create(index: "api_tokens_user").on("api_tokens").column("user_id").run()
        },
        Migration(4, "accounts: sign-ups, profiles, companies, memberships, invitations") { database, _ in
            try await database.create(table: "signups")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("email", type: .text, .notNull)
                .column("token_sha256", type: .text, .notNull, .unique)
                .column("created_at", type: .text, .notNull)
                .column("expires_at", type: .text, .notNull)
                .column("completed_at", type: .text)
                .run()
            try await database.create(index: "signups_email").on("signups").column("email").run()
            try await database.alter(table: "users").column("photo_sha256", type: .text).run()
            try await database.alter(table: "users").column("photo_type", type: .text).run()
            try await database.create(table: "companies")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("legal_name", type: .text, .notNull)
                .column("country", type: .text, .notNull)
                .column("registration_number", type: .text, .notNull)
                .column("company_type", type: .text, .notNull)
                .column("distributor", type: .bigint, .notNull)
                .column("status", type: .text, .notNull)
                .column("created_by", type: .text, .notNull, .references("users", "id"))
                .column("created_at", type: .text, .notNull)
                .column("updated_at", type: .text, .notNull)
                .run()
            try await database.create(index: "companies_status").on("companies").column("status").column("created_at").run()
            try await database.create(table: "memberships")
                .column("company_id", type: .text, .notNull, .references("companies", "id"))
                .column("user_id", type: .text, .notNull, .references("users", "id"))
                .column("role", type: .text, .notNull)
                .column("extra_permissions", type: .text, .notNull)
                .column("created_at", type: .text, .notNull)
                .primaryKey("company_id", "user_id")
                .run()
            try await database.create(index: "memberships_user").on("memberships").column("user_id").run()
            try await database.create(table: "invitations")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("company_id", type: .text, .notNull, .references("companies", "id"))
                .column("email", type: .text, .notNull)
                .column("role", type: .text, .notNull)
                .column("extra_permissions", type: .text, .notNull)
                .column("token_sha256", type: .text, .notNull, .unique)
                .column("invited_by", type: .text, .notNull, .references("users", "id"))
                .column("created_at", type: .text, .notNull)
                .column("expires_at", type: .text, .notNull)
                .column("accepted_at", type: .text)
                .column("revoked_at", type: .text)
                .run()
            try await database.create(index: "invitations_company").on("invitations").column("company_id").column("email").run()
        },
        Migration(5, "certificates, review queue, previews, decisions, append-only audit log") { database, dialect in
            try await database.create(table: "certificates")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("company_id", type: .text, .notNull, .references("companies", "id"))
                .column("uploaded_by", type: .text, .notNull)
                .column("sha256", type: .text, .notNull)
                .column("size", type: .bigint, .notNull)
                .column("file_name", type: .text)
                .column("declared_type", type: .text)
                .column("sniffed_mime", type: .text, .notNull)
                .column("verdict", type: .text, .notNull)
                .column("reasons", type: .text, .notNull)
                .column("flags", type: .text, .notNull)
                .column("pages", type: .bigint, .notNull)
                .column("inspection", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("source", type: .text, .notNull)
                .column("idempotency_key", type: .text)
                .column("created_at", type: .text, .notNull)
                .column("updated_at", type: .text, .notNull)
                .column("queued_at", type: .text)
                .column("due_at", type: .text)
                .column("claimed_by", type: .text)
                .column("claim_until", type: .text)
                .column("first_approval_by", type: .text)
                .run()
            try await database.create(index: "certificates_queue").on("certificates").column("status").column("queued_at").run()
            try await database.create(index: "certificates_company").on("certificates").column("company_id").column("created_at").run()
            try await database.create(index: "certificates_idempotency").on("certificates").column("company_id").column("idempotency_key").unique().run()
            try await database.create(table: "certificate_previews")
                .column("certificate_id", type: .text, .notNull, .references("certificates", "id"))
                .column("page", type: .bigint, .notNull)
                .column("preview_sha256", type: .text, .notNull)
                .primaryKey("certificate_id", "page")
                .run()
            try await database.create(table: "decisions")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("certificate_id", type: .text, .notNull, .references("certificates", "id"))
                .column("reviewer", type: .text, .notNull)
                .column("outcome", type: .text, .notNull)
                .column("reason_code", type: .text, .notNull)
                .column("message", type: .text, .notNull)
                .column("internal_note", type: .text)
                .column("company_type", type: .text)
                .column("created_at", type: .text, .notNull)
                .run()
            try await database.create(index: "decisions_certificate").on("decisions").column("certificate_id").run()
            try await database.create(table: "audit_log")
                .column("id", type: .bigint, .primaryKey(autoIncrement: true))
                .column("at", type: .text, .notNull)
                .column("actor", type: .text, .notNull)
                .column("entity_type", type: .text, .notNull)
                .column("entity_id", type: .text, .notNull)
                .column("action", type: .text, .notNull)
                .column("before", type: .text)
                .column("after", type: .text)
                .run()
            try await database.create(index: "audit_log_entity").on("audit_log").column("entity_type").column("entity_id").run()
            try await database.create(index: "audit_log_at").on("audit_log").column("at").run()
            // Append-only, enforced by the database itself.
            switch dialect {
            case .sqlite:
                try await database.raw("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END").run()
                try await database.raw("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END").run()
            case .postgres:
                try await database.raw("CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$").run()
                try await database.raw("CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()").run()
                try await database.raw("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()").run()
            }
        },
        Migration(6, "reviewer console sessions (stored as SHA-256 digests)") { database, _ in
            try await database.create(table: "console_sessions")
                .column("id_sha256", type: .text, .primaryKey(autoIncrement: false))
                .column("token_id", type: .text, .notNull, .references("api_tokens", "id"))
                .column("staff_role", type: .text, .notNull)
                .column("staff_name", type: .text, .notNull)
                .column("csrf_token", type: .text, .notNull)
                .column("created_at", type: .text, .notNull)
                .column("expires_at", type: .text, .notNull)
                .run()
        },
        Migration(7, "datacenter catalog, patch panels, position allocations, ports, LOAs") { database, _ in
            try await database.create(table: "datacenters")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("peeringdb_id", type: .bigint, .notNull, .unique)
                .column("org_name", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("aka", type: .text, .notNull)
                .column("address1", type: .text, .notNull)
                .column("address2", type: .text, .notNull)
                .column("city", type: .text, .notNull)
                .column("state", type: .text, .notNull)
                .column("zipcode", type: .text, .notNull)
                .column("country", type: .text, .notNull)
                .column("latitude", type: .custom(SQLRaw("DOUBLE PRECISION")))
                .column("longitude", type: .custom(SQLRaw("DOUBLE PRECISION")))
                .column("clli", type: .text, .notNull)
                .column("search_text", type: .text, .notNull)
                .column("updated_at", type: .text, .notNull)
                .run()
            try await database.create(index: "datacenters_country").on("datacenters").column("country").column("city").run()
            try await database.create(table: "patch_panels")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("datacenter_id", type: .text, .notNull, .references("datacenters", "id"))
                .column("cage", type: .text, .notNull)
                .column("cabinet", type: .text, .notNull)
                .column("name", type: .text, .notNull)
                .column("positions", type: .bigint, .notNull)
                .column("media", type: .text, .notNull)
                .column("connector", type: .text, .notNull)
                .column("created_at", type: .text, .notNull)
                .run()
            try await database.create(index: "patch_panels_place").on("patch_panels").column("datacenter_id").column("cage").column("cabinet").column("name").unique().run()
            try await database.create(table: "ports")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("service_id", type: .text, .notNull, .unique)
                .column("company_id", type: .text, .notNull, .references("companies", "id"))
                .column("datacenter_id", type: .text, .notNull, .references("datacenters", "id"))
                .column("panel_id", type: .text, .notNull, .references("patch_panels", "id"))
                .column("position_a", type: .bigint, .notNull)
                .column("position_b", type: .bigint, .notNull)
                .column("speed", type: .text, .notNull)
                .column("media", type: .text, .notNull)
                .column("connector", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("ordered_by", type: .text, .notNull)
                .column("created_at", type: .text, .notNull)
                .column("updated_at", type: .text, .notNull)
                .run()
            try await database.create(index: "ports_company").on("ports").column("company_id").column("created_at").run()
            try await database.create(table: "panel_allocations")
                .column("panel_id", type: .text, .notNull, .references("patch_panels", "id"))
                .column("pair_start", type: .bigint, .notNull)
                .column("port_id", type: .text, .notNull, .references("ports", "id"))
                .primaryKey("panel_id", "pair_start")
                .run()
            try await database.create(table: "loas")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("port_id", type: .text, .notNull, .references("ports", "id"))
                .column("company_id", type: .text, .notNull, .references("companies", "id"))
                .column("issued_at", type: .text, .notNull)
                .column("expires_at", type: .text, .notNull)
                .column("status", type: .text, .notNull)
                .column("pdf_sha256", type: .text, .notNull)
                .column("language", type: .text, .notNull)
                .column("paper_size", type: .text, .notNull)
                .column("superseded_by", type: .text)
                .column("revoked_at", type: .text)
                .column("issued_by", type: .text, .notNull)
                .column("letter_json", type: .text, .notNull)
                .run()
            try await database.create(index: "loas_port").on("loas").column("port_id").column("status").run()
        },
        Migration(8, "revalidation runs and their items") { database, _ in
            try await database.create(table: "revalidation_runs")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("started_by", type: .text, .notNull)
                .column("started_at", type: .text, .notNull)
                .column("finished_at", type: .text)
                .column("status", type: .text, .notNull)
                .column("executor", type: .text, .notNull)
                .column("selection", type: .text, .notNull)
                .column("policy_version", type: .text, .notNull)
                .column("libmagic_version", type: .text, .notNull)
                .column("poppler_version", type: .text, .notNull)
                .column("total", type: .bigint, .notNull)
                .run()
            try await database.create(index: "revalidation_runs_started").on("revalidation_runs").column("started_at").run()
            try await database.create(table: "revalidation_items")
                .column("run_id", type: .text, .notNull, .references("revalidation_runs", "id"))
                .column("document_type", type: .text, .notNull)
                .column("document_id", type: .text, .notNull)
                .column("state", type: .text, .notNull)
                .column("claimed_by", type: .text)
                .column("claim_until", type: .text)
                .column("attempts", type: .bigint, .notNull)
                .column("outcome", type: .text)
                .column("previous_verdict", type: .text)
                .column("previous_reasons", type: .text)
                .column("verdict", type: .text)
                .column("reasons", type: .text)
                .column("changed", type: .bigint, .notNull)
                .column("requeued", type: .bigint, .notNull)
                .column("detail", type: .text)
                .column("done_at", type: .text)
                .primaryKey("run_id", "document_type", "document_id")
                .run()
            try await database.create(index: "revalidation_items_state").on("revalidation_items").column("run_id").column("state").run()
        },
        Migration(9, "index certificates by company and status") { database, _ in
            // An upload supersedes its company's queued certificate. Without this index the
            // UPDATE read every certificate the company ever uploaded to find the queued one.
            try await database.create(index: "certificates_company_status").on("certificates").column("company_id").column("status").run()
        },
        Migration(10, "the portal: a person's preferred language, and one-use password-reset links") { database, _ in
            try await database.alter(table: "users").column("preferred_language", type: .text).run()
            try await database.create(table: "password_resets")
                .column("id", type: .text, .primaryKey(autoIncrement: false))
                .column("user_id", type: .text, .notNull, .references("users", "id"))
                .column("token_sha256", type: .text, .notNull, .unique)
                .column("created_at", type: .text, .notNull)
                .column("expires_at", type: .text, .notNull)
                .column("used_at", type: .text)
                .run()
            try await database.create(index: "password_resets_user").on("password_resets").column("user_id").run()
        },
        Migration(11, "page images at full resolution for the reviewers, cached by page and resolution") { database, _ in
            try await database.create(table: "certificate_page_images")
                .column("certificate_id", type: .text, .notNull, .references("certificates", "id"))
                .column("page", type: .bigint, .notNull)
                .column("dpi", type: .bigint, .notNull)
                .column("image_sha256", type: .text, .notNull)
                .column("width", type: .bigint, .notNull)
                .column("height", type: .bigint, .notNull)
                .primaryKey("certificate_id", "page", "dpi")
                .run()
        },
        Migration(12, "find the same file, or the same registration, sent for another company") { database, _ in
            // `duplicate_document`: every review view asks for other certificates with the
            // same digest, and for other companies registered under the same number.
            try await database.create(index: "certificates_sha256").on("certificates").column("sha256").run()
            // On the number as `registrationKeySQL` writes it (no spaces, dots, dashes or
            // slashes, upper case): both SQLite and PostgreSQL index an expression, and use the
            // index for a query that repeats it.
            try await database.raw(SQLQueryString("CREATE INDEX companies_registration_key ON companies (country, \(unsafeRaw: CompanyRepository.registrationKeySQL))")).run()
        },
        Migration(13, "the first page's difference hash, to find near-identical copies") { database, _ in
            try await database.alter(table: "certificates").column("first_page_hash", type: .text).run()
        },
        Migration(14, "OCR jobs: scans read in the background, under a lease, with retries") { database, _ in
            try await database.create(table: "ocr_jobs")
                .column("certificate_id", type: .text, .primaryKey(autoIncrement: false), .references("certificates", "id"))
                .column("state", type: .text, .notNull)
                .column("reason", type: .text, .notNull)
                .column("attempts", type: .bigint, .notNull)
                .column("available_at", type: .text, .notNull)
                .column("lease_owner", type: .text)
                .column("lease_until", type: .text)
                .column("error_code", type: .text)
                .column("error_message", type: .text)
                .column("created_at", type: .text, .notNull)
                .column("started_at", type: .text)
                .column("finished_at", type: .text)
                .run()
            // The claim looks for the oldest job that is due, queued or with a lapsed lease.
            try await database.create(index: "ocr_jobs_due").on("ocr_jobs").column("state").column("available_at").run()
        },
        Migration(15, "one letter, several renditions: each language and paper size rendered and signed once, under the letter's id") { database, _ in
            // The whole letter as rendered (every field, the signatory included), so that a later
            // rendition prints exactly what the first did, whatever changed in the catalog since.
            try await database.alter(table: "loas").column("letter", type: .text).run()
            try await database.create(table: "loa_renditions")
                .column("loa_id", type: .text, .notNull, .references("loas", "id"))
                .column("language", type: .text, .notNull)
                .column("paper_size", type: .text, .notNull)
                .column("pdf_sha256", type: .text, .notNull)
                .column("rendered_at", type: .text, .notNull)
                .primaryKey("loa_id", "language", "paper_size")
                .run()
        },
        Migration(16, "the PAdES level of each letter's and rendition's signature (B-B until timestamped, then B-T)") { database, _ in
            try await database.alter(table: "loas").column("signature_level", type: .text).run()
            try await database.alter(table: "loa_renditions").column("signature_level", type: .text).run()
        },
        Migration(17, "every LOA signing certificate ever used, current and retired, so letters signed before a key rotation still verify") { database, _ in
            try await database.create(table: "loa_signing_certificates")
                .column("fingerprint", type: .text, .primaryKey(autoIncrement: false))
                .column("certificate_pem", type: .text, .notNull)
                .column("subject", type: .text, .notNull)
                .column("first_used_at", type: .text, .notNull)
                .column("retired_at", type: .text)
                .run()
        },
        Migration(18, "e-mails with attachments (the LOA as a PDF), and one expiry reminder per letter") { database, _ in
            try await database.alter(table: "outbox").column("attachments", type: .text).run()
            try await database.alter(table: "loas").column("reminded_at", type: .text).run()
        },
        Migration(19, "the datacenter's cross-connect id, recorded by the operator who activates a port and shown on /verify") { database, _ in
            try await database.alter(table: "ports").column("cross_connect_id", type: .text).run()
        },
        Migration(20, "each letter's printed fields as a JWS signed at issue, for datacenters' systems") { database, _ in
            try await database.alter(table: "loas").column("jws", type: .text).run()
        },
    ]
}

/// Times as stored: ISO 8601 in UTC with milliseconds, sortable as text in both dialects.
public enum Timestamp {
    /// Now, formatted.
    public static func now() -> String {
        format(Date())
    }

    /// A date, formatted.
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
