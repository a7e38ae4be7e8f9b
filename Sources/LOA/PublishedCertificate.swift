import Crypto
import _CryptoExtras
import Foundation
import SwiftASN1
import X509

/// A signing certificate as it is published for datacenters: its fingerprint, PEM, and JSON
/// Web Key (RFC 7517, with the `x5c` chain), so their systems can check letters signed with it
/// now or years later.
public struct PublishedCertificate: Sendable, Hashable {
    /// SHA-256 of the signing certificate's DER, lower-case hex (the JWK `kid`).
    public let fingerprint: String
    /// The signing certificate's subject.
    public let subject: String
    /// The signing certificate and its chain, PEM.
    public let chainPEM: String
    /// The JWK as JSON object members, `kty` first.
    public let jwk: [String: String]
    /// The `x5c` member: the chain's DER, base64 (not URL-safe, per RFC 7517).
    public let x5c: [String]
    /// The `x5t#S256` member: the signing certificate's SHA-256, base64url.
    public let thumbprint: String

    /// The published form of the certificates in `pem` (the signing certificate first).
    /// Throws `certificate_invalid` for text that holds no certificate.
    public init(chainPEM pem: String) throws(LOAError) {
        let chain: [Certificate]
        do {
            chain = try PEMDocument.parseMultiple(pemString: pem).filter { $0.discriminator == "CERTIFICATE" }.map { try Certificate(pemDocument: $0) }
        } catch {
            throw LOAError(code: LOAError.Code.certificateInvalid, message: "the certificate PEM cannot be read: \(error)")
        }
        guard let certificate = chain.first else { throw LOAError(code: LOAError.Code.certificateInvalid, message: "no certificate in the PEM text") }
        let ders = chain.map { certificate -> [UInt8] in
            var serializer = DER.Serializer()
            try? serializer.serialize(certificate)
            return serializer.serializedBytes
        }
        let digest = Array(SHA256.hash(data: ders[0]))
        fingerprint = ders[0].isEmpty ? "" : digest.map { String(format: "%02x", $0) }.joined()
        subject = String(describing: certificate.subject)
        chainPEM = chain.compactMap { try? $0.serializeAsPEM().pemString }.joined(separator: "\n") + "\n"
        x5c = ders.map { Data($0).base64EncodedString() }
        func base64URL(_ bytes: some Sequence<UInt8>) -> String {
            Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        thumbprint = base64URL(digest)
        var key: [String: String] = ["kid": fingerprint, "use": "sig"]
        if let p256 = P256.Signing.PublicKey(certificate.publicKey) {
            let point = Array(p256.x963Representation.dropFirst())
            key.merge(["kty": "EC", "crv": "P-256", "alg": "ES256", "x": base64URL(point.prefix(32)), "y": base64URL(point.suffix(32))]) { $1 }
        } else if let p384 = P384.Signing.PublicKey(certificate.publicKey) {
            let point = Array(p384.x963Representation.dropFirst())
            key.merge(["kty": "EC", "crv": "P-384", "alg": "ES384", "x": base64URL(point.prefix(48)), "y": base64URL(point.suffix(48))]) { $1 }
        } else if let p521 = P521.Signing.PublicKey(certificate.publicKey) {
            let point = Array(p521.x963Representation.dropFirst())
            key.merge(["kty": "EC", "crv": "P-521", "alg": "ES512", "x": base64URL(point.prefix(66)), "y": base64URL(point.suffix(66))]) { $1 }
        } else if let rsa = _RSA.Signing.PublicKey(certificate.publicKey), let primitives = try? rsa.getKeyPrimitives() {
            key.merge(["kty": "RSA", "alg": "RS256", "n": base64URL(primitives.modulus), "e": base64URL(primitives.publicExponent)]) { $1 }
        }
        jwk = key
    }
}

extension SigningIdentity {
    /// This identity's certificate as published.
    public var published: PublishedCertificate {
        get throws(LOAError) {
            let chain = ([certificate] + intermediates).compactMap { try? $0.serializeAsPEM().pemString }.joined(separator: "\n")
            return try PublishedCertificate(chainPEM: chain)
        }
    }
}
