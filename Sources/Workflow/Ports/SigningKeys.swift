public import Foundation
public import LOA
public import Store

/// The LOA signing keys over time: which certificates were used, and the rotation from one
/// identity to the next (`paperwork loa rotate-key`).
public enum SigningKeys {
    /// The record of `identity` as the certificate in use from `stamp`.
    static func record(_ identity: SigningIdentity, at stamp: String) throws -> SigningCertificateRecord {
        let published = try identity.published
        return SigningCertificateRecord(fingerprint: published.fingerprint, certificatePEM: published.chainPEM, subject: published.subject, firstUsedAt: stamp, retiredAt: nil)
    }

    /// Records a rotation: `old` (the identity in use until now, if any) is kept as retired,
    /// so that letters it signed still verify; `new` is the certificate in use.
    public static func rotate(from old: SigningIdentity?, to new: SigningIdentity, store: Store, at date: Date = Date()) async throws {
        let stamp = Timestamp.format(date)
        let oldRecord = try old.map { try record($0, at: stamp) }
        let newRecord = try record(new, at: stamp)
        try await store.transaction { database in
            if let oldRecord { try await SigningCertificateRepository.recordInUse(oldRecord, on: database) }
            try await SigningCertificateRepository.recordInUse(newRecord, on: database)
            try await SigningCertificateRepository.retireAll(except: newRecord.fingerprint, at: stamp, on: database)
        }
    }
}
