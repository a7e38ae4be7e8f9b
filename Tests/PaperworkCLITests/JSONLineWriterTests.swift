import Foundation
import Intake
import Testing
import TestSupport
@testable import PaperworkCLI

/// What `JSONEncoder` prints with the options `inspect --json` always used.
private func foundationJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.keyEncodingStrategy = .convertToSnakeCase
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

private func lineJSON(_ value: some Encodable) throws -> String {
    String(decoding: try JSONLineWriter.encode(value), as: UTF8.self)
}

@Suite("inspect --json lines")
struct JSONLineWriterTests {
    @Test("every sample's report is byte for byte what JSONEncoder printed, with and without page texts")
    func samplesMatchFoundation() throws {
        let root = SourceTree.root.appendingPathComponent("samples")
        var limits = IntakeLimits()
        limits.forensics = try ForensicRules.load(from: SourceTree.root.appendingPathComponent("rules/forensics.json").path)
        let claims = CompanyClaims(legalName: "NORTHWIND CONNECT LIMITED", registrationNumber: "12345678", country: "GB")
        var compared = 0
        for folder in ["", "bad", "tampered"] {
            let url = folder.isEmpty ? root : root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted() where [".pdf", ".png", ".jpg"].contains(where: name.hasSuffix) {
                let bytes = try [UInt8](Data(contentsOf: url.appendingPathComponent(name)))
                let inspection = CertificateInspector.inspect(bytes, declared: DeclaredType(fileName: name), claims: claims, limits: limits)
                for includeText in [false, true] {
                    let report = InspectionReport(file: "samples/\(folder)/\(name)", inspection: inspection, previewFiles: includeText ? ["/tmp/a.page-1.png"] : [], includeText: includeText)
                    #expect(try lineJSON(report) == foundationJSON(report), "\(folder)/\(name)")
                    compared += 1
                }
            }
        }
        #expect(compared >= 60)
    }

    @Test("escapes, numbers, nil, empty containers and key order come out as JSONEncoder writes them")
    func edgeCasesMatchFoundation() throws {
        struct Edge: Encodable {
            var text = "quote \" backslash \\ slash / tab \t line \n return \r bell \u{7} nul \u{0} form \u{c} back \u{8} é 株式会社 🙂 \u{2028}"
            var doubles: [Double] = [0, -0.0, 595, 595.2800000000001, 841.89, 0.1, 1e-7, 1e21, 123_456_789_012_345_680, -2.5]
            var integers: [Int] = [.min, -1, 0, .max]
            var unsigned: UInt64 = .max
            var optionals: [String?] = [nil, "x"]
            var empty: [Int] = []
            var nested: [[String: Int]] = [[:], ["b": 2, "a": 1, "a_b": 3, "10": 6, "9": 7]]
            var absent: Int? = nil
            var flag = true
            var zeta = 1
            var alpha = 2
        }
        #expect(try lineJSON(Edge()) == foundationJSON(Edge()))
    }

    @Test("a value that cannot be written in JSON is refused, as JSONEncoder refuses it")
    func nonFiniteNumbersAreRefused() {
        #expect(throws: JSONLineWriter.Failure.self) { try JSONLineWriter.encode([Double.nan]) }
        #expect(throws: (any Error).self) { try foundationJSON([Double.nan]) }
    }
}
