import Foundation
import Isolation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `paperwork serve` as a newcomer and an operator meet it: the real binary on a real port.
@Suite("paperwork serve", .serialized)
struct ServeCommandTests {
    /// A server started on a fresh data directory and a random port, its stdout read line by line.
    struct Server {
        let process: ChildProcess.Running
        let port: Int
        var printed: [String] = []

        static func start(dataDirectory: String) throws -> Server {
            setenv("LOG_LEVEL", "warning", 1)
            let port = Int.random(in: 20_000..<60_000)
            let process = try ChildProcess.start(PaperworkBinary.path, [
                "serve", "--port", "\(port)", "--workers", "1", "--data-directory", dataDirectory,
                "--templates-directory", SourceTree.root.appendingPathComponent("templates").path,
            ])
            return Server(process: process, port: port)
        }

        /// Reads printed lines until one contains `marker` (or the output ends).
        mutating func read(until marker: String) -> Bool {
            while let line = process.readLine() {
                printed.append(line)
                if line.contains(marker) { return true }
            }
            return false
        }

        /// Sends SIGTERM, reads what is left of the output and returns the exit status.
        mutating func terminate() -> Int32? {
            process.send(SIGTERM)
            _ = read(until: "\u{0}")
            return process.waitForExit().exitStatus
        }

        /// The value printed after `label` ("  admin token:    pw_…").
        func value(after label: String) -> String? {
            printed.first { $0.contains(label) }.map { $0.components(separatedBy: label)[1].trimmingCharacters(in: .whitespaces) }
        }
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-serve-\(UUID().uuidString)").path
    }

    @Test("the first start creates demo data and prints working credentials; a restart keeps the data and creates none")
    func demoDataOnFirstStart() throws {
        let directory = Self.temporaryDirectory()
        var server = try Server.start(dataDirectory: directory)
        let port = server.port
        let listening = server.read(until: "Paperwork is listening on http://127.0.0.1:\(port)")
        #expect(listening)
        let instructed = server.read(until: "The README's walkthrough")
        #expect(instructed, "the demo instructions are printed")
        let adminToken = try #require(server.value(after: "admin token:"))
        let operatorToken = try #require(server.value(after: "operator token:"))
        #expect(server.value(after: "catalog:")?.hasPrefix("8 sample datacenters and 7 patch panels") == true, "the sample catalog is loaded for newcomers")
        let me = try RawHTTP.request(port: server.port, "GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(adminToken)\r\nConnection: close\r\n\r\n")
        #expect(me.hasPrefix("HTTP/1.1 200"))
        #expect(me.contains("admin@demo.paperwork.localhost"))
        #expect(me.contains("Demo Networks Ltd"))
        let companies = try RawHTTP.request(port: server.port, "GET /v1/companies HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(operatorToken)\r\nConnection: close\r\n\r\n")
        #expect(companies.contains("Demo Networks Ltd"), "the operator token sees the demo company")
        #expect(FileManager.default.fileExists(atPath: directory + "/demo-credentials.txt"))
        let serverExit = server.terminate()
        #expect(serverExit == 0)

        var restarted = try Server.start(dataDirectory: directory)
        let relistening = restarted.read(until: "Paperwork is listening")
        #expect(relistening)
        #expect(try RawHTTP.waitUntilServing(port: restarted.port))
        let again = try RawHTTP.request(port: restarted.port, "GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(adminToken)\r\nConnection: close\r\n\r\n")
        #expect(again.hasPrefix("HTTP/1.1 200"), "tokens survive a restart")
        let restartedExit = restarted.terminate()
        #expect(restartedExit == 0)
        #expect(!restarted.printed.contains { $0.contains("Demo data created") })
    }

    /// The scheduling policy of each thread of `pid` and of its children (`/proc/…/stat` field
    /// 41: 0 is SCHED_OTHER, 3 is SCHED_BATCH).
    static func schedulingPolicies(_ pid: Int32) -> [Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var policies: [Int] = []
        for task in tasks {
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8), let end = stat.lastIndex(of: ")") {
                let fields = stat[stat.index(after: end)...].split(separator: " ")
                if fields.count > 38, let policy = Int(fields[38]) { policies.append(policy) }
            }
            let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            for child in children.split(separator: " ").compactMap({ Int32($0) }) { policies += schedulingPolicies(child) }
        }
        return policies
    }

    @Test("the server and its document workers run under SCHED_BATCH by default, and under the inherited policy with cpu.scheduling=normal")
    func batchScheduling() throws {
        var server = try Server.start(dataDirectory: Self.temporaryDirectory())
        let listening = server.read(until: "Paperwork is listening")
        #expect(listening)
        #expect(try RawHTTP.waitUntilServing(port: server.port))
        let policies = Self.schedulingPolicies(server.process.pid)
        #expect(policies.count > 4, "the server's threads and its worker were found")
        #expect(policies.allSatisfy { $0 == 3 }, "every thread is SCHED_BATCH: \(policies)")
        let serverExit = server.terminate()
        #expect(serverExit == 0)

        setenv("CPU_SCHEDULING", "normal", 1)
        defer { unsetenv("CPU_SCHEDULING") }
        var normal = try Server.start(dataDirectory: Self.temporaryDirectory())
        let normalListening = normal.read(until: "Paperwork is listening")
        #expect(normalListening)
        #expect(try RawHTTP.waitUntilServing(port: normal.port))
        #expect(Self.schedulingPolicies(normal.process.pid).allSatisfy { $0 == 0 }, "the test runner's SCHED_OTHER, inherited")
        let normalExit = normal.terminate()
        #expect(normalExit == 0)
    }

    @Test("the reviewer console in a real headless Chromium: sign in, search the queue, open an item without claiming, zoom, claim, approve past the guard with the note kept, company verified")
    func consoleInABrowser() throws {
        var server = try Server.start(dataDirectory: Self.temporaryDirectory())
        let instructed = server.read(until: "The README's walkthrough")
        #expect(instructed)
        #expect(try RawHTTP.waitUntilServing(port: server.port))
        let admin = try #require(server.value(after: "admin token:"))
        let reviewer = try #require(server.value(after: "reviewer token:"))
        let company = try #require(server.value(after: "Demo Networks Ltd (id ")?.split(separator: ")").first.map(String.init))

        // The demo company uploads the UK sample, raw body.
        let pdf = try [UInt8](Data(contentsOf: SourceTree.root.appendingPathComponent("samples/uk-certificate-of-incorporation.pdf")))
        let connection = try RawHTTP.connect(port: server.port)
        try RawHTTP.send(connection, "POST /v1/companies/\(company)/certificates?file_name=uk.pdf HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(admin)\r\nContent-Type: application/pdf\r\nContent-Length: \(pdf.count)\r\nConnection: close\r\n\r\n")
        try RawHTTP.send(connection, pdf)
        let uploaded = RawHTTP.receive(connection)
        close(connection)
        #expect(uploaded.hasPrefix("HTTP/1.1 201"), "\(uploaded.prefix(300))")

        let browser = try ChildProcess.run("/usr/bin/env", [
            "python3", SourceTree.root.appendingPathComponent("Tests/PaperworkCLITests/console_browser.py").path,
            "http://127.0.0.1:\(server.port)", reviewer, "Demo Networks Ltd",
            FileManager.default.temporaryDirectory.appendingPathComponent("paperwork-console-screenshots-\(UUID().uuidString)").path,
        ], capturingErrors: true)
        #expect(browser.exitStatus == 0, "\(String(decoding: browser.errors, as: UTF8.self).suffix(3000))")
        let output = String(decoding: browser.output, as: UTF8.self)
        #expect(output.contains("company verified"))
        print(output)

        let me = try RawHTTP.request(port: server.port, "GET /v1/companies/\(company) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(admin)\r\nConnection: close\r\n\r\n")
        #expect(me.contains(#""status":"verified""#), "the API agrees")
        let serverExit = server.terminate()
        #expect(serverExit == 0)
    }

    @Test("SIGTERM lets a request in flight finish, then the server exits 0")
    func gracefulShutdown() throws {
        var server = try Server.start(dataDirectory: Self.temporaryDirectory())
        let listening = server.read(until: "Paperwork is listening")
        #expect(listening)
        #expect(try RawHTTP.waitUntilServing(port: server.port))
        let body = #"{"email": "late-arrival@example.com"}"#
        let connection = try RawHTTP.connect(port: server.port)
        defer { close(connection) }
        // Half the request, then SIGTERM, then the other half: the answer must still come.
        try RawHTTP.send(connection, "POST /v1/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body.prefix(10))
        usleep(300_000)
        server.process.send(SIGTERM)
        usleep(500_000)
        try RawHTTP.send(connection, String(body.dropFirst(10)))
        let answer = RawHTTP.receive(connection)
        #expect(answer.hasPrefix("HTTP/1.1 202"), "got: \(answer.prefix(200))")
        _ = server.read(until: "\u{0}")
        #expect(server.process.waitForExit().exitStatus == 0)
        #expect(throws: (any Error).self, "no new connections after shutdown") { try RawHTTP.connect(port: server.port) }
    }
}

/// HTTP/1.1 over a plain socket: enough to hold a request half-sent across a shutdown.
enum RawHTTP {
    struct Failure: Error { var message: String }

    static func connect(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(message: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            throw Failure(message: "connect to \(port): \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 20, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func send(_ fd: Int32, _ text: String) throws {
        try send(fd, Array(text.utf8))
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) throws {
        guard bytes.withUnsafeBytes({ Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else {
            throw Failure(message: "send")
        }
    }

    /// Everything until the server closes the connection (or 20 s pass).
    static func receive(_ fd: Int32) -> String {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }

    static func request(port: Int, _ text: String) throws -> String {
        let fd = try connect(port: port)
        defer { close(fd) }
        try send(fd, text)
        return receive(fd)
    }

    /// Polls `/health` until it answers 200 (at most 20 s).
    static func waitUntilServing(port: Int) throws -> Bool {
        for _ in 0..<200 {
            if let answer = try? request(port: port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), answer.hasPrefix("HTTP/1.1 200") { return true }
            usleep(100_000)
        }
        return false
    }
}
