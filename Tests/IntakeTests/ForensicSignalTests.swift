import Foundation
import Testing
import TestSupport
@testable import Intake

/// Forensic signals: each altered sample shows the signal for its alteration, with the evidence
/// a reviewer needs, and no genuine sample shows any.
@Suite("Forensic signals")
struct ForensicSignalTests {
    /// The rules operators edit, as shipped.
    static let rules: ForensicRules = {
        (try? ForensicRules.load(from: SourceTree.root.appendingPathComponent("rules/forensics.json").path)) ?? ForensicRules()
    }()

    /// The day the samples were "received": a few days after the registries issued them.
    static let received = CalendarDay(year: 2024, month: 3, day: 20)!

    static func inspect(_ file: String, _ claims: CompanyClaims, receivedOn: CalendarDay = received) throws -> Inspection {
        var limits = IntakeLimits()
        limits.forensics = rules
        return CertificateInspector.inspect(try Samples.bytes(file), declared: DeclaredType(fileName: file), claims: claims, limits: limits, receivedOn: receivedOn)
    }

    static func signal(_ code: SignalCode, in inspection: Inspection) throws -> ForensicSignal {
        try #require(inspection.signals.first { $0.code == code }, "no \(code) among \(inspection.signals.map(\.code))")
    }

    struct Genuine: CustomTestStringConvertible, Sendable {
        var file: String
        var claims: CompanyClaims
        var testDescription: String { file }
    }

    static let uk = CompanyClaims(legalName: "NORTHWIND CONNECT LIMITED", registrationNumber: "12345678", country: "GB")
    static let kbis = CompanyClaims(legalName: "SOCIÉTÉ DES RÉSEAUX DU LÉMAN", registrationNumber: "912 345 675", country: "FR")

    static let genuine: [Genuine] = [
        .init(file: "uk-certificate-of-incorporation.pdf", claims: uk),
        .init(file: "fr-extrait-kbis.pdf", claims: kbis),
        .init(file: "fr-extrait-kbis-signe.pdf", claims: kbis),
        .init(file: "de-handelsregister-auszug.pdf", claims: .init(legalName: "Brücken Netzwerke GmbH", registrationNumber: "HRB 123456", country: "DE")),
        .init(file: "sg-acra-business-profile.pdf", claims: .init(legalName: "STRAITS INTERCONNECT PTE. LTD.", registrationNumber: "201912345R", country: "SG")),
        .init(file: "jp-rireki-jiko-zenbu-shomeisho.pdf", claims: .init(legalName: "株式会社東京ネットワークス", registrationNumber: "0104-01-123456", country: "JP")),
        .init(file: "hk-certificate-of-incorporation.pdf", claims: .init(legalName: "HARBOUR PEERING LIMITED", registrationNumber: "3123456", country: "HK")),
        .init(file: "jp-genzai-jiko-shomeisho-cid.pdf", claims: .init(legalName: "株式会社浪速データリンク", registrationNumber: "1200-01-234567", country: "JP")),
        .init(file: "cn-business-licence-cid.pdf", claims: .init(legalName: "上海云桥数据科技有限公司", registrationNumber: "91310115MA1H7KQ231", country: "CN")),
        .init(file: "scan-certificate.pdf", claims: uk),
        .init(file: "scan-certificate.png", claims: uk),
        .init(file: "scan-certificate.jpg", claims: uk),
        .init(file: "scan-certificate-ocr.pdf", claims: uk),
    ]

    @Test("a genuine certificate shows no signal, signed e-extract and OCR-layer scan included", arguments: genuine)
    func genuineCertificate(_ sample: Genuine) throws {
        let inspection = try Self.inspect(sample.file, sample.claims)
        #expect(inspection.verdict != .rejected)
        #expect(inspection.signals.isEmpty, "\(inspection.signals.map { "\($0.code): \($0.message) \($0.facts)" })")
    }

    @Test("an incremental update that rewrites the name: edited after creation, with the text removed and added")
    func rewrittenName() throws {
        let inspection = try Self.inspect("tampered/uk-name-rewritten.pdf", .init(legalName: "SOUTHWIND HOLDINGS LIMITED", registrationNumber: "12345678", country: "GB"))
        #expect(inspection.flags.contains(.incrementalUpdates))
        let signal = try Self.signal(.editedAfterCreation, in: inspection)
        #expect(signal.pages == [1])
        #expect(signal.facts.contains(SignalFact("Revisions", "2")))
        #expect(signal.textRemoved == ["NORTHWIND CONNECT LIMITED"])
        #expect(signal.textAdded == ["SOUTHWIND HOLDINGS LIMITED"])
    }

    @Test("a signature appended to an e-extract is not an edit")
    func signatureOnlyUpdate() throws {
        let inspection = try Self.inspect("fr-extrait-kbis-signe.pdf", Self.kbis)
        #expect(inspection.flags.contains(.incrementalUpdates))
        #expect(inspection.flags.contains(.signatureFields))
        #expect(!inspection.signals.contains { $0.code == .editedAfterCreation })
    }

    @Test("the same scan as PNG and as JPEG has first pages a few bits apart; another certificate's is far")
    func firstPageHashes() throws {
        func hash(_ file: String, previews: PreviewSelection = .none) throws -> UInt64 {
            let inspection = CertificateInspector.inspect(try Samples.bytes(file), declared: DeclaredType(fileName: file), previews: previews)
            return try #require(inspection.firstPageHash.flatMap { UInt64($0, radix: 16) }, "\(file)")
        }
        let png = try hash("scan-certificate.png"), jpeg = try hash("scan-certificate.jpg")
        #expect((png ^ jpeg).nonzeroBitCount <= Self.rules.duplicateFirstPageDistance)
        let kbis = try hash("fr-extrait-kbis.pdf", previews: .firstPage)
        #expect((png ^ kbis).nonzeroBitCount > 16)
        // A PDF's first page is drawn only with its previews.
        #expect(CertificateInspector.inspect(try Samples.bytes("fr-extrait-kbis.pdf")).firstPageHash == nil)
    }

    @Test("a signature-only update is told apart from its bytes, without comparing pages; an edit is not")
    func signatureOnlyFromBytes() throws {
        for (file, onlySigns) in [("fr-extrait-kbis-signe.pdf", true), ("tampered/uk-name-rewritten.pdf", false), ("uk-certificate-of-incorporation.pdf", false)] {
            let bytes = try Samples.bytes(file)
            let answer = bytes.withUnsafeBytes { RevisionUpdateScan.onlyAnnotatesOrSigns($0, revisionEnds: PDFByteScan($0).revisionEnds) }
            #expect(answer == onlySigns, "\(file)")
        }
    }

    @Test("a white box with another number typed on it: covered text, outlined where the old number is")
    func whitedOutNumber() throws {
        let inspection = try Self.inspect("tampered/uk-number-whited-out.pdf", .init(legalName: "NORTHWIND CONNECT LIMITED", registrationNumber: "87654321", country: "GB"))
        let signal = try Self.signal(.coveredText, in: inspection)
        #expect(signal.pages == [1])
        #expect(signal.facts.contains { $0.value.contains("12345678") && $0.value.contains("87654321") })
        let area = try #require(signal.areas.first)
        #expect(area.page == 1 && area.width > 20 && area.height > 5 && area.y > 200 && area.y < 320)
    }

    @Test("a name in invisible text: once the page is drawn, covered text, the words in the file but not on the page")
    func invisibleName() throws {
        let claims = CompanyClaims(legalName: "SOUTHWIND HOLDINGS LIMITED", registrationNumber: "12345678", country: "GB")
        var limits = IntakeLimits()
        limits.forensics = Self.rules
        let bytes = try Samples.bytes("tampered/uk-invisible-name.pdf")
        // Text searches find the forger's name: that is the point of the forgery.
        let upload = CertificateInspector.inspect(bytes, claims: claims, limits: limits, receivedOn: Self.received)
        #expect(upload.evidence.legalName?.found == true)
        // Telling it from visible text needs the page drawn: uploads do not draw pages.
        #expect(upload.signals.isEmpty)
        let drawn = CertificateInspector.inspect(bytes, claims: claims, limits: limits, previews: .allPages, receivedOn: Self.received)
        let signal = try Self.signal(.coveredText, in: drawn)
        #expect(Set(signal.facts.filter { $0.name == "Page 1: in the file, not on the page" }.map(\.value)) == ["SOUTHWIND", "HOLDINGS", "LIMITED"])
        #expect(signal.message.contains("does not show"))
        #expect(signal.areas.count == 3)
    }

    @Test("drawn, no genuine certificate shows text it does not show: an OCR layer over a scan is no hidden text", arguments: genuine.filter { $0.file.hasSuffix(".pdf") })
    func genuineDrawn(_ sample: Genuine) throws {
        var limits = IntakeLimits()
        limits.forensics = Self.rules
        let inspection = CertificateInspector.inspect(
            try Samples.bytes(sample.file), declared: DeclaredType(fileName: sample.file), claims: sample.claims, limits: limits, previews: .allPages, receivedOn: Self.received
        )
        #expect(inspection.signals.isEmpty, "\(inspection.signals.map { "\($0.code): \($0.facts)" })")
    }

    @Test("a name pasted in another typeface: font mismatch, naming both fonts")
    func pastedName() throws {
        let inspection = try Self.inspect("tampered/uk-name-pasted.pdf", .init(legalName: "SOUTHWIND HOLDINGS LIMITED", registrationNumber: "12345678", country: "GB"))
        let signal = try Self.signal(.fontMismatch, in: inspection)
        #expect(signal.pages == [1])
        #expect(signal.facts.contains { $0.value.hasPrefix("DejaVuSans") })
        #expect(signal.facts.contains { $0.value.contains("NotoSerif") })
        #expect(signal.areas.count == 1)
    }

    @Test("a number typed smaller than its label, in the same face: font mismatch by size, against its line")
    func resizedNumber() throws {
        let inspection = try Self.inspect("tampered/uk-number-resized.pdf", .init(legalName: "NORTHWIND CONNECT LIMITED", registrationNumber: "87654321", country: "GB"))
        let signal = try Self.signal(.fontMismatch, in: inspection)
        #expect(signal.facts.contains(SignalFact("Page 1: registration number", "NotoSerif 10.5 pt")))
        #expect(signal.facts.contains(SignalFact("Page 1: the rest of its line", "14.0 pt")))
    }

    @Test("the genuine name in the certificate's own font is no mismatch, though set larger")
    func genuineNameIsNoMismatch() throws {
        let inspection = try Self.inspect("uk-certificate-of-incorporation.pdf", Self.uk)
        #expect(!inspection.signals.contains { $0.code == .fontMismatch })
    }

    @Test("a file saved by an online editor: editing tool, and a modification months after creation")
    func onlineEditor() throws {
        let inspection = try Self.inspect("tampered/uk-saved-by-ilovepdf.pdf", Self.uk)
        let signal = try Self.signal(.editingTool, in: inspection)
        #expect(signal.facts.contains(SignalFact("Tool", "iLovePDF (online_editor)")))
        #expect(signal.facts.contains(SignalFact("Producer", "iLovePDF")))
        #expect(signal.message.contains("171 days after it was created"))
    }

    @Test("a SIREN with a wrong check digit: registration number invalid")
    func wrongSIREN() throws {
        let claims = CompanyClaims(legalName: "SOCIÉTÉ DES RÉSEAUX DU LÉMAN", registrationNumber: "912 345 678", country: "FR")
        let inspection = try Self.inspect("tampered/fr-kbis-wrong-siren.pdf", claims)
        let signal = try Self.signal(.registrationNumberInvalid, in: inspection)
        #expect(signal.facts.contains(SignalFact("Declared", "912 345 678")))
        #expect(signal.message.contains("SIREN"))
        // The number is printed on the extract: the evidence still finds it.
        #expect(inspection.evidence.registrationNumber?.found == true)
    }

    @Test("a Kbis three years old: document outdated, with the printed date")
    func oldKbis() throws {
        let inspection = try Self.inspect("tampered/fr-kbis-2021.pdf", Self.kbis)
        let signal = try Self.signal(.documentOutdated, in: inspection)
        #expect(signal.pages == [1])
        #expect(signal.facts.contains { $0.name == "Issued" && $0.value.contains("2021-03-15") })
        #expect(signal.message.contains("1101 days"))
    }

    @Test("a certificate dated after the day it was received is outdated too")
    func futureDated() throws {
        let inspection = try Self.inspect("fr-extrait-kbis.pdf", Self.kbis, receivedOn: CalendarDay(year: 2024, month: 3, day: 1)!)
        let signal = try Self.signal(.documentOutdated, in: inspection)
        #expect(signal.message.contains("after the day it was received"))
    }

    @Test("without a rules file, the checks that need rules find nothing and the others still run")
    func noRules() throws {
        let inspection = CertificateInspector.inspect(
            try Samples.bytes("tampered/uk-saved-by-ilovepdf.pdf"), claims: Self.uk, receivedOn: Self.received
        )
        // The dates are a fact of the file; the tool's name needs the list.
        let signal = try Self.signal(.editingTool, in: inspection)
        #expect(!signal.facts.contains { $0.name == "Tool" })
        let fr = CertificateInspector.inspect(try Samples.bytes("tampered/fr-kbis-2021.pdf"), claims: Self.kbis, receivedOn: Self.received)
        #expect(!fr.signals.contains { $0.code == .documentOutdated })
    }

    @Test("signals survive the trip through JSON, and inspections stored before them decode with none")
    func codable() throws {
        let inspection = try Self.inspect("tampered/uk-name-rewritten.pdf", .init(legalName: "SOUTHWIND HOLDINGS LIMITED"))
        let decoded = try JSONDecoder().decode(Inspection.self, from: JSONEncoder().encode(inspection))
        #expect(decoded.signals == inspection.signals)
        var object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(inspection)) as? [String: Any])
        object["signals"] = nil
        let old = try JSONDecoder().decode(Inspection.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.signals.isEmpty)
    }

    @Test("the rules are part of the policy version")
    func rulesChangePolicy() {
        var limits = IntakeLimits()
        let before = limits.policyVersion
        limits.forensics.maxDocumentAgeDays["GB"] = 365
        #expect(limits.policyVersion != before)
    }

    @Test("a rules file that is not valid is refused with a stable code")
    func invalidRules() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, body) in [("syntax.json", "{ not json"), ("age.json", #"{"max_document_age_days": {"fr": 90}}"#), ("tool.json", #"{"editing_tools": [{"name": "X", "kind": "pdf_editor", "match": []}]}"#)] {
            let path = folder.appendingPathComponent(name).path
            try Data(body.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: ForensicRules.LoadError.self) { try ForensicRules.load(from: path) }
        }
        #expect((try? ForensicRules.load(from: folder.appendingPathComponent("missing.json").path)) == nil)
    }

    @Test("a tool's name matches whole words only")
    func wholeWords() {
        #expect(ForensicRules.containsWord("pages", in: "pages"))
        #expect(ForensicRules.containsWord("pages", in: "macos version 14 (build 23a344) quartz pdfcontext, pages"))
        #expect(!ForensicRules.containsWord("pages", in: "webpages exporter"))
        #expect(!ForensicRules.containsWord("gimp", in: "gimpel pdf"))
    }

    @Test("text lying outside the page is hidden text; words side by side are not")
    func offPageText() {
        let scalars = Array("Visible 12345678".unicodeScalars)
        let words = [
            PageLayoutReader.Word(range: 0..<7, x1: 72, y1: 100, x2: 120, y2: 112),
            PageLayoutReader.Word(range: 8..<16, x1: 640, y1: 100, x2: 700, y2: 112),
        ]
        let hidden = PageLayoutReader.hiddenWords(words, scalars: scalars, page: 1, width: 595, height: 842)
        #expect(hidden.map(\.text) == ["12345678"])
        #expect(hidden.first?.cause == .offPage)
    }

    @Test("the text difference lists lines removed and added, in order")
    func textDifference() {
        let (removed, added) = TextDifference.lines(removedFrom: "A\nB\nC\nD", addedIn: "A\nX\nC\nD\nE")
        #expect(removed == ["B"])
        #expect(added == ["X", "E"])
    }

    @Test("a linearized file's first-page trailer is not a revision")
    func linearizedIsOneRevision() throws {
        let body = "%PDF-1.7\n1 0 obj<</Linearized 1>>endobj\ntrailer<</Size 2>>\nstartxref\n0\n%%EOF\n2 0 obj<<>>endobj\nstartxref\n120\n%%EOF\n"
        let scan = Array(body.utf8).withUnsafeBytes { PDFByteScan($0) }
        #expect(scan.endOfFileMarkers == 2)
        #expect(scan.revisionEnds.count == 1)
    }
}
