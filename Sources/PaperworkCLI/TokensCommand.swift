public import ArgumentParser
import Composition
import Foundation
import Logging
import Store

/// `paperwork tokens`: staff API tokens, made against the same data directory or database
/// as the server (which may be running).
public struct TokensCommand: AsyncParsableCommand {
    /// How the command appears in `paperwork --help`.
    public static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke staff API tokens.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    /// Required by ArgumentParser.
    public init() {}

    /// The member of staff a token is for: a role and a name.
    struct StaffMember: ParsableArguments {
        @Option(help: "reviewer or operator.")
        var role: String

        @Option(help: "The staff member the token is for.")
        var name: String

        func validate() throws {
            guard StaffRole(rawValue: role) != nil else { throw ValidationError("--role must be reviewer or operator") }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else { throw ValidationError("--name must be 1 to 100 characters") }
        }

        /// Valid after `validate()`.
        var principal: Principal { .staff(role: StaffRole(rawValue: role) ?? .reviewer, tokenName: name) }
    }

    /// Where the data is, opened quietly (warnings only).
    struct StoreOptions: ParsableArguments {
        @OptionGroup var data: DataOptions

        func openStore() async throws -> Store {
            var logger = Logger(label: "paperwork.tokens")
            logger.logLevel = .warning
            return try await Wiring(settings: try await data.settings(), logger: logger).openStore()
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a staff token and print it (it is shown only once).")

        @OptionGroup var staff: StaffMember
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let store = try await storeOptions.openStore()
            let principal = staff.principal
            let name = staff.name
            let (token, secret) = try await store.transaction { try await TokenRepository.create(name: name, for: principal, on: $0) }
            await store.close()
            print(secret)
            FileHandle.standardError.write(Data("token \(token.id) for \(staff.role) \(name); use it as 'Authorization: Bearer \(secret.prefix(6))…'\n".utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the staff tokens of a member of staff.")

        @OptionGroup var staff: StaffMember
        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let store = try await storeOptions.openStore()
            let principal = staff.principal
            let tokens = try await store.withSession { try await TokenRepository.list(for: principal, on: $0) }
            await store.close()
            for token in tokens {
                print("\(token.id)  \(token.createdAt)  \(token.revokedAt.map { "revoked \($0)" } ?? "active")")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a staff token.")

        @OptionGroup var staff: StaffMember

        @Argument(help: "The token's id (from 'tokens list').")
        var id: String

        @OptionGroup var storeOptions: StoreOptions

        func run() async throws {
            let store = try await storeOptions.openStore()
            let principal = staff.principal, id = self.id
            let revoked = try await store.transaction { try await TokenRepository.revoke(id, ownedBy: principal, on: $0) }
            await store.close()
            guard revoked else { throw ValidationError("no such token") }
        }
    }
}
