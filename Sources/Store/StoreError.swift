/// An error of the storage layer, with a stable code; the HTTP layer maps codes to statuses.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The stable code.
    public var code: String
    /// A sentence for operators.
    public var message: String

    /// Wraps a code and a sentence.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// The database URL is neither a SQLite path nor a `postgres://` URL.
    public static func unsupportedDatabaseURL(_ url: String) -> StoreError {
        StoreError(code: "unsupported_database_url", message: "unsupported database URL \(url.redactingPassword); use postgres://user:password@host:port/database or leave it empty for SQLite")
    }

    /// A stored file's bytes do not hash to its address: the disk or the database changed under us.
    public static func blobCorrupted(_ sha256: String) -> StoreError {
        StoreError(code: "blob_corrupted", message: "stored file \(sha256) does not match its digest")
    }

    /// The database was written by a newer Paperwork whose migrations this one does not know.
    public static func schemaTooNew(_ version: Int, known: Int) -> StoreError {
        StoreError(code: "schema_too_new", message: "the database is at schema version \(version) but this build knows only up to \(known); upgrade Paperwork")
    }

    public var description: String { "\(code): \(message)" }
}

extension String {
    /// The URL with any password replaced by `***`, for logs and errors.
    var redactingPassword: String {
        guard let scheme = range(of: "://"), let at = self[scheme.upperBound...].firstIndex(of: "@") else { return self }
        let credentials = self[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return self }
        return String(self[..<colon]) + ":***" + String(self[at...])
    }
}
