import Foundation
import Isolation
import Testing
import TestSupport

/// The customer portal as a new customer meets it: the real server, a real headless Chromium,
/// in French, from the home page through the e-mailed link to a signed LOA downloaded by a
/// colleague the admin invited.
@Suite("the customer portal in a browser", .serialized)
struct PortalBrowserTests {
    @Test("in French: sign-up (refused address, the link from the .eml, refused then accepted password, a photo), the profile, sign-out and sign-in, a company registered, a refused then an accepted certificate, the timeline, another company's page not found, a reviewer's approval in the console, the verified page and e-mail, an invitation accepted by a second person who orders a port and downloads its LOA (checked with pdfsig), English, CSRF")
    func signUpInFrench() throws {
        let directory = ServeCommandTests.temporaryDirectory()
        var server = try ServeCommandTests.Server.start(dataDirectory: directory)
        defer { _ = server.terminate() }
        let listening = server.read(until: "Paperwork is listening")
        try #require(listening)
        #expect(try RawHTTP.waitUntilServing(port: server.port))

        // Screenshots of every page at 1280 and 390 px go to a folder of their own, not committed.
        let screenshots = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-portal-screenshots-\(UUID().uuidString)").path
        let browser = try ChildProcess.run("/usr/bin/env", [
            "python3", SourceTree.root.appendingPathComponent("Tests/PaperworkCLITests/portal_browser.py").path,
            "http://127.0.0.1:\(server.port)", directory + "/outbox", screenshots, SourceTree.root.appendingPathComponent("samples").path,
        ], capturingErrors: true)
        let output = String(decoding: browser.output, as: UTF8.self)
        #expect(browser.exitStatus == 0, "\(String(decoding: browser.errors, as: UTF8.self).suffix(3000))")
        #expect(output.contains("portal ok"))
        print("portal screenshots: \(screenshots)")
    }
}
