/// Where Paperwork keeps its data: a SQLite file in the data directory (the default, for one
/// instance) or a PostgreSQL server (several instances sharing one database).
public enum DatabaseLocation: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite database file.
    case sqlite(path: String)
    /// A PostgreSQL server, as a `postgres://` URL.
    case postgres(url: String)

    /// The location a `DATABASE_URL` setting names: empty means SQLite in `dataDirectory`;
    /// `sqlite:PATH` or `sqlite://PATH` names a file; `postgres://` and `postgresql://` a server.
    public init(url: String?, dataDirectory: String) throws(StoreError) {
        let trimmed = (url ?? "").trimmingSpaces
        if trimmed.isEmpty {
            self = .sqlite(path: dataDirectory + "/paperwork.sqlite")
        } else if trimmed.hasPrefix("postgres://") || trimmed.hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
        } else if trimmed.hasPrefix("sqlite://") {
            self = .sqlite(path: String(trimmed.dropFirst("sqlite://".count)))
        } else if trimmed.hasPrefix("sqlite:") {
            self = .sqlite(path: String(trimmed.dropFirst("sqlite:".count)))
        } else {
            throw .unsupportedDatabaseURL(trimmed)
        }
    }

    /// For logs: the file, or the URL without its password.
    public var description: String {
        switch self {
        case let .sqlite(path): "sqlite:\(path)"
        case let .postgres(url): url.redactingPassword
        }
    }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
