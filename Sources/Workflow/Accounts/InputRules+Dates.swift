public import Foundation

extension InputRules {
    /// An RFC 3339 `full-date` (`2026-01-31`), as midnight UTC; nil for anything else,
    /// including days a month does not have. JSON Schema's `format: date`.
    public static func date(_ text: String) -> Date? {
        var scanner = DateScanner(text)
        guard let midnight = scanner.fullDate(), scanner.atEnd else { return nil }
        return midnight
    }

    /// An RFC 3339 `date-time` (`2026-01-31T09:00:00Z`, `2026-01-31t09:00:00.5+01:00`); nil
    /// for anything else. JSON Schema's `format: date-time`, checked as strictly as the
    /// contract states it (Foundation's ISO 8601 parser takes 31 February, `24:00` and offsets
    /// without a colon). A leap second (`:60`) reads as the next second.
    public static func dateTime(_ text: String) -> Date? {
        var scanner = DateScanner(text)
        guard let midnight = scanner.fullDate(), scanner.take(["T", "t"]),
              let hour = scanner.number(2), hour < 24, scanner.take([":"]),
              let minute = scanner.number(2), minute < 60, scanner.take([":"]),
              let second = scanner.number(2), second <= 60
        else { return nil }
        var fraction = 0.0
        if scanner.take(["."]) {
            guard let digits = scanner.digits(), let value = Double("0." + digits) else { return nil }
            fraction = value
        }
        var offset = 0
        if scanner.take(["Z", "z"]) {
            offset = 0
        } else if let sign = scanner.next(["+", "-"]), let hours = scanner.number(2), hours < 24, scanner.take([":"]), let minutes = scanner.number(2), minutes < 60 {
            offset = (hours * 60 + minutes) * 60 * (sign == "-" ? -1 : 1)
        } else {
            return nil
        }
        guard scanner.atEnd else { return nil }
        return midnight.addingTimeInterval(Double(hour * 3600 + minute * 60 + second - offset) + fraction)
    }
}

/// Reads ASCII date fields left to right.
private struct DateScanner {
    let characters: [Character]
    var index = 0

    init(_ text: String) {
        characters = Array(text)
    }

    var atEnd: Bool { index == characters.count }

    /// The next character if it is one of `allowed`.
    mutating func next(_ allowed: Set<Character>) -> Character? {
        guard index < characters.count, allowed.contains(characters[index]) else { return nil }
        index += 1
        return characters[index - 1]
    }

    mutating func take(_ allowed: Set<Character>) -> Bool {
        next(allowed) != nil
    }

    /// One or more ASCII digits.
    mutating func digits() -> String? {
        let start = index
        while index < characters.count, characters[index].isASCII, characters[index].isWholeNumber { index += 1 }
        return index > start ? String(characters[start..<index]) : nil
    }

    /// Exactly `count` ASCII digits.
    mutating func number(_ count: Int) -> Int? {
        guard index + count <= characters.count, characters[index..<index + count].allSatisfy({ $0.isASCII && $0.isWholeNumber }) else { return nil }
        defer { index += count }
        return Int(String(characters[index..<index + count]))
    }

    /// `YYYY-MM-DD` of a day that exists, as midnight UTC.
    mutating func fullDate() -> Date? {
        guard let year = number(4), take(["-"]), let month = number(2), take(["-"]), let day = number(2), (1...12).contains(month), day >= 1 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let first = calendar.date(from: DateComponents(year: year, month: month, day: 1)),
              let days = calendar.range(of: .day, in: .month, for: first), days.contains(day)
        else { return nil }
        return first.addingTimeInterval(Double(day - 1) * 86400)
    }
}
