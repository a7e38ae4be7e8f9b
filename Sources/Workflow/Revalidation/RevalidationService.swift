import Foundation
public import Logging
public import ServiceLifecycle

/// Works the runs operators start over HTTP (executor `server`) beside the web server: it
/// looks for unfinished runs every few seconds, so a run started by a request begins at once
/// and one interrupted by a restart carries on (its lapsed claims are taken again).
public struct RevalidationService: Service {
    let revalidation: Revalidation
    let pollInterval: Duration
    let logger: Logger

    /// A service over the server's revalidation workflow.
    public init(revalidation: Revalidation, pollInterval: Duration = .seconds(2), logger: Logger) {
        self.revalidation = revalidation
        self.pollInterval = pollInterval
        self.logger = logger
    }

    /// Runs until graceful shutdown, then returns normally (the server exits 0); a batch cut
    /// short then is taken again after its lease.
    public func run() async throws {
        let worker = "server/\(ProcessInfo.processInfo.hostName)/\(getpid())"
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let runs = (try? await revalidation.unfinishedRuns(executor: "server")) ?? []
                for run in runs where !Task.isCancelled {
                    do {
                        let summary = try await revalidation.work(runID: run.id, worker: worker)
                        if summary.finished { logger.info("revalidation run finished", metadata: ["run": "\(run.id)", "recorded": "\(summary.recorded)"]) }
                    } catch where Task.isCancelled {
                        return
                    } catch {
                        logger.error("revalidation run failed; retrying later", metadata: ["run": "\(run.id)", "error": "\(error)"])
                    }
                }
                try? await Task.sleep(for: pollInterval)
            }
        }
    }
}
