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
    static func signal(for certificate: CertificateRecord, of company: Company, pageDistance: Int, on database: any SQLDatabase) async throws -> ForensicSignal? {
        var related: [RelatedCertificate] = []
        var names: [String: String] = [:]
        func name(_ companyID: String) async throws -> String {
            if let known = names[companyID] { return known }
            let found = try await CompanyRepository.company(id: companyID, on: database)?.legalName ?? companyID
            names[companyID] = found
            return found
        }
        for other in try await CertificateRepository.certificates(sha256: certificate.sha256, excludingCompany: company.id, limit: maxRelated, on: database) {
            related.append(RelatedCertificate(certificateID: other.id, companyID: other.companyID, companyName: try await name(other.companyID), relation: "same_file"))
        }
        // Another file whose first page looks the same: a re-encoded or re-saved copy.
        var nearest: Int?
        if let hash = try await CertificateRepository.firstPageHash(id: certificate.id, on: database).flatMap({ UInt64($0, radix: 16) }) {
            let sameFile = Set(related.map(\.certificateID))
            for other in try await CertificateRepository.firstPageHashes(excludingCompany: company.id, on: database) where !sameFile.contains(other.id) {
                guard let otherHash = UInt64(other.hash, radix: 16) else { continue }
                let distance = (hash ^ otherHash).nonzeroBitCount
                guard distance <= pageDistance, related.count < 2 * maxRelated else { continue }
                nearest = min(nearest ?? distance, distance)
                related.append(RelatedCertificate(certificateID: other.id, companyID: other.companyID, companyName: try await name(other.companyID), relation: "same_first_page"))
            }
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
        let samePage = related.filter { $0.relation == "same_first_page" }
        if !samePage.isEmpty {
            let companies = Set(samePage.map(\.companyID)).count
            sentences.append("A file whose first page looks the same (difference hashes \(nearest ?? 0) of 64 bits apart) was sent for \(companies) other compan\(companies == 1 ? "y" : "ies").")
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
