import CSandbox
import Foundation

/// How the kernel schedules the service's threads and its document workers.
///
/// `batch` (the default for `paperwork serve`) puts the process under `SCHED_BATCH`, at the
/// same nice level: a woken thread no longer preempts a running one and waits for the next
/// tick or for a core to free up. An upload wakes the server's threads a few dozen times
/// (every SQL statement crosses three threads), and as normal tasks each wakeup preempted a
/// worker mid-document: 1,400 preemptions per worker CPU-second, measured, each costing the
/// worker its caches. Under `batch` it was 300, and the server spent 15–18 % less CPU per upload.
/// The price is up to a tick of latency per wakeup while every core is busy, nothing when a
/// core is idle. `normal` leaves the policy the process was started with.
public enum CPUScheduling: String, Sendable, CaseIterable {
    /// `SCHED_BATCH` for every thread, and so for the threads and workers started later.
    case batch
    /// The policy the process was started with.
    case normal

    /// Applies the policy to every thread of this process; threads and child processes
    /// started afterwards inherit it. Returns how many threads were changed.
    @discardableResult
    public func apply() throws -> Int {
        guard self == .batch else { return 0 }
        let changed = paperwork_batch_scheduling()
        guard changed >= 0 else {
            throw WorkerPoolError(code: "scheduling_failed", message: "SCHED_BATCH could not be set: \(String(cString: strerror(errno)))")
        }
        return Int(changed)
    }
}
