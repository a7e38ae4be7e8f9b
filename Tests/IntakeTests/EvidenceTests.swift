import Foundation
import Testing
@testable import Intake

/// Page texts as poppler extracts them from real certificates: line breaks inside names,
/// non-breaking and ideographic spaces, spaces between CJK glyphs.
private enum CertificateTexts {
    static let ukIncorporation = """
        CERTIFICATE OF INCORPORATION
        OF A PRIVATE LIMITED COMPANY
        Company Number 1234 5678
        The Registrar of Companies for England and Wales, hereby certifies that
        NORTHWIND CONNECT LIMITED
        is this day incorporated under the Companies Act 2006 as a private company, that the
        company is limited by shares, and the situation of its registered office is in England and Wales.
        Given at Companies House, Cardiff, on 15th March 2024.
        """

    static let kbis = """
        Greffe du Tribunal de Commerce de Paris
        EXTRAIT KBIS
        Extrait d'immatriculation principale au registre du commerce et des sociétés à jour au 15/03/2024
        IDENTIFICATION DE LA PERSONNE MORALE
        Immatriculation au RCS, numéro RCS Paris B 912 345 678
        Date d'immatriculation 02.01.2020
        Dénomination ou raison sociale SOCIÉTÉ DES RÉSEAUX DU
        LÉMAN S.A.S.
        Capital social 10 000,00 Euros
        Adresse du siège 12 rue de la Paix 75002 Paris
        """

    static let kbisFormOnItsOwnLine = """
        Dénomination ou raison sociale SOCIÉTÉ DES RÉSEAUX DU LÉMAN
        Forme juridique Société par actions simplifiée
        """

    static let handelsregister = """
        Amtsgericht München
        Abteilung B
        Wiedergabe des aktuellen Registerinhalts
        Nummer der Firma: HRB 123456
        Firma: BRÜCKEN NETZWERKE GMBH
        Sitz: München
        Stammkapital: 25.000,00 EUR
        Tag der letzten Eintragung: 15.03.2024
        """

    static let acraProfile = """
        ACCOUNTING AND CORPORATE REGULATORY AUTHORITY
        BUSINESS PROFILE (COMPANY)
        Name of Company : STRAITS INTERCONNECT PTE. LTD.
        UEN : 201912345R
        Incorporation Date : 2019-04-12
        Paid-up Capital : SGD 100000
        Tel: +65 6123 4567
        """

    /// A Japanese register extract with a space between every glyph of the trade name.
    static let japaneseSpaced = """
        履歴事項全部証明書
        会社法人等番号\u{3000}0104-01-123456
        商\u{3000}号\u{3000}株 式 会 社 東 京 ネ ッ ト ワ ー ク ス
        本\u{3000}店\u{3000}東京都千代田区丸の内一丁目1番1号
        """

    static let japaneseSolid = """
        商号 株式会社 東京ネットワークス
        法人番号1234567890123
        """
}

@Suite("Evidence finder")
struct EvidenceTests {
    private func find(name: String? = nil, number: String? = nil, in pages: String...) -> Evidence {
        EvidenceFinder.find(CompanyClaims(legalName: name, registrationNumber: number), inPages: pages)
    }

    // MARK: Legal names

    @Test("a UK certificate's 'LIMITED' matches a declared 'Ltd' as a normalized match")
    func ukLimitedMatchesLtd() throws {
        let match = try #require(find(name: "Northwind Connect Ltd", in: CertificateTexts.ukIncorporation).legalName)
        #expect(match == EvidenceMatch(declared: "Northwind Connect Ltd", found: true, pages: [1], kind: .normalized))
    }

    @Test("a name that differs only in case is an exact match")
    func caseOnlyIsExact() throws {
        let match = try #require(find(name: "Northwind Connect Limited", in: CertificateTexts.ukIncorporation).legalName)
        #expect(match.kind == .exact)
    }

    @Test("line breaks and non-breaking spaces inside a name count as single spaces")
    func whitespaceCollapses() throws {
        let match = try #require(find(name: "Northwind Connect Limited", in: "NORTHWIND\u{00A0}CONNECT\n  LIMITED").legalName)
        #expect(match.kind == .exact)
    }

    @Test("a Kbis name split across a line break, with accents and 'S.A.S.', matches the declared name with 'SAS'")
    func kbisNameWithAccentsAndDottedForm() throws {
        let match = try #require(find(name: "Societe des Reseaux du Leman SAS", in: CertificateTexts.kbis).legalName)
        #expect(match == EvidenceMatch(declared: "Societe des Reseaux du Leman SAS", found: true, pages: [1], kind: .normalized))
    }

    @Test("'Société par actions simplifiée' written out equals 'SAS'")
    func frenchLegalFormWrittenOut() throws {
        let match = try #require(find(name: "Société des Réseaux du Léman, société par actions simplifiée", in: CertificateTexts.kbis).legalName)
        #expect(match.kind == .normalized)
    }

    @Test("a name whose legal form is printed elsewhere is found without its legal form")
    func kbisFormOnItsOwnLine() throws {
        let match = try #require(find(name: "Société des Réseaux du Léman SAS", in: CertificateTexts.kbisFormOnItsOwnLine).legalName)
        #expect(match == EvidenceMatch(declared: "Société des Réseaux du Léman SAS", found: true, pages: [1], kind: .withoutLegalForm))
    }

    @Test("a letterhead that leaves out 'Limited' is a withoutLegalForm match")
    func withoutLegalForm() throws {
        let match = try #require(find(name: "Northwind Connect Limited", in: "Welcome to Northwind Connect, your carrier").legalName)
        #expect(match.kind == .withoutLegalForm)
    }

    @Test("'& Co' goes with the legal form, a leading 'Co-' stays with the name")
    func coreOfNames() throws {
        let smith = try #require(find(name: "Smith & Co Ltd", in: "Smith Consulting").legalName)
        #expect(smith.kind == .withoutLegalForm)
        let coop = try #require(find(name: "Co-operative Networks Ltd", in: "Operative Networks").legalName)
        #expect(!coop.found)
    }

    @Test("the whole name on one page outranks the name without its legal form on another, and only its page is reported")
    func wholeNameOutranksCore() throws {
        let match = try #require(find(name: "Northwind Connect Ltd", in: "Northwind Connect", "NORTHWIND CONNECT LIMITED").legalName)
        #expect(match.pages == [2])
        #expect(match.kind == .normalized)
    }

    @Test("German umlauts fold to their base letters and 'GMBH' equals the long form")
    func germanName() throws {
        let short = try #require(find(name: "Brucken Netzwerke GmbH", in: CertificateTexts.handelsregister).legalName)
        #expect(short.kind == .normalized)
        let long = try #require(find(name: "Brücken Netzwerke Gesellschaft mit beschränkter Haftung", in: CertificateTexts.handelsregister).legalName)
        #expect(long.kind == .normalized)
    }

    @Test("an ACRA profile's 'PTE. LTD.' matches 'Pte Ltd' and 'Private Limited'")
    func singaporeName() throws {
        let pteLtd = try #require(find(name: "Straits Interconnect Pte Ltd", in: CertificateTexts.acraProfile).legalName)
        #expect(pteLtd == EvidenceMatch(declared: "Straits Interconnect Pte Ltd", found: true, pages: [1], kind: .normalized))
        let privateLimited = try #require(find(name: "Straits Interconnect Private Limited", in: CertificateTexts.acraProfile).legalName)
        #expect(privateLimited.kind == .normalized)
    }

    @Test("a Japanese trade name is found when poppler puts a space between every glyph")
    func japaneseSpacedGlyphs() throws {
        let match = try #require(find(name: "株式会社東京ネットワークス", in: CertificateTexts.japaneseSpaced).legalName)
        #expect(match.found)
        #expect(match.pages == [1])
    }

    @Test("a Japanese trade name is found when the legal form is set apart by a space")
    func japaneseSolid() throws {
        let match = try #require(find(name: "株式会社東京ネットワークス", in: CertificateTexts.japaneseSolid).legalName)
        #expect(match.found)
        #expect(match.kind == .exact || match.kind == .normalized)
    }

    @Test("株式会社 after the name instead of before is found without its legal form")
    func japaneseLegalFormOnTheOtherSide() throws {
        let match = try #require(find(name: "東京ネットワークス株式会社", in: CertificateTexts.japaneseSolid).legalName)
        #expect(match.kind == .withoutLegalForm)
    }

    @Test("'K.K.', 'KK' and 'Kabushiki Kaisha' are one legal form")
    func kabushikiKaisha() throws {
        let match = try #require(find(name: "Tokyo Networks KK", in: "TOKYO NETWORKS KABUSHIKI KAISHA", "Tokyo Networks K.K.").legalName)
        #expect(match.pages == [1, 2])
        #expect(match.kind == .normalized)
    }

    @Test("a Hong Kong name in Chinese characters is found, and 有限公司 equals 'Limited'")
    func hongKongName() throws {
        let chinese = try #require(find(name: "港灣連接有限公司", in: "公司名稱:\n港 灣 連 接 有 限 公 司").legalName)
        #expect(chinese.found)
        let english = try #require(find(name: "Harbour Link Limited", in: "HARBOUR LINK LTD.").legalName)
        #expect(english.kind == .normalized)
    }

    @Test("'&' and 'and' are the same word")
    func ampersand() throws {
        let match = try #require(find(name: "Smith & Jones Ltd", in: "SMITH AND JONES LIMITED").legalName)
        #expect(match.kind == .normalized)
    }

    @Test("a name is not found inside a longer word")
    func wordBoundary() throws {
        let short = try #require(find(name: "Acme", in: "ACMECO LTD").legalName)
        #expect(short == EvidenceMatch(declared: "Acme", found: false, pages: [], kind: nil))
        let withForm = try #require(find(name: "Acme Ltd", in: "Acmeco Ltd, 1 High Street").legalName)
        #expect(!withForm.found)
    }

    @Test("pages are 1-based, ascending and only where the name appears")
    func pagesOneBased() throws {
        let match = try #require(
            find(name: "Northwind Connect Limited", in: "Cover page", "NORTHWIND CONNECT LIMITED", "Appendix", "Northwind Connect Ltd").legalName)
        #expect(match.pages == [2, 4])
        #expect(match.kind == .exact)
    }

    @Test("a name nowhere in the text is reported as not found")
    func notFound() throws {
        let match = try #require(find(name: "Contoso Ltd", in: CertificateTexts.ukIncorporation).legalName)
        #expect(match == EvidenceMatch(declared: "Contoso Ltd", found: false, pages: [], kind: nil))
    }

    // MARK: Registration numbers

    @Test("a UK company number printed '1234 5678' matches a declared '12345678'")
    func ukNumberWithSpace() throws {
        let match = try #require(find(number: "12345678", in: CertificateTexts.ukIncorporation).registrationNumber)
        #expect(match == EvidenceMatch(declared: "12345678", found: true, pages: [1], kind: .normalized))
    }

    @Test("dashes, dots and spaces between digit groups are ignored", arguments: ["123 456 78", "123-456-78", "123.456.78", "12345678"])
    func numberSeparators(printed: String) throws {
        let match = try #require(find(number: "12345678", in: "Company No. \(printed)").registrationNumber)
        #expect(match.found)
    }

    @Test("full-width digits match ASCII digits")
    func fullWidthDigits() throws {
        let match = try #require(find(number: "12345678", in: "登記番号 １２３４５６７８").registrationNumber)
        #expect(match.kind == .exact)
    }

    @Test("a Kbis extract's SIREN written in groups of three matches a declared number without spaces")
    func kbisSirenGroups() throws {
        let match = try #require(find(number: "912345678", in: CertificateTexts.kbis).registrationNumber)
        #expect(match == EvidenceMatch(declared: "912345678", found: true, pages: [1], kind: .normalized))
    }

    @Test("a declared 'RCS Paris 912 345 678' is found by its digits when the text adds the greffe letter")
    func kbisDigitsOnly() throws {
        let match = try #require(find(number: "RCS Paris 912 345 678", in: CertificateTexts.kbis).registrationNumber)
        #expect(match == EvidenceMatch(declared: "RCS Paris 912 345 678", found: true, pages: [1], kind: .digitsOnly))
    }

    @Test("the full RCS designation as printed is an exact match")
    func kbisWholeDesignation() throws {
        let match = try #require(find(number: "RCS Paris B 912 345 678", in: CertificateTexts.kbis).registrationNumber)
        #expect(match.kind == .exact)
    }

    @Test("an HRB number matches with or without the space after the prefix")
    func germanRegisterNumber() throws {
        let spaced = try #require(find(number: "HRB 123456", in: CertificateTexts.handelsregister).registrationNumber)
        #expect(spaced.kind == .exact)
        let solid = try #require(find(number: "hrb123456", in: CertificateTexts.handelsregister).registrationNumber)
        #expect(solid.kind == .normalized)
    }

    @Test("an HRB number registered at another court is still found by its digits")
    func germanRegisterNumberDigitsOnly() throws {
        let match = try #require(find(number: "HRB 123456 B", in: CertificateTexts.handelsregister).registrationNumber)
        #expect(match.kind == .digitsOnly)
    }

    @Test("a Singapore UEN with its check letter matches whole, and its digits alone do not match inside it")
    func singaporeUEN() throws {
        let whole = try #require(find(number: "201912345R", in: CertificateTexts.acraProfile).registrationNumber)
        #expect(whole == EvidenceMatch(declared: "201912345R", found: true, pages: [1], kind: .exact))
        let digits = try #require(find(number: "201912345", in: CertificateTexts.acraProfile).registrationNumber)
        #expect(!digits.found)
    }

    @Test("a Japanese corporate number matches with or without its dashes")
    func japaneseCorporateNumber() throws {
        let dashed = try #require(find(number: "0104-01-123456", in: CertificateTexts.japaneseSpaced).registrationNumber)
        #expect(dashed.kind == .exact)
        let plain = try #require(find(number: "010401123456", in: CertificateTexts.japaneseSpaced).registrationNumber)
        #expect(plain.kind == .normalized)
    }

    @Test("a 13-digit 法人番号 printed right after its label is found")
    func japaneseHoujinBangou() throws {
        let match = try #require(find(number: "1234567890123", in: CertificateTexts.japaneseSolid).registrationNumber)
        #expect(match.found)
    }

    @Test("a number is not found inside a longer number", arguments: ["91234567", "12345678", "A1234567", "1234567B"])
    func numberBoundary(printed: String) throws {
        let match = try #require(find(number: "1234567", in: "Company Number \(printed)").registrationNumber)
        #expect(!match.found)
    }

    @Test("a Hong Kong business registration number is found before its printed suffix")
    func hongKongBusinessRegistration() throws {
        let match = try #require(find(number: "12345678", in: "Certificate No. 1234567\nBR No. 12345678-000-05-24-A").registrationNumber)
        #expect(match == EvidenceMatch(declared: "12345678", found: true, pages: [1], kind: .exact))
    }

    @Test("a label typed before the number is not needed in the text", arguments: ["UEN 201912345R", "UEN: 201912345R", "Company No. 201912345R"])
    func declaredLabel(declared: String) throws {
        let match = try #require(find(number: declared, in: "Unique Entity Number\n201912345R").registrationNumber)
        #expect(match.kind == .normalized)
    }

    @Test("digits in separate columns are not one number")
    func numberAcrossColumns() throws {
        let match = try #require(find(number: "12345678", in: "1234, 5678").registrationNumber)
        #expect(!match.found)
    }

    // MARK: Candidates

    @Test("candidates include register numbers and leave out dates, times, amounts and phone numbers")
    func candidates() {
        let evidence = find(in: CertificateTexts.handelsregister, CertificateTexts.acraProfile, CertificateTexts.kbis, CertificateTexts.japaneseSpaced)
        #expect(evidence.registrationNumberCandidates == ["HRB 123456", "201912345R", "912 345 678", "0104-01-123456"])
    }

    @Test("a UK company number written in two groups is one candidate")
    func ukCandidate() {
        #expect(find(in: CertificateTexts.ukIncorporation).registrationNumberCandidates == ["1234 5678"])
    }

    @Test("dates in every common spelling are not candidates, even right before a number")
    func datesAreNotCandidates() {
        let text = "2024-03-15 15/03/2024 15.03.2024 15 March 2024 15 03 2024 2024/03 le 2 mars 2021 le 15 décembre 2021 12345 — 10:30:00 2024-03-15T10:30:00Z"
        #expect(find(in: text).registrationNumberCandidates == ["12345"])
    }

    @Test("amounts and phone numbers are not candidates")
    func amountsAndPhonesAreNotCandidates() {
        let text = """
            Capital € 1.250.000 — 25 000 EUR — USD 100000 — £250,000.00 — 10,000,000円 — 45.5%
            Tel: 01 23 45 67 89 — Tél. : 01 98 76 54 32 — +44 20 7946 0958 — (+33) 1 23 45 67 89
            75002 Paris
            """
        #expect(find(in: text).registrationNumberCandidates == [])
    }

    @Test("candidates are unique by their letters and digits, in first-occurrence order, and at most 20")
    func candidateLimitAndUniqueness() {
        let repeated = "No. 1234 5678, again 12345678, and 1234-5678."
        #expect(find(in: repeated).registrationNumberCandidates == ["1234 5678"])
        let many = (0..<30).map { "Company \(10_000_000 + $0)" }.joined(separator: "\n")
        let candidates = find(in: many).registrationNumberCandidates
        #expect(candidates.count == 20)
        #expect(candidates.first == "10000000")
        #expect(candidates.last == "10000019")
    }

    @Test("UK, Scottish and Singapore formats with letters are candidates")
    func candidatesWithLetters() {
        let text = "Company number SC123456\nUEN T09LL0001B\nSIRET 912 345 678 00012"
        #expect(find(in: text).registrationNumberCandidates == ["SC123456", "T09LL0001B", "912 345 678 00012"])
    }

    @Test("a court or check letter set apart at the end of a number belongs to it, an article does not")
    func candidatesWithTrailingLetter() {
        let text = "Amtsgericht Charlottenburg HRB 98765 B\nBR No. 12345678-000-05-24-A\nNo. 654321 A company limited by shares"
        #expect(find(in: text).registrationNumberCandidates == ["HRB 98765 B", "12345678-000-05-24-A", "654321"])
    }

    // MARK: Claims

    @Test("nothing declared means no matches, but candidates are still listed")
    func nilClaims() {
        let evidence = find(in: CertificateTexts.handelsregister)
        #expect(evidence.legalName == nil)
        #expect(evidence.registrationNumber == nil)
        #expect(evidence.registrationNumberCandidates == ["HRB 123456"])
    }

    @Test("empty and whitespace-only claims are treated as not declared")
    func blankClaims() {
        let evidence = find(name: "  \n", number: "", in: CertificateTexts.handelsregister)
        #expect(evidence.legalName == nil)
        #expect(evidence.registrationNumber == nil)
    }

    @Test("a declared value is trimmed, and one with no letters or digits is never found")
    func meaninglessClaims() throws {
        let evidence = find(name: " -- ", number: " / ", in: "-- / --")
        #expect(evidence.legalName == EvidenceMatch(declared: "--", found: false, pages: [], kind: nil))
        #expect(evidence.registrationNumber == EvidenceMatch(declared: "/", found: false, pages: [], kind: nil))
    }

    @Test("no pages means nothing found")
    func noPages() {
        let evidence = EvidenceFinder.find(CompanyClaims(legalName: "Acme Ltd", registrationNumber: "12345678"), inPages: [])
        #expect(evidence.legalName?.found == false)
        #expect(evidence.registrationNumber?.found == false)
        #expect(evidence.registrationNumberCandidates.isEmpty)
    }

    // MARK: Cost and encoding

    @Test("a one-megabyte text is searched in full, to its last line")
    func oneMegabyte() throws {
        let filler = String(repeating: "Acmeco 1111 2222 3333 aaaa aaaa aaaa aaaa aaaaaaaa a a a a a a a a\n", count: 15_000)
        let text = filler + "NORTHWIND CONNECT LIMITED, company number 1234 5678\n"
        #expect(text.utf8.count > 1_000_000)
        let evidence = find(name: "Northwind Connect Ltd", number: "12345678", in: text)
        #expect(evidence.legalName?.kind == .normalized)
        #expect(evidence.registrationNumber?.kind == .normalized)
        #expect(evidence.registrationNumberCandidates.contains("1234 5678"))
    }

    @Test("a megabyte of stacked accents costs linear time and hides nothing after it")
    func stackedCombiningMarks() throws {
        let marks = "a" + String(repeating: "\u{0301}\u{0323}", count: 250_000)
        let text = marks + " " + String(repeating: "e\u{0301}", count: 250_000) + "\nNORTHWIND CONNECT LIMITED 1234 5678"
        let evidence = find(name: "Northwind Connect Ltd", number: "12345678", in: text)
        #expect(evidence.legalName?.kind == .normalized)
        #expect(evidence.registrationNumber?.kind == .normalized)
    }

    @Test("an accent typed as a combining mark is the same character as the precomposed one")
    func decomposedAccents() throws {
        let match = try #require(find(name: "Société des Réseaux du Léman", in: "Soci\u{0065}\u{0301}te\u{0301} des Re\u{0301}seaux du Le\u{0301}man").legalName)
        #expect(match.kind == .exact)
    }

    @Test("half-width katakana match full-width katakana")
    func halfWidthKatakana() throws {
        let match = try #require(find(name: "株式会社ブリッジネットワークス", in: "株式会社ﾌﾞﾘｯｼﾞﾈｯﾄﾜｰｸｽ").legalName)
        #expect(match.kind == .exact)
    }

    @Test("evidence encodes with snake_case keys and kinds")
    func coding() throws {
        let evidence = find(name: "Northwind Connect", number: "RCS Paris 912 345 678", in: CertificateTexts.kbis + "\nNorthwind Connect SAS")
        let json = String(decoding: try JSONEncoder().encode(evidence), as: UTF8.self)
        #expect(json.contains("\"registration_number_candidates\""))
        #expect(json.contains("\"legal_name\""))
        #expect(json.contains("\"digits_only\""))
        #expect(try JSONDecoder().decode(Evidence.self, from: Data(json.utf8)) == evidence)
    }
}
