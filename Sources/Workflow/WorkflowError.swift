/// An error of the workflow layer: a stable code clients act on, a kind the HTTP layer turns
/// into a status, and a sentence for people. A struct, so codes can be added without breaking
/// callers (the swift-certificates way).
public struct WorkflowError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What sort of failure it is; decides the HTTP status.
    public enum Kind: String, Sendable, Hashable {
        /// The input is malformed or breaks a rule (422).
        case invalid
        /// Unknown, or not the caller's: answered alike (404).
        case notFound
        /// The caller may see the thing but not do this (403).
        case forbidden
        /// The request conflicts with the current state (409).
        case conflict
        /// A link or token that worked once no longer does (410).
        case gone
        /// Wrong credentials (401).
        case unauthenticated
    }

    /// The stable code (`invalid_email`, `last_admin`…).
    public var code: String
    /// The kind.
    public var kind: Kind
    /// A sentence for people: what went wrong and what to do.
    public var message: String

    /// An error with a code, a kind and a sentence.
    public init(_ kind: Kind, code: String, _ message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    /// Unknown or foreign: the same answer for both, so ids reveal nothing.
    public static func notFound(_ what: String) -> WorkflowError {
        WorkflowError(.notFound, code: "not_found", "no such \(what)")
    }

    /// A member lacks a permission.
    public static func permissionDenied(_ permission: String) -> WorkflowError {
        WorkflowError(.forbidden, code: "permission_denied", "this needs the '\(permission)' permission in the company; ask one of its admins")
    }
}
