import ArgumentParser
import Foundation
import Isolation

/// The timed uploads, sent by wrk (Debian's `wrk`: C, epoll, a LuaJIT script per request).
///
/// The load generator shares the machine's two cores with the server under test, so its own
/// CPU counts against the figure; the in-process pool it is compared with has no client at
/// all. Our Swift client (swift-nio's HTTP codec, async streams) cost about 0.55 ms of CPU per
/// upload, wrk less than half of that. The Swift client still makes the customers and warms
/// the server up, checking every answer.
struct WrkLoad {
    let executable: String
    let script: String

    /// What one timed round answered.
    struct Round {
        var requests = 0
        var seconds = 0.0
        var p50 = 0.0, p99 = 0.0, max = 0.0
        var statuses: [Int: Int] = [:]
        var verdicts: [String: Int] = [:]
        var errors: [String] = []
        /// wrk's own CPU seconds (all its threads), as it reports them.
        var cpu = 0.0
    }

    /// Finds `wrk` on the PATH and writes the script and its manifest into `directory`: one
    /// prepared request per (file, company) pair, taken in turn as the Swift client takes them.
    static func prepare(files: [String], customers: [Customer], directory: String) throws -> WrkLoad {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard let executable = path.split(separator: ":").map({ "\($0)/wrk" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ValidationError("wrk is not installed: scripts/install-dependencies installs it (Debian package wrk)")
        }
        let pairs = (0..<lcm(files.count, customers.count)).map { (files[$0 % files.count], customers[$0 % customers.count]) }
        let manifest = pairs.map { file, customer in
            let url = URL(fileURLWithPath: file).standardizedFileURL
            return [url.path, url.lastPathComponent, UploadFile.mimeType(of: file), customer.companyID, customer.token].joined(separator: "\t")
        }.joined(separator: "\n") + "\n"
        let manifestPath = directory + "/wrk-uploads.tsv", scriptPath = directory + "/wrk-uploads.lua"
        try manifest.write(toFile: manifestPath, atomically: true, encoding: .utf8)
        try script(manifest: manifestPath).write(toFile: scriptPath, atomically: true, encoding: .utf8)
        return WrkLoad(executable: executable, script: scriptPath)
    }

    /// Uploads for `seconds` over `connections` keep-alive connections from one wrk thread.
    func run(port: Int, connections: Int, seconds: Int) throws -> Round {
        let outcome = try ChildProcess.run(executable, [
            "--threads", "1", "--connections", String(connections), "--duration", "\(seconds)s", "--timeout", "30s",
            "--script", script, "http://127.0.0.1:\(port)",
        ], capturingErrors: true)
        var round = Round()
        guard outcome.exitStatus == 0 else {
            throw ValidationError("wrk failed: \(String(decoding: outcome.errors, as: UTF8.self).prefix(500))")
        }
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
            case "socket_errors" where fields[1] != "0": round.errors.append("wrk: \(fields[1]) connect, read, write or timeout errors")
            case "status" where fields.count == 3: round.statuses[Int(fields[1]) ?? 0, default: 0] += Int(fields[2]) ?? 0
            case "verdict" where fields.count == 3: round.verdicts[fields[1], default: 0] += Int(fields[2]) ?? 0
            case "error": round.errors.append(fields.dropFirst().joined(separator: " "))
            default: break
            }
        }
        for (status, count) in round.statuses where status != 201 { round.errors.append("\(count) answers \(status)") }
        guard round.requests > 0, round.seconds > 0 else { throw ValidationError("wrk reported no requests: \(String(decoding: outcome.output, as: UTF8.self).prefix(500))") }
        return round
    }

    static func lcm(_ a: Int, _ b: Int) -> Int {
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        return a / gcd(a, b) * b
    }

    /// The wrk script: builds every request once per thread, sends them in turn, counts the
    /// answers by status and verdict, and prints what the benchmark reads back.
    static func script(manifest: String) -> String {
        #"""
        -- Written by paperwork-bench uploads. Each request uploads one sample certificate for one
        -- company as multipart/form-data; the prepared requests are sent in turn.
        local manifest = [==[\#(manifest)]==]
        local boundary = "\#(UploadFile.boundary)"
        local threads = {}

        function setup(thread)
          thread:set("first", #threads)
          table.insert(threads, thread)
        end

        function init(args)
          prepared = {}
          for line in io.lines(manifest) do
            local path, name, mime, company, token = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
            local file = assert(io.open(path, "rb"))
            local bytes = file:read("*a")
            file:close()
            local body = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" .. name
              .. "\"\r\nContent-Type: " .. mime .. "\r\n\r\n" .. bytes .. "\r\n--" .. boundary .. "--\r\n"
            prepared[#prepared + 1] = wrk.format("POST", "/v1/companies/" .. company .. "/certificates",
              { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }, body)
          end
          following = first
          statuses = {}
          verdicts = {}
        end

        function request()
          local prepared_request = prepared[following % #prepared + 1]
          following = following + 1
          return prepared_request
        end

        function response(status, headers, body)
          statuses[status] = (statuses[status] or 0) + 1
          if status == 201 then
            local verdict = body:match('"verdict"%s*:%s*"([%w_]+)"') or "unreadable"
            verdicts[verdict] = (verdicts[verdict] or 0) + 1
          elseif not first_error then
            first_error = status .. " " .. body:sub(1, 300):gsub("\n", " ")
          end
        end

        function done(summary, latency, requests)
          local e = summary.errors
          -- os.clock() is this process's CPU time, all threads (clock(3)): wrk's own cost.
          io.write(string.format("requests %d\nduration_us %d\np50_us %d\np99_us %d\nmax_us %d\nsocket_errors %d\ncpu_seconds %.6f\n",
            summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
            e.connect + e.read + e.write + e.timeout, os.clock()))
          for _, thread in ipairs(threads) do
            for status, count in pairs(thread:get("statuses")) do io.write("status ", status, " ", count, "\n") end
            for verdict, count in pairs(thread:get("verdicts")) do io.write("verdict ", verdict, " ", count, "\n") end
            local first_error = thread:get("first_error")
            if first_error then io.write("error ", first_error, "\n") end
          end
        end
        """#
    }
}
