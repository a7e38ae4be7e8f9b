import HummingbirdBcrypt
import NIOPosix
import Store

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
        let input = Self.bcryptInput(password)
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(input, cost: cost) }
    }

    /// What bcrypt is given for a password. bcrypt reads 72 bytes and ignores the rest, so a
    /// longer password (72 characters may take up to 288 bytes in UTF-8) is given as its SHA-256
    /// instead: two passwords that share their first 72 bytes never share a hash. Passwords of
    /// 72 bytes or fewer are given as they are, so every hash stored before still verifies.
    static func bcryptInput(_ password: String) -> String {
        password.utf8.count <= 72 ? password : "sha256:" + blobAddress(of: Array(password.utf8))
    }

    /// Whether a password matches a stored hash. With no hash (unknown account) it still does
    /// the same work, so response times do not reveal which addresses have accounts.
    public func verify(_ password: String, against hash: String?) async throws -> Bool {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive {
            let input = Self.bcryptInput(password)
            guard let hash else {
                _ = Bcrypt.hash(input, cost: cost)
                return false
            }
            return Bcrypt.verify(input, hash: hash)
        }
    }
}
