import Foundation
import SQLKit
public import Store

/// How the workflows write the audit log: one entry per state change of a certificate or a
/// company, with the state before and after as JSON, in the transaction of the change.
enum Audit {
    static func json(_ fields: [String: String?]) -> String {
        // JSONEncoder, not JSONSerialization: on Linux the latter bridges through NSDictionary
        // and cost an upload more than its audit inserts.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(fields.compactMapValues { $0 }) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func state(_ certificate: CertificateRecord) -> String {
        json(["status": certificate.status.rawValue, "verdict": certificate.verdict, "reasons": certificate.reasons.joined(separator: ","),
              "claimed_by": certificate.claimedBy, "first_approval_by": certificate.firstApprovalBy])
    }

    static func entry(actor: String, certificate: CertificateRecord, action: String, before: CertificateRecord?, at: String) -> AuditRepository.NewEntry {
        AuditRepository.NewEntry(
            actor: actor, entityType: "certificate", entityID: certificate.id, action: action,
            before: before.map(state), after: state(certificate), at: at
        )
    }

    static func entry(actor: String, company: Company, from: CompanyStatus, to: CompanyStatus, extra: [String: String?] = [:], at: String) -> AuditRepository.NewEntry {
        var after: [String: String?] = ["status": to.rawValue]
        for (key, value) in extra { after[key] = value }
        return AuditRepository.NewEntry(
            actor: actor, entityType: "company", entityID: company.id, action: "status_changed",
            before: json(["status": from.rawValue, "company_type": company.companyType.rawValue]), after: json(after), at: at
        )
    }

    static func record(actor: String, certificate: CertificateRecord, action: String, before: CertificateRecord?, at: String, on database: any SQLDatabase) async throws {
        try await AuditRepository.append([entry(actor: actor, certificate: certificate, action: action, before: before, at: at)], on: database)
    }

    static func record(actor: String, company: Company, from: CompanyStatus, to: CompanyStatus, extra: [String: String?] = [:], at: String, on database: any SQLDatabase) async throws {
        try await AuditRepository.append([entry(actor: actor, company: company, from: from, to: to, extra: extra, at: at)], on: database)
    }
}

extension Principal {
    /// How the audit log and claims name the caller: `user:<id>`, `reviewer:<token name>`…
    public var actorName: String {
        switch self {
        case let .user(id): "user:\(id)"
        case let .staff(role, name): "\(role.rawValue):\(name)"
        }
    }
}
