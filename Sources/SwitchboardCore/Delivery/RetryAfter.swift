/// Reads a `Retry-After` header: delay-seconds (`120`) or an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`).
///
/// The header comes from outside, so nothing in it can trap: absurd values are clamped to `maximumWait`, and
/// dates outside the years 1970–9999 or longer than 64 bytes are unreadable.
public enum RetryAfter {
    /// The longest wait a header may ask for: one day (an event's deadline is far shorter anyway).
    public static let maximumWait: Duration = .seconds(86_400)

    /// The wait the header asks for, measured from `nowMillis`; nil when absent or unreadable. Dates in the past
    /// give zero; waits longer than `maximumWait` give `maximumWait`.
    public static func parse(_ value: String?, nowMillis: Int64) -> Duration? {
        guard let value, value.utf8.count <= 64 else { return nil }
        let raw = value.trimmingWhitespace()
        guard !raw.isEmpty else { return nil }
        let limitMillis = maximumWait.milliseconds
        if raw.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            // More digits than fit in an Int64 is still "a very long time".
            guard let seconds = Int64(raw) else { return maximumWait }
            return .seconds(min(seconds, limitMillis / 1000))
        }
        guard let dateMillis = httpDateMillis(raw) else { return nil }
        let (wait, overflow) = dateMillis.subtractingReportingOverflow(nowMillis)
        if overflow { return dateMillis > nowMillis ? maximumWait : .zero }
        return .milliseconds(min(max(0, wait), limitMillis))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) and RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) to epoch milliseconds.
    static func httpDateMillis(_ text: String) -> Int64? {
        var parts = text.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "," }).map(String.init)
        guard parts.count >= 5 else { return nil }
        parts.removeFirst()  // weekday
        guard parts[0].utf8.count <= 2, parts[2].utf8.count <= 4, parts[3].utf8.count <= 8,
              let day = Int(parts[0]),
              let month = months.firstIndex(of: parts[1].lowercased()),
              var year = Int(parts[2])
        else { return nil }
        if year < 100 { year += year < 70 ? 2000 : 1900 }
        let clock = parts[3].split(separator: ":").compactMap { Int($0) }
        guard (1970...9999).contains(year), clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]), (0...60).contains(clock[2])
        else { return nil }
        let days = daysFromCivil(year: year, month: month + 1, day: day)
        let seconds = Int64(days) * 86_400 + Int64(clock[0] * 3600 + clock[1] * 60 + clock[2])
        return seconds * 1000
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
