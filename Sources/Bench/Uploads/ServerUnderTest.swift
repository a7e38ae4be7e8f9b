import ArgumentParser
import Foundation
import Isolation
import Synchronization

/// The `paperwork serve` child: started through `/bin/sh` only to send its stderr (the request
/// log) to a file and to set `DEMO_DATA=false`; `exec` makes the shell's pid the server's.
final class ServerUnderTest: Sendable {
    let process: ChildProcess.Running
    let port: Int
    let dataDirectory: String
    let logFile: String
    var pid: Int32 { process.pid }

    private init(process: ChildProcess.Running, port: Int, dataDirectory: String, logFile: String) {
        self.process = process
        self.port = port
        self.dataDirectory = dataDirectory
        self.logFile = logFile
    }

    /// Starts the server on a fresh SQLite database in `dataDirectory`; settings are passed as
    /// flags, and an empty `.env` file keeps the caller's out.
    static func start(binary: String, dataDirectory: String, port: Int, workers: Int, templates: String) throws -> ServerUnderTest {
        let logFile = dataDirectory + "/server.log", envFile = dataDirectory + "/empty.env"
        _ = FileManager.default.createFile(atPath: envFile, contents: Data())
        let script = #"log="$1"; shift; DEMO_DATA=false RATE_LIMITS_ENABLED=false exec "$@" 2>>"$log""#
        let process = try ChildProcess.start("/bin/sh", [
            "-c", script, "sh", logFile, binary, "serve", "--host", "127.0.0.1", "--port", String(port),
            "--data-directory", dataDirectory, "--workers", String(workers), "--templates-directory", templates, "--env-file", envFile,
        ])
        return ServerUnderTest(process: process, port: port, dataDirectory: dataDirectory, logFile: logFile)
    }

    /// Polls `GET /health` until it answers 200 (at most 60 s).
    func waitUntilHealthy() async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if let answer = try? await HTTPConnection.with(port: port, { try await $0.send(.GET, "/health") }), answer.status == 200 { return }
            guard ContinuousClock.now < deadline, kill(pid, 0) == 0 else {
                throw ValidationError("the server did not become healthy; see \(logFile)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Waits (at most 5 s) until the server and its workers use less than 2 ms of CPU in 100 ms.
    func waitUntilIdle() async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        var last = CPUTime.ofProcessTree(pid)
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            let now = CPUTime.ofProcessTree(pid)
            if (now.server + now.workers) - (last.server + last.workers) < 0.002 { return }
            last = now
        }
    }

    /// SIGTERM, then waits for the graceful shutdown (SIGKILL after 30 s) and reaps it.
    @discardableResult
    func stop() -> (exitStatus: Int32?, signal: Int32?) {
        process.send(SIGTERM)
        let pid = self.pid
        let done = ShutdownDone()
        Thread.detachNewThread {
            for _ in 0..<300 where !done.value.load(ordering: .acquiring) { usleep(100_000) }
            if !done.value.load(ordering: .acquiring) { kill(pid, SIGKILL) }
        }
        let outcome = process.waitForExit()
        done.value.store(true, ordering: .releasing)
        return outcome
    }
}

/// A flag shared with the shutdown watchdog.
final class ShutdownDone: Sendable {
    let value = Atomic(false)
}
