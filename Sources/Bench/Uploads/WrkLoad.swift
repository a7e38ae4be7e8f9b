import ArgumentParser
import Foundation
import Isolation
import NIOCore

/// Timed load sent by wrk (Debian's `wrk`: C, epoll, a LuaJIT script per request).
///
/// The load generator shares the machine's two cores with the server under test, so its own
/// CPU counts against the figure. Our Swift client (swift-nio's HTTP codec, async streams)
/// cost about 0.55 ms of CPU per upload and 0.3–0.4 ms per portal page; wrk less than half of
/// that. The Swift client still makes the fixtures and warms the server up, checking every
/// answer.
struct WrkLoad {
    let executable: String
    let script: String

    /// One request wrk sends, prepared once per wrk thread.
    struct Request {
        var method: String
        var path: String
        var headers: [(String, String)]
        var body: ByteBuffer?
    }

    /// What one timed round answered.
    struct Round {
        var requests = 0
        var seconds = 0.0
        var p50 = 0.0, p99 = 0.0, max = 0.0
        var statuses: [Int: Int] = [:]
        /// Answers counted by the value the tally pattern captured in their bodies.
        var tallies: [String: Int] = [:]
        var errors: [String] = []
        /// wrk's own CPU seconds (all its threads), as it reports them.
        var cpu = 0.0
    }

    /// Finds `wrk` on the PATH and writes the script, its manifest and the request bodies into
    /// `directory` under `name`. wrk sends `requests` in turn; every answer must be
    /// `expectedStatus`; with `tally` (a Lua pattern with one capture), the answers' bodies are
    /// counted by what it captures.
    static func prepare(name: String, requests: [Request], expectedStatus: Int, tally: String? = nil, directory: String) throws -> WrkLoad {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let executable = path.split(separator: ":").map({ "\($0)/wrk" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ValidationError("wrk is not installed: scripts/install-dependencies installs it (Debian package wrk)")
        }
        // One line per request: method, path, body file (or empty), then header names and values,
        // tab-separated. Bodies are written once per distinct content.
        var bodyFiles: [ByteBuffer: String] = [:]
        var lines: [String] = []
        for request in requests {
            var bodyPath = ""
            if let body = request.body {
                if let known = bodyFiles[body] {
                    bodyPath = known
                } else {
                    bodyPath = directory + "/wrk-\(name)-body-\(bodyFiles.count)"
                    try Data(body.readableBytesView).write(to: URL(fileURLWithPath: bodyPath))
                    bodyFiles[body] = bodyPath
                }
            }
            lines.append(([request.method, request.path, bodyPath] + request.headers.flatMap { [$0.0, $0.1] }).joined(separator: "\t"))
        }
        let manifestPath = directory + "/wrk-\(name).tsv", scriptPath = directory + "/wrk-\(name).lua"
        try (lines.joined(separator: "\n") + "\n").write(toFile: manifestPath, atomically: true, encoding: .utf8)
        try script(name: name, manifest: manifestPath, expectedStatus: expectedStatus, tally: tally).write(toFile: scriptPath, atomically: true, encoding: .utf8)
        return WrkLoad(executable: executable, script: scriptPath)
    }

    /// Sends the requests for `seconds` over `connections` keep-alive connections from
    /// `threads` wrk threads.
    func run(port: Int, connections: Int, seconds: Int, threads: Int = 1) throws -> Round {
        let outcome = try ChildProcess.run(executable, [
            "--threads", String(threads), "--connections", String(connections), "--duration", "\(seconds)s", "--timeout", "30s",
            "--script", script, "http://127.0.0.1:\(port)",
        ], capturingErrors: true)
        var round = Round()
        guard outcome.exitStatus == 0 else {
            throw ValidationError("wrk failed: \(String(decoding: outcome.errors, as: UTF8.self).prefix(500))")
        }
        var expected = 0
        for line in String(decoding: outcome.output, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard fields.count >= 2 else { continue }
            switch fields[0] {
            case "requests": round.requests = Int(fields[1]) ?? 0
            case "duration_us": round.seconds = (Double(fields[1]) ?? 0) / 1e6
            case "p50_us": round.p50 = (Double(fields[1]) ?? 0) / 1000
            case "p99_us": round.p99 = (Double(fields[1]) ?? 0) / 1000
            case "max_us": round.max = (Double(fields[1]) ?? 0) / 1000
            case "cpu_seconds": round.cpu = Double(fields[1]) ?? 0
            case "expected_status": expected = Int(fields[1]) ?? 0
            case "socket_errors" where fields[1] != "0": round.errors.append("wrk: \(fields[1]) connect, read, write or timeout errors")
            case "status" where fields.count == 3: round.statuses[Int(fields[1]) ?? 0, default: 0] += Int(fields[2]) ?? 0
            case "tally" where fields.count == 3: round.tallies[fields[1], default: 0] += Int(fields[2]) ?? 0
            case "error": round.errors.append(fields.dropFirst().joined(separator: " "))
            default: break
            }
        }
        for (status, count) in round.statuses where status != expected { round.errors.append("\(count) answers \(status)") }
        guard round.requests > 0, round.seconds > 0 else { throw ValidationError("wrk reported no requests: \(String(decoding: outcome.output, as: UTF8.self).prefix(500))") }
        return round
    }

    /// The wrk script: builds every request once per thread, each thread starting at its own
    /// place in the list, sends them in turn, counts the answers by status (and tally), and
    /// prints what the benchmark reads back.
    static func script(name: String, manifest: String, expectedStatus: Int, tally: String?) -> String {
        #"""
        -- Written by paperwork-bench (\#(name)): the prepared requests are sent in turn.
        local manifest = [==[\#(manifest)]==]
        local expected_status = \#(expectedStatus)
        local tally_pattern = \#(tally.map { "[==[\($0)]==]" } ?? "nil")
        local threads = {}

        function setup(thread)
          thread:set("first", #threads)
          table.insert(threads, thread)
        end

        function init(args)
          prepared = {}
          for line in io.lines(manifest) do
            local fields = {}
            for field in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = field end
            local headers = {}
            for i = 4, #fields - 1, 2 do headers[fields[i]] = fields[i + 1] end
            local body = nil
            if fields[3] ~= "" then
              local file = assert(io.open(fields[3], "rb"))
              body = file:read("*a")
              file:close()
            end
            prepared[#prepared + 1] = wrk.format(fields[1], fields[2], headers, body)
          end
          following = first * 7919
          statuses = {}
          tallies = {}
        end

        function request()
          local prepared_request = prepared[following % #prepared + 1]
          following = following + 1
          return prepared_request
        end

        function response(status, headers, body)
          statuses[status] = (statuses[status] or 0) + 1
          if status == expected_status then
            if tally_pattern then
              local value = body:match(tally_pattern) or "unreadable"
              tallies[value] = (tallies[value] or 0) + 1
            end
          elseif not first_error then
            first_error = status .. " " .. body:sub(1, 300):gsub("\n", " ")
          end
        end

        function done(summary, latency, requests)
          local e = summary.errors
          -- os.clock() is this process's CPU time, all threads (clock(3)): wrk's own cost.
          io.write(string.format("requests %d\nduration_us %d\np50_us %d\np99_us %d\nmax_us %d\nsocket_errors %d\ncpu_seconds %.6f\nexpected_status %d\n",
            summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
            e.connect + e.read + e.write + e.timeout, os.clock(), expected_status))
          for _, thread in ipairs(threads) do
            for status, count in pairs(thread:get("statuses")) do io.write("status ", status, " ", count, "\n") end
            for value, count in pairs(thread:get("tallies")) do io.write("tally ", value, " ", count, "\n") end
            local first_error = thread:get("first_error")
            if first_error then io.write("error ", first_error, "\n") end
          end
        end
        """#
    }
}
