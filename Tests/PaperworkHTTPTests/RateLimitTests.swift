import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
@testable import PaperworkHTTP

/// Rate limits on sign-in, sign-up, password resets and invitations: per e-mail address and
/// per client address, a refusal is 429 with `Retry-After`, counts nothing, and the API and the
/// portal count in the same buckets.
@Suite("Rate limits")
struct RateLimitTests {
    /// Limits small enough to reach in a test, the client named by `X-Forwarded-For`.
    static func tightPolicy() -> RateLimits.Policy {
        var policy = RateLimits.Policy()
        policy.perAddress = [.signIn: .init(3, per: 900), .signUp: .init(2, per: 3600), .passwordReset: .init(2, per: 3600), .invitation: .init(2, per: 3600)]
        policy.perClient = [.signIn: .init(5, per: 900), .signUp: .init(3, per: 3600), .passwordReset: .init(3, per: 3600), .invitation: .init(3, per: 3600)]
        policy.trustForwardedFor = true
        return policy
    }

    static func from(_ client: String) -> HTTPFields { [.init("X-Forwarded-For")!: "198.51.100.1, \(client)"] }

    @Test("a burst passes, the next request waits period/count, and a refused one counts nothing")
    func bucketArithmetic() {
        var policy = RateLimits.Policy()
        policy.perAddress = [.signIn: .init(3, per: 900)]
        policy.perClient = [:]
        let limits = RateLimits(policy)
        let start = Date(timeIntervalSinceReferenceDate: 1_000_000)
        for _ in 0..<3 { #expect(limits.admit(.signIn, address: "Ada@Example.com ", client: nil, now: start) == nil) }
        // Addresses compare as accounts do: case and spaces do not make a new bucket.
        let refusal = limits.admit(.signIn, address: "ada@example.com", client: nil, now: start)
        #expect(refusal == RateLimits.Refusal(retryAfterSeconds: 300, scope: "address"))
        // Refused attempts do not push the wait further.
        for _ in 0..<5 { _ = limits.admit(.signIn, address: "ada@example.com", client: nil, now: start.addingTimeInterval(100)) }
        #expect(limits.admit(.signIn, address: "ada@example.com", client: nil, now: start.addingTimeInterval(299))?.retryAfterSeconds == 1)
        #expect(limits.admit(.signIn, address: "ada@example.com", client: nil, now: start.addingTimeInterval(300)) == nil)
        // Other actions and addresses have their own buckets.
        #expect(limits.admit(.signIn, address: "bob@example.com", client: nil, now: start) == nil)
        #expect(limits.admit(.signUp, address: "ada@example.com", client: nil, now: start) == nil)
    }

    @Test("both limits must allow; a refusal by one leaves the other untouched")
    func bothScopes() {
        var policy = RateLimits.Policy()
        policy.perAddress = [.signUp: .init(1, per: 3600)]
        policy.perClient = [.signUp: .init(2, per: 3600)]
        let limits = RateLimits(policy)
        let now = Date()
        #expect(limits.admit(.signUp, address: "a@example.com", client: "203.0.113.9", now: now) == nil)
        #expect(limits.admit(.signUp, address: "a@example.com", client: "203.0.113.9", now: now)?.scope == "address")
        #expect(limits.admit(.signUp, address: "b@example.com", client: "203.0.113.9", now: now) == nil)
        #expect(limits.admit(.signUp, address: "c@example.com", client: "203.0.113.9", now: now)?.scope == "client")
        #expect(limits.admit(.signUp, address: "c@example.com", client: "203.0.113.10", now: now) == nil)
    }

    @Test("a client is its IPv4 address or its IPv6 /64")
    func clientKeys() {
        #expect(RateLimits.clientKey("203.0.113.7") == "203.0.113.7")
        #expect(RateLimits.clientKey("::ffff:203.0.113.7") == "203.0.113.7")
        #expect(RateLimits.clientKey("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64")
        #expect(RateLimits.clientKey("2001:DB8:1:2:bbbb:cccc:dddd:eeee") == "2001:db8:1:2::/64")
        #expect(RateLimits.clientKey("2001:db8::1") == "2001:db8:0:0::/64")
        #expect(RateLimits.clientKey("::1") == "0:0:0:0::/64")
    }

    @Test("the key table stays bounded, dropping full buckets first")
    func boundedMemory() {
        var policy = RateLimits.Policy()
        policy.perAddress = [.signIn: .init(1, per: 60)]
        policy.perClient = [:]
        policy.maxTrackedKeys = 100
        let limits = RateLimits(policy)
        let start = Date()
        for index in 0..<1000 { #expect(limits.admit(.signIn, address: "u\(index)@example.com", client: nil, now: start.addingTimeInterval(Double(index))) == nil) }
        // The most recent key is still counted.
        #expect(limits.admit(.signIn, address: "u999@example.com", client: nil, now: start.addingTimeInterval(999)) != nil)
    }

    @Test("API: the fourth sign-in to one address in a burst is 429 rate_limited with Retry-After; other addresses go on")
    func apiSignIn() async throws {
        let service = try await TestService.make(rateLimits: Self.tightPolicy())
        try await service.run { client in
            for attempt in 0..<3 {
                let answer = try await client.call(.post, "/v1/sessions", json: ["email": "victim@example.com", "password": "guess-\(attempt)"], headers: Self.from("203.0.113.1"))
                #expect(answer.status == .unauthorized)
            }
            let refused = try await client.execute(uri: "/v1/sessions", method: .post, headers: Self.from("203.0.113.2").merging([.contentType: "application/json"]),
                                                   body: ByteBuffer(string: #"{"email":"VICTIM@example.com","password":"x"}"#)) { $0 }
            #expect(refused.status == .tooManyRequests)
            // One attempt more every 15 min ÷ 3 = 300 s, less the time the attempts took.
            #expect((280...300).contains(Int(refused.headers[.retryAfter] ?? "") ?? 0))
            let problem = try JSONSerialization.jsonObject(with: Data(buffer: refused.body)) as? [String: Any]
            #expect(problem?["code"] as? String == "rate_limited")
            #expect(refused.headers[.contentType] == "application/problem+json")
            let other = try await client.call(.post, "/v1/sessions", json: ["email": "other@example.com", "password": "x"], headers: Self.from("203.0.113.3"))
            #expect(other.status == .unauthorized)
        }
    }

    @Test("API: sign-ups from one client stop after its limit, whatever the addresses, and no e-mail is sent for a refused one")
    func apiSignUpPerClient() async throws {
        let service = try await TestService.make(rateLimits: Self.tightPolicy())
        try await service.run { client in
            for index in 0..<3 {
                let answer = try await client.call(.post, "/v1/signup", json: ["email": "new\(index)@example.com"], headers: Self.from("2001:db8:5:6::\(index + 1)"))
                #expect(answer.status == .accepted)
            }
            // Another address in the same /64 is the same client.
            let refused = try await client.call(.post, "/v1/signup", json: ["email": "new9@example.com"], headers: Self.from("2001:db8:5:6:ffff::9"))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.code == "rate_limited")
            #expect(try await service.mails(to: "new9@example.com").isEmpty)
            let elsewhere = try await client.call(.post, "/v1/signup", json: ["email": "new9@example.com"], headers: Self.from("2001:db8:5:7::1"))
            #expect(elsewhere.status == .accepted)
        }
    }

    @Test("API: password-reset requests for one address are limited, so a mailbox cannot be flooded")
    func apiPasswordReset() async throws {
        let service = try await TestService.make(rateLimits: Self.tightPolicy())
        try await service.run { client in
            for index in 0..<2 {
                let answer = try await client.call(.post, "/v1/password/forgot", json: ["email": "someone@example.com"], headers: Self.from("203.0.113.\(index + 20)"))
                #expect(answer.status == .accepted)
            }
            let refused = try await client.call(.post, "/v1/password/forgot", json: ["email": "someone@example.com"], headers: Self.from("203.0.113.30"))
            #expect(refused.status == .tooManyRequests)
        }
    }

    @Test("portal: a refused sign-in is the sign-in page again, in French, with 429, Retry-After and the address kept")
    func portalSignIn() async throws {
        let service = try await TestService.make(rateLimits: Self.tightPolicy())
        try await service.run { client in
            var browser = PortalAccountTests.Browser(language: "fr")
            _ = try await browser.open(client, .get, "/signin")
            for _ in 0..<3 {
                let page = try await browser.open(client, .post, "/signin", form: ["email": "cible@example.com", "password": "faux"])
                #expect(page.status == .unauthorized)
            }
            let page = try await browser.open(client, .post, "/signin", form: ["email": "cible@example.com", "password": "faux"])
            #expect(page.status == .tooManyRequests)
            #expect((280...300).contains(Int(page.headers[.retryAfter] ?? "") ?? 0))
            #expect(page.html.contains("Trop de tentatives. Réessayez dans 5 minutes."))
            #expect(page.html.contains(#"value="cible@example.com""#))
            // The API counts in the same bucket.
            let api = try await client.call(.post, "/v1/sessions", json: ["email": "cible@example.com", "password": "x"])
            #expect(api.status == .tooManyRequests)
        }
    }
}

extension HTTPFields {
    /// These fields with `other`'s added.
    func merging(_ other: HTTPFields) -> HTTPFields {
        var all = self
        all.append(contentsOf: other)
        return all
    }
}
