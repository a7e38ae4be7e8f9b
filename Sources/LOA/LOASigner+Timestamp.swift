import SwiftASN1

extension LOASigner {
    /// Whether the last signature of a signed letter carries a signature timestamp (B-T).
    public static func hasSignatureTimestamp(_ pdf: [UInt8]) -> Bool {
        guard let (_, cms) = try? signatureContents(of: pdf), let root = try? DER.parse(cms),
              let signerInfo = try? firstSignerInfo(in: root) else { return false }
        return unsignedAttributes(of: signerInfo).contains { attribute in
            (try? ASN1ObjectIdentifier(derEncoded: attribute.children.first!)) == CAdESSignature.OID.signatureTimeStampToken
        }
    }

    /// A signed letter with a signature timestamp added to its signature in place (B-B to
    /// B-T): the token from `stamp`, asked for over the signature value, goes into the
    /// signer's unsigned attributes. Only `/Contents`, which the signature does not cover,
    /// changes, so the signature stays valid and the file keeps its size. Throws
    /// `signature_not_found` for a file without a CMS signature, `signing_failed` when the
    /// token does not fit the room reserved, and whatever `stamp` throws.
    public static func addingSignatureTimestamp(
        to pdf: [UInt8], stamp: (SignatureTimestampRequest) async throws -> [UInt8]
    ) async throws -> [UInt8] {
        let (hexRange, cms) = try signatureContents(of: pdf)
        let root: ASN1Node
        do { root = try DER.parse(cms) } catch {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "/Contents is not a DER CMS structure: \(error)")
        }
        let signerInfo = try firstSignerInfo(in: root)
        let parts = signerInfo.children
        guard let value = parts.first(where: { $0.identifier == .octetString }), case let .primitive(signatureValue) = value.content else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "the signer has no signature value")
        }
        let token = try await stamp(try SignatureTimestampRequest(signatureValue: Array(signatureValue)))

        // The CMS again, node by node, with the attribute added to the first signer.
        var attribute = DER.Serializer()
        try attribute.appendConstructedNode(identifier: .sequence) { node in
            try node.serialize(CAdESSignature.OID.signatureTimeStampToken)
            node.appendConstructedNode(identifier: .set) { $0.serializeRawBytes(token) }
        }
        let unsignedTag = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
        var newSignerInfo = DER.Serializer()
        newSignerInfo.appendConstructedNode(identifier: .sequence) { node in
            for part in parts where part.identifier != unsignedTag { node.serializeRawBytes(part.encodedBytes) }
            node.appendConstructedNode(identifier: unsignedTag) { unsigned in
                for existing in parts.filter({ $0.identifier == unsignedTag }).flatMap(\.children) { unsigned.serializeRawBytes(existing.encodedBytes) }
                unsigned.serializeRawBytes(attribute.serializedBytes)
            }
        }
        let contentInfo = root.children
        let explicit = contentInfo[1]
        let signedData = explicit.children[0]
        let signedParts = signedData.children
        var rebuilt = DER.Serializer()
        rebuilt.appendConstructedNode(identifier: root.identifier) { info in
            info.serializeRawBytes(contentInfo[0].encodedBytes)
            info.appendConstructedNode(identifier: explicit.identifier) { wrapper in
                wrapper.appendConstructedNode(identifier: signedData.identifier) { data in
                    for part in signedParts.dropLast() { data.serializeRawBytes(part.encodedBytes) }
                    data.appendConstructedNode(identifier: .set) { signers in
                        signers.serializeRawBytes(newSignerInfo.serializedBytes)
                        for other in signedParts[signedParts.count - 1].children.dropFirst() { signers.serializeRawBytes(other.encodedBytes) }
                    }
                }
            }
        }
        let encoded = rebuilt.serializedBytes
        guard encoded.count * 2 <= hexRange.count else {
            throw LOAError(code: LOAError.Code.signingFailed, message: "the timestamped signature (\(encoded.count) bytes) does not fit the \(hexRange.count / 2) reserved")
        }
        var output = pdf
        writeHex(encoded, into: &output, from: hexRange.lowerBound, paddingTo: hexRange.upperBound)
        return output
    }

    /// The hex digits of the last signature's `/Contents` (their range in the file) and the CMS they hold.
    static func signatureContents(of pdf: [UInt8]) throws(LOAError) -> (Range<Int>, [UInt8]) {
        guard let marker = LOAVerifier.allIndices(of: Array("/ByteRange".utf8), in: pdf).last else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "the file has no signature (/ByteRange)")
        }
        let range = try LOAVerifier.byteRange(in: pdf, after: marker + 10)
        let (start1, length1, start2) = (range[0], range[1], range[2])
        guard start1 >= 0, length1 > 0, start2 > start1 + length1 + 1, start2 <= pdf.count,
              pdf[start1 + length1] == UInt8(ascii: "<"), pdf[start2 - 1] == UInt8(ascii: ">") else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "the /ByteRange does not frame a /Contents string")
        }
        let hexRange = (start1 + length1 + 1)..<(start2 - 1)
        guard let bytes = LOAVerifier.decodeHex(pdf[hexRange]), let length = LOAVerifier.derLength(bytes) else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "/Contents is not a hex-encoded CMS structure")
        }
        return (hexRange, Array(bytes.prefix(length)))
    }

    private static func firstSignerInfo(in root: ASN1Node) throws(LOAError) -> ASN1Node {
        let contentInfo = root.children
        guard contentInfo.count == 2, let signedData = contentInfo[1].children.first,
              let signerInfos = signedData.children.last, signerInfos.identifier == .set,
              let signerInfo = signerInfos.children.first else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "the CMS structure has no signer")
        }
        return signerInfo
    }

    private static func unsignedAttributes(of signerInfo: ASN1Node) -> [ASN1Node] {
        signerInfo.children.filter { $0.identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) }.flatMap(\.children)
    }
}

extension ASN1Node {
    /// The nodes inside a constructed node; none for a primitive one.
    var children: [ASN1Node] {
        if case let .constructed(nodes) = content { return Array(nodes) }
        return []
    }
}

/// Writes `bytes` as upper-case hex digits into `output` from `start`, then `0`s up to `end`:
/// how a CMS structure fills the `/Contents` string a signature reserved.
func writeHex(_ bytes: [UInt8], into output: inout [UInt8], from start: Int, paddingTo end: Int) {
    let hexDigits = Array("0123456789ABCDEF".utf8)
    var cursor = start
    for byte in bytes {
        output[cursor] = hexDigits[Int(byte >> 4)]
        output[cursor + 1] = hexDigits[Int(byte & 0x0F)]
        cursor += 2
    }
    while cursor < end {
        output[cursor] = UInt8(ascii: "0")
        cursor += 1
    }
}
