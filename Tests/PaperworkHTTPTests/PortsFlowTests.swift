import Foundation
import Workflow
import Logging
import Hummingbird
import HummingbirdTesting
import Isolation
import NIOCore
import Store
import StoreTestSupport
import Testing
import TestSupport
@testable import PaperworkHTTP

/// Imports the sample catalog and panels as an operator.
func loadSampleCatalog(_ client: some TestClientProtocol, operatorToken: String) async throws {
    let imported = try await client.call(.post, "/v1/datacenters/import", token: operatorToken,
                                         body: ByteBuffer(bytes: try sample("catalog/datacenters.json")), headers: [.contentType: "application/json"])
    #expect(imported.status == .ok)
    let panels = try JSONSerialization.jsonObject(with: Data(try sample("catalog/patch-panels.json"))) as? [String: Any]
    for panel in (panels?["panels"] as? [[String: Any]]) ?? [] {
        let datacenter = "pdb-\(panel["peeringdb_id"] as? Int ?? 0)"
        var spec = panel
        spec["peeringdb_id"] = nil
        let loaded = try await client.call(.post, "/v1/datacenters/\(datacenter)/panels", token: operatorToken, json: ["panels": [spec]])
        #expect(loaded.status == .created)
    }
}

/// A company verified through the real review flow; returns (admin token, company id).
func verifiedCompany(_ client: some TestClientProtocol, _ service: TestService, email: String, name: String) async throws -> (String, String) {
    let admin = try await signUp(client, service, email: email)
    let company = try await register(client, token: admin, name: name)
    let certificate = try #require(try await uploadSample(client, token: admin, company: company, "uk-certificate-of-incorporation.pdf").string("id"))
    let reviewer = try await staffToken(service, role: .reviewer, name: "reviewer-\(UUID().uuidString.prefix(8))")
    _ = try await client.call(.post, "/v1/review/claims", token: reviewer, json: ["certificate_id": certificate])
    let decided = try await client.call(.post, "/v1/certificates/\(certificate)/decision", token: reviewer, json: ["outcome": "approve", "reason_code": "document_matches"])
    #expect(decided.string("status") == "approved")
    return (admin, company)
}

/// Runs a command-line tool on bytes written to a temporary file.
func tool(_ executable: String, _ arguments: [String], file bytes: [UInt8], suffix: String = ".pdf") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-\(UUID().uuidString)\(suffix)").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let outcome = try ChildProcess.run(executable, arguments.map { $0 == "FILE" ? path : $0 }, capturingErrors: true)
    return String(decoding: outcome.output + outcome.errors, as: UTF8.self)
}

@Suite("Datacenter catalog, ports and LOAs")
struct PortsFlowTests {
    @Test("catalog import upserts by PeeringDB id, changes only what changed, and search folds case and accents", arguments: Backend.available)
    func catalogImport(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let operatorToken = try await staffToken(service, role: .operator, name: "otto")
            let file = try sample("catalog/datacenters.json")
            let first = try await client.call(.post, "/v1/datacenters/import", token: operatorToken, body: ByteBuffer(bytes: file))
            #expect((first["report"] as? [String: Any])?["created"] as? Int == 8)
            let again = try await client.call(.post, "/v1/datacenters/import", token: operatorToken, body: ByteBuffer(bytes: file))
            #expect((again["report"] as? [String: Any])?["unchanged"] as? Int == 8)

            // One changed record is updated; one malformed record is skipped with a reason.
            var json = try #require(try JSONSerialization.jsonObject(with: Data(file)) as? [String: Any])
            var records = try #require(json["data"] as? [[String: Any]])
            records[2]["address2"] = "Floor 4"
            records.append(["id": 42, "name": "No country", "country": "XX"])
            json["data"] = records
            let changed = try await client.call(.post, "/v1/datacenters/import", token: operatorToken, body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: json)))
            let report = try #require(changed["report"] as? [String: Any])
            #expect(report["updated"] as? Int == 1)
            #expect(report["unchanged"] as? Int == 7)
            #expect(((report["skipped"] as? [[String: Any]])?.first?["reason"] as? String)?.contains("unknown country") == true)

            let customer = try await signUp(client, service, email: "buyer@example.com")
            func names(_ query: String) async throws -> [String] {
                ((try await client.call(.get, "/v1/datacenters?\(query)", token: customer))["datacenters"] as? [[String: Any]])?.compactMap { $0["name"] as? String } ?? []
            }
            #expect(try await names("q=jeuneurs") == ["Exemple Paris Jeûneurs"])
            #expect(try await names("q=MUNCHEN") == ["Beispiel München Nordhafen"])
            #expect(try await names("country=jp&q=%E5%A4%A7%E6%89%8B%E7%94%BA") == ["例 大手町インターコネクト"])
            #expect(try await names("q=sao%20paulo") == ["Exemplo São Paulo Vila Olímpia"])
            #expect(try await names("q=100%25") == [], "LIKE wildcards in the query are literal")
            #expect(try await client.call(.get, "/v1/datacenters?country=XX", token: customer).code == "invalid_country")
            let paris = try await client.call(.get, "/v1/datacenters/pdb-900001", token: customer)
            #expect(paris.string("city") == "Paris")
            #expect(try await client.call(.post, "/v1/datacenters/import", token: customer, body: ByteBuffer(bytes: file)).code == "operator_only")
            #expect(try await client.call(.post, "/v1/datacenters/import", token: operatorToken, body: ByteBuffer(string: "{\"nope\": 1}")).code == "invalid_catalog")
        }
    }

    @Test("the real PeeringDB records in ../shared import whole, and a second import changes nothing",
          .enabled(if: FileManager.default.fileExists(atPath: SourceTree.root.appendingPathComponent("../shared/data/peeringdb/fac-page-1.json").path)))
    func realPeeringDBRecords() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let operatorToken = try await staffToken(service, role: .operator, name: "otto")
            var created = 0, unchanged = 0
            for page in ["fac-page-1.json", "fac-page-2.json"] {
                let bytes = try [UInt8](Data(contentsOf: SourceTree.root.appendingPathComponent("../shared/data/peeringdb/" + page)))
                let first = try await client.call(.post, "/v1/datacenters/import", token: operatorToken, body: ByteBuffer(bytes: bytes))
                created += ((first["report"] as? [String: Any])?["created"] as? Int) ?? 0
                #expect(((first["report"] as? [String: Any])?["skipped"] as? [Any])?.isEmpty == true)
                let second = try await client.call(.post, "/v1/datacenters/import", token: operatorToken, body: ByteBuffer(bytes: bytes))
                unchanged += ((second["report"] as? [String: Any])?["unchanged"] as? Int) ?? 0
            }
            #expect(created == 500)
            #expect(unchanged == 500)
            let found = try await client.call(.get, "/v1/datacenters?country=FR&q=jeuneurs", token: operatorToken)
            let facility = try #require((found["datacenters"] as? [[String: Any]])?.first)
            let name = try #require(facility["name"] as? String)
            #expect(name.contains("Jeûneurs"))

            // A verified company orders a port there and its LOA names the real facility.
            let id = try #require(facility["id"] as? String)
            #expect(try await client.call(.post, "/v1/datacenters/\(id)/panels", token: operatorToken, json: ["panels": [["cage": "MMR 2", "cabinet": "B07", "name": "PP-01", "positions": 24]]]).status == .created)
            let (admin, company) = try await verifiedCompany(client, service, email: "noc@northwind.example", name: "Northwind Connect Ltd")
            let port = try #require(try await client.call(.post, "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": id, "speed": "100G"]).string("id"))
            let pdf = try await client.execute(uri: "/v1/ports/\(port)/loa", method: .get, headers: [.authorization: "Bearer \(admin)"]) { Array(buffer: $0.body) }
            let text = try tool("/usr/bin/pdftotext", ["FILE", "-"], file: pdf)
            #expect(text.contains("Jeûneurs") && text.contains("100G") && text.contains("MMR 2"))
        }
    }

    @Test("the letter reaches the admins as a PDF attachment (multipart/mixed, base64) that Python's email parser reads back and pdfsig verifies; one reminder before it expires while the port awaits its cross-connect")
    func letterByEmail() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let operatorToken = try await staffToken(service, role: .operator, name: "otto")
            try await loadSampleCatalog(client, operatorToken: operatorToken)
            let (admin, company) = try await verifiedCompany(client, service, email: "mail@northwind.example", name: "Northwind Connect Ltd")
            let port = try #require(try await client.call(.post, "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": "pdb-900001", "speed": "10G"]).string("id"))
            let (id, pdf) = try await client.execute(uri: "/v1/ports/\(port)/loa", method: .get, headers: [.authorization: "Bearer \(admin)"]) {
                ($0.headers[.init("X-LOA-Id")!] ?? "", Array(buffer: $0.body))
            }
            let issued = try #require(try await service.mails(to: "mail@northwind.example").first { $0.kind == "loa_issued" })
            #expect(issued.subject.contains(id))
            #expect(issued.attachments.count == 1 && issued.attachments.first?.contentType == "application/pdf")

            // Delivered as an .eml file, then read back by Python's email parser.
            let outbox = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-eml-\(UUID().uuidString)").path
            let delivery = OutboxDelivery(store: service.store, transport: try EMLDirectoryTransport(directory: outbox), sender: "noreply@paperwork.test", logger: Logger(label: "test"))
            _ = try await delivery.deliverDue()
            let file = try #require(try FileManager.default.contentsOfDirectory(atPath: outbox).first { name in
                (try? String(contentsOfFile: outbox + "/" + name, encoding: .utf8))?.contains("X-Paperwork-Kind: loa_issued") == true
            })
            let script = """
                import email, sys
                from email import policy
                message = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
                assert message.get_content_type() == 'multipart/mixed', message.get_content_type()
                parts = [part for part in message.iter_attachments()]
                assert len(parts) == 1 and parts[0].get_content_type() == 'application/pdf'
                open(sys.argv[2], 'wb').write(parts[0].get_content())
                print('filename=' + parts[0].get_filename())
                print('text=' + message.get_body(('plain',)).get_content().splitlines()[0])
                """
            let extracted = outbox + "/attached.pdf"
            let parsed = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script, outbox + "/" + file, extracted], capturingErrors: true)
            #expect(parsed.exitStatus == 0, "\(String(decoding: parsed.errors, as: UTF8.self))")
            #expect(String(decoding: parsed.output, as: UTF8.self).contains("filename=\(id)"))
            let attached = try [UInt8](Data(contentsOf: URL(fileURLWithPath: extracted)))
            #expect(attached == pdf, "the attachment is the letter, byte for byte")
            #expect(try tool("/usr/bin/pdfsig", ["FILE"], file: attached).contains("Signature is Valid."))

            // Reminders: none while the letter is far from its end; one when 14 days remain; never twice.
            let ports = try #require(service.dependencies.ports)
            #expect(try await ports.sendExpiryReminders(within: 14) == 0)
            let late = Date().addingTimeInterval(50 * 86_400)
            #expect(try await ports.sendExpiryReminders(within: 14, now: late) == 1)
            #expect(try await ports.sendExpiryReminders(within: 14, now: late) == 0, "once per letter")
            let reminder = try #require(try await service.mails(to: "mail@northwind.example").first { $0.kind == "loa_expiring" })
            #expect(reminder.subject.contains(id) && reminder.attachments.isEmpty)
            // An active port needs no reminder.
            _ = try await client.call(.post, "/v1/ports/\(port)/activate", token: operatorToken)
            #expect(try await ports.sendExpiryReminders(within: 14, now: late) == 0)
        }
    }

    @Test("the /verify page speaks the letter's language (or ?lang=), shows the status in words, colour and icon, human labels, the port's state and the cross-connect id recorded at activation, on a phone-width layout")
    func verifyPageForPeople() async throws {
        let service = try await TestService.make()
        try await service.run { client in
            let operatorToken = try await staffToken(service, role: .operator, name: "otto")
            try await loadSampleCatalog(client, operatorToken: operatorToken)
            let (admin, company) = try await verifiedCompany(client, service, email: "verify@northwind.example", name: "Northwind Connect Ltd")
            let port = try #require(try await client.call(.post, "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": "pdb-900001", "speed": "10G"]).string("id"))
            let id = try await client.execute(uri: "/v1/ports/\(port)/loa?language=fr", method: .get, headers: [.authorization: "Bearer \(admin)"]) { $0.headers[.init("X-LOA-Id")!] ?? "" }
            func page(_ query: String = "") async throws -> String {
                try await client.execute(uri: "/verify/\(id)\(query)", method: .get, headers: [.accept: "text/html"]) { String(buffer: $0.body) }
            }
            let french = try await page()
            #expect(french.contains(#"<html lang="fr">"#) && french.contains(#"name="viewport""#))
            #expect(french.contains(#"data-state="valid""#) && french.contains("Valide") && french.contains("\u{2714}"))
            #expect(french.contains("Fibre monomode (OS2)") && !french.contains("single_mode_fiber"), "human labels, in French")
            #expect(french.contains("en attente du brassage"), "the port's live state")
            let english = try await page("?lang=en")
            #expect(english.contains(#"<html lang="en">"#) && english.contains("Date of issue") && english.contains("awaiting the cross-connect"))
            #expect(!english.contains("Cross-connect id"), "no cross-connect before activation")
            for bad in ["", "   ", String(repeating: "X", count: 65), "CX\u{0}1", "CX\n1"] {
                let refused = try await client.call(.post, "/v1/ports/\(port)/activate", token: operatorToken, json: ["cross_connect_id": bad])
                #expect(refused.status == .unprocessableContent && refused.code == "invalid_cross_connect_id", "\(bad.debugDescription)")
            }
            #expect(try await client.call(.get, "/v1/ports/\(port)", token: admin).string("status") == "awaiting_cross_connect", "a refused activation changes nothing")
            let activated = try await client.call(.post, "/v1/ports/\(port)/activate", token: operatorToken, json: ["cross_connect_id": " LD8:XC:0012345 "])
            #expect(activated.string("status") == "active" && activated.string("cross_connect_id") == "LD8:XC:0012345")
            #expect(try await client.call(.get, "/v1/ports/\(port)", token: admin).string("cross_connect_id") == "LD8:XC:0012345")
            let active = try await page("?lang=en")
            #expect(active.contains("active (cross-connect in place)") && active.contains("<th scope=\"row\">Cross-connect id</th><td>LD8:XC:0012345</td>"))
            #expect(try await page().contains("Référence du brassage"))
            #expect(try await client.call(.get, "/verify/\(id)").string("cross_connect_id") == "LD8:XC:0012345")
            _ = try await client.call(.delete, "/v1/ports/\(port)", token: admin)
            let revoked = try await page()
            #expect(revoked.contains(#"data-state="revoked""#) && revoked.contains("Révoquée") && revoked.contains("#a50e0e"))
            let json = try await client.call(.get, "/verify/\(id)")
            #expect(json.string("language") == "fr" && json.string("port_status") == "cancelled")
            #expect(json.string("cross_connect_id") == nil, "only an active port's cross-connect is shown")
        }
    }

    @Test("a verified company orders a port, downloads a signed LOA that pdfsig, pyHanko and poppler read back, and cancelling revokes it", arguments: Backend.available)
    func portAndLOA(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let operatorToken = try await staffToken(service, role: .operator, name: "otto")
            try await loadSampleCatalog(client, operatorToken: operatorToken)

            // Unverified companies cannot order.
            let pending = try await signUp(client, service, email: "early@example.com")
            let pendingCompany = try await register(client, token: pending, name: "Early Ltd")
            let refused = try await client.call(.post, "/v1/ports", token: pending, json: ["company_id": pendingCompany, "datacenter_id": "pdb-900001", "speed": "10G"])
            #expect(refused.status == .forbidden)
            #expect(refused.code == "company_not_verified")

            let (admin, company) = try await verifiedCompany(client, service, email: "noc@northwind.example", name: "Northwind Connect Ltd")
            #expect(try await client.call(.post, "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": "pdb-900001", "speed": "25G"]).code == "invalid_speed")
            let ordered = try await client.call(.post, "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": "pdb-900001", "speed": "10G"])
            #expect(ordered.status == .created)
            #expect(ordered.string("status") == "awaiting_cross_connect")
            #expect(ordered["position_a"] as? Int == 1 && ordered["position_b"] as? Int == 2)
            #expect(ordered.string("media") == "smf" && ordered.string("connector") == "LC")
            let port = try #require(ordered.string("id"))
            let serviceID = try #require(ordered.string("service_id"))

            // Another company sees nothing of it.
            let (other, _) = try await verifiedCompany(client, service, email: "eve@other.example", name: "Other Ltd")
            #expect(try await client.call(.get, "/v1/ports/\(port)", token: other).status == .notFound)
            #expect(try await client.call(.get, "/v1/ports/\(port)/loa", token: other).status == .notFound)

            // The LOA: a signed PDF.
            let (pdf, loaID) = try await client.execute(uri: "/v1/ports/\(port)/loa", method: .get, headers: [.authorization: "Bearer \(admin)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment; filename=\"LOA-") == true)
                return (Array(buffer: response.body), response.headers[.init("X-LOA-Id")!] ?? "")
            }
            let text = try tool("/usr/bin/pdftotext", ["-layout", "FILE", "-"], file: pdf)
            for field in [loaID, "Northwind Connect Ltd", "Exemple Paris Jeûneurs", "12 rue des Jeûneurs", "Cage 0102", "R12", "PP-0101", "1/2", "LC", "10G", serviceID] {
                #expect(text.contains(field), "the LOA shows \(field)")
            }
            let pdfsig = try tool("/usr/bin/pdfsig", ["FILE"], file: pdf)
            #expect(pdfsig.contains("Signature is Valid."))
            #expect(pdfsig.contains("Total document signed"))
            let certificate = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-\(UUID().uuidString).pem").path
            try Data(try TestService.signingIdentity.certificatePEM.utf8).write(to: URL(fileURLWithPath: certificate))
            let pyhanko = try tool("/usr/bin/env", ["python3", SourceTree.root.appendingPathComponent("Tests/LOATests/validate_with_pyhanko.py").path, "FILE", certificate], file: pdf)
            #expect(pyhanko.contains("intact=True") && pyhanko.contains("valid=True") && pyhanko.contains("coverage=ENTIRE_FILE"), "\(pyhanko)")

            // The same LOA comes back until it is reissued; the old one is then superseded.
            let again = try await client.execute(uri: "/v1/ports/\(port)/loa", method: .get, headers: [.authorization: "Bearer \(admin)"]) { Array(buffer: $0.body) }
            #expect(again == pdf)
            let metadata = try await client.call(.get, "/v1/loas/\(loaID)", token: admin)
            #expect(metadata.string("status") == "valid")
            let verified = try await client.call(.get, "/verify/\(loaID)")
            #expect(verified.string("status") == "valid")
            #expect(verified["genuine"] as? Bool == true)
            #expect((verified["letter"] as? [String: Any])?["authorized_party"] as? String == "Northwind Connect Ltd")
            let html = try await client.execute(uri: "/verify/\(loaID)", method: .get, headers: [.accept: "text/html"]) { String(buffer: $0.body) }
            #expect(html.contains(#"data-status="valid""#) && html.contains("genuine and valid"))

            // Another language and paper size is a rendition of the same letter: same id, same
            // validity, signed, stored once; the first stays valid.
            let french = try await client.execute(uri: "/v1/ports/\(port)/loa?language=fr&paper=us_letter", method: .get, headers: [.authorization: "Bearer \(admin)"]) { response in
                (response.status, response.headers[.init("X-LOA-Id")!] ?? "", Array(buffer: response.body))
            }
            #expect(french.0 == .ok)
            #expect(french.1 == loaID, "a rendition keeps the letter's id")
            #expect(french.2 != pdf)
            let frenchText = try tool("/usr/bin/pdftotext", ["-layout", "FILE", "-"], file: french.2)
            #expect(frenchText.contains(loaID) && frenchText.contains("Lettre"), "the French rendition is in French")
            #expect(try tool("/usr/bin/pdfinfo", ["FILE"], file: french.2).contains("612 x 792 pts"), "on US Letter paper")
            #expect(try tool("/usr/bin/pdfsig", ["FILE"], file: french.2).contains("Signature is Valid."))
            let frenchAgain = try await client.execute(uri: "/v1/ports/\(port)/loa?language=fr&paper=us_letter", method: .get, headers: [.authorization: "Bearer \(admin)"]) { Array(buffer: $0.body) }
            #expect(frenchAgain == french.2, "a rendition is rendered once, then served as stored")
            let englishAgain = try await client.execute(uri: "/v1/ports/\(port)/loa?language=en", method: .get, headers: [.authorization: "Bearer \(admin)"]) { Array(buffer: $0.body) }
            #expect(englishAgain == pdf)
            #expect(try await client.call(.get, "/verify/\(loaID)").string("status") == "valid", "renditions never supersede each other")

            let reissued = try await client.execute(uri: "/v1/ports/\(port)/loa?language=fr", method: .post, headers: [.authorization: "Bearer \(admin)"]) { response in
                (response.status, response.headers[.init("X-LOA-Id")!] ?? "")
            }
            #expect(reissued.0 == .created && reissued.1 != loaID)
            #expect(try await client.call(.get, "/verify/\(loaID)").string("status") == "superseded")
            #expect(try await client.call(.get, "/verify/LOA-NOSUCHTHING").status == .notFound)

            // Cancelling revokes the LOA and frees the position.
            let cancelled = try await client.call(.delete, "/v1/ports/\(port)", token: admin)
            #expect(cancelled.string("status") == "cancelled")
            #expect(try await client.call(.get, "/verify/\(reissued.1)").string("status") == "revoked")
            #expect(try await client.call(.get, "/v1/ports/\(port)/loa", token: admin).code == "port_cancelled")
            let next = try await client.call(.post, "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": "pdb-900001", "speed": "1G"])
            #expect(next["position_a"] as? Int == 1, "the freed pair is given again")
            let activated = try await client.call(.post, "/v1/ports/\(try #require(next.string("id")))/activate", token: operatorToken)
            #expect(activated.string("status") == "active")
        }
    }

    @Test("concurrent orders never get the same position, and a full datacenter answers no_free_position", arguments: Backend.available)
    func concurrentAllocation(_ backend: Backend) async throws {
        let service = try await TestService.make(backend)
        try await service.run { client in
            let operatorToken = try await staffToken(service, role: .operator, name: "otto")
            try await loadSampleCatalog(client, operatorToken: operatorToken)
            let (admin, company) = try await verifiedCompany(client, service, email: "noc@northwind.example", name: "Northwind Connect Ltd")
            // Paris has 2 + 12 single-mode LC pairs; 20 orders at once.
            struct Order: Sendable { var status: HTTPResponse.Status; var code: String?; var place: String? }
            let orders = try await withThrowingTaskGroup(of: Order.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let answer = try await client.call(.post, "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": "pdb-900001", "speed": "10G"])
                        let place = answer.string("panel_id").map { "\($0)#\(answer["position_a"] as? Int ?? 0)" }
                        return Order(status: answer.status, code: answer.code, place: place)
                    }
                }
                return try await group.reduce(into: [Order]()) { $0.append($1) }
            }
            let places = orders.compactMap(\.place)
            #expect(places.count == 14)
            #expect(Set(places).count == 14, "no position given twice")
            #expect(orders.filter { $0.code == "no_free_position" }.count == 6)
        }
    }
}
