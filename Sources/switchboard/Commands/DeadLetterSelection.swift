import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardStore

/// `--integration`, `--reason`, `--since`: which dead letters `dlq list`, `dlq replay --all` and `dlq purge` take.
struct DeadLetterSelection: ParsableArguments {
    @Option(help: "Only this integration's dead letters.")
    var integration: String?

    @Option(help: "Only dead letters with this reason (rejected, expired, max_attempts, unauthorized, no_event_id, bad_payload, ...).")
    var reason: String?

    @Option(help: ArgumentHelp(
        "Only dead letters dead-lettered since then: a duration back from now (30m, 2h, 7d) or an ISO 8601 time (2026-01-31T08:00:00Z, 2026-01-31).",
        valueName: "time"
    ))
    var since: String?

    /// Whether any of the options was given.
    var isGiven: Bool { integration != nil || reason != nil || since != nil }

    /// The store filter; a `--since` that is neither a duration nor a time is an error on standard error, exit 1.
    func filter(nowMillis: Int64 = Journal.systemNowMillis()) throws -> DeadLetterFilter {
        var sinceMillis: Int64?
        if let since {
            guard let millis = Self.millis(since: since, nowMillis: nowMillis) else {
                var stderr = StandardError()
                stderr.write("switchboard dlq: --since \(TextEscaping.printable(since)): expected a duration back from now (30m, 2h, 7d) or an ISO 8601 time (2026-01-31T08:00:00Z)\n")
                throw ExitCode(1)
            }
            sinceMillis = millis
        }
        return DeadLetterFilter(integration: integration, reason: reason, sinceMillis: sinceMillis)
    }

    /// `integration=payments reason=rejected since=2026-01-31T08:00:00Z`, for messages.
    func describe(_ filter: DeadLetterFilter) -> String {
        var parts: [String] = []
        if let integration = filter.integration { parts.append("integration=\(integration)") }
        if let reason = filter.reason { parts.append("reason=\(reason)") }
        if let since = filter.sinceMillis { parts.append("since=\(DeadLetterText.time(since))") }
        return TextEscaping.printable(parts.joined(separator: " "))
    }

    /// Milliseconds since 1970 of `text`: `90s`, `30m`, `2h`, `7d` back from `nowMillis`, or an ISO 8601 date and
    /// time (with a zone) or a calendar day (its start, UTC). Nil for anything else; never traps.
    static func millis(since text: String, nowMillis: Int64) -> Int64? {
        let units: [(suffix: Character, millis: Int64)] = [("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000)]
        if let last = text.last, let unit = units.first(where: { $0.suffix == last }) {
            let digits = text.dropLast()
            if !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let count = Int64(digits) {
                // At most 10^9 days: far inside Int64 milliseconds.
                return nowMillis - count * unit.millis
            }
        }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) {
                return Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
            }
        }
        return nil
    }
}

