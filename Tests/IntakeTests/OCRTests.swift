import Foundation
import Testing
@testable import Intake

/// OCR of scans: what reviewers get for a certificate with no text layer.
@Suite("OCR of scanned certificates")
struct OCRTests {
    static let northwind = CompanyClaims(legalName: "Northwind Connect Limited", registrationNumber: "12345678", country: "GB")
    static let tokyo = CompanyClaims(legalName: "株式会社東京ネットワークス", registrationNumber: "0104-01-123456", country: "JP")

    @Test("a scan's name and number are found by OCR, in PDF, PNG and JPEG", arguments: ["scan-certificate.pdf", "scan-certificate.png", "scan-certificate.jpg"])
    func latinScans(file: String) throws {
        let inspection = CertificateInspector.inspect(try Samples.bytes(file), claims: Self.northwind, ocr: OCRPolicy(country: "GB"))
        #expect(inspection.verdict == .needsVisualReview, "OCR never changes a verdict")
        let page = try #require(inspection.ocr.first)
        #expect(inspection.ocr.count == 1)
        #expect(page.status == .recognized)
        #expect(page.languages == ["eng"])
        #expect(page.confidence >= 70)
        #expect(page.text.contains("NORTHWIND CONNECT LIMITED") || page.text.contains("Northwind Connect Limited"))
        #expect(inspection.evidence.fromOCR)
        #expect(inspection.evidence.legalName?.found == true)
        #expect(inspection.evidence.registrationNumber?.found == true)
        #expect(inspection.evidence.registrationNumber?.pages == [1])
        #expect(inspection.pageTexts.allSatisfy { $0.allSatisfy(\.isWhitespace) }, "the text layer stays what the file holds")
        if file.hasSuffix(".pdf") {
            #expect(page.dotsPerInch == 300, "PDF pages are drawn at 300 dpi")
        } else {
            #expect(page.dotsPerInch == nil, "an image is read as it is")
        }
    }

    @Test("a Japanese scan is read in Japanese and English, and its name and number found")
    func japaneseScan() throws {
        let inspection = CertificateInspector.inspect(try Samples.bytes("jp-scan-genzai-jiko-ichibu.png"), claims: Self.tokyo, ocr: OCRPolicy(country: "JP"))
        let page = try #require(inspection.ocr.first)
        #expect(page.languages == ["jpn", "eng"])
        #expect(page.status == .recognized)
        #expect(inspection.evidence.legalName?.found == true)
        #expect(inspection.evidence.registrationNumber?.found == true)
        #expect(inspection.evidence.fromOCR)
    }

    @Test("a document with a text layer, or a refused one, is not read by OCR", arguments: ["uk-certificate-of-incorporation.pdf", "scan-certificate-ocr.pdf", "bad/password-protected.pdf", "bad/pixel-bomb.png"])
    func onlyImageOnlyDocuments(file: String) throws {
        let inspection = CertificateInspector.inspect(try Samples.bytes(file), claims: Self.northwind, ocr: OCRPolicy())
        #expect(inspection.ocr.isEmpty)
        #expect(!inspection.evidence.fromOCR)
    }

    @Test("an image over the OCR pixel limit is skipped with the reason; the verdict stands")
    func imageOverThePixelLimit() throws {
        var policy = OCRPolicy()
        policy.maxPixelsPerPage = 1_000_000
        let inspection = CertificateInspector.inspect(try Samples.bytes("scan-certificate.png"), claims: Self.northwind, ocr: policy)
        let page = try #require(inspection.ocr.first)
        #expect(page.status == .skipped)
        #expect(page.status.rawValue == "ocr_skipped")
        #expect(page.reason?.contains("1240×1754") == true)
        #expect(inspection.verdict == .needsVisualReview)
        #expect(inspection.evidence.legalName?.found == false)
    }

    @Test("a PDF page too large for 300 dpi is drawn smaller, down to 150 dpi, then skipped")
    func pdfPageOverThePixelLimit() throws {
        let bytes = try Samples.bytes("scan-certificate.pdf")
        var policy = OCRPolicy()
        policy.maxPixelsPerPage = 5_000_000
        let smaller = try #require(CertificateInspector.inspect(bytes, claims: Self.northwind, ocr: policy).ocr.first)
        #expect(smaller.status == .recognized)
        #expect(smaller.dotsPerInch.map { $0 > 150 && $0 < 300 } == true)
        policy.maxPixelsPerPage = 1_000_000
        let skipped = try #require(CertificateInspector.inspect(bytes, claims: Self.northwind, ocr: policy).ocr.first)
        #expect(skipped.status == .skipped)
        #expect(skipped.reason?.contains("150 dpi") == true)
    }

    @Test("a page that overruns its time limit is timed_out, not an error")
    func timeLimit() throws {
        var policy = OCRPolicy()
        policy.secondsPerPage = 0.02
        let inspection = CertificateInspector.inspect(try Samples.bytes("scan-certificate.png"), claims: Self.northwind, ocr: policy)
        let page = try #require(inspection.ocr.first)
        #expect(page.status == .timedOut)
        #expect(page.text.isEmpty)
    }

    @Test("a language that is not installed fails the page with a sentence naming it")
    func missingLanguage() throws {
        var policy = OCRPolicy()
        policy.languages = ["qqq"]
        let page = try #require(CertificateInspector.inspect(try Samples.bytes("scan-certificate.png"), claims: Self.northwind, ocr: policy).ocr.first)
        #expect(page.status == .failed)
        #expect(page.reason?.contains("qqq") == true)
    }

    @Test("languages come from the country, then English, keeping only installed packs")
    func languagesByCountry() {
        #expect(OCRLanguages.forCountry("FR") == ["fra", "eng"])
        #expect(OCRLanguages.forCountry("jp") == ["jpn", "eng"])
        #expect(OCRLanguages.forCountry("GB") == ["eng"])
        #expect(OCRLanguages.forCountry(nil) == ["eng"])
        #expect(OCRLanguages.forCountry("TW") == ["chi_tra", "eng"])
        #expect(OCRLanguages.forCountry("CH").allSatisfy { TextRecognizer.installedLanguages.contains($0) })
    }

    @Test("OCR results survive a round trip through JSON, and older inspections decode without them")
    func codable() throws {
        let inspection = CertificateInspector.inspect(try Samples.bytes("scan-certificate.png"), claims: Self.northwind, ocr: OCRPolicy())
        let json = try JSONEncoder().encode(inspection)
        #expect(try JSONDecoder().decode(Inspection.self, from: json) == inspection)
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["ocr"] = nil
        var evidence = try #require(object["evidence"] as? [String: Any])
        evidence["from_ocr"] = nil
        object["evidence"] = evidence
        let old = try JSONDecoder().decode(Inspection.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.ocr.isEmpty)
        #expect(!old.evidence.fromOCR)
    }
}
