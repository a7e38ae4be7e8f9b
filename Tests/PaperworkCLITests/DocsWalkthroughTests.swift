import Foundation
import Isolation
import Testing
import TestSupport

/// The walkthroughs in the README and `docs/` are run as printed, so they cannot drift from
/// the server: every ```sh block of a document, in order, against a real `paperwork serve` on
/// a fresh data directory, with `curl` failing on any HTTP error.
@Suite("the documentation's walkthroughs", .serialized)
struct DocsWalkthroughTests {
    struct Walkthrough: CustomTestStringConvertible, Sendable {
        var document: String
        /// Something the last steps print when everything before them worked.
        var expectedOutput: [String]
        var testDescription: String { document }
    }

    static let walkthroughs = [
        Walkthrough(document: "README.md", expectedOutput: ["\"genuine\":true"]),
        Walkthrough(document: "docs/api-walkthrough.md", expectedOutput: ["verified", "\"genuine\":true"]),
    ]

    /// The ```sh blocks of a Markdown document, in order.
    static func shellBlocks(of markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```sh" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test("runs as printed against a real server", arguments: walkthroughs)
    func runsAsPrinted(_ walkthrough: Walkthrough) throws {
        let markdown = try String(contentsOf: SourceTree.root.appendingPathComponent(walkthrough.document), encoding: .utf8)
        // The README's two commands start and test the service; the walkthrough comes after.
        let blocks = Self.shellBlocks(of: markdown).filter { !$0.contains("scripts/start") && !$0.contains("scripts/test") }
        try #require(!blocks.isEmpty, "\(walkthrough.document) has no sh block")

        // The walkthrough runs in a folder of its own laid out as a checkout: samples/ beside
        // data/, and the binary under test where a release build puts it.
        let folder = ServeCommandTests.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/samples", withDestinationPath: SourceTree.root.appendingPathComponent("samples").path)
        try FileManager.default.createDirectory(atPath: folder + "/.build/release", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: folder + "/.build/release/paperwork", withDestinationPath: PaperworkBinary.path)

        var server = try ServeCommandTests.Server.start(dataDirectory: folder + "/data")
        defer { _ = server.terminate() }
        let listening = server.read(until: "Paperwork is listening")
        try #require(listening)
        let instructed = server.read(until: "The README's walkthrough")
        try #require(instructed, "the demo data is created and its credentials saved")

        let script = """
            set -euo pipefail
            cd '\(folder)'
            curl() { command curl --fail-with-body --show-error "$@"; }
            \(blocks.joined(separator: "\n").replacingOccurrences(of: "http://127.0.0.1:8080", with: "http://127.0.0.1:\(server.port)"))
            """
        let outcome = try ChildProcess.run("/bin/bash", ["-c", script], capturingErrors: true)
        let output = String(decoding: outcome.output, as: UTF8.self)
        let errors = String(decoding: outcome.errors, as: UTF8.self)
        #expect(outcome.exitStatus == 0, "\(walkthrough.document) failed:\n\(output)\n\(errors)")
        for expected in walkthrough.expectedOutput {
            #expect(output.contains(expected), "\(walkthrough.document) never printed \(expected):\n\(output)")
        }
    }
}
