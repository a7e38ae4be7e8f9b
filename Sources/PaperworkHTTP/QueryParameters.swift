import Foundation
import Hummingbird
import Workflow

/// Query parameters read as the contract types them (`openapi.yaml`): a value it forbids — not
/// a number, out of bounds, not `true`/`false`, not a date-time — is a 400 `invalid_parameter`
/// that names the parameter, never silently replaced by a default or clamped.
struct QueryParameters {
    let parameters: Parameters

    /// The largest `offset` of a listing.
    static let maxOffset = 1_000_000

    init(_ request: Request) {
        parameters = request.uri.queryParameters
    }

    /// The raw text of a parameter, if present.
    func string(_ name: String) -> String? {
        parameters[name[...]].map(String.init)
    }

    /// An integer within `range`, or nil when absent.
    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let raw = string(name) else { return nil }
        guard let value = Int(raw), range.contains(value) else {
            throw Self.invalid(name, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// An integer within `range`, or `defaultValue` when absent.
    func integer(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws -> Int {
        try integer(name, in: range) ?? defaultValue
    }

    /// `true` or `false`, or `defaultValue` when absent.
    func boolean(_ name: String, default defaultValue: Bool) throws -> Bool {
        switch string(name) {
        case nil: defaultValue
        case "true": true
        case "false": false
        default: throw Self.invalid(name, "must be true or false")
        }
    }

    /// An RFC 3339 date-time (`2026-01-31T09:00:00Z`, `…T09:00:00.5+01:00`), or nil when absent.
    func dateTime(_ name: String) throws -> Date? {
        guard let raw = string(name) else { return nil }
        guard let date = InputRules.dateTime(raw) else {
            throw Self.invalid(name, "must be an RFC 3339 date-time such as 2026-01-31T09:00:00Z")
        }
        return date
    }

    /// One of `allowed`, or nil when absent.
    func oneOf(_ name: String, _ allowed: [String]) throws -> String? {
        guard let raw = string(name) else { return nil }
        guard allowed.contains(raw) else { throw Self.invalid(name, "must be one of \(allowed.joined(separator: ", "))") }
        return raw
    }

    static func invalid(_ name: String, _ rule: String) -> APIError {
        APIError(.badRequest, code: "invalid_parameter", detail: "query parameter '\(name)' \(rule)")
    }
}
