import Testing
@testable import Intake

/// The country rules behind `registration_number_invalid`: what each registry's numbers look like,
/// which declared forms are read past, and which numbers cannot exist.
@Suite("Registration number rules")
struct RegistrationNumberRulesTests {
    /// A declared number and its country, named in the test report.
    struct Declared: CustomTestStringConvertible, Sendable {
        var country: String
        var number: String
        var testDescription: String { "\(country) “\(number)”" }

        /// A number as declared for a company of `country`.
        init(_ country: String, _ number: String) {
            self.country = country
            self.number = number
        }
    }

    // MARK: Numbers that must pass

    @Test("genuine numbers in the forms people declare them pass", arguments: [
        // France: SIREN, SIRET, with the RCS wrapper, and the VAT form.
        Declared("FR", "912 345 675"), Declared("FR", "912345675"), Declared("FR", "RCS Paris B 912 345 675"),
        Declared("FR", "B 912 345 675"), Declared("FR", "912 345 675 R.C.S. Paris"), Declared("FR", "SIREN : 912.345.675"),
        Declared("FR", "912 345 675 00017"), Declared("FR", "FR 65 912 345 675"), Declared("FR", "FR65912345675"),
        // Japan: 会社法人等番号 (no check digit) and 法人番号, full-width and with Japanese hyphens.
        Declared("JP", "0104-01-123456"), Declared("JP", "1200-01-234567"), Declared("JP", "010401123456"),
        Declared("JP", "０１０４－０１－１２３４５６"), Declared("JP", "0104ー01ー123456"), Declared("JP", "0104−01−123456"),
        Declared("JP", "7000012050002"), Declared("JP", "法人番号 ７０００１２０５０００２"), Declared("JP", "T7000012050002"),
        // Singapore: the three UEN forms.
        Declared("SG", "197401143C"), Declared("SG", "196800306E"), Declared("SG", "UEN: 199201624D"), Declared("SG", "00192200M"),
        Declared("SG", "T01FC6132D"), Declared("SG", "S16FC0121D"), Declared("SG", "201912345R"),
        // United Kingdom: 8 digits, a prefix and 6 digits, or leading zeros left out.
        Declared("GB", "12345678"), Declared("GB", "SC123456"), Declared("GB", "1234567"), Declared("GB", "1234 5678"),
        Declared("GB", "OC301234"), Declared("GB", "R0000123"), Declared("GB", "Company number 01234567"),
        // Germany: register, number, court before or after, court suffix.
        Declared("DE", "HRB 123456"), Declared("DE", "Amtsgericht München HRB 123456"), Declared("DE", "München HRB 123456"),
        Declared("DE", "HRB 123456 B"), Declared("DE", "HR B 123456"), Declared("DE", "HRA 12345"), Declared("DE", "GnR 123"),
        Declared("DE", "PR 1234"), Declared("DE", "VR 12345"), Declared("DE", "HRB-Nr. 123456"), Declared("DE", "HRB 1234 KI"),
        Declared("DE", "HRB 123456, Amtsgericht München"),
        // Hong Kong and Ireland: digits only.
        Declared("HK", "3123456"), Declared("HK", "0012345"), Declared("HK", "Company No. 3123456"), Declared("HK", "F0012345"),
        Declared("IE", "612345"), Declared("IE", "CRO 612345"), Declared("IE", "12345"),
    ])
    func genuineNumberPasses(_ declared: Declared) {
        #expect(RegistrationNumberRules.check(declared.number, country: declared.country) == nil)
    }

    // MARK: France

    @Test("a SIREN with a wrong check digit is flagged", arguments: ["912 345 678", "RCS Paris B 912 345 678", "912 345 678 R.C.S. Paris"])
    func sirenWithWrongCheckDigit(_ number: String) throws {
        let problem = try #require(RegistrationNumberRules.check(number, country: "FR"))
        #expect(problem.scheme == "SIREN")
        #expect(problem.explanation == "912 345 678 fails the SIREN check digit (Luhn)")
    }

    @Test("a SIRET with a wrong check digit is flagged, and so is one whose SIREN is wrong", arguments: ["912 345 675 00018", "912 345 678 00017"])
    func siretWithWrongCheckDigit(_ number: String) throws {
        #expect(try #require(RegistrationNumberRules.check(number, country: "FR")).scheme == "SIRET")
    }

    @Test("La Poste's SIRETs pass when their digit sum is a multiple of 5, Luhn or not")
    func laPosteSIRET() {
        #expect(RegistrationNumberRules.check("356 000 000 00001", country: "FR") == nil)
        #expect(RegistrationNumberRules.check("356 000 000 00002", country: "FR") != nil)
    }

    @Test("a French VAT number is checked by its key and its SIREN")
    func frenchVATNumber() throws {
        #expect(try #require(RegistrationNumberRules.check("FR 66 912 345 675", country: "FR")).scheme == "French VAT number")
        #expect(RegistrationNumberRules.check("FR00912345678", country: "FR") != nil)
        // Keys with letters have no published formula: accepted.
        #expect(RegistrationNumberRules.check("FRXY912345675", country: "FR") == nil)
    }

    @Test("a French number that is neither 9 nor 14 digits is flagged", arguments: ["91234567", "912 3A5 675", "RCS Paris"])
    func frenchNumberOfWrongShape(_ number: String) throws {
        #expect(try #require(RegistrationNumberRules.check(number, country: "FR")).scheme == "SIREN")
    }

    // MARK: Japan

    @Test("a 法人番号 with a wrong check digit is flagged")
    func corporateNumberWithWrongCheckDigit() throws {
        let problem = try #require(RegistrationNumberRules.check("8000012050002", country: "JP"))
        #expect(problem.scheme == "法人番号 (corporate number)")
        #expect(problem.explanation.contains("8000012050002"))
    }

    @Test("a Japanese number of neither 12 nor 13 digits is flagged", arguments: ["0104-01-12345", "0104-0A-123456", "12345678901234"])
    func japaneseNumberOfWrongLength(_ number: String) {
        #expect(RegistrationNumberRules.check(number, country: "JP") != nil)
    }

    @Test("a problem with a number labelled 会社法人等番号 names that scheme")
    func registerNumberLabel() throws {
        #expect(try #require(RegistrationNumberRules.check("会社法人等番号 0104-01-12345", country: "JP")).scheme == "会社法人等番号")
    }

    // MARK: Singapore

    @Test("a UEN with a wrong check letter is flagged", arguments: ["197401143D", "00192200K", "T01FC6132E", "201912345K"])
    func uenWithWrongCheckLetter(_ number: String) throws {
        let problem = try #require(RegistrationNumberRules.check(number, country: "SG"))
        #expect(problem.explanation == "\(number) fails the UEN check letter")
    }

    @Test("a value in none of the UEN forms is flagged", arguments: ["2019123456", "201912345KK", "X01FC6132D", "UEN"])
    func valueThatIsNoUEN(_ number: String) throws {
        #expect(try #require(RegistrationNumberRules.check(number, country: "SG")).scheme == "UEN")
    }

    // MARK: United Kingdom

    @Test("a Companies House number with an unknown prefix or the wrong digit count is flagged", arguments: [
        "XX123456", "SC12345", "SC1234567", "123456789", "1234A678",
    ])
    func companiesHouseNumberOfWrongShape(_ number: String) throws {
        #expect(try #require(RegistrationNumberRules.check(number, country: "GB")).scheme == "Companies House number")
    }

    // MARK: Germany

    @Test("a German number without its register, or too long, is flagged", arguments: ["123456", "B 123456", "HR 123456", "HRB 1234567", "Amtsgericht München"])
    func handelsregisterNumberOfWrongShape(_ number: String) throws {
        #expect(try #require(RegistrationNumberRules.check(number, country: "DE")).scheme == "Handelsregister number")
    }

    // MARK: Hong Kong and Ireland

    @Test("a CR number with letters among its digits or more than 8 digits is flagged", arguments: ["31A3456", "123456789", "12345678-000-05-24-A"])
    func crNumberOfWrongShape(_ number: String) throws {
        #expect(try #require(RegistrationNumberRules.check(number, country: "HK")).scheme == "CR number")
    }

    @Test("a CRO number with letters among its digits or more than 6 digits is flagged", arguments: ["61A345", "1234567", "IE6388047V"])
    func croNumberOfWrongShape(_ number: String) throws {
        #expect(try #require(RegistrationNumberRules.check(number, country: "IE")).scheme == "CRO number")
    }

    // MARK: Never flagged

    @Test("a country without a rule is never flagged", arguments: ["US", "CN", "", "XX"])
    func countryWithoutRule(_ country: String) {
        #expect(!RegistrationNumberRules.countries.contains(country))
        #expect(RegistrationNumberRules.check("912 345 678", country: country) == nil)
    }

    @Test("a blank number is never flagged", arguments: ["", "   ", "\u{3000}", "\n"])
    func blankNumber(_ number: String) {
        for country in RegistrationNumberRules.countries {
            #expect(RegistrationNumberRules.check(number, country: country) == nil)
        }
    }

    @Test("the country code is read in any case and with spaces around it")
    func countryCodeCase() {
        #expect(RegistrationNumberRules.check("912 345 678", country: " fr ") != nil)
    }
}
