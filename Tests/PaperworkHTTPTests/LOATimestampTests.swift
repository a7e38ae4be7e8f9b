import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdTesting
import Isolation
import LOA
import Testing
import TestSupport
import Workflow
@testable import PaperworkHTTP

/// PAdES levels of issued letters: B-LT with a real RFC 3161 time-stamping authority on
/// 127.0.0.1 (OpenSSL's `ts -reply`, `Tests/LOATests/tsa_test_server.py`) that publishes its
/// CRL, checked by pyHanko (its AdES long-term validator with the authority gone) and pdfsig;
/// B-T when the CRL cannot be had; B-B when the authority fails, refuses or answers for other
/// bytes, without the letter waiting; tampering refused.
@Suite("LOA timestamps (PAdES B-T, B-LT)", .serialized)
struct LOATimestampTests {
    /// A running test authority: its URL and the root its tokens chain to.
    final class Authority: Sendable {
        let process: ChildProcess.Running
        let url: String
        let rootFile: String

        init(mode: String = "good") throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-tsa-\(UUID().uuidString)").path
            process = try ChildProcess.start("/usr/bin/env", [
                "python3", SourceTree.root.appendingPathComponent("Tests/LOATests/tsa_test_server.py").path, directory, "--mode", mode,
            ])
            guard let line = process.readLine(), line.hasPrefix("port=") else { throw CancellationError() }
            url = "http://127.0.0.1:\(line.dropFirst(5))/"
            rootFile = directory + "/ca.pem"
        }

        /// Stops answering (its CRL with it), before `deinit` reaps it.
        func stop() { process.send(SIGKILL) }

        deinit { process.send(SIGKILL); _ = process.waitForExit() }
    }

    /// The test service with LOAs timestamped by `authority` (a URL) within `timeout`.
    static func service(authorityURL: String, caFile: String?, timeout: Duration = .seconds(5)) async throws -> TestService {
        let base = try await TestService.make()
        var dependencies = base.dependencies
        var policy = Ports.Policy(templateDirectory: TestService.settings.templatesDirectory, identity: try TestService.signingIdentity, publicURL: "https://paperwork.test")
        policy.timestampAuthority = TimestampAuthority(settings: .init(url: authorityURL, caFile: caFile, timeout: timeout))
        dependencies.ports = try Ports(companies: dependencies.companies, policy: policy)
        return TestService(store: base.store, dependencies: dependencies)
    }

    /// Orders a port for a verified company; returns the admin's token and the port id.
    func orderedPort(_ client: some TestClientProtocol, _ service: TestService) async throws -> (String, String) {
        let operatorToken = try await staffToken(service, role: .operator, name: "otto")
        try await loadSampleCatalog(client, operatorToken: operatorToken)
        let (admin, company) = try await verifiedCompany(client, service, email: "ts-\(UUID().uuidString.prefix(6).lowercased())@northwind.example", name: "Northwind Connect Ltd")
        let port = try #require(try await client.call(.post, "/v1/ports", token: admin, json: ["company_id": company, "datacenter_id": "pdb-900001", "speed": "10G"]).string("id"))
        return (admin, port)
    }

    func download(_ client: some TestClientProtocol, port: String, token: String, query: String = "") async throws -> (id: String, pdf: [UInt8]) {
        try await client.execute(uri: "/v1/ports/\(port)/loa\(query)", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
            #expect(response.status == .ok)
            return (response.headers[.init("X-LOA-Id")!] ?? "", Array(buffer: response.body))
        }
    }

    func pyHanko(_ pdf: [UInt8], tsaRoot: String?) throws -> String {
        let signer = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-\(UUID().uuidString).pem").path
        try Data(try TestService.signingIdentity.certificatePEM.utf8).write(to: URL(fileURLWithPath: signer))
        return try tool("/usr/bin/env", ["python3", SourceTree.root.appendingPathComponent("Tests/LOATests/validate_with_pyhanko.py").path, "FILE", signer] + (tsaRoot.map { [$0] } ?? []), file: pdf)
    }

    /// pyHanko's AdES long-term validation (revocation data required, nothing fetched).
    func pyHankoLongTerm(_ pdf: [UInt8], tsaRoot: String) throws -> String {
        let signer = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-\(UUID().uuidString).pem").path
        try Data(try TestService.signingIdentity.certificatePEM.utf8).write(to: URL(fileURLWithPath: signer))
        return try tool("/usr/bin/env", ["python3", SourceTree.root.appendingPathComponent("Tests/LOATests/validate_ltv_with_pyhanko.py").path, "FILE", signer, tsaRoot], file: pdf)
    }

    @Test("with an authority, letters and renditions are B-LT: timestamped, their chains' certificates and CRLs in a /DSS; pyHanko validates them long-term with the authority gone, pdfsig the signature")
    func timestamped() async throws {
        let authority = try Authority()
        let service = try await Self.service(authorityURL: authority.url, caFile: authority.rootFile)
        try await service.run { client in
            let (admin, port) = try await orderedPort(client, service)
            let (id, pdf) = try await download(client, port: port, token: admin)
            let report = try pyHanko(pdf, tsaRoot: authority.rootFile)
            #expect(report.contains("intact=True") && report.contains("valid=True"), "\(report)")
            #expect(report.contains("timestamp_intact=True") && report.contains("timestamp_valid=True") && report.contains("timestamp_trusted=True"), "\(report)")
            #expect(report.contains("signed_attributes=content_type,message_digest,signing_certificate_v2"), "\(report)")
            #expect(try tool("/usr/bin/pdfsig", ["FILE"], file: pdf).contains("Signature is Valid."))
            #expect(try await client.call(.get, "/v1/loas/\(id)", token: admin).string("signature_level") == "B-LT")
            #expect(LOASigner.hasValidationData(pdf))

            let french = try await download(client, port: port, token: admin, query: "?language=fr")
            #expect(french.id == id)
            #expect(try pyHanko(french.pdf, tsaRoot: authority.rootFile).contains("timestamp_trusted=True"), "a rendition is timestamped too")

            // Years later: the authority and its CRL are gone; the letter carries what it needs.
            authority.stop()
            for letter in [pdf, french.pdf] {
                let longTerm = try pyHankoLongTerm(letter, tsaRoot: authority.rootFile)
                #expect(longTerm.contains("ades_status=PASSED") && longTerm.contains("timestamp_status=PASSED"), "\(longTerm)")
                #expect(longTerm.contains("dss_crls=1") && longTerm.contains("modification=LTA_UPDATES"), "\(longTerm)")
            }
            let verified = try await client.call(.get, "/verify/\(id)")
            #expect(verified["genuine"] as? Bool == true, "/verify accepts the security store added after the signature")

            // A tampered copy: one byte of the signed text changed.
            var tampered = pdf
            let target = Array("Northwind".utf8)
            if let at = (0..<(tampered.count - target.count)).first(where: { Array(tampered[$0..<($0 + target.count)]) == target }) {
                tampered[at] = UInt8(ascii: "S")
            }
            let refused = try pyHanko(tampered, tsaRoot: authority.rootFile)
            #expect(refused.contains("intact=False") || refused.contains("error="), "\(refused)")
            #expect(!(try tool("/usr/bin/pdfsig", ["FILE"], file: tampered).contains("Signature is Valid.")))
        }
    }

    @Test("an authority that fails, refuses, or answers for other bytes never blocks a letter: it is issued at B-B", arguments: ["error", "refuse", "wrong-imprint"])
    func failingAuthority(mode: String) async throws {
        let authority = try Authority(mode: mode)
        let service = try await Self.service(authorityURL: authority.url, caFile: authority.rootFile)
        try await service.run { client in
            let (admin, port) = try await orderedPort(client, service)
            let (id, pdf) = try await download(client, port: port, token: admin)
            #expect(try await client.call(.get, "/v1/loas/\(id)", token: admin).string("signature_level") == "B-B")
            let report = try pyHanko(pdf, tsaRoot: nil)
            #expect(report.contains("intact=True") && report.contains("valid=True") && !report.contains("timestamp="), "\(report)")
        }
    }

    @Test("when the authority's CRL cannot be fetched, letters stay B-T, which pyHanko's long-term validation refuses; a later run adds it")
    func revocationDataUnavailable() async throws {
        let authority = try Authority(mode: "crl-down")
        let service = try await Self.service(authorityURL: authority.url, caFile: authority.rootFile)
        try await service.run { client in
            let (admin, port) = try await orderedPort(client, service)
            let (id, pdf) = try await download(client, port: port, token: admin)
            #expect(try await client.call(.get, "/v1/loas/\(id)", token: admin).string("signature_level") == "B-T")
            #expect(LOASigner.hasSignatureTimestamp(pdf) && !LOASigner.hasValidationData(pdf))
            #expect(try pyHanko(pdf, tsaRoot: authority.rootFile).contains("timestamp_trusted=True"))
            let longTerm = try pyHankoLongTerm(pdf, tsaRoot: authority.rootFile)
            #expect(longTerm.contains("ades_status=INDETERMINATE") && longTerm.contains("no revocation information could be found"), "no revocation data for the authority's certificate: \(longTerm)")

            // The CRL is published again; the run (the background service's) stores it.
            try FileManager.default.removeItem(atPath: URL(fileURLWithPath: authority.rootFile).deletingLastPathComponent().appendingPathComponent("crl-down").path)
            let run = try await #require(service.dependencies.ports).addMissingTimestamps()
            #expect(run.longTerm == 1 && run.failed == 0, "\(run)")
            let (_, later) = try await download(client, port: port, token: admin)
            #expect(LOASigner.hasValidationData(later))
            #expect(try await client.call(.get, "/v1/loas/\(id)", token: admin).string("signature_level") == "B-LT")
        }
    }

    @Test("a letter issued while the authority was down gets its timestamp later, in place: same signature, now B-T, still valid")
    func timestampAddedLater() async throws {
        let down = try Authority(mode: "error")
        let service = try await Self.service(authorityURL: down.url, caFile: down.rootFile)
        let up = try Authority()
        try await service.run { client in
            let (admin, port) = try await orderedPort(client, service)
            let (id, first) = try await download(client, port: port, token: admin)
            let french = try await download(client, port: port, token: admin, query: "?language=fr")
            #expect(try await client.call(.get, "/v1/loas/\(id)", token: admin).string("signature_level") == "B-B")
            #expect(!LOASigner.hasSignatureTimestamp(first))

            // The authority answers again: a run (the background service's, or revalidate --add-timestamps).
            var policy = Ports.Policy(templateDirectory: TestService.settings.templatesDirectory, identity: try TestService.signingIdentity, publicURL: "https://paperwork.test")
            policy.timestampAuthority = TimestampAuthority(settings: .init(url: up.url, caFile: up.rootFile))
            let run = try await Ports(companies: service.dependencies.companies, policy: policy).addMissingTimestamps()
            #expect(run.stamped == 2, "the letter and its French rendition")
            #expect(run.failed == 0)

            let (sameID, later) = try await download(client, port: port, token: admin)
            #expect(sameID == id)
            #expect(later.count > first.count && Array(later[0..<first.count]) != first, "the same signature, timestamped, then a /DSS appended")
            #expect(LOASigner.hasSignatureTimestamp(later) && LOASigner.hasValidationData(later))
            let report = try pyHanko(later, tsaRoot: up.rootFile)
            #expect(report.contains("intact=True") && report.contains("valid=True") && report.contains("timestamp_trusted=True"), "\(report)")
            #expect(try await client.call(.get, "/v1/loas/\(id)", token: admin).string("signature_level") == "B-LT")
            let frenchLater = try await download(client, port: port, token: admin, query: "?language=fr")
            #expect(frenchLater.pdf != french.pdf && LOASigner.hasSignatureTimestamp(frenchLater.pdf))
            #expect(try await client.call(.get, "/verify/\(id)").json["genuine"] as? Bool == true)
        }
    }

    @Test("after a key rotation, letters signed before stay genuine, checked against their own certificate; both certificates are published as PEM and JWKS, and each letter's JWS verifies against the JWKS (jwt-kit, PyJWT)")
    func keyRotation() async throws {
        let base = try await TestService.make()
        let old = try TestService.signingIdentity
        let new = try SigningIdentity.generateDevelopment(organization: "Paperwork tests, rotated")
        try await base.run { client in
            let (admin, port) = try await orderedPort(client, base)
            let (before, _) = try await download(client, port: port, token: admin)

            try await SigningKeys.rotate(from: old, to: new, store: base.store)
            var dependencies = base.dependencies
            dependencies.ports = try Ports(companies: dependencies.companies, policy: Ports.Policy(templateDirectory: TestService.settings.templatesDirectory, identity: new, publicURL: "https://paperwork.test"))
            try await Application(router: buildRouter(dependencies: dependencies)).test(.router) { rotated in
                let verified = try await rotated.call(.get, "/verify/\(before)")
                #expect(verified.string("status") == "valid")
                #expect(verified["genuine"] as? Bool == true, "checked against the retired certificate that signed it")

                let after = try await rotated.execute(uri: "/v1/ports/\(port)/loa", method: .post, headers: [.authorization: "Bearer \(admin)"]) { $0.headers[.init("X-LOA-Id")!] ?? "" }
                #expect(try await rotated.call(.get, "/verify/\(after)")["genuine"] as? Bool == true)

                let pem = try await rotated.execute(uri: "/loa/certificates.pem", method: .get) { String(buffer: $0.body) }
                #expect(pem.components(separatedBy: "BEGIN CERTIFICATE").count - 1 == 2)
                #expect(pem.hasPrefix(new.certificatePEM.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n").first ?? "-"))
                let jwks = try await rotated.call(.get, "/loa/certificates.jwks")
                let keys = try #require(jwks["keys"] as? [[String: Any]])
                #expect(keys.count == 2)
                #expect(keys.first?["kid"] as? String == (try new.published.fingerprint))
                #expect(keys.first?["status"] as? String == "current" && keys.last?["status"] as? String == "retired")
                #expect(keys.first?["kty"] as? String == "EC" && keys.first?["crv"] as? String == "P-256" && (keys.first?["x5c"] as? [String])?.isEmpty == false)

                // Each letter's printed fields as a JWS, signed with the key of its day: a
                // datacenter's system checks both against the published JWKS, with jwt-kit and
                // with PyJWT, and finds what /verify shows.
                let jwksText = try await rotated.execute(uri: "/loa/certificates.jwks", method: .get) { String(buffer: $0.body) }
                for id in [before, after] {
                    let verification = try await rotated.call(.get, "/verify/\(id)")
                    let token = try #require(verification.string("jws"))
                    #expect(try await rotated.call(.get, "/v1/loas/\(id)", token: admin).string("jws") == token)
                    let claims = try await SigningIdentity.verifiedClaims(token, jwks: jwksText)
                    let printed = try #require(verification["letter"] as? [String: Any])
                    #expect(claims.sub.value == id && claims.serviceID == printed["service_id"] as? String && claims.authorizedParty == "Northwind Connect Ltd")
                    let jwksFile = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-\(UUID().uuidString).jwks").path
                    try Data(jwksText.utf8).write(to: URL(fileURLWithPath: jwksFile))
                    let pyJWT = try tool("/usr/bin/env", ["python3", SourceTree.root.appendingPathComponent("Tests/LOATests/verify_jws_with_pyjwt.py").path, "FILE", jwksFile], file: Array(token.utf8), suffix: ".jws")
                    #expect(pyJWT.contains("\"sub\": \"\(id)\"") && pyJWT.contains("\"port_positions\": \"\(claims.portPositions)\""), "\(pyJWT)")
                    let oldKeyOnly = try JSONSerialization.data(withJSONObject: ["keys": [try old.published.jwk]])
                    let checkedByOldKey = try? await SigningIdentity.verifiedClaims(token, jwks: String(decoding: oldKeyOnly, as: UTF8.self))
                    #expect((checkedByOldKey != nil) == (id == before), "only the letter signed before the rotation is the retired key's")
                }
            }
        }
    }

    @Test("an authority that does not answer costs the timeout, not the letter")
    func slowAuthority() async throws {
        let authority = try Authority(mode: "slow")
        let service = try await Self.service(authorityURL: authority.url, caFile: nil, timeout: .seconds(1))
        try await service.run { client in
            let (admin, port) = try await orderedPort(client, service)
            let started = ContinuousClock.now
            let (id, _) = try await download(client, port: port, token: admin)
            #expect(ContinuousClock.now - started < .seconds(10))
            #expect(try await client.call(.get, "/v1/loas/\(id)", token: admin).string("signature_level") == "B-B")
        }
    }

    @Test("a timestamp over other bytes is refused by the client, and by pyHanko if it were embedded")
    func timestampOverOtherBytes() async throws {
        let authority = try Authority()
        let identity = try TestService.signingIdentity
        let letter = try LOARenderer(templateDirectory: TestService.settings.templatesDirectory).render(LetterOfAuthorization.sample())
        let signer = LOASigner(identity: identity)
        let prepared = try signer.prepare(letter)
        let other = try signer.prepare(letter, signingTime: Date().addingTimeInterval(1))
        let client = TimestampAuthority(settings: .init(url: authority.url, caFile: authority.rootFile))
        let otherToken = try await client.stamp(try other.timestampRequest()).token
        // The client checks the token's imprint against its own request.
        let foreign = try await client.stamp(try other.timestampRequest())
        #expect(throws: LOAError.self) { try prepared.timestampRequest().token(from: Self.response(wrapping: foreign.token)) }
        // Embedded anyway, a validator refuses it.
        let forged = try prepared.signed(timestampToken: otherToken)
        let report = try pyHanko(forged, tsaRoot: authority.rootFile)
        #expect(!report.contains("timestamp_intact=True") || report.contains("error="), "\(report)")
    }

    /// A granted `TimeStampResp` carrying `token`.
    static func response(wrapping token: [UInt8]) -> [UInt8] {
        let status: [UInt8] = [0x30, 0x03, 0x02, 0x01, 0x00]
        let content = status + token
        var length: [UInt8]
        if content.count < 0x80 { length = [UInt8(content.count)] } else if content.count < 0x100 { length = [0x81, UInt8(content.count)] } else {
            length = [0x82, UInt8(content.count >> 8), UInt8(content.count & 0xFF)]
        }
        return [0x30] + length + content
    }
}
