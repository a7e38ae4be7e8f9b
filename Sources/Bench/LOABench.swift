import ArgumentParser
import Foundation
import LOA

/// LOA: render + sign one Letter of Authorization, against limit_loa.c (cairo + pango drawing a
/// comparable page to memory, unsigned).
struct LOABench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loa",
        abstract: "Per-letter render + P-256 signing time, against limit_loa.c."
    )

    @Option(help: "The reference program's source (compiled here with cc -O2), e.g. ../shared/bench/limit_loa.c.")
    var referenceSource: String?

    @Option(help: "The templates folder (the repository's templates/).")
    var templates = "templates"

    @Option(help: "Letters per round, for Paperwork and for the reference.")
    var letters = 100

    @Option(help: "Rounds, each running the reference and Paperwork back to back; the median counts.")
    var rounds = 15

    @Option(help: "Also write the first signed letter here, to look at what is measured.")
    var sample: String?

    func run() async throws {
        let renderer = try LOARenderer(templateDirectory: templates)
        let identity = try SigningIdentity.generateDevelopment(organization: "Northwind Connect Ltd")
        let signer = LOASigner(identity: identity)
        let signingTime = Date(timeIntervalSince1970: 1_795_000_000)
        if let sample {
            try Data(signer.sign(renderer.render(Self.letter(0)), signingTime: signingTime)).write(to: URL(fileURLWithPath: sample))
        }
        let referenceBinary = try referenceSource.map {
            try IntakeBench.compile($0, named: "limit_loa", packages: "pangocairo cairo-pdf")
        }
        // Warm up: font caches, fontconfig, the page cache.
        if let referenceBinary { _ = try Self.runReference(referenceBinary, letters: 10) }
        _ = try Self.renderAndSign(10, renderer: renderer, signer: signer, signingTime: signingTime)

        let unsigned = try renderer.render(Self.letter(0))
        var reference: [Double] = [], ours: [Double] = [], renderOnly: [Double] = [], signOnly: [Double] = [], jwsOnly: [Double] = [], bytes = 0
        let claims = LetterClaims(try Self.letter(0), issuedAt: signingTime, publicURL: "https://paperwork.example")
        for _ in 0..<rounds {
            if let referenceBinary { reference.append(try Self.runReference(referenceBinary, letters: letters)) }
            let (milliseconds, size) = try Self.renderAndSign(letters, renderer: renderer, signer: signer, signingTime: signingTime)
            ours.append(milliseconds)
            bytes = size
            renderOnly.append(try Self.renderAndSign(letters, renderer: renderer, signer: nil, signingTime: signingTime).milliseconds)
            let start = ContinuousClock.now
            for _ in 0..<letters { _ = try signer.sign(unsigned, signingTime: signingTime) }
            signOnly.append((ContinuousClock.now - start).milliseconds / Double(letters))
            // The printed fields' JWS, signed once per letter at issue (not per rendition).
            let jwsStart = ContinuousClock.now
            for _ in 0..<letters { _ = try await identity.jws(claims) }
            jwsOnly.append((ContinuousClock.now - jwsStart).milliseconds / Double(letters))
        }
        print("letters: \(letters) per round, \(rounds) rounds; medians; the ratio is the median of per-round ratios")
        print(String(format: "paperwork render + sign (P-256): %7.3f ms/letter (%d bytes signed)", IntakeBench.median(ours), bytes))
        print(String(format: "  rendering alone:               %7.3f ms/letter", IntakeBench.median(renderOnly)))
        print(String(format: "  signing alone:                 %7.3f ms/letter", IntakeBench.median(signOnly)))
        print(String(format: "  the letter's JWS (at issue):   %7.3f ms/letter", IntakeBench.median(jwsOnly)))
        if !reference.isEmpty {
            print(String(format: "limit_loa.c (reference):         %7.3f ms/letter", IntakeBench.median(reference)))
            IntakeBench.printRatio("render + sign / reference", ours, reference)
            IntakeBench.printRatio("render only / reference", renderOnly, reference)
        }
    }

    /// Milliseconds per letter: render `count` distinct letters (a new id, port and name each
    /// time, as limit_loa varies its text) and, with a signer, sign each.
    static func renderAndSign(_ count: Int, renderer: LOARenderer, signer: LOASigner?, signingTime: Date) throws -> (milliseconds: Double, bytes: Int) {
        var letters: [LetterOfAuthorization] = []
        for index in 0..<count { letters.append(try letter(index)) }
        let start = ContinuousClock.now
        var bytes = 0
        for letter in letters {
            let pdf = try renderer.render(letter)
            bytes = try signer.map { try $0.sign(pdf, signingTime: signingTime).count } ?? pdf.count
        }
        return ((ContinuousClock.now - start).milliseconds / Double(count), bytes)
    }

    static func letter(_ index: Int) throws -> LetterOfAuthorization {
        try .sample(
            id: String(format: "LOA-2026-%06d", index),
            authorizedParty: "株式会社さくらインターネット \(index)",
            patchPanel: String(format: "PP-%04d", index),
            portPositions: "\(2 * (index % 24) + 1)/\(2 * (index % 24) + 2)",
            serviceID: String(format: "SVC-%06d", index)
        )
    }

    /// The reference's own figure (`ms_per_loa=`), which excludes its start-up.
    static func runReference(_ binary: String, letters: Int) throws -> Double {
        let output = try IntakeBench.run(binary, [String(letters)])
        guard let field = output.split(separator: " ").first(where: { $0.hasPrefix("ms_per_loa=") }),
              let value = Double(field.dropFirst("ms_per_loa=".count)) else {
            throw ValidationError("unexpected output from the reference: \(output)")
        }
        return value
    }
}
