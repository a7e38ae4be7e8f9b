import Foundation
import SwiftASN1
import X509

/// What a validator needs, years later, to check a letter's signature and its timestamp
/// without asking anyone (PAdES B-LT, ETSI EN 319 142-1 §5.4): the certificates of both
/// chains and their revocation data (CRLs, OCSP responses), kept in the document security
/// store (`/DSS`) of an incremental update after the signature.
public struct SignatureValidationData: Sendable, Hashable {
    /// Certificates, DER: the signer's chain and the time-stamping authority's.
    public var certificates: [[UInt8]]
    /// Certificate revocation lists, DER.
    public var crls: [[UInt8]]
    /// OCSP responses, DER.
    public var ocspResponses: [[UInt8]]

    /// The material to store.
    public init(certificates: [[UInt8]], crls: [[UInt8]] = [], ocspResponses: [[UInt8]] = []) {
        self.certificates = certificates
        self.crls = crls
        self.ocspResponses = ocspResponses
    }
}

/// A certificate whose revocation data a B-LT letter needs: not a self-signed root (a trust
/// anchor is trusted as such), with where its issuer publishes that data.
public struct RevocationSource: Sendable, Hashable {
    /// The certificate, DER.
    public var certificate: [UInt8]
    /// Its subject, for messages.
    public var subject: String
    /// `http://` URLs of its CRL distribution points (RFC 5280 §4.2.1.13).
    public var crlURLs: [String]
}

extension LOASigner {
    /// The certificates the last signature of `pdf` carries, its timestamp token's included
    /// (DER, each once, in order of appearance). Throws `signature_not_found` for a file
    /// without a CMS signature.
    public static func embeddedCertificates(of pdf: [UInt8]) throws(LOAError) -> [[UInt8]] {
        let (_, cms) = try signatureContents(of: pdf)
        guard let root = try? DER.parse(cms) else {
            throw LOAError(code: LOAError.Code.signatureNotFound, message: "/Contents is not a DER CMS structure")
        }
        var found: [[UInt8]] = []
        func collect(signedDataOf contentInfo: ASN1Node) {
            // ContentInfo { contentType, [0] EXPLICIT SignedData }; SignedData's certificates are
            // its [0] IMPLICIT SET OF Certificate.
            guard contentInfo.children.count == 2, let signedData = contentInfo.children[1].children.first else { return }
            let certificatesTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
            for part in signedData.children where part.identifier == certificatesTag {
                for certificate in part.children where certificate.identifier == .sequence {
                    let bytes = Array(certificate.encodedBytes)
                    if !found.contains(bytes) { found.append(bytes) }
                }
            }
            // The signers' unsigned attributes: a signature timestamp token is itself a ContentInfo.
            guard let signerInfos = signedData.children.last, signerInfos.identifier == .set else { return }
            let unsignedTag = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
            for signerInfo in signerInfos.children {
                for attribute in signerInfo.children.filter({ $0.identifier == unsignedTag }).flatMap(\.children) {
                    guard let type = attribute.children.first, (try? ASN1ObjectIdentifier(derEncoded: type)) == CAdESSignature.OID.signatureTimeStampToken,
                          let values = attribute.children.last else { continue }
                    for token in values.children { collect(signedDataOf: token) }
                }
            }
        }
        collect(signedDataOf: root)
        return found
    }

    /// Of `certificates` (DER), those that need revocation data (all but self-signed roots),
    /// each with its issuer's CRL distribution points. A certificate that does not parse is
    /// left out: a validator could not use its revocation data either.
    public static func revocationSources(of certificates: [[UInt8]]) -> [RevocationSource] {
        certificates.compactMap { der in
            guard let certificate = try? Certificate(derEncoded: der), certificate.subject != certificate.issuer else { return nil }
            var urls: [String] = []
            // CRLDistributionPoints ::= SEQUENCE OF DistributionPoint; every
            // uniformResourceIdentifier ([6] IA5String) inside names a place to fetch the CRL.
            if let points = certificate.extensions.first(where: { $0.oid == [2, 5, 29, 31] }), let node = try? DER.parse(points.value) {
                func walk(_ node: ASN1Node) {
                    switch node.content {
                    case .constructed(let children): for child in children { walk(child) }
                    case .primitive(let bytes):
                        if node.identifier == ASN1Identifier(tagWithNumber: 6, tagClass: .contextSpecific),
                           let url = String(bytes: bytes, encoding: .ascii), url.lowercased().hasPrefix("http://") || url.lowercased().hasPrefix("https://"),
                           !urls.contains(url) {
                            urls.append(url)
                        }
                    }
                }
                walk(node)
            }
            return RevocationSource(certificate: der, subject: String(describing: certificate.subject), crlURLs: urls)
        }
    }

    /// The certificates in a PEM file (a TSA's CA file), DER; blocks that are not
    /// certificates, or do not parse, are left out.
    public static func certificates(inPEM pem: String) -> [[UInt8]] {
        guard let documents = try? PEMDocument.parseMultiple(pemString: pem) else { return [] }
        return documents.filter { $0.discriminator == "CERTIFICATE" && (try? Certificate(derEncoded: $0.derBytes)) != nil }.map(\.derBytes)
    }

    /// A certificate revocation list as a distribution point serves it (DER, or PEM
    /// `X509 CRL`), as DER; nil when it is neither, so nothing unparseable reaches a letter.
    public static func revocationList(from served: [UInt8]) -> [UInt8]? {
        var der = served
        if served.starts(with: Array("-----BEGIN".utf8)) {
            guard let text = String(bytes: served, encoding: .ascii), let document = try? PEMDocument(pemString: text),
                  document.discriminator == "X509 CRL" else { return nil }
            der = document.derBytes
        }
        // CertificateList ::= SEQUENCE { tbsCertList SEQUENCE, signatureAlgorithm SEQUENCE, signature BIT STRING }
        guard let node = try? DER.parse(der), node.identifier == .sequence, node.children.count == 3,
              node.children[0].identifier == .sequence, node.children[2].identifier == .bitString else { return nil }
        return der
    }

    /// Whether `pdf` already has a document security store.
    public static func hasValidationData(_ pdf: [UInt8]) -> Bool {
        guard let structure = try? PDFStructure(pdf), let catalog = try? structure.dictionary(of: structure.root) else { return false }
        return PDFDictionary(catalog).value("DSS") != nil
    }

    /// `pdf` (signed) with a document security store added by an incremental update: one stream
    /// per certificate, CRL and OCSP response, the `/DSS` dictionary listing them, and the
    /// catalog again with `/DSS` added. Nothing before is rewritten, so the signature still
    /// covers its revision, and validators (pyHanko, Acrobat) accept a DSS-only update after a
    /// signature. Throws `pdf_structure_unsupported` for a file the signer could not have
    /// written, or one that has a DSS already.
    public static func addingValidationData(_ data: SignatureValidationData, to pdf: [UInt8]) throws(LOAError) -> [UInt8] {
        let structure = try PDFStructure(pdf)
        let catalog = try structure.dictionary(of: structure.root)
        guard PDFDictionary(catalog).value("DSS") == nil else {
            throw PDFStructure.unsupported("the document has a security store already")
        }
        var output = pdf
        if output.last != UInt8(ascii: "\n") { output.append(UInt8(ascii: "\n")) }
        var offsets: [Int: Int] = [:]
        var next = structure.size
        func append(_ text: String) { output.append(contentsOf: Array(text.utf8)) }
        func stream(_ bytes: [UInt8]) -> Int {
            let number = next
            next += 1
            offsets[number] = output.count
            append("\(number) 0 obj\n<< /Length \(bytes.count) >>\nstream\n")
            output.append(contentsOf: bytes)
            append("\nendstream\nendobj\n")
            return number
        }
        func references(_ numbers: [Int]) -> String { "[" + numbers.map { "\($0) 0 R" }.joined(separator: " ") + "]" }
        let certificates = data.certificates.map(stream), crls = data.crls.map(stream), ocsps = data.ocspResponses.map(stream)
        let dss = next
        next += 1
        offsets[dss] = output.count
        var entries = "/Type /DSS /Certs \(references(certificates))"
        if !crls.isEmpty { entries += " /CRLs \(references(crls))" }
        if !ocsps.isEmpty { entries += " /OCSPs \(references(ocsps))" }
        append("\(dss) 0 obj\n<< \(entries) >>\nendobj\n")
        offsets[structure.root] = output.count
        append("\(structure.root) 0 obj\n<<\(catalog.trimmingTrailingSpaces)\n/DSS \(dss) 0 R\n>>\nendobj\n")
        appendCrossReference(offsets, structure: structure, size: next, to: &output)
        return output
    }

    /// Whether the bytes after a signature's revision (which ends at `signedEnd`) only add a
    /// document security store: no object of the signed revision is redefined but the catalog,
    /// and the catalog only gains `/DSS`. Such an update cannot change what the letter shows,
    /// since everything a reader draws is reached from the catalog's other entries.
    static func appendsOnlyValidationData(_ pdf: [UInt8], signedEnd: Int) -> Bool {
        guard signedEnd < pdf.count, let signed = try? PDFStructure(Array(pdf[0..<signedEnd])), let whole = try? PDFStructure(pdf),
              whole.root == signed.root, let before = try? signed.dictionary(of: signed.root), let after = try? whole.dictionary(of: whole.root),
              PDFDictionary(after).value("DSS") != nil, PDFDictionary(before).value("DSS") == nil else { return false }
        for (number, offset) in whole.offsets where signed.offsets[number] != offset {
            guard number == whole.root || number >= signed.size else { return false }
        }
        func normalized(_ text: String) -> String { text.split(whereSeparator: { " \t\r\n".contains($0) }).joined(separator: " ") }
        let kept = PDFDictionary(after).topLevelEntries.filter { $0.key != "DSS" }, original = PDFDictionary(before).topLevelEntries
        return kept.count == original.count && zip(kept, original).allSatisfy { $0.key == $1.key && normalized($0.value) == normalized($1.value) }
    }
}

/// Appends an incremental update's cross-reference section for `offsets` and its trailer
/// (pointing back at the previous section), as both of the signer's updates end.
func appendCrossReference(_ offsets: [Int: Int], structure: PDFStructure, size: Int, to output: inout [UInt8]) {
    func append(_ text: String) { output.append(contentsOf: Array(text.utf8)) }
    let xrefOffset = output.count
    append("xref\n")
    let numbers = offsets.keys.sorted()
    var index = 0
    while index < numbers.count {
        var end = index
        while end + 1 < numbers.count, numbers[end + 1] == numbers[end] + 1 { end += 1 }
        append("\(numbers[index]) \(end - index + 1)\n")
        for number in numbers[index...end] {
            append(String(format: "%010d 00000 n \n", offsets[number]!))
        }
        index = end + 1
    }
    var trailer = "trailer\n<< /Size \(size)\n   /Root \(structure.root) 0 R\n"
    if let info = structure.info { trailer += "   /Info \(info) 0 R\n" }
    if let id = structure.idArray { trailer += "   /ID \(id)\n" }
    trailer += "   /Prev \(structure.startXref)\n>>\nstartxref\n\(xrefOffset)\n%%EOF\n"
    append(trailer)
}
