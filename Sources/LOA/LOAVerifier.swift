import Foundation
import SwiftASN1
@_spi(CMS) import X509

/// What `LOAVerifier` found in a signed letter.
public struct LOASignatureReport: Sendable, Equatable {
    /// The CMS signature matches the bytes its `/ByteRange` names (nothing in them changed).
    public var signatureIntact: Bool
    /// The `/ByteRange` starts at the first byte and leaves out only the `/Contents` hex
    /// string, and nothing was appended after signing but a document security store.
    public var coversWholeDocument: Bool
    /// The signer's certificate is (or chains to) one of the certificates the caller trusts.
    public var signerTrusted: Bool
    /// The signer certificate's subject, when the signature could be parsed.
    public var signerSubject: String?
    /// How many signature dictionaries the file has (the last one is checked).
    public var signatureCount: Int
    /// The letter's id, from the PDF's keywords (`paperwork-loa:<id>`), when inside the signed bytes.
    public var loaID: String?
    /// Why the signature is not intact, when it is not.
    public var problem: String?
    /// Why the signer is not trusted, when the signature is intact but `signerTrusted` is false.
    public var trustProblem: String?
    /// The PAdES baseline level the file reaches: `B-B`, `B-T` (a signature timestamp) or
    /// `B-LT` (and a document security store after the signature).
    public var level: String = "B-B"

    /// Intact and covering the whole file: the letter is exactly what the signer signed.
    /// Whether the signer is the right one is `signerTrusted`.
    public var isIntact: Bool { signatureIntact && coversWholeDocument }
}

/// Checks the signature of a Letter of Authorization the way PDF readers do: the last
/// signature dictionary's `/ByteRange` must cover the whole file except its `/Contents`, and
/// the CMS signature in `/Contents` must verify over those bytes (digest and signature, with the
/// certificate it carries). Trust in the signer is reported separately.
public enum LOAVerifier {
    /// Checks `pdf`. Throws `signature_not_found` for a file without a usable signature
    /// dictionary; every other problem is reported, not thrown.
    public static func verify(_ pdf: [UInt8], trustedCertificatePEMs: [String] = []) async throws(LOAError) -> LOASignatureReport {
        let markers = allIndices(of: Array("/ByteRange".utf8), in: pdf)
        guard let marker = markers.last else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "the file has no signature (/ByteRange)")
        }
        let range = try byteRange(in: pdf, after: marker + 10)
        let (start1, length1, start2, length2) = (range[0], range[1], range[2], range[3])
        guard start1 >= 0, length1 > 0, start2 > start1 + length1, length2 >= 0,
              start2 + length2 <= pdf.count, start1 + length1 < pdf.count,
              pdf[start1 + length1] == UInt8(ascii: "<"), pdf[start2 - 1] == UInt8(ascii: ">") else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "the /ByteRange \(range) does not frame a /Contents string")
        }
        let hex = pdf[(start1 + length1 + 1)..<(start2 - 1)]
        guard hex.count % 2 == 0, let cms = decodeHex(hex), let derLength = derLength(cms) else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "/Contents is not a hex-encoded CMS structure")
        }
        // A document security store appended after the signature (PAdES B-LT) leaves what the
        // letter shows unchanged; anything else appended is reported.
        let validationDataAppended = start2 + length2 < pdf.count && LOASigner.appendsOnlyValidationData(pdf, signedEnd: start2 + length2)
        let coversWhole = start1 == 0 && (start2 + length2 == pdf.count || validationDataAppended)

        var signed = [UInt8]()
        signed.reserveCapacity(length1 + length2)
        signed.append(contentsOf: pdf[start1..<(start1 + length1)])
        signed.append(contentsOf: pdf[start2..<(start2 + length2)])

        var trusted: [Certificate] = []
        for pem in trustedCertificatePEMs {
            do { trusted.append(try Certificate(pemEncoded: pem)) } catch {
                throw LOAError(code: LOAError.Code.certificateInvalid, message: "a trusted certificate is not valid PEM X.509: \(error)")
            }
        }
        let result = await CMS.isValidSignature(
            dataBytes: signed,
            signatureBytes: cms.prefix(derLength),
            trustRoots: CertificateStore(trusted)
        ) {
            // Chain building, validity dates, basic constraints and key usage at the time of checking.
            RFC5280Policy()
        }
        var report = LOASignatureReport(
            signatureIntact: false, coversWholeDocument: coversWhole, signerTrusted: false,
            signerSubject: nil, signatureCount: markers.count,
            loaID: loaID(in: pdf, before: start2 + length2), problem: nil, trustProblem: nil
        )
        report.level = !LOASigner.hasSignatureTimestamp(pdf) ? "B-B" : validationDataAppended ? "B-LT" : "B-T"
        switch result {
        case .success(let valid):
            report.signatureIntact = true
            report.signerTrusted = true
            report.signerSubject = String(describing: valid.signer.subject)
        case .failure(.unableToValidateSigner(let failure)):
            // The signature itself verified; only the signer is unknown to the caller.
            report.signatureIntact = true
            report.signerSubject = String(describing: failure.signer.subject)
            report.trustProblem = trusted.isEmpty
                ? "no trusted certificates were given"
                : failure.policyFailures.isEmpty ? "no path to a trusted certificate" : failure.policyFailures.map { "\($0)" }.joined(separator: "; ")
        case .failure(.invalidCMSBlock(let invalid)):
            report.problem = invalid.reason
        }
        if !coversWhole, report.problem == nil {
            report.problem = "the signature covers \(length1 + length2 + (start2 - start1 - length1)) of \(pdf.count) bytes: something was added after signing"
        }
        return report
    }

    static func allIndices(of needle: [UInt8], in bytes: [UInt8]) -> [Int] {
        var found: [Int] = []
        guard bytes.count >= needle.count else { return found }
        var index = 0
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], bytes[index..<index + needle.count].elementsEqual(needle) {
                found.append(index)
                index += needle.count
            } else {
                index += 1
            }
        }
        return found
    }

    /// The four integers of `[a b c d]` after `start`.
    static func byteRange(in pdf: [UInt8], after start: Int) throws(LOAError) -> [Int] {
        var cursor = PDFBytes.skipWhitespace(pdf, start)
        guard cursor < pdf.count, pdf[cursor] == UInt8(ascii: "[") else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "/ByteRange is not an array")
        }
        cursor += 1
        var values: [Int] = []
        for _ in 0..<4 {
            cursor = PDFBytes.skipWhitespace(pdf, cursor)
            guard let (value, end) = PDFBytes.integer(in: pdf, at: cursor) else {
                throw LOAError(code: LOAError.Code.signatureNotFound, message: "/ByteRange does not hold four integers")
            }
            values.append(value)
            cursor = end
        }
        return values
    }

    static func decodeHex(_ hex: ArraySlice<UInt8>) -> [UInt8]? {
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x41...0x46: c - 0x41 + 10
            case 0x61...0x66: c - 0x61 + 10
            default: nil
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            guard let high = nibble(hex[index]), let low = nibble(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// The length of the DER SEQUENCE at the start of `bytes` (the rest is zero padding).
    static func derLength(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2, bytes[0] == 0x30 else { return nil }
        if bytes[1] < 0x80 { return 2 + Int(bytes[1]) <= bytes.count ? 2 + Int(bytes[1]) : nil }
        let count = Int(bytes[1] & 0x7F)
        guard (1...4).contains(count), bytes.count >= 2 + count else { return nil }
        let length = bytes[2..<2 + count].reduce(0) { $0 << 8 | Int($1) }
        return 2 + count + length <= bytes.count ? 2 + count + length : nil
    }

    /// The id written by the renderer as the PDF keyword `paperwork-loa:<id>`, if it lies in the signed part.
    private static func loaID(in pdf: [UInt8], before end: Int) -> String? {
        guard let start = PDFBytes.lastIndex(of: "(paperwork-loa:", in: pdf), start < end else { return nil }
        let prefix = Array("(paperwork-loa:".utf8)
        var cursor = start + prefix.count
        var id = [UInt8]()
        while cursor < end, pdf[cursor] != UInt8(ascii: ")"), id.count < 200 {
            id.append(pdf[cursor])
            cursor += 1
        }
        return String(decoding: id, as: UTF8.self)
    }
}
