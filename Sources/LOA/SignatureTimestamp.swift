import Crypto
public import Foundation
import SwiftASN1

/// An RFC 3161 timestamp of a signature: the request sent to a time-stamping authority, and
/// the checks its answer must pass before its token goes into the signature (PAdES B-T).
///
/// The request is over the SHA-256 of the signature value (ETSI EN 319 122-1: the
/// signature-time-stamp covers the signature); the answer must be granted, and its token must
/// carry the same imprint and nonce, so that a token for other bytes is never embedded.
public struct SignatureTimestampRequest: Sendable {
    /// The DER `TimeStampReq`, sent as `application/timestamp-query`.
    public let der: [UInt8]
    let imprint: [UInt8]
    let nonce: [UInt8]

    /// A request over `signatureValue`, with a random nonce and the authority's certificate asked for.
    init(signatureValue: [UInt8]) throws {
        let imprint = Array(SHA256.hash(data: signatureValue))
        var random = SystemRandomNumberGenerator()
        // Positive and minimal: a first byte below 0x80 and not zero.
        let nonce = [UInt8.random(in: 1...0x7F, using: &random)] + (0..<7).map { _ in UInt8.random(in: 0...255, using: &random) }
        self.imprint = imprint
        self.nonce = nonce
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { request in
            try request.serialize(1)
            try request.appendConstructedNode(identifier: .sequence) { messageImprint in
                try messageImprint.appendConstructedNode(identifier: .sequence) { try $0.serialize(CAdESSignature.OID.sha256) }
                messageImprint.appendPrimitiveNode(identifier: .octetString) { $0.append(contentsOf: imprint) }
            }
            request.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: nonce) }
            try request.serialize(true)
        }
        der = serializer.serializedBytes
    }

    /// The token in an authority's `TimeStampResp`, with the time it states, once checked
    /// against this request. Throws `timestamp_refused` with the reason otherwise.
    public func token(from response: [UInt8]) throws(LOAError) -> (token: [UInt8], time: Date) {
        func refuse(_ why: String) -> LOAError { LOAError(code: LOAError.Code.timestampRefused, message: why) }
        guard let root = try? DER.parse(response), case let .constructed(parts) = root.content else {
            throw refuse("the time-stamping authority's answer is not a DER TimeStampResp")
        }
        let elements = Array(parts)
        guard let statusInfo = elements.first, case let .constructed(statusParts) = statusInfo.content,
              let statusNode = Array(statusParts).first, case let .primitive(statusBytes) = statusNode.content else {
            throw refuse("the answer has no status")
        }
        let status = statusBytes.reduce(0) { $0 << 8 | Int($1) }
        guard status == 0 || status == 1 else { throw refuse("the time-stamping authority refused the request (status \(status))") }
        guard elements.count >= 2 else { throw refuse("the answer holds no timestamp token") }
        let token = Array(elements[1].encodedBytes)
        guard let info = Self.timeStampInfo(in: elements[1]) else { throw refuse("the token holds no TSTInfo") }
        guard info.imprint == imprint else { throw refuse("the token is over other bytes than this signature") }
        guard info.nonce == nil || info.nonce! == nonce else { throw refuse("the token answers another request (nonce)") }
        return (token, info.time)
    }

    /// The imprint, nonce and time in a token (`ContentInfo` → `SignedData` → `TSTInfo`).
    static func timeStampInfo(in token: ASN1Node) -> (imprint: [UInt8], nonce: [UInt8]?, time: Date)? {
        let contentInfo = token.children
        guard contentInfo.count == 2, let signedData = contentInfo[1].children.first else { return nil }
        let signedParts = signedData.children
        guard signedParts.count >= 3 else { return nil }
        let encapsulated = signedParts[2].children
        guard encapsulated.count == 2, let octets = encapsulated[1].children.first, case let .primitive(tstBytes) = octets.content,
              let tstInfo = try? DER.parse(Array(tstBytes)) else { return nil }
        let fields = tstInfo.children
        // version, policy, messageImprint, serialNumber, genTime, [accuracy], [ordering], [nonce], …
        guard fields.count >= 5 else { return nil }
        let imprintParts = fields[2].children
        guard imprintParts.count == 2, case let .primitive(imprint) = imprintParts[1].content,
              let time = try? GeneralizedTime(derEncoded: fields[4]) else { return nil }
        let nonce = fields.dropFirst(5).first { $0.identifier == .integer }.flatMap { node -> [UInt8]? in
            if case let .primitive(bytes) = node.content { return Array(bytes) }
            return nil
        }
        var components = DateComponents()
        components.timeZone = TimeZone(identifier: "UTC")
        (components.year, components.month, components.day) = (time.year, time.month, time.day)
        (components.hour, components.minute, components.second) = (time.hours, time.minutes, time.seconds)
        guard let date = Calendar(identifier: .gregorian).date(from: components) else { return nil }
        return (Array(imprint), nonce, date)
    }
}
