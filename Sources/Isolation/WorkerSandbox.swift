import CSandbox
#if canImport(Glibc)
import Glibc
#endif

/// The limits a worker process puts on itself before it reads any document.
///
/// The worker applies them to itself at start (Foundation's `Process` offers no hook between
/// fork and exec), which is as strong: the parent holds nothing the worker could reach, and
/// the worker has parsed nothing yet. What cannot be applied is reported, not hidden.
public struct WorkerSandbox: Sendable, Hashable, Codable {
    /// `RLIMIT_AS`: address space. Enough for poppler on a 20-page PDF and a 50-megapixel
    /// image decode, small enough that a memory bomb dies alone.
    public var addressSpaceBytes: Int = 3 * 1024 * 1024 * 1024
    /// `RLIMIT_CPU`, re-armed before each document: CPU seconds one document may use.
    public var cpuSecondsPerDocument: Int = 30
    /// `RLIMIT_FSIZE`: a worker writes no files (0; `SIGXFSZ` is ignored so writes just fail).
    public var fileSizeBytes: Int = 0
    /// `RLIMIT_NOFILE`: descriptors a worker may have open.
    public var openFiles: Int = 64

    /// The defaults above.
    public init() {}

    /// The `paperwork worker` options that carry these limits to a worker.
    var arguments: [String] {
        ["--address-space-bytes", "\(addressSpaceBytes)", "--cpu-seconds-per-document", "\(cpuSecondsPerDocument)"]
    }

    /// Applies everything it can; returns what was enforced and what was not.
    func apply() -> (enforced: [String], notEnforced: [String]) {
        var enforced: [String] = []
        var notEnforced: [String] = []
        func limit(_ resource: __rlimit_resource, _ value: Int, _ name: String) {
            var r = rlimit(rlim_cur: rlim_t(value), rlim_max: rlim_t(value))
            if setrlimit(__rlimit_resource_t(resource.rawValue), &r) == 0 {
                enforced.append("\(name)=\(value)")
            } else {
                notEnforced.append("\(name): \(String(cString: strerror(errno)))")
            }
        }
        // Die with the parent, never dump core, never gain privileges.
        if paperwork_die_with_parent() == 0 { enforced.append("die_with_parent") } else { notEnforced.append("die_with_parent") }
        if paperwork_no_new_privileges() == 0 { enforced.append("no_new_privileges") } else { notEnforced.append("no_new_privileges") }
        if paperwork_not_dumpable() == 0 { enforced.append("not_dumpable") } else { notEnforced.append("not_dumpable") }
        limit(RLIMIT_CORE, 0, "core_dump_bytes")
        limit(RLIMIT_AS, addressSpaceBytes, "address_space_bytes")
        signal(SIGXFSZ, SIG_IGN)
        limit(RLIMIT_FSIZE, fileSizeBytes, "file_size_bytes")
        limit(RLIMIT_NOFILE, openFiles, "open_files")
        // Inherited descriptors are closed by the spawner (posix_spawn's close-from action),
        // not here: by now the Swift runtime has opened libdispatch's own descriptors, and
        // closing those leaves its event loop spinning on whatever reuses their numbers.
        // No network: a network namespace of its own with nothing in it. Needs root or
        // unprivileged user namespaces.
        if paperwork_leave_network() == 0 {
            enforced.append("no_network")
        } else {
            notEnforced.append("no_network: \(String(cString: strerror(errno))) (no network namespace available)")
        }
        return (enforced, notEnforced)
    }

    /// Re-arms the CPU limit: the worker's CPU time so far plus one document's budget, plus
    /// `extraSeconds` (an OCR request's pages).
    func armCPULimit(extraSeconds: Int = 0) {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let used = Int(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + 1
        var r = rlimit(rlim_cur: rlim_t(used + cpuSecondsPerDocument + extraSeconds), rlim_max: rlim_t.max)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &r)
    }
}
