import ArgumentParser
import Foundation
import Isolation
import NIOCore

/// The reviewers' certificate page once its previews are cached: a real `paperwork serve`
/// (SQLite, fresh data directory), one customer's certificate in the queue, a reviewer signed
/// in to the console through its own form; then the page asked for again and again on one
/// keep-alive connection. Reports the answer times (median, p99) and the server's CPU per page.
struct ConsoleBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Server time of the reviewers' certificate page once previews are cached, against a real paperwork serve."
    )

    @Argument(help: "The certificate uploaded and reviewed (default: the UK sample).")
    var certificate = "samples/uk-certificate-of-incorporation.pdf"

    @Option(help: "Requests of the page.")
    var repeats = 500

    @Option(help: "The paperwork binary (default: beside this one).")
    var paperwork: String?

    @Option(help: "The templates folder (the repository's templates/).")
    var templates = "templates"

    func run() async throws {
        let binary = paperwork ?? URL(fileURLWithPath: WorkerPool.Configuration.currentExecutable)
            .deletingLastPathComponent().appendingPathComponent("paperwork").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-console-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try ServerUnderTest.start(binary: binary, dataDirectory: directory, port: Int.random(in: 20_000..<40_000), workers: 1, templates: templates)
        defer { server.stop() }
        try await server.waitUntilHealthy()

        let reviewer = try PortalFixtures.staffToken(binary: binary, role: "reviewer", dataDirectory: server.dataDirectory)
        let customer = try require(try await Customers.create(count: 1, server: server).first, "a customer")
        let file = try UploadFile(path: certificate)
        struct Created: Decodable { var id: String }
        let (times, cpu, bytes) = try await HTTPConnection.with(port: server.port) { connection -> ([Double], Double, Int) in
            let uploaded = try await connection.send(.POST, "/v1/companies/\(customer.companyID)/certificates",
                                                     headers: [("Authorization", "Bearer \(customer.token)"), ("Content-Type", file.contentType)], body: file.form)
                .expect(201).decode(Created.self)
            // Sign in through the console's form, as a reviewer's browser does.
            let signInPage = try await connection.send(.GET, "/console/sign-in").expect(200)
            guard let preSession = signInPage.cookie("pw_console_csrf") else { throw ValidationError("the sign-in page set no CSRF cookie") }
            let form = "csrf=\(preSession)&token=\(reviewer)"
            let signedIn = try await connection.send(.POST, "/console/sign-in", headers: [
                ("Cookie", "pw_console_csrf=\(preSession)"), ("Content-Type", "application/x-www-form-urlencoded"),
            ], body: ByteBuffer(string: form)).expect(303)
            guard let session = signedIn.cookie("pw_console") else { throw ValidationError("signing in set no session cookie") }
            let headers = [("Cookie", "pw_console=\(session)")]
            let path = "/console/certificates/\(uploaded.id)"
            // The page's images, rendered once in a worker and then cached, and a warm-up.
            _ = try await connection.send(.GET, path + "/pages/1.png", headers: headers).expect(200)
            var size = 0
            for _ in 0..<50 { size = try await connection.send(.GET, path, headers: headers).expect(200).body.readableBytes }
            try await server.waitUntilIdle()
            let before = CPUTime.ofProcessTree(server.pid).server
            var times: [Double] = []
            for _ in 0..<repeats {
                let start = ContinuousClock.now
                _ = try await connection.send(.GET, path, headers: headers).expect(200)
                times.append((ContinuousClock.now - start).milliseconds)
            }
            let after = CPUTime.ofProcessTree(server.pid).server
            return (times.sorted(), (after - before) / Double(repeats) * 1000, size)
        }
        print("certificate page of \(certificate) (\(bytes) bytes of HTML), \(repeats) sequential requests on one connection, previews cached")
        print(String(format: "answer time: median %.2f ms, p99 %.2f ms (target: median ≤ 20 ms); server CPU %.2f ms/page",
                     times[times.count / 2], times[min(times.count - 1, times.count * 99 / 100)], cpu))
    }
}

/// `try #require` for a bench: the value, or a validation error.
func require<T>(_ value: T?, _ what: String) throws -> T {
    guard let value else { throw ValidationError("missing: \(what)") }
    return value
}
