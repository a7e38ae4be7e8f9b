import Foundation
import Isolation
import Testing
import TestSupport

/// `paperwork loa render` and `paperwork loa verify` as an operator runs them: the real binary.
@Suite("paperwork loa")
struct LOACommandTests {
    let folder: String

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-cli-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func paperwork(_ arguments: [String]) throws -> InspectCommandTests.Run {
        let outcome = try ChildProcess.run(PaperworkBinary.path, arguments, capturingErrors: true)
        return .init(status: outcome.exitStatus ?? -1, stdout: String(decoding: outcome.output, as: UTF8.self), stderr: String(decoding: outcome.errors, as: UTF8.self))
    }

    var templates: String { SourceTree.root.appendingPathComponent("templates").path }

    @Test("render from a JSON file and flags, then verify: intact, its id, its text")
    func renderThenVerify() throws {
        let letter = """
            {"id": "LOA-CLI-7", "issue_date": "2026-11-26", "authorized_party": "株式会社さくらインターネット",
             "facility": {"name": "Equinix TY2", "address_lines": ["1-2-3 Example", "Tokyo"]},
             "cage": "C7", "cabinet": "R1", "patch_panel": "PP-9", "port_positions": "3/4",
             "speed": "10G", "service_id": "SVC-7"}
            """
        let json = "\(folder)/letter.json", pdf = "\(folder)/letter.pdf"
        try letter.write(toFile: json, atomically: true, encoding: .utf8)
        let render = try paperwork([
            "loa", "render", "--letter", json, "--ports", "5/6", "--paper", "us_letter", "--output", pdf,
            "--templates", templates, "--data-directory", "\(folder)/data",
        ])
        #expect(render.status == 0, "\(render.stderr)")
        #expect(render.stderr.contains("generated a development signing identity"))
        #expect(FileManager.default.fileExists(atPath: "\(folder)/data/loa/signing-key.pem"))

        let verify = try paperwork([
            "loa", "verify", "--json", "--trust", "\(folder)/data/loa/signing-certificate.pem", pdf,
        ])
        #expect(verify.status == 0, "\(verify.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(verify.stdout.utf8)) as? [String: Any])
        #expect(object["intact"] as? Bool == true)
        #expect(object["signer_trusted"] as? Bool == true)
        #expect(object["loa_id"] as? String == "LOA-CLI-7")
        let text = try #require(object["text"] as? String)
        #expect(text.contains("5/6"), "the flag wins over the file")
        #expect(text.contains("株式会社さくらインターネット"))
        #expect(text.contains("25 January 2027"), "60 days of validity by default")
    }

    @Test("a changed byte makes verify exit 1 and say so")
    func tamperedLetter() throws {
        let pdf = "\(folder)/letter.pdf"
        let render = try paperwork([
            "loa", "render", "--output", pdf, "--templates", templates, "--data-directory", "\(folder)/data",
            "--id", "LOA-CLI-8", "--authorized-party", "Acme", "--facility-name", "DC", "--facility-address", "1 Main St", "--cage", "1", "--cabinet", "2",
            "--patch-panel", "3", "--ports", "1/2", "--speed", "1G", "--service-id", "S-8",
        ])
        #expect(render.status == 0, "\(render.stderr)")
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pdf)))
        // A byte of the rendered letter, inside what the signature covers (not /Contents).
        bytes[200] ^= 0x01
        try Data(bytes).write(to: URL(fileURLWithPath: pdf))
        let verify = try paperwork(["loa", "verify", pdf])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("verdict: NOT INTACT"), "\(verify.stdout)")
    }

    @Test("rotate-key installs a new identity and keeps the old certificate on record as retired")
    func rotateKey() throws {
        let data = "\(folder)/rotate"
        let first = try paperwork(["loa", "rotate-key", "--generate", "--data-directory", data])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("new LOA signing certificate"))
        let firstCertificate = try String(contentsOfFile: data + "/loa/signing-certificate.pem", encoding: .utf8)
        let second = try paperwork(["loa", "rotate-key", "--generate", "--data-directory", data])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("retired:") && second.stdout.contains("its letters still verify"))
        #expect(try String(contentsOfFile: data + "/loa/signing-certificate.pem", encoding: .utf8) != firstCertificate)
        #expect(try paperwork(["loa", "rotate-key", "--data-directory", data]).status == 64, "nothing to install is a usage error")
    }

    @Test("a letter missing a field is refused with its code and the missing field")
    func missingField() throws {
        let run = try paperwork(["loa", "render", "--output", "\(folder)/x.pdf", "--templates", templates, "--id", "X", "--unsigned"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("letter_invalid"), "\(run.stderr)")
        #expect(run.stderr.contains("authorized_party"), "\(run.stderr)")
    }
}
