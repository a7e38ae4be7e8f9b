import Foundation
import Testing
import TestSupport
@testable import Intake

@Suite("Certificate inspector")
struct CertificateInspectorTests {
    @Test("a certificate PDF reports its pages, sizes, text, metadata and digest")
    func pdfFacts() throws {
        let bytes = try Samples.bytes("fr-extrait-kbis.pdf")
        let inspection = CertificateInspector.inspect(bytes, declared: DeclaredType(fileName: "kbis.pdf"))
        #expect(inspection.sniffedMIME == "application/pdf")
        #expect(inspection.declaredType == "application/pdf")
        #expect(inspection.pages == 2)
        #expect(inspection.pageSizes.count == 2)
        #expect(abs(inspection.pageSizes[0].width - 595.28) < 1)
        #expect(inspection.pageTexts[0].contains("Kbis"))
        #expect(inspection.textCharacters > 200)
        #expect(inspection.metadata?.producer?.contains("cairo") == true)
        #expect(inspection.sha256.count == 64)
        #expect(inspection.size == bytes.count)
    }

    @Test("a table's label and value, which poppler glues together, are kept apart in the page text", arguments: [
        ("fr-extrait-kbis.pdf", ["Dénomination ou raison sociale\tSOCIÉTÉ DES RÉSEAUX DU LÉMAN", "Immatriculation au RCS, numéro\t912 345 675 R.C.S. Paris"]),
        ("de-handelsregister-auszug.pdf", ["Eintragungen:\t4", "a) Firma:\tBrücken Netzwerke GmbH", "Zweigniederlassungen:\tSitz München"]),
        ("cn-business-licence-cid.pdf", ["统一社会信用代码\t91310115MA1H7KQ231", "法定代表人\t王明"]),
        ("jp-genzai-jiko-shomeisho-cid.pdf", ["会社法人等番号\t1200-01-234567"]),
    ])
    func labelsApartFromValues(_ file: String, _ rows: [String]) throws {
        let inspection = CertificateInspector.inspect(try Samples.bytes(file), declared: DeclaredType(fileName: file))
        let text = inspection.pageTexts.joined(separator: "\n")
        for row in rows { #expect(text.contains(row), "\(row)") }
        // Running text and its ordinary spaces are left as they were.
        #expect(!text.contains("\t\t") && !text.contains(" \t") && !text.contains("\t "))
    }

    @Test("text drawn as one line keeps its characters together: no separator inside words or between spaced capitals")
    func runningTextUntouched() throws {
        let inspection = CertificateInspector.inspect(try Samples.bytes("uk-certificate-of-incorporation.pdf"), declared: DeclaredType(fileName: "uk.pdf"))
        let text = inspection.pageTexts[0]
        #expect(text.contains("The Registrar of Companies for England and Wales, hereby certifies that"))
        #expect(text.contains("NORTHWIND CONNECT LIMITED"))
        #expect(!text.contains("\t"))
    }

    /// poppler frees its global state when the last open document closes, and rebuilding it
    /// costs three times a small certificate's parsing; the reader keeps one document open.
    @Test("poppler's global state stays held between documents, and the anchor is opened once")
    func popplerStaysWarm() throws {
        CertificateInspector.warmUp()
        #expect(PopplerReader.lock.withLock { $0.isHolding })
        let inspection = CertificateInspector.inspect(try Samples.bytes("uk-certificate-of-incorporation.pdf"))
        #expect(inspection.verdict == .accepted)
        #expect(PopplerReader.lock.withLock { $0.isHolding }, "closing the certificate must not release poppler's state")
    }

    @Test("the declared legal name and number are found on the page that shows them")
    func evidenceFromText() throws {
        let inspection = CertificateInspector.inspect(
            try Samples.bytes("uk-certificate-of-incorporation.pdf"),
            claims: CompanyClaims(legalName: "Northwind Connect Ltd", registrationNumber: "1234 5678")
        )
        #expect(inspection.evidence.legalName?.found == true)
        #expect(inspection.evidence.legalName?.pages == [1])
        #expect(inspection.evidence.registrationNumber?.found == true)
        #expect(inspection.evidence.registrationNumberCandidates.contains { $0.contains("12345678") })
    }

    @Test("a claim the certificate does not support is reported as not found")
    func evidenceNotFound() throws {
        let inspection = CertificateInspector.inspect(
            try Samples.bytes("uk-certificate-of-incorporation.pdf"),
            claims: CompanyClaims(legalName: "Southwind Holdings Ltd", registrationNumber: "87654321")
        )
        #expect(inspection.evidence.legalName?.found == false)
        #expect(inspection.evidence.registrationNumber?.found == false)
    }

    @Test("the declared type is compared with the sniffed one, never trusted")
    func declaredTypeIsOnlyCompared() throws {
        let pdf = try Samples.bytes("uk-certificate-of-incorporation.pdf")
        let named = CertificateInspector.inspect(pdf, declared: DeclaredType(fileName: "certificate.png"))
        #expect(named.reasons == [.typeMismatch])
        #expect(named.sniffedMIME == "application/pdf")
        let labelled = CertificateInspector.inspect(pdf, declared: DeclaredType(fileName: "certificate.pdf", mimeType: "image/jpeg"))
        #expect(labelled.reasons == [.typeMismatch])
        let agreeing = CertificateInspector.inspect(pdf, declared: DeclaredType(fileName: "CERT.PDF", mimeType: "application/pdf; charset=binary"))
        #expect(agreeing.verdict == .accepted)
        let unlabelled = CertificateInspector.inspect(pdf, declared: DeclaredType(fileName: "certificate", mimeType: "application/octet-stream"))
        #expect(unlabelled.verdict == .accepted)
        #expect(unlabelled.declaredType == nil)
    }

    @Test("limits are settings: file size, page count and pixel count")
    func limitsAreSettings() throws {
        let kbis = try Samples.bytes("fr-extrait-kbis.pdf")
        let small = CertificateInspector.inspect(kbis, limits: IntakeLimits(maxFileBytes: 1000))
        #expect(small.reasons == [.fileTooLarge])
        let short = CertificateInspector.inspect(kbis, limits: IntakeLimits(maxPages: 1))
        #expect(short.reasons == [.tooManyPages])
        #expect(short.pageTexts.count == 1, "only the allowed pages are examined")
        let scan = try Samples.bytes("scan-certificate.png")
        let tiny = CertificateInspector.inspect(scan, limits: IntakeLimits(maxImagePixels: 1000))
        #expect(tiny.reasons == [.imageTooLarge])
    }

    @Test("judging a stored file gives the verdict and reasons of a full inspection, on every sample and under stricter policies")
    func judgementAgreesWithInspection() throws {
        // Judging stops extracting text once a text layer is proven, so the policies include
        // one that needs more text than a first page has, and one whose text budget is too
        // small for any text layer.
        var wordy = IntakeLimits()
        wordy.minTextCharacters = 2_500
        var terse = IntakeLimits()
        terse.maxTextCharactersPerPage = 8
        terse.maxTextCharactersTotal = 12
        for limits in [IntakeLimits(), IntakeLimits(maxPages: 1), wordy, terse] {
            for name in Samples.all {
                let bytes = try Samples.bytes(name)
                let declared = DeclaredType(fileName: name)
                let full = CertificateInspector.inspect(bytes, declared: declared, limits: limits)
                let judged = CertificateInspector.judge(bytes, sha256: full.sha256, declared: declared, limits: limits)
                #expect(judged.verdict == full.verdict, "\(name)")
                #expect(judged.reasons == full.reasons, "\(name)")
                #expect(judged.pages == full.pages, "\(name)")
                #expect(judged.sha256 == full.sha256)
                #expect(judged.pageTexts.isEmpty, "page texts stay in the worker")
            }
        }
    }

    @Test("an oversized file is judged from its head without being read whole")
    func oversizedHead() throws {
        let head = Array(try Samples.bytes("uk-certificate-of-incorporation.pdf").prefix(4096))
        let inspection = CertificateInspector.inspectOversized(head: head, size: 50_000_000, sha256: String(repeating: "a", count: 64), declared: DeclaredType(fileName: "x.pdf"))
        #expect(inspection.reasons == [.fileTooLarge])
        #expect(inspection.sniffedMIME == "application/pdf")
        #expect(inspection.size == 50_000_000)
    }

    @Test("a document with several problems lists them all")
    func severalProblems() throws {
        // A polyglot PDF that also claims to be a PNG, and has more pages than allowed.
        let bytes = try Samples.bytes("bad/polyglot-zip.pdf")
        let inspection = CertificateInspector.inspect(bytes, declared: DeclaredType(fileName: "cert.png"), limits: IntakeLimits(maxPages: 0))
        #expect(Set(inspection.reasons) == [.trailingData, .typeMismatch, .tooManyPages])
    }

    @Test("page previews are PNGs no larger than the limit", arguments: ["uk-certificate-of-incorporation.pdf", "scan-certificate.jpg", "scan-certificate.png"])
    func previews(_ file: String) throws {
        var limits = IntakeLimits()
        limits.maxPreviewPixelsPerSide = 800
        let inspection = CertificateInspector.inspect(try Samples.bytes(file), limits: limits, previews: .allPages)
        #expect(inspection.previews.count == 1)
        let preview = try #require(inspection.previews.first)
        #expect(Array(preview.png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(max(preview.width, preview.height) == 800)
        let again = try CertificateInspector.renderPreview(of: try Samples.bytes(file), page: 1, limits: limits)
        #expect(again.width == preview.width && again.height == preview.height)
    }

    @Test("a later page of a PDF renders on request")
    func laterPage() throws {
        let preview = try CertificateInspector.renderPreview(of: try Samples.bytes("fr-extrait-kbis.pdf"), page: 2)
        #expect(preview.page == 2)
        #expect(Array(preview.png.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test("a page renders at 300 dpi for the reviewers' full-resolution view, within the pixel limit; a refused file renders nothing")
    func fullResolution() throws {
        var limits = IntakeLimits()
        limits.previewDotsPerInch = 300
        limits.maxPreviewPixelsPerSide = 4200
        let page2 = CertificateInspector.inspect(try Samples.bytes("fr-extrait-kbis.pdf"), declared: DeclaredType(), renderingPage: 2, limits: limits)
        let image = try #require(page2.previews.first)
        #expect(page2.previews.count == 1 && image.page == 2)
        // An A4 page (595 × 842 pt) at 300 dpi.
        #expect(abs(image.width - 2480) <= 2 && abs(image.height - 3508) <= 2, "\(image.width) × \(image.height)")
        limits.maxPreviewPixelsPerSide = 1000
        let capped = CertificateInspector.inspect(try Samples.bytes("fr-extrait-kbis.pdf"), declared: DeclaredType(), renderingPage: 1, limits: limits)
        #expect(capped.previews.first.map { max($0.width, $0.height) } == 1000, "the longest side is capped")
        #expect(CertificateInspector.inspect(try Samples.bytes("bad/javascript.pdf"), declared: DeclaredType(), renderingPage: 1, limits: limits).previews.isEmpty)
        #expect(CertificateInspector.inspect(try Samples.bytes("fr-extrait-kbis.pdf"), declared: DeclaredType(), renderingPage: 9, limits: limits).previews.isEmpty)
    }

    @Test("asking for a page that does not exist is an error with a stable code")
    func previewOutOfRange() throws {
        #expect(throws: IntakeError.pageOutOfRange(3, pages: 1)) {
            try CertificateInspector.renderPreview(of: try Samples.bytes("uk-certificate-of-incorporation.pdf"), page: 3)
        }
        #expect(throws: IntakeError.self) {
            try CertificateInspector.renderPreview(of: try Samples.bytes("bad/javascript.pdf"), page: 1)
        }
    }

    @Test("the library is correct under concurrent calls: same verdicts as one at a time")
    func concurrentCallsAgree() async throws {
        let files = Samples.all
        let inputs = try files.map { ($0, try Samples.bytes($0)) }
        let sequential = inputs.map { CertificateInspector.inspect($0.1, declared: DeclaredType(fileName: $0.0), previews: .firstPage) }
        let concurrent = await withTaskGroup(of: [(Int, Inspection)].self) { group in
            for worker in 0..<8 {
                group.addTask {
                    var results: [(Int, Inspection)] = []
                    for round in 0..<3 {
                        for (index, input) in inputs.enumerated() where (index + round + worker) % 2 == 0 {
                            results.append((index, CertificateInspector.inspect(input.1, declared: DeclaredType(fileName: input.0), previews: .firstPage)))
                        }
                    }
                    return results
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(concurrent.count > inputs.count)
        for (index, inspection) in concurrent {
            #expect(inspection == sequential[index], "\(files[index]) differs under concurrency")
        }
    }

    @Test("damaged copies of good files always get a verdict, never a crash")
    func mutatedFilesGetVerdicts() throws {
        var generator = SplitMix64(seed: 0x5EED)
        let files = [
            "uk-certificate-of-incorporation.pdf", "fr-extrait-kbis.pdf", "scan-certificate.png", "scan-certificate.jpg",
            // Incremental updates: the revisions scan and the first revision's comparison.
            "fr-extrait-kbis-signe.pdf", "tampered/uk-name-rewritten.pdf",
        ]
        for file in files {
            let original = try Samples.bytes(file)
            for round in 0..<40 {
                var bytes = original
                switch generator.next() % 3 {
                case 0: bytes = Array(bytes.prefix(Int(generator.next() % UInt64(bytes.count))))
                case 1:
                    for _ in 0..<16 { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
                default:
                    let at = Int(generator.next() % UInt64(bytes.count))
                    bytes.removeSubrange(at..<min(bytes.count, at + 512))
                }
                // With claims, and one time in four with a drawn page, so that every forensic check
                // runs on the damage too.
                let inspection = CertificateInspector.inspect(
                    bytes, declared: DeclaredType(fileName: file), claims: CompanyClaims(legalName: "NORTHWIND CONNECT LIMITED", registrationNumber: "12345678", country: "GB"),
                    previews: round % 4 == 0 ? .firstPage : .none
                )
                #expect(inspection.verdict == .rejected || inspection.reasons.isEmpty)
            }
        }
    }
}
