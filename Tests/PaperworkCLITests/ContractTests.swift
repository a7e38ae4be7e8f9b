import Foundation
import Isolation
import Testing
import TestSupport

/// The contract is exact and checked: schemathesis (PyPI) reads the `/openapi.yaml` a real
/// `paperwork serve` serves and throws schema-valid and schema-violating requests at every
/// operation, signed in as each kind of caller, with every check on (server errors, status
/// codes, content types, response schemas and headers, valid data accepted, invalid data
/// refused, undeclared methods answered 405 with `Allow`, authentication not ignored…). It must
/// find nothing: a finding is a server bug or a contract that says something the server does
/// not do.
@Suite("the OpenAPI contract against a real server", .serialized)
struct ContractTests {
    /// The callers the demo data prints a token for, by the label before it.
    static let callers = ["admin", "operator", "reviewer"]

    /// Bounded for CI (about a minute per caller on two cores): a fixed seed, so a run repeats,
    /// and a cap on the examples each operation gets in the fuzzing phase. The coverage phase
    /// (boundary values and every kind of invalid value, each undeclared method) and the
    /// stateful phase (operations chained through the ids they answer) run in full.
    static let seed = 1
    static let examplesPerOperation = 8

    /// schemathesis's configuration for one caller (`schemathesis.toml`).
    static func configuration(token: String, throwawayToken: String) -> String {
        """
        headers = { Authorization = "Bearer \(token)" }

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
        checks.positive_data_acceptance.expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
        """
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

        for caller in Self.callers {
            let token = try #require(server.value(after: "\(caller) token:"), "no \(caller) token printed")
            let made = try ChildProcess.run(PaperworkBinary.path, [
                "tokens", "create", "--role", "reviewer", "--name", "contract-throwaway-\(caller)", "--data-directory", folder + "/data",
            ], capturingErrors: true)
            try #require(made.exitStatus == 0, "\(String(decoding: made.errors, as: UTF8.self))")
            let throwaway = String(decoding: made.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let configuration = folder + "/schemathesis-\(caller).toml"
            try Data(Self.configuration(token: token, throwawayToken: throwaway).utf8).write(to: URL(fileURLWithPath: configuration))

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
        }
    }
}
