import Foundation
import Isolation
import Testing
import TestSupport

/// `paperwork inspect` as operators and scripts use it: the real binary, the real samples.
@Suite("paperwork inspect")
struct InspectCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary from the repository root (paths are relative to it). Not through
    /// Foundation's `Process`, whose late descriptor closing can hit the worker pools other
    /// suites run in this same process.
    func paperwork(_ arguments: [String]) throws -> Run {
        let absolute = arguments.map { $0.hasPrefix("samples") ? SourceTree.root.appendingPathComponent($0).path : $0 }
        let outcome = try ChildProcess.run(PaperworkBinary.path, absolute, capturingErrors: true)
        return Run(status: outcome.exitStatus ?? -1, stdout: String(decoding: outcome.output, as: UTF8.self), stderr: String(decoding: outcome.errors, as: UTF8.self))
    }

    func jsonLines(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test("--json prints one object per file, in order, with every documented field")
    func jsonLinesPerFile() throws {
        let files = ["samples/uk-certificate-of-incorporation.pdf", "samples/scan-certificate.jpg", "samples/bad/javascript.pdf", "samples/bad/empty.pdf"]
        let run = try paperwork(["inspect", "--json", "--legal-name", "Northwind Connect Ltd", "--registration-number", "12345678"] + files)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try jsonLines(run.stdout)
        #expect(lines.map { $0["file"] as? String } == files.map { SourceTree.root.appendingPathComponent($0).path })
        for line in lines {
            for key in ["file", "sha256", "size", "declared_type", "sniffed_mime", "verdict", "reasons", "pages", "text_chars", "flags", "evidence"] {
                #expect(line.keys.contains(key), "missing \(key)")
            }
        }
        #expect(lines.map { $0["verdict"] as? String } == ["accepted", "needs_visual_review", "rejected", "rejected"])
        #expect(lines[2]["reasons"] as? [String] == ["active_content"])
        #expect(lines[3]["reasons"] as? [String] == ["empty_file"])
        let evidence = try #require(lines[0]["evidence"] as? [String: Any])
        #expect((evidence["legal_name"] as? [String: Any])?["found"] as? Bool == true)
    }

    @Test("--ocr reads scans in the same run: ocr per page in --json (text, confidence, languages) and evidence from it; a text PDF is not read")
    func ocrInTheSameRun() throws {
        let run = try paperwork([
            "inspect", "--json", "--ocr", "--legal-name", "株式会社東京ネットワークス", "--registration-number", "0104-01-123456", "--country", "JP",
            "samples/jp-scan-genzai-jiko-ichibu.png", "samples/jp-rireki-jiko-zenbu-shomeisho.pdf",
        ])
        let lines = try jsonLines(run.stdout)
        #expect(lines.count == 2)
        let scan = try #require(lines.first)
        let page = try #require((scan["ocr"] as? [[String: Any]])?.first)
        #expect(page["status"] as? String == "recognized")
        #expect(page["languages"] as? [String] == ["jpn", "eng"])
        #expect((page["confidence"] as? Int ?? 0) > 50)
        #expect((page["text"] as? String)?.contains("0104-01-123456") == true)
        let evidence = try #require(scan["evidence"] as? [String: Any])
        #expect(evidence["from_ocr"] as? Bool == true)
        #expect((evidence["legal_name"] as? [String: Any])?["found"] as? Bool == true)
        #expect((lines[1]["ocr"] as? [Any])?.isEmpty == true, "a text layer is not read by OCR")
        #expect(try paperwork(["inspect", "--ocr-languages", "eng", "x.pdf"]).status == 64, "--ocr-languages needs --ocr")
    }

    @Test("every sample gets a verdict through the worker pool and the exit status is 0")
    func allSamples() throws {
        let samples = try FileManager.default.subpathsOfDirectory(atPath: SourceTree.root.appendingPathComponent("samples").path)
            .filter { !$0.hasSuffix(".md") && $0.contains(".") }.map { "samples/" + $0 }
        let run = try paperwork(["inspect", "--json"] + samples)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try jsonLines(run.stdout).count == samples.count)
    }

    @Test("the human-readable report names the verdict and each reason")
    func humanReadable() throws {
        let run = try paperwork(["inspect", "samples/bad/polyglot-zip.pdf"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("verdict   rejected"))
        #expect(run.stdout.contains("trailing_data"))
    }

    @Test("--preview-dir writes a PNG for every examined page")
    func previewFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-previews-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let run = try paperwork(["inspect", "--json", "--preview-dir", folder.path, "samples/fr-extrait-kbis.pdf"])
        #expect(run.status == 0)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(written == ["fr-extrait-kbis.page-1.png", "fr-extrait-kbis.page-2.png"])
        let png = try Data(contentsOf: folder.appendingPathComponent(written[0]))
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }

    @Test("unreadable paths are I/O errors (exit 1) and never hang; the other files are still examined")
    func unreadablePaths() throws {
        let run = try paperwork(["inspect", "--json", "/dev/zero", "samples/does-not-exist.pdf", "samples", "samples/uk-certificate-of-incorporation.pdf"])
        #expect(run.status == 1)
        #expect(try jsonLines(run.stdout).count == 1)
        #expect(run.stderr.contains("/dev/zero: not a regular file"))
        #expect(run.stderr.contains("does-not-exist.pdf"))
    }

    @Test("usage errors exit with 64", arguments: [["inspect"], ["inspect", "--max-pages", "0", "x.pdf"], ["inspect", "--no-such-flag", "x.pdf"]])
    func usageErrors(_ arguments: [String]) throws {
        #expect(try paperwork(arguments).status == 64)
    }

    @Test("--in-process gives the same verdicts as the worker pool")
    func inProcessAgrees() throws {
        let files = ["samples/sg-acra-business-profile.pdf", "samples/bad/pixel-bomb.png", "samples/bad/leading-junk.pdf"]
        let pooled = try jsonLines(try paperwork(["inspect", "--json"] + files).stdout)
        let local = try jsonLines(try paperwork(["inspect", "--json", "--in-process"] + files).stdout)
        #expect(pooled.map { $0["verdict"] as? String } == local.map { $0["verdict"] as? String })
        #expect(pooled.map { $0["reasons"] as? [String] } == local.map { $0["reasons"] as? [String] })
    }

    @Test("a file over the size limit is refused from its head, without being read whole")
    func oversized() throws {
        let run = try paperwork(["inspect", "--json", "--max-file-bytes", "1000", "samples/uk-certificate-of-incorporation.pdf"])
        let line = try #require(try jsonLines(run.stdout).first)
        #expect(line["reasons"] as? [String] == ["file_too_large"])
        #expect(line["sniffed_mime"] as? String == "application/pdf")
        let size = try FileManager.default.attributesOfItem(atPath: SourceTree.root.appendingPathComponent("samples/uk-certificate-of-incorporation.pdf").path)[.size] as? Int
        #expect(line["size"] as? Int == size)
    }
}
