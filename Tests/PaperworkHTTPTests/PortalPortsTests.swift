import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import StoreTestSupport
import Testing
@testable import PaperworkHTTP

/// Datacenters, ports and LOAs in the customer portal, as a signed-in customer's browser
/// sends them: the session cookie, the CSRF cookie and the form's token.
@Suite("Customer portal: datacenters, ports and LOAs")
struct PortalPortsTests {
    /// A page as the browser gets it.
    struct Page {
        var status: HTTPResponse.Status
        var html: String
        var headers: HTTPFields
    }

    static let csrf = String(repeating: "c", count: 40)

    /// A request with the reader's cookies (and a form body, sent with the CSRF token unless
    /// `csrf` is false).
    private static func open(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, session: String, form: [String: String]? = nil, csrf: Bool = true
    ) async throws -> Page {
        var headers: HTTPFields = [.cookie: "pw_session=\(session); pw_csrf=\(Self.csrf); pw_lang=en"]
        var body: ByteBuffer?
        if var form {
            if csrf { form["csrf"] = Self.csrf }
            headers[.contentType] = "application/x-www-form-urlencoded"
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            body = ByteBuffer(string: form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Page(status: response.status, html: String(buffer: response.body), headers: response.headers)
        }
    }

    @Test("a verified company's admin searches the catalog, orders a port, downloads its signed LOA in French, and cancels it after a confirmation", arguments: Backend.available)
    func orderAndCancel(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            try await loadSampleCatalog(client, operatorToken: try await staffToken(service, role: .operator, name: "otto"))
            let (admin, company) = try await verifiedCompany(client, service, email: "noc@ports.example", name: "Ports & Fibre <Ltd>")

            let search = try await Self.open(client, .get, "/datacenters?q=paris", session: admin)
            #expect(search.status == .ok)
            #expect(search.html.contains("Exemple Paris Jeûneurs"))
            #expect(!search.html.contains("Example London"), "the text filter applies")
            let byCountry = try await Self.open(client, .get, "/datacenters?country=GB", session: admin)
            #expect(byCountry.html.contains("Example London Harbourside") && !byCountry.html.contains("Exemple Paris"))
            #expect(byCountry.html.contains("Ports &amp; Fibre &lt;Ltd&gt;"), "the company in use is named, escaped")

            let datacenter = try await Self.open(client, .get, "/datacenters/pdb-900001", session: admin)
            #expect(datacenter.html.contains("Single-mode fibre") && datacenter.html.contains("Multi-mode fibre"), "what its panels offer")
            #expect(datacenter.html.contains("action=\"/companies/\(company)/ports\""), "the order form")

            let refused = try await Self.open(client, .post, "/companies/\(company)/ports", session: admin,
                                              form: ["datacenter": "pdb-900001", "speed": "10G", "media": "mmf", "connector": "SC"])
            #expect(refused.status == .conflict)
            #expect(refused.html.contains("no patch panel with this fibre and connector"), "an impossible combination is explained on the page")

            let ordered = try await Self.open(client, .post, "/companies/\(company)/ports", session: admin,
                                              form: ["datacenter": "pdb-900001", "speed": "10G", "media": "smf", "connector": "LC"])
            #expect(ordered.status == .seeOther)
            let portPath = try #require(ordered.headers[.location])
            #expect(portPath.hasPrefix("/companies/\(company)/ports/"))

            let port = try await Self.open(client, .get, portPath, session: admin)
            #expect(port.status == .ok)
            #expect(port.html.contains("Awaiting cross-connect") && port.html.contains("send it to the datacenter"))
            #expect(port.html.contains("PP-0101") && port.html.contains("1/2"), "the panel and positions")
            let list = try await Self.open(client, .get, "/companies/\(company)/ports", session: admin)
            #expect(list.html.contains(portPath))

            let loa = try await client.execute(uri: portPath + "/loa?language=fr&paper_size=a4", method: .get,
                                               headers: [.cookie: "pw_session=\(admin); pw_lang=en"]) { $0 }
            #expect(loa.status == .ok)
            #expect(loa.headers[.contentType] == "application/pdf")
            #expect(loa.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            let pdf = [UInt8](buffer: loa.body)
            #expect(pdf.starts(with: Array("%PDF".utf8)))
            let signature = try tool("/usr/bin/pdfsig", ["FILE"], file: pdf)
            #expect(signature.contains("Signature #1"), "the LOA is signed: \(signature)")
            let badPaper = try await Self.open(client, .get, portPath + "/loa?paper_size=a3", session: admin)
            #expect(badPaper.status == .unprocessableContent)
            #expect(badPaper.html.contains("Choose A4 or US Letter"))

            let confirm = try await Self.open(client, .get, portPath + "/cancel", session: admin)
            #expect(confirm.html.contains("Yes, cancel this port"), "cancelling asks first")
            let forged = try await Self.open(client, .post, portPath + "/cancel", session: admin, form: [:], csrf: false)
            #expect(forged.status == .forbidden, "a form without its CSRF token changes nothing")
            #expect(try await Self.open(client, .get, portPath, session: admin).html.contains("Awaiting cross-connect"))
            let cancelled = try await Self.open(client, .post, portPath + "/cancel", session: admin, form: [:])
            #expect(cancelled.status == .seeOther)
            let after = try await Self.open(client, .get, portPath, session: admin)
            #expect(after.html.contains("Cancelled") && !after.html.contains("Download the LOA"))
        }
    }

    @Test("an unverified company sees why it cannot order, and another company's port answers the same not-found page as an unknown one", arguments: Backend.available)
    func blockedAndForeign(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            try await loadSampleCatalog(client, operatorToken: try await staffToken(service, role: .operator, name: "otto"))
            let (owner, company) = try await verifiedCompany(client, service, email: "owner@one.example", name: "One Ltd")
            let ordered = try await Self.open(client, .post, "/companies/\(company)/ports", session: owner,
                                              form: ["datacenter": "pdb-900003", "speed": "1G", "media": "smf", "connector": "SC"])
            let portPath = try #require(ordered.headers[.location])

            let stranger = try await signUp(client, service, email: "someone@two.example")
            let other = try await register(client, token: stranger, name: "Two Ltd")
            let datacenter = try await Self.open(client, .get, "/datacenters/pdb-900003", session: stranger)
            #expect(datacenter.html.contains("once it is verified") && !datacenter.html.contains("Order this port</button>"))
            let forcedOrder = try await Self.open(client, .post, "/companies/\(other)/ports", session: stranger,
                                                  form: ["datacenter": "pdb-900003", "speed": "1G", "media": "smf", "connector": "LC"])
            #expect(forcedOrder.status == .conflict && forcedOrder.html.contains("must be verified"), "a forged order is refused in words")

            let foreign = try await Self.open(client, .get, portPath, session: stranger)
            let foreignInOwnCompany = try await Self.open(client, .get, portPath.replacingOccurrences(of: company, with: other), session: stranger)
            let unknown = try await Self.open(client, .get, "/companies/\(other)/ports/00000000-0000-0000-0000-000000000000", session: stranger)
            #expect(foreign.status == .notFound && foreignInOwnCompany.status == .notFound && unknown.status == .notFound)
            #expect(foreign.html.contains("does not exist") && unknown.html.contains("does not exist"))
            let foreignLOA = try await Self.open(client, .get, portPath.replacingOccurrences(of: company, with: other) + "/loa", session: stranger)
            #expect(foreignLOA.status == .notFound)
            #expect(try await Self.open(client, .get, "/datacenters/pdb-1", session: stranger).status == .notFound)
        }
    }
}
