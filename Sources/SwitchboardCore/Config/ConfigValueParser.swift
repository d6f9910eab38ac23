import Foundation

/// Parses the textual forms the configuration uses: numbers, booleans, durations, sizes, rates and dates.
///
/// Each function returns nil for text it does not accept; callers turn that into an issue.
enum ConfigValueParser {
    /// The longest duration accepted, about 31 years: far beyond any sensible setting, and safe from overflow.
    static let maximumDurationSeconds: Double = 1_000_000_000

    /// A decimal integer with an optional sign and `_` separators: `20`, `-3`, `100_000`.
    static func int(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let first = digits.first, first == "+" || first == "-" {
            negative = first == "-"
            digits = digits.dropFirst()
        }
        guard let first = digits.first, first.isASCII, first.isNumber else { return nil }
        guard digits.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "_" }) else { return nil }
        let cleaned = digits.filter { $0 != "_" }
        guard let magnitude = Int(cleaned) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// A finite decimal number: `2`, `1.5`, `-0.25`, `1e3`.
    static func double(_ text: String) -> Double? {
        var index = text.startIndex
        func skipDigits() -> Int {
            var count = 0
            while index < text.endIndex, text[index].isASCII, text[index].isNumber {
                index = text.index(after: index)
                count += 1
            }
            return count
        }
        if index < text.endIndex, text[index] == "+" || text[index] == "-" {
            index = text.index(after: index)
        }
        var mantissaDigits = skipDigits()
        if index < text.endIndex, text[index] == "." {
            index = text.index(after: index)
            mantissaDigits += skipDigits()
        }
        guard mantissaDigits > 0 else { return nil }
        if index < text.endIndex, text[index] == "e" || text[index] == "E" {
            index = text.index(after: index)
            if index < text.endIndex, text[index] == "+" || text[index] == "-" {
                index = text.index(after: index)
            }
            guard skipDigits() > 0 else { return nil }
        }
        guard index == text.endIndex, let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// `true` or `false` (also capitalised or upper case), as YAML 1.2 spells booleans.
    static func bool(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    /// Whether a plain (unquoted) scalar means "nothing".
    static func isNull(_ text: String) -> Bool {
        switch text {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }

    /// A number of milliseconds, seconds, minutes, hours or days: `250ms`, `10s`, `1.5s`, `55m`, `1h`, `14d`.
    ///
    /// Nil for other text and for anything longer than `maximumDurationSeconds` (see `isTooLongDuration`).
    static func duration(_ text: String) -> Duration? {
        guard let seconds = durationSeconds(text), seconds.isFinite, seconds <= maximumDurationSeconds else { return nil }
        // At most 10^18 nanoseconds here, well inside Int64.
        return .nanoseconds(Int64((seconds * 1_000_000_000).rounded()))
    }

    /// Whether the text is written as a duration but is longer than any accepted one (`99999999999d`).
    static func isTooLongDuration(_ text: String) -> Bool {
        guard let seconds = durationSeconds(text) else { return false }
        return !seconds.isFinite || seconds > maximumDurationSeconds
    }

    /// The seconds a duration text stands for, in floating point so no size of number can trap; nil when the
    /// text is not a duration at all.
    private static func durationSeconds(_ text: String) -> Double? {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = String(text.dropLast(unit.suffix.count))
            guard isUnsignedDecimal(number), let value = Double(number) else { return nil }
            return value * unit.seconds
        }
        return nil
    }

    /// A byte count, plain or with a unit: `1048576`, `64KB`, `512KiB`, `1MiB`, `2GB`.
    static func byteSize(_ text: String) -> Int? {
        let units: [(suffix: String, factor: Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
            ("KB", 1_000), ("kB", 1_000), ("MB", 1_000_000), ("GB", 1_000_000_000),
            ("B", 1),
        ]
        var number = text
        var factor = 1
        for unit in units where text.hasSuffix(unit.suffix) {
            number = String(text.dropLast(unit.suffix.count))
            factor = unit.factor
            break
        }
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int(number) else {
            return nil
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: factor)
        return overflow ? nil : bytes
    }

    /// A count per second, minute or hour: `200/s`, `1000/m`, `10/h`.
    static func rate(_ text: String) -> Rate? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              let count = Int(parts[0]), count > 0
        else { return nil }
        switch parts[1] {
        case "s": return Rate(count: count, per: .seconds(1))
        case "m": return Rate(count: count, per: .seconds(60))
        case "h": return Rate(count: count, per: .seconds(3600))
        default: return nil
        }
    }

    /// A calendar date `2027-03-01`, read as the end of that day in UTC (the first instant of the next day),
    /// or an ISO 8601 date and time with a time zone, `2027-03-01T12:00:00Z`, read as that instant.
    static func expiryDate(_ text: String) -> Date? {
        if let day = calendarDay(text) {
            return day.addingTimeInterval(86_400)
        }
        guard text.count > 10, text.contains("T") || text.contains("t") else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text.uppercased()) {
            return date
        }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text.uppercased())
    }

    /// The start (00:00 UTC) of a `YYYY-MM-DD` day, nil for text that is not a real date.
    static func calendarDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
    }

    private static func isUnsignedDecimal(_ text: String) -> Bool {
        let pieces = text.split(separator: ".", omittingEmptySubsequences: false)
        guard pieces.count == 1 || pieces.count == 2 else { return false }
        return pieces.allSatisfy { piece in
            !piece.isEmpty && piece.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2:
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            return leap ? 29 : 28
        case 4, 6, 9, 11:
            return 30
        default:
            return 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's civil-days algorithm).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let shiftedMonth = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
