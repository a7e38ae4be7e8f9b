import Drawing
import Foundation
import LOA

/// Certificates altered the ways forgers alter them, one alteration per file, for the forensic
/// signals (`samples/tampered/`); and the two genuine documents that look altered to a naive
/// check but are not: a registry-signed e-extract (a signature-only incremental update) and a
/// scan with an invisible OCR text layer.
enum TamperedSamples {
    /// The name a forger puts in place of NORTHWIND CONNECT LIMITED.
    static let forgedName = "SOUTHWIND HOLDINGS LIMITED"

    /// The hand-written certificate, then an incremental update that replaces its page's
    /// content with the same lines but another company name: what saving an edit in a PDF
    /// editor does. The first revision still says NORTHWIND CONNECT LIMITED.
    static func nameRewrittenByIncrementalUpdate() -> [UInt8] {
        // certificate(title:) numbers its objects: 1 catalog, 2 pages, 3 page, 4 and 5 fonts,
        // 6 the content stream, 7 the information dictionary.
        let original = HandWrittenPDF.certificate(title: "Certificate of Incorporation - NORTHWIND CONNECT LIMITED")
        let content = Array(HandWrittenPDF.pageContent(HandWrittenPDF.certificateLines(companyName: forgedName)).utf8)
        let stream = Array("<< /Length \(content.count) >>\nstream\n".utf8) + content + Array("\nendstream".utf8)
        let page = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 8 0 R /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> >>"
        return HandWrittenPDF.appendingUpdate(to: original, objects: [8: stream, 3: Array(page.utf8)], root: 1, info: 7)
    }

    /// The hand-written certificate with the forger's company name in invisible text (render
    /// mode 3): a text search finds SOUTHWIND HOLDINGS LIMITED, a reader of the page sees only
    /// NORTHWIND CONNECT LIMITED.
    static func invisibleName() -> [UInt8] {
        HandWrittenPDF.certificate(
            title: "Certificate of Incorporation - NORTHWIND CONNECT LIMITED",
            extraContent: "BT 3 Tr /F2 16 Tf 72 440 Td \(HandWrittenPDF.literal(forgedName)) Tj ET\n"
        )
    }

    /// The UK certificate with a white box over its company number and another number on it.
    static func numberWhitedOut() throws -> [UInt8] {
        try UKCertificate.pdf(tampering: .whitedOutNumber("87654321"))
    }

    /// The UK certificate whose company number was typed again, smaller than its label.
    static func numberInAnotherSize() throws -> [UInt8] {
        try UKCertificate.pdf(tampering: .resizedNumber("87654321", size: 10.5))
    }

    /// The UK certificate whose company name was typed again in another typeface.
    static func namePastedInAnotherFont() throws -> [UInt8] {
        try UKCertificate.pdf(tampering: .pastedName(forgedName, font: "DejaVu Sans"))
    }

    /// The UK certificate as an online editor re-saves it: its name in `/Producer` and
    /// `/Creator`, and a modification date months after the creation date. cairo always
    /// writes its own name as the producer, so that string is overwritten in place, padded
    /// with spaces to the same length, which keeps every cross-reference offset right.
    static func savedByOnlineEditor() throws -> [UInt8] {
        var metadata = UKCertificate.metadata
        metadata.creator = "iLovePDF"
        metadata.modificationDate = "2024-09-02T16:20:00Z"
        var bytes = try UKCertificate.pdf(metadata: metadata)
        let key = Array("/Producer (".utf8)
        guard let start = bytes.indices.first(where: { bytes[$0...].starts(with: key) }) else { return bytes }
        // The value's closing parenthesis, nested parentheses counted.
        var depth = 0, end = start + key.count - 1
        repeat {
            if bytes[end] == UInt8(ascii: "(") { depth += 1 } else if bytes[end] == UInt8(ascii: ")") { depth -= 1 }
            end += 1
        } while depth > 0 && end < bytes.count
        let replacement = Array("/Producer (iLovePDF)".utf8)
        guard replacement.count <= end - start else { return bytes }
        bytes.replaceSubrange(start..<end, with: replacement + [UInt8](repeating: UInt8(ascii: " "), count: end - start - replacement.count))
        return bytes
    }

    /// The Kbis signed by its greffe, as Infogreffe signs e-extracts: an incremental update
    /// that adds only a signature. Genuine: no signal. The signature is made with a key created
    /// for the sample (ECDSA signatures differ on every run, so an existing file whose first
    /// revision is still `kbis` is kept; see `SampleWriter`).
    static func signedKbis(_ kbis: [UInt8]) throws -> [UInt8] {
        let signedAt = Date(timeIntervalSince1970: 1_710_495_733) // 2024-03-15T09:42:13Z
        let identity = try SigningIdentity.generateDevelopment(
            commonName: "Greffe du Tribunal de Commerce de Paris (specimen)", organization: "Paperwork sample maker", now: signedAt
        )
        return try LOASigner(identity: identity).sign(kbis, signingTime: signedAt, reason: "Extrait Kbis certifié conforme")
    }

    /// The scan as scanning software with OCR writes it: the page image, and the recognised
    /// words over it in invisible text (render mode 3), so the PDF can be searched. Genuine:
    /// the invisible text lies on the words it was read from.
    static func scanWithOCRLayer(jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
        var pdf = HandWrittenPDF()
        let catalog = pdf.reserve()
        let pages = pdf.reserve()
        let page = pdf.reserve()
        let font = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
        let image = pdf.addStream(jpeg, dictionary: "/Type /XObject /Subtype /Image /Width \(width) /Height \(height) /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode")
        // Where the lines sit on the scanned UK certificate, in points from the bottom.
        let words: [(size: Double, y: Double, text: String)] = [
            (21, 650, "CERTIFICATE OF INCORPORATION"),
            (17, 605, "PRIVATE LIMITED COMPANY"),
            (14, 567, "Company Number 12345678"),
            (12.5, 505, "The Registrar of Companies for England and Wales, hereby certifies that"),
            (20, 465, "NORTHWIND CONNECT LIMITED"),
            (12.5, 352, "Given at Companies House, Cardiff, on 15th March 2024."),
        ]
        var content = "q 595.28 0 0 841.89 0 0 cm /Im1 Do Q\nBT 3 Tr\n"
        for word in words {
            // Centred as printed: Helvetica's average advance is about half the size.
            let x = max(40, 297.64 - Double(word.text.count) * word.size * 0.27)
            content += "/F1 \(word.size) Tf 1 0 0 1 \(String(format: "%.2f", x)) \(word.y) Tm \(HandWrittenPDF.literal(word.text)) Tj\n"
        }
        content += "ET\n"
        let contents = pdf.addStream(Array(content.utf8))
        pdf.set(page, "<< /Type /Page /Parent \(pages) 0 R /MediaBox [0 0 595.28 841.89] /Contents \(contents) 0 R /Resources << /Font << /F1 \(font) 0 R >> /XObject << /Im1 \(image) 0 R >> >> >>")
        pdf.set(pages, "<< /Type /Pages /Kids [\(page) 0 R] /Count 1 >>")
        pdf.set(catalog, "<< /Type /Catalog /Pages \(pages) 0 R >>")
        let info = pdf.add("<< /Title (Scan 2024-03-15 10.31.07) /Producer (Paperwork sample maker \\(simulated scanner with OCR\\)) /CreationDate (D:20240315103107Z) >>")
        return pdf.bytes(root: catalog, info: info)
    }
}
