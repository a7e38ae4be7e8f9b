import Foundation
import Intake
import Store
import SQLKit

/// `duplicate_document`: the same file, or the same registration, sent for another company.
///
/// Computed when a reviewer opens a certificate rather than stored at upload, because it
/// depends on what other companies send later: a file first seen for company A becomes a
/// duplicate the day company B sends it too, and both reviews then say so. Staff only: the
/// signal names other companies and links their certificates.
enum DuplicateDocuments {
    /// How many related certificates a signal lists at most.
    static let maxRelated = 10

    /// The signal for `certificate` of `company`, or nil when nothing else matches.
    static func signal(for certificate: CertificateRecord, of company: Company, on database: any SQLDatabase) async throws -> ForensicSignal? {
        var related: [RelatedCertificate] = []
        var names: [String: String] = [:]
        for other in try await CertificateRepository.certificates(sha256: certificate.sha256, excludingCompany: company.id, limit: maxRelated, on: database) {
            if names[other.companyID] == nil {
                names[other.companyID] = try await CompanyRepository.company(id: other.companyID, on: database)?.legalName ?? other.companyID
            }
            related.append(RelatedCertificate(certificateID: other.id, companyID: other.companyID, companyName: names[other.companyID] ?? "", relation: "same_file"))
        }
        let sameRegistration = try await CompanyRepository.companies(registeredAs: company.registrationNumber, in: company.country, excluding: company.id, limit: maxRelated, on: database)
        for other in sameRegistration where related.count < 2 * maxRelated {
            // The other company's latest certificate, or none if it has not sent one yet.
            let latest = try await CertificateRepository.certificates(ofCompany: other.id, on: database).max { $0.createdAt < $1.createdAt }
            related.append(RelatedCertificate(certificateID: latest?.id ?? "", companyID: other.id, companyName: other.legalName, relation: "same_registration"))
        }
        guard !related.isEmpty else { return nil }
        var sentences: [String] = []
        let sameFile = related.filter { $0.relation == "same_file" }
        if !sameFile.isEmpty {
            let companies = Set(sameFile.map(\.companyID)).count
            sentences.append("The same file (SHA-256) was sent for \(companies) other compan\(companies == 1 ? "y" : "ies").")
        }
        if !sameRegistration.isEmpty {
            sentences.append("\(sameRegistration.count) other compan\(sameRegistration.count == 1 ? "y" : "ies") declared the same registration number in \(company.country).")
        }
        return ForensicSignal(
            .duplicateDocument, sentences.joined(separator: " "),
            facts: [SignalFact("SHA-256", certificate.sha256), SignalFact("Registration", "\(company.country) \(company.registrationNumber)")],
            related: related
        )
    }
}
