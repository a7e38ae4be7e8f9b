import Foundation
public import Store

/// Stored certificates in bulk, for revalidation tests: one user and company, the given files
/// stored once each as blobs, and `count` certificate rows cycling over them, as if uploaded
/// and examined with the given verdicts. Returns the certificate ids in insertion order.
public func seedCertificates(
    _ store: Store, files: [(name: String, bytes: [UInt8], verdict: String, reasons: [String], pages: Int)], count: Int,
    status: CertificateStatus = .queued, legalName: String = "Seeded Ltd", registrationNumber: String = "00000000"
) async throws -> [String] {
    var addresses: [String] = []
    for file in files { addresses.append(try await store.blobs.put(file.bytes)) }
    let hashes = addresses
    return try await store.transaction { database in
        let user = try await AccountRepository.createUser(email: "seed-\(UUID().uuidString.prefix(8))@example.com", passwordHash: "-", fullName: "Seed", jobTitle: nil, on: database)
        let company = try await CompanyRepository.create(legalName: legalName, country: "GB", registrationNumber: registrationNumber, companyType: .enterprise, createdBy: user.id, on: database)
        var ids: [String] = []
        let base = Date(timeIntervalSince1970: 1_790_000_000)
        for index in 0..<count {
            let file = files[index % files.count]
            let stamp = Timestamp.format(base.addingTimeInterval(Double(index)))
            let id = String(format: "seed-%06d-", index) + UUID().uuidString.lowercased().prefix(8)
            try await CertificateRepository.insert(CertificateRecord(
                id: id, companyID: company.id, uploadedBy: user.id, sha256: hashes[index % files.count], size: file.bytes.count, fileName: file.name,
                declaredType: nil, sniffedMIME: "application/pdf", verdict: file.verdict, reasons: file.reasons, flags: [], pages: file.pages,
                status: status, source: "upload", createdAt: stamp, updatedAt: stamp, queuedAt: stamp, dueAt: stamp, claimedBy: nil, claimUntil: nil, firstApprovalBy: nil
            ), inspectionJSON: "{}", idempotencyKey: nil, on: database)
            ids.append(id)
        }
        return ids
    }
}
