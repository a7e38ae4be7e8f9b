import Foundation
import LOA
import Testing
import TestSupport

/// Where the signing identity of a test comes from.
enum KeyKind: String, CaseIterable, CustomTestStringConvertible {
    /// `SigningIdentity.generateDevelopment`: P-256, self-signed by swift-certificates.
    case developmentP256 = "development P-256"
    /// `openssl genrsa -traditional` (PKCS#1 `RSA PRIVATE KEY`) and `openssl req -x509`.
    case opensslRSA = "OpenSSL RSA 2048"
    /// `openssl genpkey` (PKCS#8 `PRIVATE KEY`) and `openssl req -x509`.
    case opensslRSAPKCS8 = "OpenSSL RSA 3072 (PKCS#8)"
    /// `openssl ecparam -genkey` (SEC 1 `EC PRIVATE KEY`) and `openssl req -x509`.
    case opensslP256 = "OpenSSL P-256"
    /// P-384, signed with SHA-384.
    case opensslP384 = "OpenSSL P-384"

    /// The key's kind as `SigningIdentity.keyAlgorithm` names it.
    var algorithm: String {
        switch self {
        case .developmentP256, .opensslP256: "P-256"
        case .opensslP384: "P-384"
        case .opensslRSA, .opensslRSAPKCS8: "RSA"
        }
    }

    var testDescription: String { rawValue }

    /// The identity, with the PEM file of its certificate (for pyHanko to trust).
    func identity() throws -> (SigningIdentity, certificateFile: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-keys-\(UUID().uuidString)").path
        let certificateFile = "\(folder)/certificate.pem", keyFile = "\(folder)/key.pem"
        switch self {
        case .developmentP256:
            let identity = try SigningIdentity.generateDevelopment(organization: "Northwind Connect Ltd")
            try identity.write(certificateFile: certificateFile, privateKeyFile: keyFile)
        case .opensslRSA, .opensslRSAPKCS8, .opensslP256, .opensslP384:
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let generate = switch self {
            case .opensslRSA: ["genrsa", "-traditional", "-out", keyFile, "2048"]
            case .opensslRSAPKCS8: ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072", "-out", keyFile]
            case .opensslP384: ["ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", keyFile]
            default: ["ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", keyFile]
            }
            let key = try runTool("/usr/bin/openssl", generate)
            guard key.status == 0 else { throw ToolFailure(output: key.output) }
            let certificate = try runTool("/usr/bin/openssl", [
                "req", "-x509", "-key", keyFile, "-out", certificateFile, "-days", "30",
                "-subj", "/CN=Northwind Connect LOA signing/O=Northwind Connect Ltd/C=GB",
                "-addext", "keyUsage=critical,digitalSignature,nonRepudiation",
            ])
            guard certificate.status == 0 else { throw ToolFailure(output: certificate.output) }
        }
        return (try SigningIdentity.load(certificateFile: certificateFile, privateKeyFile: keyFile), certificateFile)
    }
}

/// What the two independent verifiers say about a file.
struct IndependentVerdicts {
    var pdfsig: String
    var pyHankoStatus: Int32?
    var pyHanko: String

    init(_ pdf: [UInt8], trusting certificateFile: String) throws {
        let path = try temporaryFile(pdf, name: "signed.pdf")
        pdfsig = try runTool("/usr/bin/pdfsig", [path]).output
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("validate_with_pyhanko.py").path
        let result = try runTool("/usr/bin/env", ["python3", script, path, certificateFile])
        pyHankoStatus = result.status
        pyHanko = result.output
    }

    /// pdfsig exits 0 whatever it finds, so its words are what count.
    var pdfsigAccepts: Bool { pdfsig.contains("Signature Validation: Signature is Valid.") && pdfsig.contains("Total document signed") }
    var pyHankoAccepts: Bool { pyHankoStatus == 0 && pyHanko.contains("intact=True") && pyHanko.contains("valid=True") }
}

@Suite("Signing a Letter of Authorization")
struct SigningTests {
    let renderer: LOARenderer

    init() throws {
        renderer = try LOARenderer(templateDirectory: templateDirectory)
    }

    @Test("a signed letter is accepted by pdfsig, pyHanko, qpdf and LOAVerifier", arguments: KeyKind.allCases)
    func signedLetterVerifies(kind: KeyKind) async throws {
        let (identity, certificateFile) = try kind.identity()
        #expect(identity.keyAlgorithm == kind.algorithm)
        let unsigned = try renderer.render(LetterOfAuthorization.sample(authorizedParty: "\(Names.accented) / \(Names.cyrillic) / \(Names.japanese)"))
        let signed = try LOASigner(identity: identity).sign(unsigned, reason: "Letter of Authorization LOA-2026-000123")

        // An incremental update: the rendered bytes are untouched, the signature follows them.
        #expect(Array(signed.prefix(unsigned.count)) == unsigned)

        let verdicts = try IndependentVerdicts(signed, trusting: certificateFile)
        #expect(verdicts.pdfsigAccepts, "\(verdicts.pdfsig)")
        #expect(verdicts.pdfsig.contains("ETSI.CAdES.detached"), "PAdES baseline")
        #expect(verdicts.pyHanko.contains("subfilter=/ETSI.CAdES.detached"), "\(verdicts.pyHanko)")
        #expect(verdicts.pyHanko.contains("signed_attributes=content_type,message_digest,signing_certificate_v2"),
                "B-B: the ESS signing-certificate-v2 attribute, and no CMS signing-time (the time is /M): \(verdicts.pyHanko)")
        #expect(verdicts.pyHankoAccepts, "\(verdicts.pyHanko)")
        #expect(verdicts.pyHanko.contains("coverage=ENTIRE_FILE"), "\(verdicts.pyHanko)")
        #expect(verdicts.pyHanko.contains("trusted=True"), "\(verdicts.pyHanko)")

        let qpdf = try runTool("/usr/bin/qpdf", ["--check", try temporaryFile(signed, name: "signed.pdf")])
        #expect(qpdf.status == 0, "\(qpdf.output)")
        #expect(qpdf.output.contains("No syntax or stream encoding errors found"))

        let report = try await LOAVerifier.verify(signed, trustedCertificatePEMs: [identity.certificatePEM])
        #expect(report.isIntact)
        #expect(report.signerTrusted)
        #expect(report.signerSubject == identity.subject)
        #expect(report.loaID == "LOA-2026-000123")
        #expect(report.signatureCount == 1)

        // The text is still all there after signing.
        #expect(squeezed(try extractedText(signed)).contains(squeezed(Names.cyrillic)))
    }

    @Test(
        "changing any byte the signature covers makes pdfsig, pyHanko and LOAVerifier refuse it",
        arguments: [0.002, 0.25, 0.5, 0.75, 0.97, 0.995]
    )
    func tamperingIsDetected(fraction: Double) async throws {
        let (identity, certificateFile) = try KeyKind.developmentP256.identity()
        let signed = try LOASigner(identity: identity).sign(renderer.render(LetterOfAuthorization.sample()))
        let (contentsStart, contentsEnd) = try contentsGap(signed)
        // Positions spread over the file (page content, fonts, the update, the trailer), never
        // inside the /Contents hex string, which the signature does not cover by design.
        var position = Int(Double(signed.count) * fraction)
        if (contentsStart..<contentsEnd).contains(position) { position = contentsEnd + 10 }
        var tampered = signed
        tampered[position] ^= 0x04

        let verdicts = try IndependentVerdicts(tampered, trusting: certificateFile)
        #expect(!verdicts.pdfsig.contains("Signature is Valid."), "byte \(position) of \(signed.count): \(verdicts.pdfsig)")
        #expect(!verdicts.pyHankoAccepts, "byte \(position) of \(signed.count): \(verdicts.pyHanko)")
        switch await verification(of: tampered, trusting: identity.certificatePEM) {
        case .success(let report):
            #expect(!report.isIntact, "byte \(position): \(report)")
            #expect(report.problem != nil)
        case .failure(let error):
            // A flip inside /ByteRange itself leaves no signature to check: also a refusal.
            #expect(error.code == LOAError.Code.signatureNotFound)
        }
    }

    @Test("bytes appended after signing are noticed: the signature no longer covers the whole file")
    func appendedBytesAreNoticed() async throws {
        let (identity, certificateFile) = try KeyKind.developmentP256.identity()
        let signed = try LOASigner(identity: identity).sign(renderer.render(LetterOfAuthorization.sample()))
        let extended = signed + Array("\n% appended after signing\n".utf8)
        let report = try await LOAVerifier.verify(extended)
        #expect(report.signatureIntact)
        #expect(!report.coversWholeDocument)
        #expect(!report.isIntact)
        let verdicts = try IndependentVerdicts(extended, trusting: certificateFile)
        #expect(!verdicts.pdfsig.contains("Total document signed"), "\(verdicts.pdfsig)")
        #expect(!verdicts.pyHankoAccepts, "\(verdicts.pyHanko)")
    }

    @Test("a document security store appended after the signature (B-LT) keeps the letter intact for every verifier; anything else appended with it does not")
    func validationDataUpdate() async throws {
        let (identity, certificateFile) = try KeyKind.developmentP256.identity()
        let signed = try LOASigner(identity: identity).sign(renderer.render(LetterOfAuthorization.sample()))
        #expect(!LOASigner.hasValidationData(signed))
        let certificates = try LOASigner.embeddedCertificates(of: signed)
        #expect(certificates.count == 1, "a self-signed signer: its certificate, which needs no revocation data")
        #expect(LOASigner.revocationSources(of: certificates).isEmpty)

        let stored = try LOASigner.addingValidationData(SignatureValidationData(certificates: certificates), to: signed)
        #expect(Array(stored.prefix(signed.count)) == signed, "an incremental update")
        #expect(LOASigner.hasValidationData(stored))
        let report = try await LOAVerifier.verify(stored, trustedCertificatePEMs: [identity.certificatePEM])
        #expect(report.isIntact && report.signerTrusted, "\(report)")
        let verdicts = try IndependentVerdicts(stored, trusting: certificateFile)
        #expect(verdicts.pdfsig.contains("Signature is Valid."), "\(verdicts.pdfsig)")
        #expect(verdicts.pyHanko.contains("intact=True") && verdicts.pyHanko.contains("modification=LTA_UPDATES"), "\(verdicts.pyHanko)")
        let qpdf = try runTool("/usr/bin/qpdf", ["--check", try temporaryFile(stored, name: "stored.pdf")])
        #expect(qpdf.status == 0, "\(qpdf.output)")
        #expect(throws: LOAError.self) { try LOASigner.addingValidationData(SignatureValidationData(certificates: certificates), to: stored) }

        // The same update, but its catalog also points /Pages elsewhere (same length, so
        // every offset holds): not validation data, and no longer the signed letter.
        let update = try #require(String(bytes: stored[signed.count...], encoding: .isoLatin1))
        #expect(update.contains("/Pages 1 0 R"))
        let redirected = signed + Array(try #require(update.replacingOccurrences(of: "/Pages 1 0 R", with: "/Pages 2 0 R").data(using: .isoLatin1)))
        #expect(redirected.count == stored.count)
        let refused = try await LOAVerifier.verify(redirected, trustedCertificatePEMs: [identity.certificatePEM])
        #expect(refused.signatureIntact && !refused.isIntact, "\(refused)")
    }

    @Test("a letter's printed fields as a JWS verify with jwt-kit against the published JWK, for every kind of key; another key, a changed claim or an expired letter are refused", arguments: KeyKind.allCases)
    func printedFieldsAsJWS(kind: KeyKind) async throws {
        let (identity, _) = try kind.identity()
        var letter = try LetterOfAuthorization.sample()
        letter.issueDate = CalendarDate(utc: Date())
        letter.expiryDate = letter.issueDate.adding(days: 60)
        let claims = LetterClaims(letter, issuedAt: Date(), publicURL: "https://paperwork.example")
        let token = try await identity.jws(claims)
        let parts = token.split(separator: ".")
        #expect(parts.count == 3)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(base64URL: String(parts[0]))) as? [String: Any])
        let published = try identity.published
        #expect(header["kid"] as? String == published.fingerprint && header["x5t#S256"] as? String == published.thumbprint)
        #expect(header["alg"] as? String == published.jwk["alg"], "\(header)")

        func jwks(_ certificates: PublishedCertificate...) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: ["keys": certificates.map(\.jwk)]), as: UTF8.self)
        }
        let verified = try await SigningIdentity.verifiedClaims(token, jwks: try jwks(published))
        #expect(verified == claims)
        #expect(verified.authorizedParty == letter.authorizedParty && verified.portPositions == "13/14" && verified.sub.value == letter.id)

        let stranger = try SigningIdentity.generateDevelopment(organization: "Someone Else Ltd")
        await #expect(throws: LOAError.self) { try await SigningIdentity.verifiedClaims(token, jwks: try jwks(stranger.published)) }
        var changed = claims
        changed.portPositions = "15/16"
        let forged = parts[0] + "." + (try JSONEncoder().encode(changed)).base64URLEncoded + "." + parts[2]
        await #expect(throws: LOAError.self) { try await SigningIdentity.verifiedClaims(String(forged), jwks: try jwks(published)) }

        var expired = letter
        expired.issueDate = CalendarDate(utc: Date().addingTimeInterval(-90 * 86_400))
        expired.expiryDate = expired.issueDate.adding(days: 60)
        let old = try await identity.jws(LetterClaims(expired, issuedAt: Date().addingTimeInterval(-90 * 86_400), publicURL: "https://paperwork.example"))
        let refused = await #expect(throws: LOAError.self) { try await SigningIdentity.verifiedClaims(old, jwks: try jwks(published)) }
        #expect(refused?.code == LOAError.Code.jwsInvalid)
    }

    @Test("the JWS's claims are one flat object: the registered claims, verify_url and every printed field under its snake-case name")
    func claimsAreFlat() throws {
        let letter = try LetterOfAuthorization.sample()
        let claims = LetterClaims(letter, issuedAt: Date(timeIntervalSince1970: 1_800_000_000), publicURL: "https://paperwork.example")
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(claims)) as? [String: Any])
        #expect(Set(object.keys) == [
            "iss", "sub", "iat", "exp", "verify_url", "issue_date", "expiry_date", "issuer", "authorized_party", "facility", "facility_address",
            "cage", "cabinet", "patch_panel", "port_positions", "media", "connector", "speed", "service_id",
        ])
        #expect(object["sub"] as? String == letter.id && object["service_id"] as? String == letter.serviceID)
        #expect(try JSONDecoder().decode(LetterClaims.self, from: JSONEncoder().encode(claims)) == claims)
    }

    @Test("the verifier says whether the signer is one the caller trusts")
    func trust() async throws {
        let signer = try SigningIdentity.generateDevelopment(organization: "Northwind Connect Ltd")
        let stranger = try SigningIdentity.generateDevelopment(organization: "Someone Else Ltd")
        let signed = try LOASigner(identity: signer).sign(renderer.render(LetterOfAuthorization.sample()))
        let untrusted = try await LOAVerifier.verify(signed, trustedCertificatePEMs: [stranger.certificatePEM])
        #expect(untrusted.isIntact)
        #expect(!untrusted.signerTrusted)
        #expect(untrusted.signerSubject?.contains("Northwind Connect Ltd") == true)
        #expect(try await LOAVerifier.verify(signed).signerTrusted == false)
        #expect(try await LOAVerifier.verify(signed, trustedCertificatePEMs: [signer.certificatePEM]).signerTrusted)
    }

    @Test("an unsigned file, a non-PDF and an already signed letter are refused with codes")
    func refusals() async throws {
        let identity = try SigningIdentity.generateDevelopment(organization: "Northwind Connect Ltd")
        let unsigned = try renderer.render(LetterOfAuthorization.sample())
        let notSigned = try await #require(throws: LOAError.self) { try await LOAVerifier.verify(unsigned) }
        #expect(notSigned.code == LOAError.Code.signatureNotFound)
        let garbage = Array("not a PDF at all".utf8)
        #expect(try #require(throws: LOAError.self) { try LOASigner(identity: identity).sign(garbage) }.code == LOAError.Code.pdfStructureUnsupported)
        #expect(try await #require(throws: LOAError.self) { try await LOAVerifier.verify(garbage) }.code == LOAError.Code.signatureNotFound)
        let signed = try LOASigner(identity: identity).sign(unsigned)
        #expect(try #require(throws: LOAError.self) { try LOASigner(identity: identity).sign(signed) }.code == LOAError.Code.pdfStructureUnsupported)
        // Truncated anywhere: never a crash.
        for length in stride(from: 0, to: signed.count, by: signed.count / 23) {
            _ = try? LOASigner(identity: identity).sign(Array(unsigned.prefix(length)))
            _ = try? await LOAVerifier.verify(Array(signed.prefix(length)))
        }
    }

    @Test("damaged files never crash the signer or the verifier: they are refused or reported")
    func damagedFiles() async throws {
        let identity = try SigningIdentity.generateDevelopment(organization: "Northwind Connect Ltd")
        let unsigned = try renderer.render(LetterOfAuthorization.sample())
        let signed = try LOASigner(identity: identity).sign(unsigned)
        var generator = SplitMix64(seed: 20261126)
        for _ in 0..<300 {
            var damagedUnsigned = unsigned, damagedSigned = signed
            // Damage the structure where it matters: the tail (xref, trailer, the update).
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = unsigned.count - 1 - Int.random(in: 0..<min(3000, unsigned.count), using: &generator)
                damagedUnsigned[position] = UInt8.random(in: 0...255, using: &generator)
                let signedPosition = signed.count - 1 - Int.random(in: 0..<min(3000, signed.count), using: &generator)
                damagedSigned[signedPosition] = UInt8.random(in: 0...255, using: &generator)
            }
            if let resigned = try? LOASigner(identity: identity).sign(damagedUnsigned) {
                #expect(resigned.count > damagedUnsigned.count)
            }
            if case .success(let report) = await verification(of: damagedSigned, trusting: identity.certificatePEM), report.isIntact {
                // Only a change outside the signed bytes (inside /Contents padding) can leave it intact.
                let (start, end) = try contentsGap(signed)
                #expect(zip(damagedSigned, signed).enumerated().allSatisfy { $0.element.0 == $0.element.1 || (start..<end).contains($0.offset) })
            }
        }
    }

    /// The verifier's report, or its refusal, as a value.
    func verification(of pdf: [UInt8], trusting certificatePEM: String) async -> Result<LOASignatureReport, LOAError> {
        do {
            return .success(try await LOAVerifier.verify(pdf, trustedCertificatePEMs: [certificatePEM]))
        } catch {
            return .failure(error)
        }
    }

    /// Where the `/Contents` hex string of the last signature is, from its `/ByteRange`.
    func contentsGap(_ pdf: [UInt8]) throws -> (Int, Int) {
        let text = String(decoding: pdf, as: UTF8.self)
        let marker = try #require(text.range(of: "/ByteRange [", options: .backwards))
        let numbers = text[marker.upperBound...].prefix(80).split(separator: " ").prefix(4).compactMap { Int($0) }
        try #require(numbers.count == 4)
        return (numbers[1], numbers[2])
    }
}

@Suite("Signing identities from PEM files")
struct SigningIdentityTests {
    @Test("a development identity is generated on first start and loaded afterwards")
    func developmentIdentity() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-identity-\(UUID().uuidString)").path
        let certificateFile = "\(folder)/loa-signing.crt", keyFile = "\(folder)/loa-signing.key"
        let first = try SigningIdentity.loadOrCreateDevelopment(certificateFile: certificateFile, privateKeyFile: keyFile, organization: "Northwind Connect Ltd")
        #expect(first.created)
        #expect(first.identity.keyAlgorithm == "P-256")
        #expect(first.identity.subject.contains("Northwind Connect Ltd"))
        let permissions = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let second = try SigningIdentity.loadOrCreateDevelopment(certificateFile: certificateFile, privateKeyFile: keyFile, organization: "Northwind Connect Ltd")
        #expect(!second.created)
        #expect(second.identity.certificatePEM == first.identity.certificatePEM)
        // openssl reads what was written.
        let text = try runTool("/usr/bin/openssl", ["x509", "-in", certificateFile, "-noout", "-subject", "-serial"])
        #expect(text.output.contains("Northwind Connect Ltd"), "\(text.output)")

        // Half an identity is an error, never silently replaced.
        try FileManager.default.removeItem(atPath: keyFile)
        let half = try #require(throws: LOAError.self) {
            try SigningIdentity.loadOrCreateDevelopment(certificateFile: certificateFile, privateKeyFile: keyFile, organization: "Northwind Connect Ltd")
        }
        #expect(half.code == LOAError.Code.pemUnreadable)
    }

    @Test("bad PEM input is refused with a stable code")
    func badInput() throws {
        let good = try SigningIdentity.generateDevelopment(organization: "Northwind Connect Ltd")
        let other = try SigningIdentity.generateDevelopment(organization: "Other Ltd")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("loa-bad-\(UUID().uuidString)").path
        try good.write(certificateFile: "\(folder)/good.crt", privateKeyFile: "\(folder)/good.key")
        try other.write(certificateFile: "\(folder)/other.crt", privateKeyFile: "\(folder)/other.key")
        let goodKey = try String(contentsOfFile: "\(folder)/good.key", encoding: .utf8)

        func code(_ body: () throws -> SigningIdentity) -> String? {
            do { _ = try body(); return nil } catch let error as LOAError { return error.code } catch { return "\(error)" }
        }
        #expect(code { try SigningIdentity(certificatePEM: "garbage", privateKeyPEM: goodKey) } == LOAError.Code.certificateInvalid)
        #expect(code {
            try SigningIdentity(certificatePEM: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", privateKeyPEM: goodKey)
        } == LOAError.Code.certificateInvalid)
        #expect(code { try SigningIdentity(certificatePEM: good.certificatePEM, privateKeyPEM: "garbage") } == LOAError.Code.privateKeyInvalid)
        #expect(code { try SigningIdentity(certificatePEM: good.certificatePEM, privateKeyPEM: good.certificatePEM) } == LOAError.Code.privateKeyInvalid)
        #expect(code { try SigningIdentity.load(certificateFile: "\(folder)/other.crt", privateKeyFile: "\(folder)/good.key") } == LOAError.Code.keyCertificateMismatch)
        #expect(code { try SigningIdentity.load(certificateFile: "\(folder)/missing.crt", privateKeyFile: "\(folder)/good.key") } == LOAError.Code.pemUnreadable)
    }
}

extension Data {
    /// Base64url (RFC 4648 §5) without padding, as JWS parts are.
    init(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self = Data(base64Encoded: base64) ?? Data()
    }

    /// See ``init(base64URL:)``.
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
