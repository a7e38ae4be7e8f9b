import Foundation
import Isolation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The contract is exact and checked: schemathesis (PyPI) reads the `/openapi.yaml` a real
/// `paperwork serve` serves and throws schema-valid and schema-violating requests at every
/// operation, signed in as each kind of caller, with every check on (server errors, status
/// codes, content types, response schemas and headers, valid data accepted, invalid data
/// refused, undeclared methods answered 405 with `Allow`, authentication not ignored…). It must
/// find nothing: a finding is a server bug or a contract that says something the server does
/// not do.
@Suite("the OpenAPI contract against a real server", .serialized)
struct ContractTests {
    /// The callers the demo data prints a token for, by the label before it; the customer last,
    /// as it may cancel the port the others read.
    static let callers = ["reviewer", "operator", "admin"]

    /// Bounded for CI (about a minute per caller on two cores): a fixed seed, so a run repeats,
    /// and a cap on the examples each operation gets in the fuzzing phase. The coverage phase
    /// (boundary values and every kind of invalid value, each undeclared method) and the
    /// stateful phase (operations chained through the ids they answer) run in full.
    static let seed = 1
    static let examplesPerOperation = 8

    /// Ids of things that exist, so that operations on one reach past 404: the demo company
    /// (verified by a reviewer, its certificate approved), a datacenter with patch panels, a port
    /// ordered there and its LOA.
    struct Fixtures {
        var company: String
        var certificate: String
        var datacenter: String
        var port: String
        var loa: String
    }

    /// schemathesis's configuration for one caller (`schemathesis.toml`).
    static func configuration(token: String, throwawayToken: String, fixtures: Fixtures) -> String {
        """
        headers = { Authorization = "Bearer \(token)" }

        # 410 Gone is, like 404 and 409, what valid data gets from the state of the thing it names
        # (a cancelled port's LOAs, a used link): the contract documents it where it happens.
        [checks.positive_data_acceptance]
        expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "410", "429", "5xx"]

        # Signing out revokes the very token of the request, and revoking a token by id may pick
        # the run's own token from GET /v1/tokens (the stateful phase links the two): either would
        # sign the rest of the run out. Both operations are tested in full, but with a throw-away
        # staff token of their own, which owns none of the run's tokens (another's id is 404).
        [[operations]]
        include-operation-id = ["signOut", "revokeToken"]
        headers = { Authorization = "Bearer \(throwawayToken)" }

        # Whether bytes are a PNG or JPEG photo, or a certificate of registration the intake
        # accepts, is beyond what a schema can state: the generated files are schema-valid and
        # are refused for their content with 422 and a reason code (`invalid_photo`,
        # `certificate_refused` with the intake's reasons), as the contract documents. 422 is the
        # one status added to what valid data may get; every other check applies as everywhere.
        [[operations]]
        include-operation-id = ["putMyPhoto", "uploadCertificate"]
        checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "410", "422", "429", "5xx"]

        # Ids that exist. The generated ones are still tried in the coverage phase's invalid values.
        [[operations]]
        include-path-regex = '^/v1/companies/\\{id\\}'
        parameters = { "path.id" = "\(fixtures.company)" }
        [[operations]]
        include-operation-id = ["listPorts"]
        parameters = { "query.company_id" = "\(fixtures.company)" }
        [[operations]]
        include-path-regex = '^/v1/certificates/\\{id\\}'
        parameters = { "path.id" = "\(fixtures.certificate)", "path.page" = 1 }
        [[operations]]
        include-path-regex = '^/v1/datacenters/\\{id\\}'
        parameters = { "path.id" = "\(fixtures.datacenter)" }
        [[operations]]
        include-path-regex = '^/v1/ports/\\{id\\}'
        parameters = { "path.id" = "\(fixtures.port)" }
        [[operations]]
        include-path-regex = '^/(v1/loas|verify)/\\{id\\}'
        parameters = { "path.id" = "\(fixtures.loa)" }
        """
    }

    /// One request to the server under test; the status, the headers' text and the body.
    static func call(port: Int, _ method: String, _ path: String, token: String, json: Any? = nil, body: [UInt8] = [], type: String? = nil) throws -> (status: Int, headers: String, body: Any?) {
        let payload = try json.map { try [UInt8](JSONSerialization.data(withJSONObject: $0)) } ?? body
        let contentType = json == nil ? type.map { "Content-Type: \($0)\r\n" } ?? "" : "Content-Type: application/json\r\n"
        let connection = try RawHTTP.connect(port: port)
        defer { close(connection) }
        try RawHTTP.send(connection, "\(method) \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n\(contentType)Content-Length: \(payload.count)\r\nConnection: close\r\n\r\n")
        try RawHTTP.send(connection, payload)
        let answer = RawHTTP.receive(connection)
        let parts = answer.components(separatedBy: "\r\n\r\n")
        let status = Int(answer.split(separator: " ").dropFirst().first ?? "") ?? 0
        let object = parts.count > 1 ? try? JSONSerialization.jsonObject(with: Data(parts.dropFirst().joined(separator: "\r\n\r\n").utf8)) : nil
        return (status, parts.first ?? "", object)
    }

    /// The fixtures, made through the API as a customer and a reviewer would.
    static func makeFixtures(port: Int, admin: String, reviewer: String, company: String) throws -> Fixtures {
        let pdf = try [UInt8](Data(contentsOf: SourceTree.root.appendingPathComponent("samples/uk-certificate-of-incorporation.pdf")))
        let uploaded = try call(port: port, "POST", "/v1/companies/\(company)/certificates?file_name=uk.pdf", token: admin, body: pdf, type: "application/pdf")
        let certificate = try #require((uploaded.body as? [String: Any])?["id"] as? String, "upload: \(uploaded)")
        #expect(try call(port: port, "POST", "/v1/review/claims", token: reviewer, json: ["certificate_id": certificate]).status == 200)
        #expect(try call(port: port, "POST", "/v1/certificates/\(certificate)/decision", token: reviewer, json: ["outcome": "approve", "reason_code": "document_matches"]).status == 200)
        let listed = try call(port: port, "GET", "/v1/datacenters?limit=200", token: admin)
        let datacenters = ((listed.body as? [String: Any])?["datacenters"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        let datacenter = try #require(try datacenters.first { id in
            let panels = try call(port: port, "GET", "/v1/datacenters/\(id)/panels", token: admin).body as? [String: Any]
            return (panels?["panels"] as? [[String: Any]] ?? []).contains { $0["media"] as? String == "smf" && $0["connector"] as? String == "LC" }
        }, "a sample datacenter with an smf/LC panel")
        let ordered = try call(port: port, "POST", "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": datacenter, "speed": "10G"])
        let portID = try #require((ordered.body as? [String: Any])?["id"] as? String, "order: \(ordered)")
        let letter = try call(port: port, "GET", "/v1/ports/\(portID)/loa", token: admin)
        let loa = try #require(letter.headers.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("x-loa-id:") }?.dropFirst("x-loa-id:".count)
            .trimmingCharacters(in: .whitespaces), "LOA: \(letter.headers)")
        return Fixtures(company: company, certificate: certificate, datacenter: datacenter, port: portID, loa: loa)
    }

    @Test("schemathesis finds nothing, as a customer admin, an operator and a reviewer")
    func schemathesisFindsNothing() throws {
        let folder = ServeCommandTests.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var server = try ServeCommandTests.Server.start(dataDirectory: folder + "/data")
        defer { _ = server.terminate() }
        let instructed = server.read(until: "The README's walkthrough")
        try #require(instructed, "the demo data is created and its tokens printed")
        #expect(try RawHTTP.waitUntilServing(port: server.port))
        let fixtures = try Self.makeFixtures(
            port: server.port, admin: try #require(server.value(after: "admin token:")), reviewer: try #require(server.value(after: "reviewer token:")),
            company: try #require(server.value(after: "Demo Networks Ltd (id ")?.split(separator: ")").first.map(String.init))
        )

        for caller in Self.callers {
            let token = try #require(server.value(after: "\(caller) token:"), "no \(caller) token printed")
            let made = try ChildProcess.run(PaperworkBinary.path, [
                "tokens", "create", "--role", "reviewer", "--name", "contract-throwaway-\(caller)", "--data-directory", folder + "/data",
            ], capturingErrors: true)
            try #require(made.exitStatus == 0, "\(String(decoding: made.errors, as: UTF8.self))")
            let throwaway = String(decoding: made.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let configuration = folder + "/schemathesis-\(caller).toml"
            try Data(Self.configuration(token: token, throwawayToken: throwaway, fixtures: fixtures).utf8).write(to: URL(fileURLWithPath: configuration))

            // In the temporary folder, so that nothing it keeps (reports, examples) lands in the checkout.
            let started = Date()
            let run = try ChildProcess.run("/usr/bin/env", [
                "python3", "-c", "import os, sys; os.chdir(sys.argv.pop(1)); from schemathesis.cli import schemathesis; sys.exit(schemathesis())", folder,
                "--config-file", configuration, "run", "http://127.0.0.1:\(server.port)/openapi.yaml",
                "--checks", "all", "--seed", "\(Self.seed)", "--max-examples", "\(Self.examplesPerOperation)",
                "--workers", "1", "--generation-database", "none", "--no-color",
            ], capturingErrors: true)
            let output = String(decoding: run.output, as: UTF8.self)
            let failures = output.components(separatedBy: "\n").filter { $0.hasPrefix("- ST") || $0.contains("Runtime Error") }
            #expect(run.exitStatus == 0 && failures.isEmpty, "schemathesis as the \(caller) (\(Int(Date().timeIntervalSince(started))) s):\n\(output.suffix(20_000))\n\(String(decoding: run.errors, as: UTF8.self).suffix(3000))")
            #expect(output.contains(" passed"), "as the \(caller), the run tested something:\n\(output.suffix(3000))")
            let tally = output.components(separatedBy: "\n").last { $0.contains(" generated") }?.trimmingCharacters(in: .whitespaces) ?? "no tally"
            print("schemathesis as the \(caller): \(tally) in \(Int(Date().timeIntervalSince(started))) s")
        }
    }
}
