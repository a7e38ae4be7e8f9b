public import Foundation
public import Hummingbird
import NIOCore
import Synchronization

/// Limits on the actions a password guesser or a mail bomber repeats: signing in, signing up,
/// asking for a password reset and inviting. Each action is limited twice, per e-mail address
/// (one account or mailbox, from anywhere) and per client address (one machine, whatever it
/// types), and a request is let through only when both allow it.
///
/// The counting is GCRA, a token bucket kept as one instant per key: `count` requests at once,
/// then one more every `period / count`. So a refusal can say exactly when to try again
/// (`Retry-After`). The state lives in this process's memory: several server processes each
/// count on their own, and a restart forgets (see docs/portal.md, "Rate limits").
public struct RateLimits: Sendable {
    /// What is limited.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// `POST /signin`, `POST /v1/sessions`.
        case signIn = "sign_in"
        /// `POST /signup`, `POST /v1/signup`: each sends an e-mail.
        case signUp = "sign_up"
        /// `POST /password/forgot`, `POST /v1/password/forgot`: each sends an e-mail.
        case passwordReset = "password_reset"
        /// Inviting someone, from the portal or the API: each sends an e-mail.
        case invitation
    }

    /// `count` requests per `period`, as a burst, refilled evenly.
    public struct Rule: Sendable, Hashable {
        /// Requests allowed at once.
        public var count: Int
        /// Seconds in which `count` requests are refilled.
        public var period: TimeInterval

        /// A rule of `count` requests per `period` seconds.
        public init(_ count: Int, per period: TimeInterval) {
            self.count = max(1, count)
            self.period = max(1, period)
        }
    }

    /// The rules, and whether they apply.
    public struct Policy: Sendable {
        /// Off for load tests and benches only: nothing is counted.
        public var enabled = true
        /// Per e-mail address (signing in to one account, mails to one mailbox).
        public var perAddress: [Action: Rule] = [
            .signIn: Rule(10, per: 15 * 60),
            .signUp: Rule(3, per: 3600),
            .passwordReset: Rule(3, per: 3600),
            .invitation: Rule(5, per: 3600),
        ]
        /// Per client address (an IPv4 address, or an IPv6 /64: one household or office).
        /// Higher than per address, since many people may share one office's address.
        public var perClient: [Action: Rule] = [
            .signIn: Rule(60, per: 15 * 60),
            .signUp: Rule(20, per: 3600),
            .passwordReset: Rule(20, per: 3600),
            .invitation: Rule(50, per: 3600),
        ]
        /// Whether the client is the last address of `X-Forwarded-For`, as the reverse proxy in
        /// front of the service appends it. Only behind such a proxy: otherwise a client
        /// could name any address it likes.
        public var trustForwardedFor = false
        /// Keys kept at most; beyond, the ones whose buckets are full again are dropped first.
        public var maxTrackedKeys = 100_000

        /// The defaults above.
        public init() {}
    }

    /// A request refused: when it may be tried again.
    public struct Refusal: Error, Sendable, Hashable {
        /// Whole seconds to wait, at least 1 (the `Retry-After` value).
        public var retryAfterSeconds: Int
        /// Which limit refused it: `address` or `client`.
        public var scope: String
    }

    /// The policy in force.
    public let policy: Policy
    private let buckets: Buckets

    /// Limits under `policy`, counted from nothing. Copies share their counts.
    public init(_ policy: Policy = Policy()) {
        self.policy = policy
        self.buckets = Buckets()
    }

    /// Lets one `action` through for this e-mail address and client (either may be missing),
    /// or says how long to wait. Nothing is counted for a refused request, so waiting the
    /// `Retry-After` always works.
    public func admit(_ action: Action, address: String?, client: String?, now: Date = Date()) -> Refusal? {
        guard policy.enabled else { return nil }
        var checks: [(key: String, rule: Rule, scope: String)] = []
        if let address = address.map(Self.normalized), !address.isEmpty, let rule = policy.perAddress[action] {
            checks.append(("\(action.rawValue) a \(address)", rule, "address"))
        }
        if let client, let rule = policy.perClient[action] {
            checks.append(("\(action.rawValue) c \(client)", rule, "client"))
        }
        let instant = now.timeIntervalSinceReferenceDate
        let maxKeys = policy.maxTrackedKeys
        return buckets.state.withLock { state -> Refusal? in
            var next: [(String, Double)] = []
            for check in checks {
                let interval = check.rule.period / Double(check.rule.count)
                let theoretical = max(state[check.key] ?? instant, instant)
                let allowedFrom = theoretical + interval - check.rule.period
                if allowedFrom > instant {
                    return Refusal(retryAfterSeconds: max(1, Int((allowedFrom - instant).rounded(.up))), scope: check.scope)
                }
                next.append((check.key, theoretical + interval))
            }
            for (key, value) in next { state[key] = value }
            if state.count > maxKeys { Self.prune(&state, now: instant, keeping: maxKeys) }
            return nil
        }
    }

    /// Drops full buckets (their instant has passed); if that is not enough, the ones that
    /// refill soonest, until a tenth of the room is free again.
    private static func prune(_ state: inout [String: Double], now: Double, keeping maxKeys: Int) {
        state = state.filter { $0.value > now }
        let target = maxKeys - maxKeys / 10
        guard state.count > target else { return }
        let dropped = state.sorted { $0.value < $1.value }.prefix(state.count - target).map(\.key)
        for key in dropped { state[key] = nil }
    }

    /// Addresses compared as the accounts compare them: trimmed, lower case.
    static func normalized(_ address: String) -> String {
        address.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// The client a request comes from, as limits count it: an IPv4 address, or the /64
    /// prefix of an IPv6 address (one site's whole allocation, which a client can cycle
    /// through); nil when unknown (in-process tests).
    public func client(of request: Request, remoteAddress: SocketAddress?) -> String? {
        var address = remoteAddress?.ipAddress
        if policy.trustForwardedFor, let forwarded = request.headers[values: .init("X-Forwarded-For")!].last {
            let last = forwarded.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            if !last.isEmpty { address = last }
        }
        return address.map(Self.clientKey)
    }

    /// IPv4 as it is (also when mapped into IPv6); IPv6 cut to its first four groups.
    static func clientKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        let lowered = address.lowercased()
        if lowered.hasPrefix("::ffff:"), lowered.contains(".") { return String(lowered.dropFirst(7)) }
        let halves = lowered.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false).map { $0.split(separator: ":").map(String.init) }
        var groups = halves[0]
        if halves.count == 2 {
            groups += Array(repeating: "0", count: max(0, 8 - halves[0].count - halves[1].count)) + halves[1]
        }
        return groups.prefix(4).map { String(Int($0, radix: 16) ?? 0, radix: 16) }.joined(separator: ":") + "::/64"
    }
}

/// The instants of every key, behind one lock: a check reads and writes a few entries, so the
/// lock is held for microseconds.
private final class Buckets: Sendable {
    let state = Mutex<[String: Double]>([:])
}

extension RateLimits.Refusal {
    /// The API's answer: 429 `rate_limited`, with `Retry-After`.
    var apiError: APIError {
        var error = APIError(
            .tooManyRequests, code: "rate_limited",
            detail: "too many attempts from this \(scope == "address" ? "e-mail address" : "client address"); try again in \(retryAfterSeconds) seconds"
        )
        error.headers[.retryAfter] = String(retryAfterSeconds)
        return error
    }
}
