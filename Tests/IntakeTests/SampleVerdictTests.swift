import Testing
@testable import Intake

/// The documented verdict of every file in `samples/`: the contract `paperwork inspect` keeps.
@Suite("Verdicts on the samples")
struct SampleVerdictTests {
    struct Expectation: CustomTestStringConvertible, Sendable {
        var file: String
        var verdict: Verdict
        var reasons: Set<ReasonCode> = []
        var testDescription: String { file }
    }

    static let expectations: [Expectation] = [
        // Real-looking certificates with a text layer go to review with their evidence.
        .init(file: "uk-certificate-of-incorporation.pdf", verdict: .accepted),
        .init(file: "fr-extrait-kbis.pdf", verdict: .accepted),
        .init(file: "de-handelsregister-auszug.pdf", verdict: .accepted),
        .init(file: "sg-acra-business-profile.pdf", verdict: .accepted),
        .init(file: "jp-rireki-jiko-zenbu-shomeisho.pdf", verdict: .accepted),
        .init(file: "hk-certificate-of-incorporation.pdf", verdict: .accepted),
        // CJK text in fonts the file does not embed: accepted only when poppler has the
        // collections' CMaps (poppler-data), otherwise it extracts nothing.
        .init(file: "jp-genzai-jiko-shomeisho-cid.pdf", verdict: .accepted),
        .init(file: "cn-business-licence-cid.pdf", verdict: .accepted),
        // Scans are valid but must be read by eye.
        .init(file: "scan-certificate.pdf", verdict: .needsVisualReview),
        .init(file: "scan-certificate.png", verdict: .needsVisualReview),
        .init(file: "scan-certificate.jpg", verdict: .needsVisualReview),
        .init(file: "jp-scan-genzai-jiko-ichibu.png", verdict: .needsVisualReview),
        // A registry-signed e-extract, and a scan with an OCR text layer: genuine, accepted.
        .init(file: "fr-extrait-kbis-signe.pdf", verdict: .accepted),
        .init(file: "scan-certificate-ocr.pdf", verdict: .accepted),
        // Altered certificates are valid files: intake accepts them, and their forensic
        // signals tell the reviewer what was altered (ForensicSignalTests).
        .init(file: "tampered/uk-name-rewritten.pdf", verdict: .accepted),
        .init(file: "tampered/uk-number-whited-out.pdf", verdict: .accepted),
        .init(file: "tampered/uk-name-pasted.pdf", verdict: .accepted),
        .init(file: "tampered/uk-invisible-name.pdf", verdict: .accepted),
        .init(file: "tampered/uk-number-resized.pdf", verdict: .accepted),
        .init(file: "tampered/uk-saved-by-ilovepdf.pdf", verdict: .accepted),
        .init(file: "tampered/fr-kbis-wrong-siren.pdf", verdict: .accepted),
        .init(file: "tampered/fr-kbis-2021.pdf", verdict: .accepted),
        // Hostile and broken files are refused with every reason that applies.
        .init(file: "bad/empty.pdf", verdict: .rejected, reasons: [.emptyFile]),
        .init(file: "bad/truncated.pdf", verdict: .rejected, reasons: [.corruptDocument]),
        .init(file: "bad/html-renamed.pdf", verdict: .rejected, reasons: [.unsupportedType, .typeMismatch]),
        .init(file: "bad/zip-renamed.pdf", verdict: .rejected, reasons: [.unsupportedType, .typeMismatch]),
        .init(file: "bad/executable-renamed.pdf", verdict: .rejected, reasons: [.unsupportedType, .typeMismatch]),
        .init(file: "bad/png-renamed.pdf", verdict: .rejected, reasons: [.typeMismatch]),
        .init(file: "bad/password-protected.pdf", verdict: .rejected, reasons: [.passwordProtected]),
        .init(file: "bad/javascript.pdf", verdict: .rejected, reasons: [.activeContent]),
        .init(file: "bad/launch-action.pdf", verdict: .rejected, reasons: [.activeContent]),
        .init(file: "bad/embedded-file.pdf", verdict: .rejected, reasons: [.embeddedFiles]),
        .init(file: "bad/too-many-pages.pdf", verdict: .rejected, reasons: [.tooManyPages]),
        .init(file: "bad/polyglot-zip.pdf", verdict: .rejected, reasons: [.trailingData]),
        .init(file: "bad/polyglot-html.pdf", verdict: .rejected, reasons: [.trailingData]),
        // libmagic does not call it a PDF, but readers would open it: both facts are reasons.
        .init(file: "bad/leading-junk.pdf", verdict: .rejected, reasons: [.leadingData, .typeMismatch, .unsupportedType]),
        .init(file: "bad/blank.pdf", verdict: .rejected, reasons: [.noContent]),
        .init(file: "bad/blank.png", verdict: .rejected, reasons: [.noContent]),
        .init(file: "bad/pixel-bomb.png", verdict: .rejected, reasons: [.imageTooLarge]),
        .init(file: "bad/corrupt.jpg", verdict: .rejected, reasons: [.corruptDocument]),
    ]

    @Test("each sample gets its documented verdict and exactly its reasons", arguments: expectations)
    func sampleVerdict(_ expected: Expectation) throws {
        let inspection = CertificateInspector.inspect(try Samples.bytes(expected.file), declared: DeclaredType(fileName: expected.file))
        #expect(inspection.verdict == expected.verdict, "\(inspection.findings)")
        #expect(Set(inspection.reasons) == expected.reasons, "\(inspection.findings)")
    }

    @Test("every file in samples/ has a documented verdict")
    func everySampleIsDocumented() {
        let documented = Set(Self.expectations.map(\.file))
        #expect(Set(Samples.all) == documented)
    }

    /// Registry PDFs in Japan and China often set their text in a non-embedded CID font of
    /// Adobe's Japan1 or GB1 collection; without poppler-data such a certificate loses its whole
    /// text and falls to visual review with no evidence.
    @Test(
        "a certificate in a non-embedded CJK font is accepted with its name and number found",
        arguments: [
            ("jp-genzai-jiko-shomeisho-cid.pdf", "株式会社浪速データリンク", "1200-01-234567"),
            ("cn-business-licence-cid.pdf", "上海云桥数据科技有限公司", "91310115MA1H7KQ231"),
        ]
    )
    func nonEmbeddedCJKFont(file: String, legalName: String, registrationNumber: String) throws {
        let inspection = CertificateInspector.inspect(
            try Samples.bytes(file), declared: DeclaredType(fileName: file),
            claims: CompanyClaims(legalName: legalName, registrationNumber: registrationNumber)
        )
        #expect(inspection.verdict == .accepted, "\(inspection.findings)")
        let text = inspection.pageTexts.joined(separator: "\n")
        #expect(inspection.evidence.legalName?.found == true, "legal name not found in: \(text)")
        #expect(inspection.evidence.registrationNumber?.found == true, "registration number not found in: \(text)")
    }

    @Test("a rejected file says why in a sentence for each reason")
    func findingsExplainReasons() throws {
        let inspection = CertificateInspector.inspect(try Samples.bytes("bad/executable-renamed.pdf"), declared: DeclaredType(fileName: "statuts.pdf"))
        #expect(Set(inspection.findings.map(\.code)) == Set(inspection.reasons))
        #expect(inspection.findings.allSatisfy { !$0.message.isEmpty })
    }
}
