import Drawing
import Foundation
import LOA
import Testing

@Suite("Rendering a Letter of Authorization")
struct RenderingTests {
    let renderer: LOARenderer

    init() throws {
        renderer = try LOARenderer(templateDirectory: templateDirectory)
    }

    @Test(
        "every field of the letter can be read back from the PDF, in each language and paper size",
        arguments: LetterOfAuthorization.Language.allCases, LetterOfAuthorization.PaperSize.allCases
    )
    func everyFieldIsPrinted(language: LetterOfAuthorization.Language, paperSize: LetterOfAuthorization.PaperSize) throws {
        let letter = try LetterOfAuthorization.sample(language: language, paperSize: paperSize)
        let pdf = try renderer.render(letter)
        let text = squeezed(try extractedText(pdf))
        let template = try #require(renderer.templates[language])

        var fields = [
            letter.id, letter.authorizedParty, letter.issuer.legalName, letter.issuer.nocEmail, letter.issuer.nocPhone,
            letter.facility.name, letter.cage, letter.cabinet, letter.patchPanel, letter.portPositions,
            template.mediaNames[letter.media.rawValue]!, letter.connector.rawValue, letter.speed.rawValue,
            letter.serviceID, letter.signatory.name, letter.signatory.titles?[language.rawValue] ?? letter.signatory.title, letter.verificationURL,
            template.format(letter.issueDate), template.format(letter.expiryDate), template.title,
        ]
        fields += letter.issuer.addressLines + letter.facility.addressLines
        fields += template.labels.values
        for field in fields {
            #expect(text.contains(squeezed(field)), "\(field) is missing from the \(language) \(paperSize) letter")
        }

        let info = try runTool("/usr/bin/pdfinfo", [try temporaryFile(pdf, name: "letter.pdf")])
        let expectedSize = paperSize == .a4 ? "595.28 x 841.89 pts (A4)" : "612 x 792 pts (letter)"
        #expect(squeezed(info.output).contains(squeezed("Page size: \(expectedSize)")), "\(info.output)")
        #expect(squeezed(info.output).contains("Pages:1"))
    }

    @Test("the French letter is worded in French, with French dates")
    func frenchWording() throws {
        let text = try extractedText(renderer.render(LetterOfAuthorization.sample(language: .french)))
        #expect(text.contains("Lettre d\u{2019}autorisation"), "a typographic apostrophe")
        #expect(text.contains("À l\u{2019}exploitant d\u{2019}Equinix") || text.contains("À l\u{2019}exploitant de "), "de elided before a vowel")
        #expect(text.contains("Directeur des opérations réseau"), "the signatory's title in French")
        #expect(text.contains("Signé électroniquement par"), "the visible signature block")
        #expect(text.contains("26 novembre 2026"))
        #expect(text.contains("25 janvier 2027"))
        #expect(text.contains("Fibre monomode (OS2)"))
    }

    @Test(
        "names in any script print with real glyphs and are extracted back",
        arguments: [Names.accented, Names.cyrillic, Names.chinese, Names.japanese, Names.arabic]
    )
    func namesInAnyScript(name: String) throws {
        var letter = try LetterOfAuthorization.sample(authorizedParty: name)
        letter.signatory.name = name
        letter.facility.name = "\(name) DC1"
        let pdf = try renderer.render(letter)
        let text = squeezed(try extractedText(pdf))
        let isArabic = name == Names.arabic
        let expected = squeezed(isArabic ? asPopplerExtractsArabic(name) : name)
        #expect(text.components(separatedBy: expected).count - 1 >= 4, "\(name) should appear in the wording, the table, the facility and the signature; text: \(text)")

        let fonts = try runTool("/usr/bin/pdffonts", [try temporaryFile(pdf, name: "letter.pdf")]).output
        let fontLines = fonts.split(separator: "\n").dropFirst(2)
        #expect(!fontLines.isEmpty)
        for line in fontLines {
            let columns = line.split(separator: " ")
            // name type... encoding emb sub uni object ID: every font is embedded (a subset).
            #expect(columns.suffix(5).first == "yes", "not embedded: \(line)")
        }
        switch name {
        case Names.chinese, Names.japanese: #expect(fonts.contains("NotoSansCJK"), "\(fonts)")
        case Names.arabic: #expect(fonts.contains("NotoSansArabic"), "\(fonts)")
        default: #expect(fonts.contains("NotoSans-Regular"), "\(fonts)")
        }
    }

    @Test("the same letter always gives the same bytes")
    func deterministic() throws {
        let letter = try LetterOfAuthorization.sample()
        #expect(try renderer.render(letter) == renderer.render(letter))
        var other = letter
        other.portPositions = "15/16"
        #expect(try renderer.render(other) != renderer.render(letter))
    }

    @Test("letters rendered by many tasks at once are the same as rendered one at a time")
    func concurrentRendering() async throws {
        let letters = try [Names.accented, Names.cyrillic, Names.chinese, Names.japanese, Names.arabic].enumerated().map {
            try LetterOfAuthorization.sample(id: "LOA-2026-00000\($0.offset)", authorizedParty: $0.element, language: $0.offset % 2 == 0 ? .english : .french)
        }
        let shared = renderer
        let sequential = try letters.map { try shared.render($0) }
        let concurrent = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for _ in 0..<4 {
                for (index, letter) in letters.enumerated() {
                    group.addTask { (index, try shared.render(letter)) }
                }
            }
            var results: [(Int, [UInt8])] = []
            for try await result in group { results.append(result) }
            return results
        }
        #expect(concurrent.count == letters.count * 4)
        for (index, pdf) in concurrent {
            #expect(pdf == sequential[index], "letter \(index) differs when rendered concurrently")
        }
    }

    @Test("the QR code decodes to the verification URL")
    func qrCodeCarriesTheVerificationURL() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zbarimg") else {
            Issue.record("zbar-tools is not installed (scripts/install-dependencies installs it)")
            return
        }
        let letter = try LetterOfAuthorization.sample()
        let path = try temporaryFile(renderer.render(letter), name: "letter.pdf")
        let prefix = String(path.dropLast(4))
        let rendered = try runTool("/usr/bin/pdftoppm", ["-r", "150", "-png", "-singlefile", path, prefix])
        #expect(rendered.status == 0, "\(rendered.output)")
        let decoded = try runTool("/usr/bin/zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", prefix + ".png"], includingErrors: false)
        #expect(decoded.output.trimmingCharacters(in: .whitespacesAndNewlines) == letter.verificationURL)
    }

    @Test("a configured signature image is drawn above the signatory's name")
    func signatureImage() throws {
        let canvas = try RasterCanvas(pixelWidth: 320, pixelHeight: 90, background: .white)
        canvas.curve([Point(x: 10, y: 60), Point(x: 60, y: 10), Point(x: 120, y: 90), Point(x: 300, y: 30)], stroke: Stroke(width: 4))
        let png = Data(try canvas.pngData())
        let plain = try renderer.render(LetterOfAuthorization.sample())
        let signed = try renderer.render(LetterOfAuthorization.sample(signatureImagePNG: png))
        #expect(signed.count > plain.count)
        let images = try runTool("/usr/bin/pdfimages", ["-list", try temporaryFile(signed, name: "letter.pdf")]).output
        #expect(images.contains(" 320    90 "), "\(images)")
    }

    @Test("a signature image that is not a sane PNG is refused with a code, not drawn")
    func badSignatureImage() throws {
        let notPNG = Data("GIF89a, or anything else".utf8)
        #expect(throws: LOAError.self) { try renderer.render(LetterOfAuthorization.sample(signatureImagePNG: notPNG)) }
        do {
            _ = try renderer.render(LetterOfAuthorization.sample(signatureImagePNG: notPNG))
        } catch let error as LOAError {
            #expect(error.code == LOAError.Code.signatureImageInvalid)
        }
        // A PNG header claiming 100 000 × 100 000 pixels is refused before any decoding.
        var huge: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        huge += Array("IHDR".utf8) + [0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 6, 0, 0, 0] + [0, 0, 0, 0] + Array(repeating: 0, count: 16)
        let error = try #require(throws: LOAError.self) { try renderer.render(LetterOfAuthorization.sample(signatureImagePNG: Data(huge))) }
        #expect(error.code == LOAError.Code.signatureImageInvalid)
        // A truncated PNG: the real header, then nothing.
        let canvas = try RasterCanvas(pixelWidth: 20, pixelHeight: 20)
        let truncated = Data(try canvas.pngData().prefix(40))
        let truncatedError = try #require(throws: LOAError.self) { try renderer.render(LetterOfAuthorization.sample(signatureImagePNG: truncated)) }
        #expect(truncatedError.code == LOAError.Code.signatureImageInvalid)
    }

    @Test("an unusable letter is refused with letter_invalid")
    func invalidLetter() throws {
        var noID = try LetterOfAuthorization.sample()
        noID.id = "  "
        #expect(try #require(throws: LOAError.self) { try renderer.render(noID) }.code == LOAError.Code.letterInvalid)
        var backwards = try LetterOfAuthorization.sample()
        backwards.expiryDate = try CalendarDate("2026-01-01")
        #expect(try #require(throws: LOAError.self) { try renderer.render(backwards) }.code == LOAError.Code.letterInvalid)
        #expect(try #require(throws: LOAError.self) { try CalendarDate("2026-02-30") }.code == LOAError.Code.letterInvalid)
        var hugeURL = try LetterOfAuthorization.sample()
        hugeURL.verificationURL = "https://example/" + String(repeating: "x", count: 5000)
        #expect(try #require(throws: LOAError.self) { try renderer.render(hugeURL) }.code == LOAError.Code.qrCodeFailed)
    }

    @Test("a letter too long for one page continues on a second page instead of losing fields")
    func overflowingLetter() throws {
        var letter = try LetterOfAuthorization.sample()
        letter.facility.addressLines = (1...40).map { "Address line \($0)" }
        let pdf = try renderer.render(letter)
        let text = squeezed(try extractedText(pdf))
        #expect(text.contains("Addressline40"))
        #expect(text.contains(squeezed(letter.verificationURL)))
        #expect(text.contains(squeezed(letter.serviceID)))
    }

    @Test("templates are read from the folder an operator edits, and checked")
    func templatesAreChecked() throws {
        let missing = try #require(throws: LOAError.self) { try LOARenderer(templateDirectory: "/nonexistent") }
        #expect(missing.code == LOAError.Code.templateInvalid)

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("loa"), withIntermediateDirectories: true)
        for language in ["en", "fr"] {
            try FileManager.default.copyItem(
                atPath: "\(templateDirectory)/loa/\(language).json", toPath: folder.appendingPathComponent("loa/\(language).json").path
            )
        }
        let english = folder.appendingPathComponent("loa/en.json")
        let edited = try String(contentsOf: english, encoding: .utf8)
            .replacingOccurrences(of: "\"Letter of Authorization\"", with: "\"Letter of Authorisation for {{authorized_party}}\"")
        try edited.write(to: english, atomically: true, encoding: .utf8)
        let text = try extractedText(LOARenderer(templateDirectory: folder.path).render(LetterOfAuthorization.sample(authorizedParty: "Acme Networks")))
        #expect(text.contains("Letter of Authorisation for Acme Networks"))

        try edited.replacingOccurrences(of: "{{authorized_party}}", with: "{{customer_name}}").write(to: english, atomically: true, encoding: .utf8)
        let unknown = try #require(throws: LOAError.self) { try LOARenderer(templateDirectory: folder.path) }
        #expect(unknown.code == LOAError.Code.templatePlaceholderUnknown)
        #expect(unknown.message.contains("customer_name"))

        try "{ not json".write(to: english, atomically: true, encoding: .utf8)
        #expect(try #require(throws: LOAError.self) { try LOARenderer(templateDirectory: folder.path) }.code == LOAError.Code.templateInvalid)
    }

    @Test("wording built in memory renders even when incomplete, and a missing language is an error")
    func templatesInMemory() throws {
        let sparse = LOATemplate(
            title: "Draft for {{authorized_party}}", subtitle: "", monthNames: [], dateFormat: "{{day}}.{{month_name}}.{{year}}",
            labels: [:], mediaNames: [:], toWhom: "", authorization: ["{{unknown}} stays as written"], terms: [],
            signatureCaption: "", verificationCaption: "", footer: ""
        )
        let renderer = LOARenderer(templates: [.english: sparse])
        let text = try extractedText(renderer.render(LetterOfAuthorization.sample(authorizedParty: "Acme")))
        #expect(text.contains("Draft for Acme"))
        #expect(text.contains("26.11.2026"))
        #expect(text.contains("{{unknown}} stays as written"))
        #expect(text.contains("port_positions"), "a missing label prints its key")
        let french = try #require(throws: LOAError.self) { try renderer.render(LetterOfAuthorization.sample(language: .french)) }
        #expect(french.code == LOAError.Code.templateInvalid)
    }

    @Test("the issuer profile and default signatory come from templates/loa/issuer.json")
    func issuerProfile() throws {
        let profile = try LOAIssuerProfile.load(templateDirectory: templateDirectory)
        #expect(!profile.legalName.isEmpty)
        #expect(profile.issuer.legalName == profile.legalName)
        #expect(try profile.signatory(templateDirectory: templateDirectory).name == profile.signatoryName)
    }

    @Test("a letter survives a JSON round trip unchanged")
    func codable() throws {
        let letter = try LetterOfAuthorization.sample(signatureImagePNG: Data([1, 2, 3]))
        let json = try JSONEncoder().encode(letter)
        #expect(try JSONDecoder().decode(LetterOfAuthorization.self, from: json) == letter)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"issue_date\":\"2026-11-26\""))
        #expect(text.contains("\"authorized_party\""))
        #expect(text.contains("\"port_positions\":\"13\\/14\""))
    }

    @Test("calendar arithmetic gives the expiry date")
    func calendarDates() throws {
        #expect(try CalendarDate("2026-11-26").adding(days: 60) == CalendarDate("2027-01-25"))
        #expect(try CalendarDate("2028-02-28").adding(days: 1) == CalendarDate("2028-02-29"))
        #expect(CalendarDate(utc: Date(timeIntervalSince1970: 0)) == (try CalendarDate("1970-01-01")))
    }
}
