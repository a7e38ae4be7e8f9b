import Crypto
public import Foundation
import SwiftASN1
@_spi(CMS) import X509

/// Signs a rendered letter as a PAdES baseline signature (ETSI EN 319 142-1): an incremental
/// update appended to the file (the original bytes are never rewritten) adds an invisible
/// signature field, an AcroForm with `/SigFlags 3` and a `/Sig` dictionary (`/Adobe.PPKLite`,
/// `/ETSI.CAdES.detached`, the signing time in `/M`) whose `/ByteRange` covers the whole file
/// but the `/Contents` hex string, which holds a CAdES detached signature (``CAdESSignature``:
/// content type, message digest and the ESS signing-certificate-v2 attribute, no CMS
/// signing-time) over exactly those bytes: level B-B. With a timestamp token from a
/// time-stamping authority over its signature value, level B-T.
public struct LOASigner: Sendable {
    /// The key and certificate every signature is made with.
    public let identity: SigningIdentity

    /// A signer for `identity`.
    public init(identity: SigningIdentity) {
        self.identity = identity
    }

    /// Room kept in `/Contents` for a timestamp token (an authority's token with its
    /// certificate is 2–6 KiB), so that a token can be added later in place.
    static let timestampRoom = 12 * 1024

    /// `pdf` signed at level B-B. `signingTime` is the `/M` entry; `reason` is shown by
    /// readers. Throws `pdf_structure_unsupported` for a file that is not a classic-xref PDF
    /// the signer understands (or already has a form), and `signing_failed` when the key
    /// refuses to sign.
    public func sign(_ pdf: [UInt8], signingTime: Date = Date(), reason: String? = nil) throws(LOAError) -> [UInt8] {
        try prepare(pdf, signingTime: signingTime, reason: reason).signed()
    }

    /// A signed letter waiting, or not, for its timestamp.
    public struct PreparedSignature: Sendable {
        let output: [UInt8]
        let contentsStart: Int
        let reservedBytes: Int
        let signature: CAdESSignature

        /// The request to send to a time-stamping authority for this signature (B-T).
        public func timestampRequest() throws(LOAError) -> SignatureTimestampRequest {
            do { return try SignatureTimestampRequest(signatureValue: signature.signatureValue) } catch {
                throw LOAError(code: LOAError.Code.signingFailed, message: "the timestamp request could not be encoded: \(error)")
            }
        }

        /// The signed PDF: B-B without a token, B-T with the token of an authority's answer
        /// (checked by ``SignatureTimestampRequest/token(from:)``).
        public func signed(timestampToken: [UInt8]? = nil) throws(LOAError) -> [UInt8] {
            let cms: [UInt8]
            do { cms = try signature.contentInfo(timestampToken: timestampToken) } catch {
                throw LOAError(code: LOAError.Code.signingFailed, message: "the CMS signature could not be encoded: \(error)")
            }
            guard cms.count <= reservedBytes else {
                throw LOAError(code: LOAError.Code.signingFailed, message: "the signature (\(cms.count) bytes) does not fit the \(reservedBytes) reserved")
            }
            var output = self.output
            // The zeros the placeholder holds already stay as padding.
            writeHex(cms, into: &output, from: contentsStart + 1, paddingTo: contentsStart + 1)
            return output
        }
    }

    /// Everything up to the timestamp: the update appended, the bytes signed.
    public func prepare(_ pdf: [UInt8], signingTime: Date = Date(), reason: String? = nil) throws(LOAError) -> PreparedSignature {
        let structure = try PDFStructure(pdf)
        let catalog = try structure.dictionary(of: structure.root)
        guard PDFDictionary(catalog).value("AcroForm") == nil else {
            throw PDFStructure.unsupported("the document already has a form (is it signed already?)")
        }
        let (pageNumber, page) = try firstPage(of: structure, catalog: catalog)

        let signatureNumber = structure.size, fieldNumber = structure.size + 1, formNumber = structure.size + 2
        let pageWithField = try addingAnnotation(fieldNumber, to: page)
        let chain = [identity.certificate] + identity.intermediates
        let chainBytes = chain.reduce(0) { total, certificate in
            var serializer = DER.Serializer()
            return total + ((try? serializer.serialize(certificate)) != nil ? serializer.serializedBytes.count : 2048)
        }
        let reservedBytes = max(8192, chainBytes + 4096) + Self.timestampRoom

        var output = pdf
        output.reserveCapacity(pdf.count + 2 * reservedBytes + 2048)
        if output.last != UInt8(ascii: "\n") { output.append(UInt8(ascii: "\n")) }
        var objectOffsets: [Int: Int] = [:]
        func append(_ text: String) { output.append(contentsOf: Array(text.utf8)) }
        func beginObject(_ number: Int) {
            objectOffsets[number] = output.count
            append("\(number) 0 obj\n")
        }

        // The signature dictionary, with placeholders patched once the offsets are known.
        let byteRangeWidth = 48
        beginObject(signatureNumber)
        append("<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached\n/ByteRange [")
        let byteRangeAt = output.count
        append(String(repeating: " ", count: byteRangeWidth) + "]\n/Contents ")
        let contentsStart = output.count
        output.append(UInt8(ascii: "<"))
        output.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 2 * reservedBytes))
        output.append(UInt8(ascii: ">"))
        let contentsEnd = output.count
        append("\n/M \(pdfDate(signingTime))\n/Name \(pdfTextString(identity.subject))\n")
        if let reason { append("/Reason \(pdfTextString(reason))\n") }
        append(">>\nendobj\n")

        beginObject(fieldNumber)
        append("<< /Type /Annot /Subtype /Widget /FT /Sig /F 132 /T (LOA signature) /V \(signatureNumber) 0 R /P \(pageNumber) 0 R /Rect [0 0 0 0] >>\nendobj\n")
        beginObject(formNumber)
        append("<< /Fields [\(fieldNumber) 0 R] /SigFlags 3 >>\nendobj\n")
        beginObject(structure.root)
        append("<<\(catalog.trimmingTrailingSpaces)\n/AcroForm \(formNumber) 0 R\n>>\nendobj\n")
        beginObject(pageNumber)
        append("<<\(pageWithField)\n>>\nendobj\n")

        appendCrossReference(objectOffsets, structure: structure, size: structure.size + 3, to: &output)

        // Everything but the hex string is signed.
        let byteRange = "0 \(contentsStart) \(contentsEnd) \(output.count - contentsEnd)"
        output.replaceSubrange(byteRangeAt..<byteRangeAt + byteRange.utf8.count, with: Array(byteRange.utf8))
        var signed = [UInt8]()
        signed.reserveCapacity(output.count - (contentsEnd - contentsStart))
        signed.append(contentsOf: output[0..<contentsStart])
        signed.append(contentsOf: output[contentsEnd...])
        let signature: CAdESSignature
        do { signature = try CAdESSignature.sign(signed, identity: identity) } catch {
            throw LOAError(code: LOAError.Code.signingFailed, message: "the CAdES signature could not be made: \(error)")
        }
        return PreparedSignature(output: output, contentsStart: contentsStart, reservedBytes: reservedBytes, signature: signature)
    }

    /// The first leaf of the page tree, and its dictionary text.
    private func firstPage(of structure: PDFStructure, catalog: String) throws(LOAError) -> (Int, String) {
        guard var node = PDFDictionary(catalog).reference("Pages") else {
            throw PDFStructure.unsupported("the catalog has no /Pages")
        }
        for _ in 0..<16 {
            let dictionary = try structure.dictionary(of: node)
            guard let kids = PDFDictionary(dictionary).array("Kids") else { return (node, dictionary) }
            let parts = kids.dropFirst().split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" })
            guard parts.count >= 3, let first = Int(parts[0]) else {
                throw PDFStructure.unsupported("an empty page tree")
            }
            node = first
        }
        throw PDFStructure.unsupported("the page tree is too deep")
    }

    /// The page dictionary's text with the signature field added to its `/Annots`.
    private func addingAnnotation(_ field: Int, to page: String) throws(LOAError) -> String {
        let body = page.trimmingTrailingSpaces
        guard let annotations = PDFDictionary(body).value("Annots") else {
            return body + "\n/Annots [\(field) 0 R]"
        }
        guard annotations.hasPrefix("["), let range = body.range(of: annotations) else {
            throw PDFStructure.unsupported("the page's /Annots is not an inline array")
        }
        return body.replacingCharacters(in: range, with: "[\(field) 0 R " + annotations.dropFirst())
    }
}

/// A PDF date string, `(D:YYYYMMDDHHmmSSZ)`, in UTC.
func pdfDate(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(format: "(D:%04d%02d%02d%02d%02d%02dZ)", c.year ?? 1970, c.month ?? 1, c.day ?? 1, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
}

/// A PDF text string: a literal for plain ASCII, else UTF-16BE with a byte-order mark, in hex.
func pdfTextString(_ text: String) -> String {
    if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
        var escaped = "("
        for scalar in text.unicodeScalars {
            if scalar == "(" || scalar == ")" || scalar == "\\" { escaped += "\\" }
            escaped.unicodeScalars.append(scalar)
        }
        return escaped + ")"
    }
    return "<FEFF" + text.utf16.map { String(format: "%04X", $0) }.joined() + ">"
}

extension String {
    /// Without trailing whitespace (dictionary texts end with a newline before `>>`).
    var trimmingTrailingSpaces: String {
        var scalars = Substring(self).unicodeScalars
        while let last = scalars.last, " \t\r\n\u{0C}\0".unicodeScalars.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
