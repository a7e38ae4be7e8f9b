import Foundation
import Hummingbird

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
        guard let date = Self.rfc3339(raw) else {
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

    /// RFC 3339 §5.6 `date-time`: `T` or `t` between date and time, optional fractional
    /// seconds, `Z`, `z` or a numeric offset. Calendar fields are checked (no 31 February).
    static func rfc3339(_ text: String) -> Date? {
        let scalars = Array(text.unicodeScalars)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= scalars.count else { return nil }
            var value = 0
            for scalar in scalars[from..<from + count] {
                guard scalar.properties.numericType == .decimal, scalar.isASCII, let digit = Int(String(scalar)) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        func at(_ index: Int, _ expected: Set<Character>) -> Bool {
            index < scalars.count && expected.contains(Character(scalars[index]))
        }
        guard let year = digits(0, 4), at(4, ["-"]), let month = digits(5, 2), at(7, ["-"]), let day = digits(8, 2), at(10, ["T", "t"]),
              let hour = digits(11, 2), at(13, [":"]), let minute = digits(14, 2), at(16, [":"]), let second = digits(17, 2)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if at(index, ["."]) {
            let start = index + 1
            index = start
            while index < scalars.count, scalars[index].isASCII, scalars[index].properties.numericType == .decimal { index += 1 }
            guard index > start, let value = Double("0." + String(String.UnicodeScalarView(scalars[start..<index]))) else { return nil }
            fraction = value
        }
        var offset = 0
        if at(index, ["Z", "z"]), index + 1 == scalars.count {
            offset = 0
        } else if at(index, ["+", "-"]), index + 6 == scalars.count, let hours = digits(index + 1, 2), at(index + 3, [":"]), let minutes = digits(index + 4, 2),
                  hours < 24, minutes < 60 {
            offset = (hours * 60 + minutes) * 60 * (scalars[index] == "-" ? -1 : 1)
        } else {
            return nil
        }
        // RFC 3339 allows a leap second (60); it is read as the next second.
        guard (1...12).contains(month), hour < 24, minute < 60, second <= 60 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: 1)
        guard let firstOfMonth = calendar.date(from: components), let days = calendar.range(of: .day, in: .month, for: firstOfMonth), days.contains(day) else { return nil }
        let midnight = firstOfMonth.addingTimeInterval(Double(day - 1) * 86400)
        return midnight.addingTimeInterval(Double(hour * 3600 + minute * 60 + second) + fraction - Double(offset))
    }
}
