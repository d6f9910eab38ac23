import SwitchboardCore

/// The time a caller signs along with its request, read from a header, and how far from now it may be (replay
/// protection against an injected clock).
///
/// ```yaml
/// timestamp: { header: X-Timestamp, tolerance: 5m, format: unix }   # unix | unix_ms | rfc3339
/// ```
public struct SignedTimestamp: Sendable {
    /// How the header writes the time.
    public enum Format: String, Sendable, CaseIterable {
        /// Whole seconds since 1970: `1800000000`.
        case unix
        /// Milliseconds since 1970: `1800000000000`.
        case unixMillis = "unix_ms"
        /// An RFC 3339 date and time: `2027-01-15T08:00:00Z`.
        case rfc3339

        /// The time in milliseconds since 1970; nil when the text is not written this way.
        public func millis(_ text: String) -> Int64? {
            switch self {
            case .unix: Timestamps.unixSeconds(text)
            case .unixMillis: Timestamps.unixMillis(text)
            case .rfc3339: Timestamps.iso8601(text)
            }
        }

        /// What a time of this format looks like, for log reasons.
        var example: String {
            switch self {
            case .unix: "a time in seconds since 1970"
            case .unixMillis: "a time in milliseconds since 1970"
            case .rfc3339: "an RFC 3339 date and time"
            }
        }
    }

    /// The header holding the time.
    public var header: String
    /// How the time is written.
    public var format: Format
    /// How far from now the time may be.
    public var window: TimestampWindow

    /// Makes a timestamp check.
    public init(header: String, format: Format = .unix, window: TimestampWindow = TimestampWindow()) {
        self.header = header
        self.format = format
        self.window = window
    }

    /// The header's text and its time, or the reason to refuse the request (logged, never sent).
    func read(from event: InboundEvent) -> Result<(text: String, millis: Int64), Refusal> {
        guard let text = event.headers.first(named: header) else { return .failure(Refusal("missing \(header) header")) }
        let trimmed = text.trimmingSpaces()
        guard let millis = format.millis(trimmed) else { return .failure(Refusal("\(header) is not \(format.example)")) }
        return .success((trimmed, millis))
    }

    /// Reads `{ header, tolerance, format }`.
    static func read(_ reader: ConfigReader, clock: any DeliveryClock) -> SignedTimestamp? {
        let errorsBefore = reader.diagnostics.errorCount
        let header = MappingVerification.headerName(reader, "header")
        let window = TimestampWindow.read(reader, clock: clock)
        let format = reader.oneOf("format", Format.allCases.map(\.rawValue)).flatMap(Format.init(rawValue:)) ?? .unix
        reader.finish()
        guard reader.diagnostics.errorCount == errorsBefore, let header, let window else { return nil }
        return SignedTimestamp(header: header, format: format, window: window)
    }
}
