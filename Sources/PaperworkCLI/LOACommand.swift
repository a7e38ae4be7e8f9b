public import ArgumentParser
import Foundation
import Intake
import Isolation
import LOA
import Composition
import Logging
import Workflow

/// `paperwork loa`: Letters of Authorization without a server, for operators and scripts.
public struct LOACommand: AsyncParsableCommand {
    /// How the command appears in `paperwork --help`.
    public static let configuration = CommandConfiguration(
        commandName: "loa",
        abstract: "Render, sign and verify Letters of Authorization; rotate the signing key.",
        subcommands: [LOARenderCommand.self, LOAVerifyCommand.self, LOARotateKeyCommand.self]
    )

    /// Required by ArgumentParser.
    public init() {}
}

/// `paperwork loa render`: a signed LOA PDF from a JSON file and/or flags.
struct LOARenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Render a Letter of Authorization to a signed PDF.",
        discussion: """
            The letter comes from --letter (a JSON LetterOfAuthorization, snake_case keys) and/or \
            flags, flags winning. The issuer and signatory default to templates/loa/issuer.json. \
            Signed with --certificate and --private-key (PEM); without them, with the development \
            identity under --data-directory, generated on first use.
            """
    )

    @Option(help: "A JSON file holding the letter (every field, or some of them with the rest as flags).")
    var letter: String?

    @Option(help: "Where to write the PDF.")
    var output: String

    @Option(help: "The templates folder (holding loa/en.json, loa/fr.json, loa/issuer.json).")
    var templates = "templates"

    @Option(help: "The letter's id.") var id: String?
    @Option(help: "Issue date, YYYY-MM-DD (default: today, UTC).") var issueDate: String?
    @Option(help: "Days the letter stays valid after its issue date.") var validityDays = 60
    @Option(help: "The customer's legal name.") var authorizedParty: String?
    @Option(help: "The datacenter's name.") var facilityName: String?
    @Option(help: "A line of the datacenter's address (repeat for each line).") var facilityAddress: [String] = []
    @Option(help: "Cage or suite.") var cage: String?
    @Option(help: "Cabinet.") var cabinet: String?
    @Option(help: "Patch panel.") var patchPanel: String?
    @Option(help: "Port positions, e.g. 13/14.") var ports: String?
    @Option(help: "single_mode_fiber, multi_mode_fiber or copper.") var media: String?
    @Option(help: "LC, SC or RJ45.") var connector: String?
    @Option(help: "1G, 10G or 100G.") var speed: String?
    @Option(help: "The port's service id.") var serviceID: String?
    @Option(help: "The verification URL printed and encoded in the QR code (default: --verification-base-url + id).")
    var verificationURL: String?
    @Option(help: "Where letters are verified; the id is appended.") var verificationBaseURL = "https://paperwork.localhost/verify/"
    @Option(help: "en or fr.") var language: String?
    @Option(help: "a4 or us_letter.") var paper: String?

    @Option(help: "The signing certificate (PEM, chain allowed).") var certificate: String?
    @Option(help: "The signing private key (PEM: P-256, P-384 or RSA).") var privateKey: String?
    @Option(help: "Holds the development identity (loa/signing-certificate.pem, loa/signing-key.pem) when no PEM files are named.")
    var dataDirectory = "data"
    @Flag(help: "Write the PDF unsigned.") var unsigned = false

    func validate() throws {
        if (certificate == nil) != (privateKey == nil) {
            throw ValidationError("--certificate and --private-key go together")
        }
        if validityDays < 0 { throw ValidationError("--validity-days must not be negative") }
    }

    func run() async throws {
        do {
            let letter = try makeLetter()
            let renderer = try LOARenderer(templateDirectory: templates)
            var pdf = try renderer.render(letter)
            if !unsigned {
                let identity = try signingIdentity()
                pdf = try LOASigner(identity: identity).sign(pdf, reason: "Letter of Authorization \(letter.id)")
            }
            guard FileManager.default.createFile(atPath: output, contents: Data(pdf)) else {
                throw LOAError(code: "output_unwritable", message: "cannot write \(output)")
            }
            print("\(output): \(letter.id), \(pdf.count) bytes\(unsigned ? ", unsigned" : ", signed")")
        } catch let error as LOAError {
            FileHandle.standardError.write(Data("paperwork: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func signingIdentity() throws(LOAError) -> SigningIdentity {
        if let certificate, let privateKey {
            return try SigningIdentity.load(certificateFile: certificate, privateKeyFile: privateKey)
        }
        let folder = URL(fileURLWithPath: dataDirectory).appendingPathComponent("loa")
        let issuer = try? LOAIssuerProfile.load(templateDirectory: templates)
        let (identity, created) = try SigningIdentity.loadOrCreateDevelopment(
            certificateFile: folder.appendingPathComponent("signing-certificate.pem").path,
            privateKeyFile: folder.appendingPathComponent("signing-key.pem").path,
            organization: issuer?.legalName ?? "Paperwork"
        )
        if created {
            FileHandle.standardError.write(Data("paperwork: generated a development signing identity in \(folder.path) (see the README to install a real one)\n".utf8))
        }
        return identity
    }

    /// The letter from the JSON file (if any) with the flags laid over it.
    private func makeLetter() throws -> LetterOfAuthorization {
        var fields: [String: Any] = [:]
        if let letter {
            guard let data = FileManager.default.contents(atPath: letter),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw LOAError(code: LOAError.Code.letterInvalid, message: "\(letter) is not a JSON object")
            }
            fields = object
        }
        let profile = try? LOAIssuerProfile.load(templateDirectory: templates)
        if fields["issuer"] == nil, let profile {
            fields["issuer"] = [
                "legal_name": profile.legalName, "address_lines": profile.addressLines,
                "noc_email": profile.nocEmail, "noc_phone": profile.nocPhone,
            ]
        }
        if fields["signatory"] == nil, let profile {
            var signatory: [String: Any] = ["name": profile.signatoryName, "title": profile.signatoryTitle]
            if let titles = profile.signatoryTitles { signatory["titles"] = titles }
            if let image = try? profile.signatory(templateDirectory: templates).signatureImagePNG {
                signatory["signature_image_png"] = image.base64EncodedString()
            }
            fields["signatory"] = signatory
        }
        func set(_ key: String, _ value: String?) { if let value { fields[key] = value } }
        set("id", id)
        set("authorized_party", authorizedParty)
        set("cage", cage)
        set("cabinet", cabinet)
        set("patch_panel", patchPanel)
        set("port_positions", ports)
        set("media", media)
        set("connector", connector)
        set("speed", speed)
        set("service_id", serviceID)
        set("language", language)
        set("paper_size", paper)
        set("verification_url", verificationURL)
        if facilityName != nil || !facilityAddress.isEmpty {
            var facility = fields["facility"] as? [String: Any] ?? [:]
            if let facilityName { facility["name"] = facilityName }
            if !facilityAddress.isEmpty { facility["address_lines"] = facilityAddress }
            fields["facility"] = facility
        }
        if issueDate != nil || fields["issue_date"] == nil {
            let issue = try issueDate.map { text throws(LOAError) in try CalendarDate(text) } ?? CalendarDate(utc: Date())
            fields["issue_date"] = issue.description
            if fields["expiry_date"] == nil || issueDate != nil {
                fields["expiry_date"] = issue.adding(days: validityDays).description
            }
        } else if fields["expiry_date"] == nil, let issue = fields["issue_date"] as? String {
            fields["expiry_date"] = try CalendarDate(issue).adding(days: validityDays).description
        }
        for (key, value) in [("media", "single_mode_fiber"), ("connector", "LC"), ("language", "en"), ("paper_size", "a4")] where fields[key] == nil {
            fields[key] = value
        }
        if fields["verification_url"] == nil, let id = fields["id"] as? String {
            fields["verification_url"] = verificationBaseURL + id
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: fields)
            return try JSONDecoder().decode(LetterOfAuthorization.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            throw LOAError(code: LOAError.Code.letterInvalid, message: "the letter has no \(path) (a JSON field or a flag)")
        } catch let DecodingError.dataCorrupted(context) {
            throw LOAError(code: LOAError.Code.letterInvalid, message: "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)")
        } catch {
            throw LOAError(code: LOAError.Code.letterInvalid, message: "the letter is not valid: \(error)")
        }
    }
}

/// `paperwork loa verify`: whether a letter's signature is intact and covers the whole file,
/// who signed it, and what it says (its text, read in a sandboxed worker like any upload).
struct LOAVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a Letter of Authorization's signature and print what it says.",
        discussion: "Exit status: 0 when the signature is intact and covers the whole file; 1 otherwise."
    )

    @Flag(help: "One JSON object instead of text.") var json = false
    @Option(help: "A certificate (PEM) to trust as the signer or its issuer (repeatable).") var trust: [String] = []
    @Flag(help: "Read the text in this process instead of a sandboxed worker (debugging only).") var inProcess = false
    @Argument(help: "The PDF file.") var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            FileHandle.standardError.write(Data("paperwork: cannot read \(file)\n".utf8))
            throw ExitCode(1)
        }
        let bytes = [UInt8](data)
        var trusted: [String] = []
        for path in trust {
            guard let pem = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
                throw ValidationError("cannot read \(path)")
            }
            trusted.append(pem)
        }
        let report: LOASignatureReport?
        var refusal: LOAError?
        do {
            report = try await LOAVerifier.verify(bytes, trustedCertificatePEMs: trusted)
        } catch {
            report = nil
            refusal = error
        }

        let inspection: Inspection
        if inProcess {
            inspection = CertificateInspector.inspect(bytes, declared: DeclaredType(fileName: file))
        } else {
            var configuration = WorkerPool.Configuration()
            configuration.size = 1
            let pool = WorkerPool(configuration: configuration)
            try await pool.start()
            inspection = await pool.inspect(bytes, declared: DeclaredType(fileName: file))
            await pool.shutdown()
        }
        let text = inspection.pageTexts.joined(separator: "\n\u{0C}\n")
        let intact = report?.isIntact ?? false

        if json {
            var object: [String: Any] = [
                "file": file, "signed": report != nil, "intact": intact,
                "signature_intact": report?.signatureIntact ?? false,
                "covers_whole_document": report?.coversWholeDocument ?? false,
                "signer_trusted": report?.signerTrusted ?? false,
                "signature_count": report?.signatureCount ?? 0, "text": text,
            ]
            object["signer"] = report?.signerSubject
            object["loa_id"] = report?.loaID
            object["problem"] = report?.problem ?? refusal.map { "\($0.code): \($0.message)" }
            object["trust_problem"] = report?.trustProblem
            let encoded = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: encoded, as: UTF8.self))
        } else {
            print("file: \(file)")
            if let report {
                print("signature: \(report.signatureIntact ? "intact" : "NOT INTACT (\(report.problem ?? "unknown"))")")
                print("covers the whole document: \(report.coversWholeDocument ? "yes" : "NO, bytes were added after signing")")
                print("signer: \(report.signerSubject ?? "unknown") (\(report.signerTrusted ? "trusted" : "not trusted: \(report.trustProblem ?? "unknown")"))")
                if let id = report.loaID { print("LOA id: \(id)") }
                if report.signatureCount > 1 { print("signatures: \(report.signatureCount), the last one checked") }
            } else if let refusal {
                print("signature: none (\(refusal.code): \(refusal.message))")
            }
            print("verdict: \(intact ? "intact" : "NOT INTACT")")
            print("text:")
            print(text.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }.joined(separator: "\n"))
        }
        if !intact { throw ExitCode(1) }
    }
}

/// `paperwork loa rotate-key`: installs a new LOA signing identity. The certificate in use is
/// kept on record as retired, so that letters it signed stay `genuine` on `/verify` and stay
/// published at `/loa/certificates.pem` and `.jwks`; a running server picks up the new key
/// when it restarts.
struct LOARotateKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate-key",
        abstract: "Install a new LOA signing key and certificate; letters signed with the old one still verify."
    )

    @OptionGroup var data: DataOptions

    @Option(help: "The new signing certificate (PEM, chain allowed).") var certificate: String?
    @Option(help: "The new signing private key (PEM: P-256, P-384 or RSA).") var privateKey: String?
    @Flag(help: "Generate a new development identity (self-signed) instead of installing given files.") var generate = false

    func validate() throws {
        if generate == (certificate != nil || privateKey != nil) {
            throw ValidationError("give --certificate and --private-key, or --generate")
        }
        if !generate, certificate == nil || privateKey == nil { throw ValidationError("--certificate and --private-key go together") }
    }

    func run() async throws {
        let settings = try await data.settings()
        let wiring = Wiring(settings: settings, logger: Logger(label: "paperwork.loa"))
        let new: SigningIdentity
        do {
            if let certificate, let privateKey {
                new = try SigningIdentity.load(certificateFile: certificate, privateKeyFile: privateKey)
            } else {
                new = try SigningIdentity.generateDevelopment(organization: "Paperwork development")
            }
        } catch {
            FileHandle.standardError.write(Data("paperwork loa rotate-key: \(error.code): \(error.message)\n".utf8))
            throw ExitCode(65)
        }
        let old = try? SigningIdentity.load(certificateFile: settings.loaCertificateFile, privateKeyFile: settings.loaPrivateKeyFile)
        let store = try await wiring.openStore()
        do {
            try await SigningKeys.rotate(from: old, to: new, store: store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        // The old key is no longer needed: letters are checked against certificates only.
        try? FileManager.default.removeItem(atPath: settings.loaPrivateKeyFile)
        try new.write(certificateFile: settings.loaCertificateFile, privateKeyFile: settings.loaPrivateKeyFile)
        print("new LOA signing certificate: \(new.subject) (\(try new.published.fingerprint))")
        if let old { print("retired: \(old.subject) (\(try old.published.fingerprint)); its letters still verify") }
        print("restart paperwork serve to sign with the new key")
    }
}
