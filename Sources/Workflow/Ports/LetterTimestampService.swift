import Foundation
public import Logging
public import ServiceLifecycle

/// Timestamps, beside the web server, the letters issued while the time-stamping authority
/// was failing: every `interval`, valid letters and renditions still at B-B get their
/// signature timestamp in place (``Ports/addMissingTimestamps(limit:)``).
public struct LetterTimestampService: Service {
    let ports: Ports
    let interval: Duration
    let logger: Logger

    /// A service over `ports`, whose policy names an authority.
    public init(ports: Ports, interval: Duration = .seconds(600), logger: Logger) {
        self.ports = ports
        self.interval = interval
        self.logger = logger
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let run = try await ports.addMissingTimestamps()
                    if run.stamped > 0 || run.longTerm > 0 || run.failed > 0 {
                        logger.notice("LOA timestamps added", metadata: ["stamped": "\(run.stamped)", "long_term": "\(run.longTerm)", "failed": "\(run.failed)", "first_failure": "\(run.firstFailure ?? "-")"])
                    }
                } catch {
                    logger.error("LOA timestamp run failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}

/// Reminds companies, beside the web server, of letters about to expire while their port still
/// awaits the cross-connect: every `interval`, each such letter within `days` of its last day
/// gets one reminder (``Ports/sendExpiryReminders(within:now:)``).
public struct LetterReminderService: Service {
    let ports: Ports
    let days: Int
    let interval: Duration
    let logger: Logger

    /// A service reminding `days` before expiry, looking every `interval`.
    public init(ports: Ports, days: Int, interval: Duration = .seconds(3600), logger: Logger) {
        self.ports = ports
        self.days = days
        self.interval = interval
        self.logger = logger
    }

    /// Runs until graceful shutdown.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let reminded = try await ports.sendExpiryReminders(within: days)
                    if reminded > 0 { logger.notice("LOA expiry reminders queued", metadata: ["letters": "\(reminded)"]) }
                } catch {
                    logger.error("LOA expiry reminders failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
