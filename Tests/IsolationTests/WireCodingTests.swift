import Foundation
import Testing
import TestSupport
import Intake
@testable import Isolation

private let samples = SourceTree.root.appendingPathComponent("samples")

/// Every sample, good, hostile and tampered, with the claims its company would have.
private func sampleFiles() throws -> [(name: String, bytes: [UInt8])] {
    var files: [(String, [UInt8])] = []
    for folder in ["", "bad", "tampered"] {
        let url = folder.isEmpty ? samples : samples.appendingPathComponent(folder)
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where [".pdf", ".png", ".jpg"].contains(where: name.hasSuffix) {
            files.append((folder.isEmpty ? name : "\(folder)/\(name)", try [UInt8](Data(contentsOf: url.appendingPathComponent(name)))))
        }
    }
    return files
}

private let claims = CompanyClaims(legalName: "PAPERWORK SAMPLE LIMITED", registrationNumber: "12345678", country: "GB")

@Suite("Wire coding between the pool and its workers")
struct WireCodingTests {
    @Test("every sample's inspection, previews and signals included, comes out of the wire as it went in")
    func inspectionsRoundTrip() throws {
        var limits = IntakeLimits()
        limits.forensics = try ForensicRules.load(from: SourceTree.root.appendingPathComponent("rules/forensics.json").path)
        for file in try sampleFiles() {
            let inspection = CertificateInspector.inspect(
                file.bytes, declared: DeclaredType(fileName: file.name), claims: claims, limits: limits, previews: .firstPage
            )
            let frame = try WireProtocol.encodeResult(inspection)
            #expect(WireProtocol.decodeResult(Array(frame.dropFirst(5))) == inspection, "\(file.name)")
            let judged = try WireProtocol.encodeJudgement(inspection)
            #expect(WireProtocol.decodeJudgement(Array(judged.dropFirst(5))) == Judgement(inspection).inspection, "\(file.name)")
        }
    }

    @Test("a request's header comes out as it went in: limits with their forensic rules, OCR policy, oversized file, fault")
    func requestsRoundTrip() throws {
        var limits = IntakeLimits(maxPages: 3)
        limits.forensics = try ForensicRules.load(from: SourceTree.root.appendingPathComponent("rules/forensics.json").path)
        let header = WireProtocol.RequestHeader(
            declared: DeclaredType(fileName: "extrait été.pdf", mimeType: "application/pdf"), claims: claims, limits: limits,
            previews: .allPages, receivedOn: CalendarDay(iso: "2026-12-06"), oversized: OversizedFile(size: 99, sha256: "ab"),
            judgeStoredFile: nil, renderPage: 2, ocr: OCRPolicy(country: "JP"), fault: .spin
        )
        let document: [UInt8] = Array("%PDF-1.7 not really".utf8)
        let frame = try WireProtocol.encodeRequest(header, document: document)
        let decoded = try #require(WireProtocol.decodeRequest(Array(frame.dropFirst(5))))
        #expect(decoded.1 == document)
        #expect(decoded.0.declared == header.declared)
        #expect(decoded.0.claims == header.claims)
        #expect(decoded.0.limits == header.limits)
        #expect(decoded.0.limits.policyVersion == header.limits.policyVersion)
        #expect(decoded.0.previews == .allPages)
        #expect(decoded.0.receivedOn == header.receivedOn)
        #expect(decoded.0.oversized?.size == 99)
        #expect(decoded.0.judgeStoredFile == nil)
        #expect(decoded.0.renderPage == 2)
        #expect(decoded.0.ocr == header.ocr)
        #expect(decoded.0.fault == .spin)
    }

    @Test("nil inside arrays, extreme numbers and text in any script keep their values")
    func valuesKeepTheirValues() throws {
        struct Sample: Codable, Equatable {
            var optionals: [String?]
            var numbers: [Int]
            var small: [Int8]
            var unsigned: UInt64
            var doubles: [Double]
            var text: String
            var nested: [[Int]]
            var flag: Bool
            var absent: Int?
        }
        let value = Sample(
            optionals: [nil, "a", nil, ""], numbers: [Int.min, -1, 0, Int.max], small: [-128, 127], unsigned: .max,
            doubles: [0, -0.5, .infinity, 1e-300], text: "Société 株式会社 \u{0} ✓", nested: [[], [1, 2]], flag: true, absent: nil
        )
        #expect(try WireCoding.decode(Sample.self, from: WireCoding.encode(value)) == value)
    }

    @Test("a truncated or corrupted result is refused, never trusted and never a crash")
    func malformedResultsAreRefused() throws {
        let bytes = try [UInt8](Data(contentsOf: samples.appendingPathComponent("uk-certificate-of-incorporation.pdf")))
        let inspection = CertificateInspector.inspect(bytes, claims: claims, previews: .firstPage)
        let payload = Array(try WireProtocol.encodeResult(inspection).dropFirst(5))
        // Every cut of the payload short of its end.
        for length in stride(from: 0, to: payload.count, by: max(1, payload.count / 3000)) {
            #expect(WireProtocol.decodeResult(Array(payload[..<length])) == nil, "cut at \(length)")
        }
        // Bytes overwritten at random: refused, or decoded to some inspection; never a trap.
        var random = SplitMix64(seed: 15)
        for _ in 0..<2000 {
            var damaged = payload
            for _ in 0..<3 { damaged[Int(random.next() % UInt64(damaged.count))] = UInt8(truncatingIfNeeded: random.next()) }
            _ = WireProtocol.decodeResult(damaged)
        }
    }

    @Test("a value that needs a nested container is refused when encoded, not written wrong")
    func nestedContainersAreRefused() {
        struct Nested: Encodable {
            func encode(to encoder: any Encoder) throws {
                var outer = encoder.container(keyedBy: Key.self)
                var inner = outer.nestedContainer(keyedBy: Key.self, forKey: .a)
                try inner.encode(1, forKey: .a)
            }
            enum Key: CodingKey { case a }
        }
        #expect(throws: WireCoding.Failure.self) { try WireCoding.encode(Nested()) }
    }
}
