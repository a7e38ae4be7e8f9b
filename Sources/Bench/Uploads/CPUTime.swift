import Foundation

/// CPU time from `/proc` and `getrusage`, in seconds.
enum CPUTime {
    static let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// A process's own user + system time, and that of its children: those still running
    /// (read from `/proc`) plus those it has reaped (`cutime` + `cstime`).
    static func ofProcessTree(_ pid: Int32) -> (server: Double, workers: Double) {
        let own = fields(pid)
        let server = (own[safe: 11] + own[safe: 12]) / ticks
        var workers = (own[safe: 13] + own[safe: 14]) / ticks
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        for task in tasks {
            let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            for child in children.split(separator: " ").compactMap({ Int32($0) }) {
                let theirs = fields(child)
                workers += (theirs[safe: 11] + theirs[safe: 12]) / ticks
            }
        }
        return (server, workers)
    }

    /// The fields of `/proc/<pid>/stat` after the command name, as numbers (state is 0).
    static func fields(_ pid: Int32) -> [Double] {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return [] }
        return stat[stat.index(after: end)...].split(separator: " ").map { Double($0) ?? 0 }
    }

    /// This process's user + system time.
    static func ofSelf() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}

extension [Double] {
    fileprivate subscript(safe index: Int) -> Double { indices.contains(index) ? self[index] : 0 }
}
