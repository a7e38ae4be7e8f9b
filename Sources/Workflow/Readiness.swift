public import Store

/// Whether this instance can serve, for `/health`: load balancers take an instance whose
/// database does not answer out of rotation.
public struct Readiness: Sendable {
    let store: Store

    /// Readiness of a service over `store`.
    public init(store: Store) {
        self.store = store
    }

    /// Whether the database answers a trivial query.
    public func databaseAnswers() async -> Bool {
        (try? await store.ping()) != nil
    }
}
