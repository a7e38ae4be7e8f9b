import Crypto
import SwiftASN1
import X509

/// A CAdES detached signature (ETSI EN 319 122-1), the CMS a PAdES baseline signature
/// (`/SubFilter /ETSI.CAdES.detached`, ETSI EN 319 142-1) carries in `/Contents`.
///
/// Written here with SwiftASN1 because swift-certificates' CMS signer puts a signing-time
/// attribute in every signature it makes and keeps its CMS types internal, while PAdES asks
/// for none (the time is the PDF's `/M`, or a timestamp's) and for the ESS
/// signing-certificate-v2 attribute, which binds the signer's certificate into what is signed,
/// so that another certificate with the same key cannot be passed off as the signer.
struct CAdESSignature {
    /// The DER `SET OF Attribute` that was signed (content type, message digest,
    /// signing-certificate-v2), in DER order.
    var signedAttributes: [UInt8]
    /// The signature over ``signedAttributes``: what an RFC 3161 timestamp is taken over.
    var signatureValue: [UInt8]
    /// The digest and signature algorithms used.
    var algorithms: Algorithms
    /// The signer's certificate and its intermediates, DER.
    var certificates: [[UInt8]]
    /// The signer's issuer name (DER) and serial number (the INTEGER's content bytes).
    var issuer: [UInt8]
    var serialNumber: [UInt8]

    /// Which digest goes with the key.
    struct Algorithms {
        var digest: ASN1ObjectIdentifier
        var signature: ASN1ObjectIdentifier
        var signatureHasNullParameters: Bool
        var certificateSignatureAlgorithm: Certificate.SignatureAlgorithm

        static func forKey(_ keyAlgorithm: String) -> Algorithms {
            switch keyAlgorithm {
            case "P-384": Algorithms(digest: OID.sha384, signature: OID.ecdsaWithSHA384, signatureHasNullParameters: false, certificateSignatureAlgorithm: .ecdsaWithSHA384)
            case "P-521": Algorithms(digest: OID.sha512, signature: OID.ecdsaWithSHA512, signatureHasNullParameters: false, certificateSignatureAlgorithm: .ecdsaWithSHA512)
            case "RSA": Algorithms(digest: OID.sha256, signature: OID.sha256WithRSA, signatureHasNullParameters: true, certificateSignatureAlgorithm: .sha256WithRSAEncryption)
            default: Algorithms(digest: OID.sha256, signature: OID.ecdsaWithSHA256, signatureHasNullParameters: false, certificateSignatureAlgorithm: .ecdsaWithSHA256)
            }
        }

        func digest(_ bytes: [UInt8]) -> [UInt8] {
            switch digest {
            case OID.sha384: Array(SHA384.hash(data: bytes))
            case OID.sha512: Array(SHA512.hash(data: bytes))
            default: Array(SHA256.hash(data: bytes))
            }
        }
    }

    /// The object identifiers used.
    enum OID {
        static let data: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 1]
        static let signedData: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 2]
        static let contentType: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 3]
        static let messageDigest: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 4]
        static let signingCertificateV2: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 47]
        static let signatureTimeStampToken: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 2, 14]
        static let timeStampInfo: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 9, 16, 1, 4]
        static let sha256: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 1]
        static let sha384: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 2]
        static let sha512: ASN1ObjectIdentifier = [2, 16, 840, 1, 101, 3, 4, 2, 3]
        static let ecdsaWithSHA256: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 2]
        static let ecdsaWithSHA384: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 3]
        static let ecdsaWithSHA512: ASN1ObjectIdentifier = [1, 2, 840, 10045, 4, 3, 4]
        static let sha256WithRSA: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 11]
    }

    /// Signs `content` (the PDF's bytes named by `/ByteRange`) with `identity`.
    static func sign(_ content: [UInt8], identity: SigningIdentity) throws -> CAdESSignature {
        let algorithms = Algorithms.forKey(identity.keyAlgorithm)
        let certificates = try ([identity.certificate] + identity.intermediates).map { certificate -> [UInt8] in
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return serializer.serializedBytes
        }
        var attributes: [[UInt8]] = []
        attributes.append(try attribute(OID.contentType) { try $0.serialize(OID.data) })
        let digest = algorithms.digest(content)
        attributes.append(try attribute(OID.messageDigest) { $0.appendPrimitiveNode(identifier: .octetString) { $0.append(contentsOf: digest) } })
        // ESS signing-certificate-v2: the SHA-256 of the signer's certificate (the hash
        // algorithm is then left out, being the default); no issuerSerial, as the baseline advises.
        let certificateHash = Array(SHA256.hash(data: certificates[0]))
        attributes.append(try attribute(OID.signingCertificateV2) { value in
            value.appendConstructedNode(identifier: .sequence) { signingCertificate in
                signingCertificate.appendConstructedNode(identifier: .sequence) { certs in
                    certs.appendConstructedNode(identifier: .sequence) { certID in
                        certID.appendPrimitiveNode(identifier: .octetString) { $0.append(contentsOf: certificateHash) }
                    }
                }
            }
        })
        // DER: a SET OF is sorted by its elements' encodings.
        attributes.sort { $0.lexicographicallyPrecedes($1) }
        var set = DER.Serializer()
        set.appendConstructedNode(identifier: .set) { inner in
            for attribute in attributes { inner.serializeRawBytes(attribute) }
        }
        let signedAttributes = set.serializedBytes
        let signature = try identity.privateKey.sign(bytes: signedAttributes, signatureAlgorithm: algorithms.certificateSignatureAlgorithm)

        var issuer = DER.Serializer()
        try issuer.serialize(identity.certificate.issuer)
        return CAdESSignature(
            signedAttributes: signedAttributes, signatureValue: signature.rawRepresentation, algorithms: algorithms,
            certificates: certificates, issuer: issuer.serializedBytes, serialNumber: Array(identity.certificate.serialNumber.bytes)
        )
    }

    /// The CMS `ContentInfo` (SignedData, detached), with the timestamp token as the
    /// signer's unsigned signature-time-stamp attribute when there is one (PAdES B-T).
    func contentInfo(timestampToken: [UInt8]? = nil) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { contentInfo in
            try contentInfo.serialize(OID.signedData)
            try contentInfo.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { explicit in
                try explicit.appendConstructedNode(identifier: .sequence) { signedData in
                    try signedData.serialize(1)
                    try signedData.appendConstructedNode(identifier: .set) { try Self.algorithmIdentifier(algorithms.digest, null: false, into: &$0) }
                    try signedData.appendConstructedNode(identifier: .sequence) { try $0.serialize(OID.data) }
                    signedData.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { set in
                        for certificate in certificates { set.serializeRawBytes(certificate) }
                    }
                    try signedData.appendConstructedNode(identifier: .set) { signerInfos in
                        try signerInfos.appendConstructedNode(identifier: .sequence) { signerInfo in
                            try signerInfo.serialize(1)
                            signerInfo.appendConstructedNode(identifier: .sequence) { issuerAndSerial in
                                issuerAndSerial.serializeRawBytes(issuer)
                                issuerAndSerial.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: serialNumber) }
                            }
                            try Self.algorithmIdentifier(algorithms.digest, null: false, into: &signerInfo)
                            // The signed attributes again, as [0] IMPLICIT instead of SET.
                            signerInfo.serializeRawBytes([0xA0] + signedAttributes.dropFirst())
                            try Self.algorithmIdentifier(algorithms.signature, null: algorithms.signatureHasNullParameters, into: &signerInfo)
                            signerInfo.appendPrimitiveNode(identifier: .octetString) { $0.append(contentsOf: signatureValue) }
                            if let timestampToken {
                                try signerInfo.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)) { unsigned in
                                    try unsigned.serializeRawBytes(Self.attribute(OID.signatureTimeStampToken) { $0.serializeRawBytes(timestampToken) })
                                }
                            }
                        }
                    }
                }
            }
        }
        return serializer.serializedBytes
    }

    /// One `Attribute ::= SEQUENCE { attrType, attrValues SET OF }` with a single value.
    private static func attribute(_ type: ASN1ObjectIdentifier, value: (inout DER.Serializer) throws -> Void) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { attribute in
            try attribute.serialize(type)
            try attribute.appendConstructedNode(identifier: .set, value)
        }
        return serializer.serializedBytes
    }

    private static func algorithmIdentifier(_ oid: ASN1ObjectIdentifier, null: Bool, into serializer: inout DER.Serializer) throws {
        try serializer.appendConstructedNode(identifier: .sequence) { algorithm in
            try algorithm.serialize(oid)
            if null { algorithm.appendPrimitiveNode(identifier: .null) { _ in } }
        }
    }
}
