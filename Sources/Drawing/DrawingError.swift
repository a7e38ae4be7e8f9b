/// A drawing failure with a stable `code`, so callers and logs can match on the kind of failure
/// without parsing the human-readable message.
public struct DrawingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Machine-matchable reason, e.g. `cairo_failure`, `jpeg_failure`, `invalid_image`, `canvas_finished`.
    public let code: String
    /// What went wrong, for a person reading a log.
    public let message: String

    /// Creates an error; codes are snake_case and never change once shipped.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Shows code and message together so a bare `print(error)` is useful.
    public var description: String { "\(code): \(message)" }
}
