import Crypto
import _CryptoExtras
public import Foundation
import SwiftASN1
@_spi(CMS) import X509

/// The operator's private key and X.509 certificate that sign every letter, read from PEM
/// files (P-256, P-384 or RSA keys; PKCS#8, SEC 1 or PKCS#1 PEM), checked to belong together.
///
/// A certificate file may hold a chain (the signing certificate first, then intermediates):
/// the intermediates travel inside each signature so verifiers can build the path.
public struct SigningIdentity: Sendable {
    let certificate: Certificate
    let intermediates: [Certificate]
    let privateKey: Certificate.PrivateKey

    /// The certificate's subject, e.g. `CN=Paperwork development signer,O=Northwind Connect Ltd`.
    public var subject: String { String(describing: certificate.subject) }
    /// The signing certificate alone, PEM-encoded; verifiers may be told to trust it.
    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
    /// The key's kind: `P-256`, `P-384`, `P-521` or `RSA`.
    public let keyAlgorithm: String
    /// The last instant the certificate is valid; letters signed later will not verify as valid.
    public var notValidAfter: Date { certificate.notValidAfter }

    /// Builds an identity from PEM text; throws `certificate_invalid`, `private_key_invalid` or
    /// `key_certificate_mismatch`.
    public init(certificatePEM: String, privateKeyPEM: String) throws(LOAError) {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: certificatePEM).filter { $0.discriminator == "CERTIFICATE" }
        } catch {
            throw LOAError(code: LOAError.Code.certificateInvalid, message: "the certificate PEM cannot be parsed: \(error)")
        }
        guard !documents.isEmpty else {
            throw LOAError(code: LOAError.Code.certificateInvalid, message: "no CERTIFICATE block in the certificate PEM")
        }
        let certificates: [Certificate]
        do {
            certificates = try documents.map { try Certificate(pemDocument: $0) }
        } catch {
            throw LOAError(code: LOAError.Code.certificateInvalid, message: "the certificate is not valid X.509: \(error)")
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: privateKeyPEM)
        } catch {
            throw LOAError(
                code: LOAError.Code.privateKeyInvalid,
                message: "the private key PEM is not an unencrypted P-256/P-384/RSA key (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY): \(error)"
            )
        }
        guard certificates[0].publicKey == key.publicKey else {
            throw LOAError(
                code: LOAError.Code.keyCertificateMismatch,
                message: "the private key does not belong to the certificate \(certificates[0].subject)"
            )
        }
        if P256.Signing.PublicKey(key.publicKey) != nil {
            keyAlgorithm = "P-256"
        } else if P384.Signing.PublicKey(key.publicKey) != nil {
            keyAlgorithm = "P-384"
        } else if P521.Signing.PublicKey(key.publicKey) != nil {
            keyAlgorithm = "P-521"
        } else if _RSA.Signing.PublicKey(key.publicKey) != nil {
            keyAlgorithm = "RSA"
        } else {
            throw LOAError(code: LOAError.Code.privateKeyInvalid, message: "only P-256, P-384, P-521 and RSA keys can sign letters")
        }
        certificate = certificates[0]
        intermediates = Array(certificates.dropFirst())
        privateKey = key
    }

    /// Reads the two PEM files; throws `pem_unreadable` when a file cannot be read, then as
    /// `init(certificatePEM:privateKeyPEM:)`.
    public static func load(certificateFile: String, privateKeyFile: String) throws(LOAError) -> SigningIdentity {
        try SigningIdentity(certificatePEM: readText(certificateFile), privateKeyPEM: readText(privateKeyFile))
    }

    /// A fresh P-256 key and a self-signed certificate for it (digital signature and
    /// non-repudiation key usage; CA=TRUE with path length 0, as a trust anchor must be), for development and first start only: verifiers will call
    /// the signature intact but the signer unknown until they are told to trust it.
    public static func generateDevelopment(
        commonName: String = "Paperwork development LOA signer",
        organization: String,
        validityDays: Int = 3 * 365,
        now: Date = Date()
    ) throws(LOAError) -> SigningIdentity {
        do {
            let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
            let name = try DistinguishedName {
                CommonName(commonName)
                OrganizationName(organization)
            }
            let extensions = try Certificate.Extensions {
                // A self-signed certificate is its own trust anchor: RFC 5280 verifiers
                // (swift-certificates' RFC5280Policy among them) refuse one marked CA=FALSE.
                // Path length 0: it can never vouch for another certificate.
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: developmentSerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now.addingTimeInterval(-3600),
                notValidAfter: now.addingTimeInterval(Double(validityDays) * 86_400),
                issuer: name,
                subject: name,
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions,
                issuerPrivateKey: key
            )
            return try SigningIdentity(certificatePEM: certificate.serializeAsPEM().pemString, privateKeyPEM: key.serializeAsPEM().pemString)
        } catch let error as LOAError {
            throw error
        } catch {
            throw LOAError(code: LOAError.Code.identityGenerationFailed, message: "could not build a development certificate: \(error)")
        }
    }

    /// Writes the certificate (with its chain) and the private key as PEM files, the key
    /// readable by its owner only; throws `identity_generation_failed`.
    public func write(certificateFile: String, privateKeyFile: String) throws(LOAError) {
        do {
            let chain = try ([certificate] + intermediates).map { try $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
            let key = try privateKey.serializeAsPEM().pemString + "\n"
            for path in [certificateFile, privateKeyFile] {
                try FileManager.default.createDirectory(
                    at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true
                )
            }
            guard FileManager.default.createFile(atPath: privateKeyFile, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw LOAError(code: LOAError.Code.identityGenerationFailed, message: "cannot write \(privateKeyFile)")
            }
            try Data(chain.utf8).write(to: URL(fileURLWithPath: certificateFile))
        } catch let error as LOAError {
            throw error
        } catch {
            throw LOAError(code: LOAError.Code.identityGenerationFailed, message: "cannot write the identity: \(error)")
        }
    }

    /// The identity in the two files, or, when neither exists (a first start), a new
    /// development identity written there. One file without the other is an error
    /// (`pem_unreadable`): never silently replace half of an operator's identity.
    public static func loadOrCreateDevelopment(
        certificateFile: String,
        privateKeyFile: String,
        organization: String
    ) throws(LOAError) -> (identity: SigningIdentity, created: Bool) {
        let manager = FileManager.default
        let haveCertificate = manager.fileExists(atPath: certificateFile), haveKey = manager.fileExists(atPath: privateKeyFile)
        if haveCertificate || haveKey {
            return (try load(certificateFile: certificateFile, privateKeyFile: privateKeyFile), false)
        }
        let identity = try generateDevelopment(organization: organization)
        try identity.write(certificateFile: certificateFile, privateKeyFile: privateKeyFile)
        return (identity, true)
    }

    /// 16 random bytes with the top bit clear, so the DER INTEGER stays positive in 16 octets.
    /// swift-certificates' default is 20 random bytes, which DER makes 21 octets half the time:
    /// NSS (poppler's `pdfsig`) then cannot find the signer and reports "Unknown Validation
    /// Failure" (RFC 5280 allows at most 20 octets).
    private static func developmentSerialNumber() -> Certificate.SerialNumber {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = bytes[0] & 0x7F | 0x01
        return Certificate.SerialNumber(bytes: bytes)
    }

    private static func readText(_ path: String) throws(LOAError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LOAError(code: LOAError.Code.pemUnreadable, message: "cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LOAError(code: LOAError.Code.pemUnreadable, message: "\(path) is not PEM text")
        }
        return text
    }
}
