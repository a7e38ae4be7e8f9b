import Foundation
import SQLKit
import StoreTestSupport
import Testing
@testable import Store

@Suite("API tokens")
struct TokenRepositoryTests {
    @Test("a token authenticates as its principal; only its digest is stored", arguments: Backend.available)
    func createAndAuthenticate(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        let (token, secret) = try await store.transaction { try await TokenRepository.create(name: "alice", for: .staff(role: .reviewer, tokenName: "alice"), on: $0) }
        #expect(secret.hasPrefix("pw_") && secret.count > 40)
        let authenticated = try await store.withSession { try await TokenRepository.authenticate(secret, on: $0) }
        #expect(authenticated?.0 == .staff(role: .reviewer, tokenName: "alice"))
        #expect(authenticated?.token.id == token.id)
        let stored = try await store.withSession { try await $0.select().column("token_sha256").from("api_tokens").all(decodingColumn: "token_sha256", as: String.self) }
        #expect(stored == [TokenRepository.digest(secret)])
        #expect(!stored.contains(secret))
        await store.close()
    }

    @Test("unknown, malformed and revoked tokens authenticate as nobody", arguments: Backend.available)
    func rejected(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        let principal = Principal.staff(role: .operator, tokenName: "bob")
        let (token, secret) = try await store.transaction { try await TokenRepository.create(name: "bob", for: principal, on: $0) }
        for presented in ["", "pw_", "pw_unknown", "Bearer " + secret, String(secret.dropLast())] {
            #expect(try await store.withSession { try await TokenRepository.authenticate(presented, on: $0) } == nil)
        }
        #expect(try await store.transaction { try await TokenRepository.revoke(token.id, ownedBy: principal, on: $0) })
        #expect(try await store.withSession { try await TokenRepository.authenticate(secret, on: $0) } == nil)
        await store.close()
    }

    @Test("nobody revokes or lists another principal's token", arguments: Backend.available)
    func ownership(_ backend: Backend) async throws {
        let (store, _) = try await backend.freshStore()
        try await store.migrate()
        let alice = Principal.staff(role: .reviewer, tokenName: "alice")
        let carol = Principal.staff(role: .reviewer, tokenName: "carol")
        let (token, secret) = try await store.transaction { try await TokenRepository.create(name: "alice", for: alice, on: $0) }
        #expect(try await store.withSession { try await TokenRepository.list(for: carol, on: $0) }.isEmpty)
        #expect(try await store.transaction { try await TokenRepository.revoke(token.id, ownedBy: carol, on: $0) } == false)
        #expect(try await store.withSession { try await TokenRepository.authenticate(secret, on: $0) } != nil)
        #expect(try await store.withSession { try await TokenRepository.list(for: alice, on: $0) }.map(\.id) == [token.id])
        await store.close()
    }
}
