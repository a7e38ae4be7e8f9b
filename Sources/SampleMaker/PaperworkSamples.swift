import ArgumentParser
import Foundation

/// `paperwork-samples --output DIR`: draws the sample certificates and the hostile inputs that
/// Paperwork's intake is tested against. Same inputs, same bytes, every run.
@main
struct PaperworkSamples: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paperwork-samples",
        abstract: "Draw the sample certificates of registration and the bad inputs into a folder."
    )

    @Option(name: .long, help: "Folder to write the samples into (created if missing; bad inputs go in its bad/ subfolder).")
    var output: String

    @Option(name: .long, help: "Path of the qpdf program, used to make the password-protected sample.")
    var qpdf: String = "/usr/bin/qpdf"

    @Option(name: .long, help: "Instead of the samples, write this many generated registry extracts (1–3 pages, seven jurisdictions) and corpus.tsv, for benchmarks.")
    var corpus: Int?

    func run() throws {
        if let corpus {
            let entries = try CertificateCorpus.write(count: corpus, into: URL(fileURLWithPath: output, isDirectory: true))
            print("\(entries.count) certificates and corpus.tsv in \(output)")
            return
        }
        let writer = try SampleWriter(root: URL(fileURLWithPath: output, isDirectory: true))

        // Realistic certificates.
        let uk = try UKCertificate.pdf()
        try writer.write("uk-certificate-of-incorporation.pdf", uk)
        let kbis = try FrenchKbis.pdf()
        try writer.write("fr-extrait-kbis.pdf", kbis)
        if let signed = writer.existing("fr-extrait-kbis-signe.pdf"), signed.starts(with: kbis) {
            writer.keep("fr-extrait-kbis-signe.pdf", signed)
        } else {
            try writer.write("fr-extrait-kbis-signe.pdf", TamperedSamples.signedKbis(kbis))
        }
        try writer.write("de-handelsregister-auszug.pdf", GermanHandelsregister.pdf())
        try writer.write("sg-acra-business-profile.pdf", SingaporeBusinessProfile.pdf())
        try writer.write("jp-rireki-jiko-zenbu-shomeisho.pdf", JapaneseRegistryCertificate.pdf())
        try writer.write("hk-certificate-of-incorporation.pdf", HongKongCertificate.pdf())
        // CJK text in fonts the file does not embed (Adobe-Japan1, Adobe-GB1): readable only
        // with the collections' CMaps (Debian's poppler-data).
        try writer.write("jp-genzai-jiko-shomeisho-cid.pdf", NonEmbeddedCJKCertificate.japanese())
        try writer.write("cn-business-licence-cid.pdf", NonEmbeddedCJKCertificate.chinese())

        // The UK certificate as a scanner would return it.
        let scan = try Scan.image()
        let scanPNG = try scan.pngData()
        try writer.write("scan-certificate.pdf", Scan.pdf(of: scan))
        try writer.write("scan-certificate.png", scanPNG)
        let scanJPEG = try scan.jpegData(quality: 85)
        try writer.write("scan-certificate.jpg", scanJPEG)
        try writer.write("scan-certificate-ocr.pdf", TamperedSamples.scanWithOCRLayer(jpeg: scanJPEG, width: scan.width, height: scan.height))
        // A Japanese registry excerpt scanned at 200 dpi: OCR in Japanese.
        try writer.write("jp-scan-genzai-jiko-ichibu.png", Scan.japaneseImage().pngData())

        // Altered certificates, one alteration each, for the forensic signals.
        try writer.write("tampered/uk-name-rewritten.pdf", TamperedSamples.nameRewrittenByIncrementalUpdate())
        try writer.write("tampered/uk-number-whited-out.pdf", TamperedSamples.numberWhitedOut())
        try writer.write("tampered/uk-invisible-name.pdf", TamperedSamples.invisibleName())
        try writer.write("tampered/uk-name-pasted.pdf", TamperedSamples.namePastedInAnotherFont())
        try writer.write("tampered/uk-number-resized.pdf", TamperedSamples.numberInAnotherSize())
        try writer.write("tampered/uk-saved-by-ilovepdf.pdf", TamperedSamples.savedByOnlineEditor())
        try writer.write("tampered/fr-kbis-wrong-siren.pdf", FrenchKbis.pdf(.wrongCheckDigit))
        try writer.write("tampered/fr-kbis-2021.pdf", FrenchKbis.pdf(.threeYearsOld))

        // Bad inputs.
        try writer.write("bad/empty.pdf", [])
        try writer.write("bad/truncated.pdf", Array(uk.prefix(uk.count * 45 / 100)))
        try writer.write("bad/html-renamed.pdf", BadInputs.htmlPage)
        try writer.write("bad/zip-renamed.pdf", BadInputs.zipArchive())
        try writer.write("bad/executable-renamed.pdf", ByteFormats.elfExecutable())
        let previousEncrypted = writer.existing("bad/password-protected.pdf")
        try writer.write("bad/password-protected.pdf", QPDF(executable: qpdf).encrypt(uk, userPassword: "secret", ownerPassword: "owner", reuse: previousEncrypted))
        try writer.write("bad/javascript.pdf", BadInputs.javascriptPDF())
        try writer.write("bad/launch-action.pdf", BadInputs.launchActionPDF())
        try writer.write("bad/embedded-file.pdf", BadInputs.embeddedFilePDF())
        try writer.write("bad/too-many-pages.pdf", BadInputs.tooManyPagesPDF())
        try writer.write("bad/blank.pdf", BadInputs.blankPDF())
        try writer.write("bad/polyglot-zip.pdf", uk + BadInputs.zipArchive(baseOffset: uk.count))
        try writer.write("bad/polyglot-html.pdf", uk + Array("<html><script>alert(1)</script></html>\n".utf8))
        try writer.write("bad/leading-junk.pdf", BadInputs.leadingJunk() + uk)
        try writer.write("bad/pixel-bomb.png", ByteFormats.pixelBombPNG(width: 60000, height: 60000, rows: 4))
        try writer.write("bad/blank.png", BadInputs.blankPNG())
        try writer.write("bad/corrupt.jpg", ByteFormats.corruptJPEG())
        try writer.write("bad/png-renamed.pdf", scanPNG)

        var total = 0
        for (name, size) in writer.written {
            print("\(size)\t\(name)")
            total += size
        }
        print("\(total)\ttotal, \(writer.written.count) files in \(writer.root.path)")
    }
}

/// Writes files under the output folder and remembers what it wrote, for the summary.
final class SampleWriter {
    let root: URL
    private(set) var written: [(String, Int)] = []

    init(root: URL) throws {
        self.root = root
        for folder in ["bad", "tampered"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder, isDirectory: true), withIntermediateDirectories: true)
        }
    }

    /// Leaves an existing file as it is (one whose bytes legitimately differ on every run),
    /// and counts it in the summary.
    func keep(_ relativePath: String, _ bytes: [UInt8]) {
        written.append((relativePath, bytes.count))
    }

    func existing(_ relativePath: String) -> [UInt8]? {
        (try? Data(contentsOf: root.appendingPathComponent(relativePath))).map { [UInt8]($0) }
    }

    func write(_ relativePath: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: root.appendingPathComponent(relativePath), options: .atomic)
        written.append((relativePath, bytes.count))
    }
}
