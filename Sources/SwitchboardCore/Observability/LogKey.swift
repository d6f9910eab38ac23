/// Metadata keys of every log line, in one place so logs stay greppable.
public enum LogKey {
    /// The integration's name.
    public static let integration = "switchboard.integration"
    /// The route's name.
    public static let route = "switchboard.route"
    /// The ordering key (external event id by default).
    public static let orderingKey = "switchboard.ordering_key"
    /// `delivered` or the dead-letter reason.
    public static let outcome = "switchboard.outcome"
    /// Attempts made.
    public static let attempts = "switchboard.attempts"
    /// The last HTTP status.
    public static let status = "http.status"
    /// PolyAI's `error_message`.
    public static let errorMessage = "polyai.error_message"
    /// `X-PolyAI-Correlation-Id`.
    public static let correlationID = "polyai.correlation_id"
    /// Backoff before the next attempt.
    public static let waitMilliseconds = "switchboard.wait_ms"
    /// A journal entry id.
    public static let journalEntry = "switchboard.journal_entry"
    /// A webhook path.
    public static let path = "http.path"
    /// An error description.
    public static let error = "error"
    /// Why a request was refused at the door (`too_many_headers`, …).
    public static let reason = "switchboard.reason"
    /// The W3C trace id of the event (`traceparent`).
    public static let traceID = "trace_id"
    /// A listening address.
    public static let address = "net.address"
}
