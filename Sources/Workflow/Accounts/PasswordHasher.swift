import HummingbirdBcrypt
import NIOPosix

/// bcrypt password hashes, computed off the event loops: a hash at cost 12 takes a quarter of
/// a second of CPU, which would stall every request on that loop.
public struct PasswordHasher: Sendable {
    /// bcrypt's cost (log2 of the rounds): 12 in production; tests lower it to stay fast.
    public var cost: UInt8

    /// A hasher at a cost between 4 and 31.
    public init(cost: UInt8 = 12) {
        self.cost = min(max(cost, 4), 31)
    }

    /// The hash to store for a new password.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether a password matches a stored hash. With no hash (unknown account) it still does
    /// the same work, so response times do not reveal which addresses have accounts.
    public func verify(_ password: String, against hash: String?) async throws -> Bool {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive {
            guard let hash else {
                _ = Bcrypt.hash(password, cost: cost)
                return false
            }
            return Bcrypt.verify(password, hash: hash)
        }
    }
}
