import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import PaperworkHTTP

/// The customer portal's rules that need no browser: the reader's language, where the
/// language switch may send back to, and what every page is sent with.
@Suite("Customer portal")
struct PortalTests {
    @Test("the language is the reader's choice, else the best weighted match in Accept-Language, else English")
    func languageChoice() {
        #expect(PortalTexts.language(cookie: "fr", acceptLanguage: "en-GB,en;q=0.9") == "fr")
        #expect(PortalTexts.language(cookie: "de", acceptLanguage: "fr-CH, fr;q=0.9, en;q=0.8") == "fr", "an unknown cookie is ignored")
        #expect(PortalTexts.language(cookie: nil, acceptLanguage: "de-DE,en;q=0.3,fr;q=0.7") == "fr")
        #expect(PortalTexts.language(cookie: nil, acceptLanguage: "fr;q=0, en;q=0.1") == "en", "q=0 means not acceptable")
        #expect(PortalTexts.language(cookie: nil, acceptLanguage: "ja, zh") == "en")
        #expect(PortalTexts.language(cookie: nil, acceptLanguage: nil) == "en")
    }

    @Test("templates get their texts written in once per language, escaped as Mustache escapes, never read as tags; values are escaped too")
    func localizedTemplates() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("portal-texts-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/strings", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try #"{"greeting": "Hello <b>{{name}}</b> & 'you'"}"#.write(toFile: folder + "/strings/en.json", atomically: true, encoding: .utf8)
        try #"{"greeting": "Bonjour « {name} »"}"#.write(toFile: folder + "/strings/fr.json", atomically: true, encoding: .utf8)
        try "<p>{{t.greeting}}</p><p>{{ t.missing_key }}</p><p>{{name}}</p>".write(toFile: folder + "/page.mustache", atomically: true, encoding: .utf8)
        let texts = try PortalTexts(directory: folder)

        let english = try texts.localizedLibrary(directory: folder, language: "en").render(["name": #"<Ada & "Bob"'s>"#], withTemplate: "page")
        #expect(english == "<p>Hello &lt;b&gt;&#123;&#123;name&#125;&#125;&lt;/b&gt; &amp; &#39;you&#39;</p><p>missing_key</p><p>&lt;Ada &amp; &quot;Bob&quot;&#39;s&gt;</p>")
        let french = try texts.localizedLibrary(directory: folder, language: "fr").render(["name": "Ada"], withTemplate: "page")
        #expect(french == "<p>Bonjour « &#123;name&#125; »</p><p>missing_key</p><p>Ada</p>")
    }

    @Test("the country list marks the chosen country, and only that one; an unknown code marks none")
    func chosenCountry() {
        let options = CountryOptions(#"<option value="DE">Allemagne</option><option value="FR">France</option><option value="GB">Royaume-Uni</option>"#)
        #expect(options.selecting("FR") == #"<option value="DE">Allemagne</option><option value="FR" selected>France</option><option value="GB">Royaume-Uni</option>"#)
        #expect(options.selecting("GB").hasSuffix(#"<option value="GB" selected>Royaume-Uni</option>"#))
        #expect(options.selecting("XX") == options.html)
        #expect(options.selecting("") == options.html)
    }

    @Test("the language switch only sends back to a path on this site", arguments: [
        ("/account", "/account"), ("/companies/new", "/companies/new"), ("//evil.example", "/"), ("https://evil.example", "/"),
        ("/\\evil.example", "/"), ("/a\r\nSet-Cookie: x=1", "/"), ("", "/"),
    ])
    func localPaths(candidate: String, expected: String) {
        #expect(PortalController.localPath(candidate) == expected)
    }

    @Test("every page is HTML in the reader's language with a strict CSP, and every key has both languages")
    func homePage() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "fr-FR,fr;q=0.9"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.init("Content-Security-Policy")!]?.contains("default-src 'none'") == true)
                #expect(response.headers[.contentLanguage] == "fr")
                let html = String(buffer: response.body)
                #expect(html.contains("<html lang=\"fr\">"))
                #expect(html.contains("72 heures"))
            }
        }
        let texts = try PortalTexts(directory: TestService.settings.templatesDirectory + "/portal")
        let english = Set(texts.strings["en"]?.keys.map { $0 } ?? [])
        let folder = TestService.settings.templatesDirectory + "/portal/strings"
        var french = Set<String>()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder) where file == "fr.json" || file.hasSuffix(".fr.json") {
            french.formUnion(try JSONDecoder().decode([String: String].self, from: Data(contentsOf: URL(fileURLWithPath: folder + "/" + file))).keys)
        }
        #expect(english.subtracting(french).sorted() == [], "strings without a French text")
    }
}
