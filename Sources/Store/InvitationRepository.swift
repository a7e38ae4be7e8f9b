public import Foundation
public import SQLKit

/// Invitations to join a company.
public enum InvitationRepository {
    static let columns = ["id", "company_id", "email", "role", "extra_permissions", "invited_by", "created_at", "expires_at", "accepted_at", "revoked_at"]

    struct Row: Decodable {
        var id: String
        var company_id: String
        var email: String
        var role: String
        var extra_permissions: String
        var invited_by: String
        var created_at: String
        var expires_at: String
        var accepted_at: String?
        var revoked_at: String?

        var invitation: Invitation {
            Invitation(id: id, companyID: company_id, email: email, role: CompanyRole(rawValue: role) ?? .viewer, extraPermissions: decodePermissions(extra_permissions), invitedBy: invited_by, createdAt: created_at, expiresAt: expires_at, acceptedAt: accepted_at, revokedAt: revoked_at)
        }
    }

    /// Creates an invitation, withdrawing any earlier open one for the same address and
    /// company (only the newest link works). Returns it with the secret for the link.
    public static func create(companyID: String, email: String, role: CompanyRole, extraPermissions: Set<Permission>, invitedBy: String, expiresAt: Date, on database: any SQLDatabase, now: Date = Date()) async throws -> (Invitation, secret: String) {
        let stamp = Timestamp.format(now)
        try await database.update("invitations").set("revoked_at", to: SQLBind(stamp))
            .where("company_id", .equal, SQLBind(companyID)).where("email", .equal, SQLBind(email))
            .where("accepted_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null).run()
        let secret = LinkSecret.make(prefix: "inv_")
        let invitation = Invitation(id: UUID().uuidString.lowercased(), companyID: companyID, email: email, role: role, extraPermissions: extraPermissions, invitedBy: invitedBy, createdAt: stamp, expiresAt: Timestamp.format(expiresAt), acceptedAt: nil, revokedAt: nil)
        try await database.insert(into: "invitations")
            .columns("id", "company_id", "email", "role", "extra_permissions", "token_sha256", "invited_by", "created_at", "expires_at")
            .values(SQLBind(invitation.id), SQLBind(companyID), SQLBind(email), SQLBind(role.rawValue), SQLBind(encodePermissions(extraPermissions)), SQLBind(LinkSecret.digest(secret)), SQLBind(invitedBy), SQLBind(stamp), SQLBind(invitation.expiresAt))
            .run()
        return (invitation, secret)
    }

    /// The invitation a link's secret belongs to, whatever its state.
    public static func invitation(secret: String, on database: any SQLDatabase) async throws -> Invitation? {
        guard secret.utf8.count < 100 else { return nil }
        return try await database.select().columns(columns).from("invitations").where("token_sha256", .equal, SQLBind(LinkSecret.digest(secret))).first(decoding: Row.self)?.invitation
    }

    /// A company's invitations not yet accepted or withdrawn (expired ones included, marked by
    /// their expiry), newest first.
    public static func open(companyID: String, on database: any SQLDatabase) async throws -> [Invitation] {
        try await database.select().columns(columns).from("invitations")
            .where("company_id", .equal, SQLBind(companyID)).where("accepted_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
            .orderBy("created_at", .descending).all(decoding: Row.self).map(\.invitation)
    }

    /// Withdraws an open invitation of this company; false when there is none with that id.
    public static func revoke(id: String, companyID: String, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        guard id.utf8.count <= 64 else { return false }
        let rows = try await database.update("invitations").set("revoked_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(id)).where("company_id", .equal, SQLBind(companyID))
            .where("accepted_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
            .returning("id").all()
        return !rows.isEmpty
    }

    /// Marks an invitation accepted, once: false when it was accepted or withdrawn meanwhile.
    public static func markAccepted(id: String, on database: any SQLDatabase, now: Date = Date()) async throws -> Bool {
        let rows = try await database.update("invitations").set("accepted_at", to: SQLBind(Timestamp.format(now)))
            .where("id", .equal, SQLBind(id)).where("accepted_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
            .returning("id").all()
        return !rows.isEmpty
    }
}

/// Permissions are stored as a sorted, comma-separated list of their codes.
func encodePermissions(_ permissions: Set<Permission>) -> String {
    permissions.sorted().map(\.rawValue).joined(separator: ",")
}

func decodePermissions(_ stored: String) -> Set<Permission> {
    Set(stored.split(separator: ",").compactMap { Permission(rawValue: String($0)) })
}
