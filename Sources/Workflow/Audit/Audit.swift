import Foundation
import SQLKit
public import Store

/// How the workflows write the audit log: one entry per state change of a certificate or a
/// company, with the state before and after as JSON, in the transaction of the change.
enum Audit {
    /// A flat object of strings, keys sorted, absent values left out. Written by hand: every
    /// state change writes two or three of these, and JSONEncoder (JSONSerialization even
    /// more) cost more than the statement that stores them.
    static func json(_ fields: [String: String?]) -> String {
        var out = "{"
        for (key, value) in fields.compactMapValues({ $0 }).sorted(by: { $0.key < $1.key }) {
            if out.utf8.count > 1 { out += "," }
            appendString(key, to: &out)
            out += ":"
            appendString(value, to: &out)
        }
        return out + "}"
    }

    /// A JSON string literal (RFC 8259): quote, backslash and control characters escaped.
    private static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
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

    /// What a company declares, as the audit log keeps it.
    static func details(_ company: Company) -> [String: String?] {
        ["legal_name": company.legalName, "country": company.country, "registration_number": company.registrationNumber,
         "company_type": company.companyType.rawValue, "distributor": company.distributor ? "yes" : "no"]
    }

    /// A change of a company's declared data, type or distributor mark; nil when nothing
    /// changed. Reviewers read it in the company's file (a name changed after a request for
    /// more information, say).
    static func detailsEntry(actor: String, before: Company, after: Company, at: String) -> AuditRepository.NewEntry? {
        let old = details(before), new = details(after)
        guard old != new else { return nil }
        return AuditRepository.NewEntry(actor: actor, entityType: "company", entityID: after.id, action: "details_changed", before: json(old), after: json(new), at: at)
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

/// Reading the audit log, for operators: every state change of certificates, companies,
/// ports and revalidation runs, oldest first.
public struct AuditLog: Sendable {
    let store: Store

    /// The log kept in `store`.
    public init(store: Store) {
        self.store = store
    }

    /// The entries that match `filter`.
    public func entries(_ filter: AuditRepository.Filter) async throws -> [AuditEntry] {
        try await store.withSession { try await AuditRepository.entries(filter, on: $0) }
    }
}
