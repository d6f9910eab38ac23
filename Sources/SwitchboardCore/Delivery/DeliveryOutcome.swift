/// Why an event was dead-lettered.
public enum DeadLetterReason: String, Sendable, CaseIterable {
    /// PolyAI refused it for good (400, 404, 410, 413, 415, 422).
    case rejected
    /// Its delivery deadline passed (the external event id lives one hour).
    case expired
    /// Every allowed attempt failed with a retriable error.
    case maxAttempts = "max_attempts"
    /// The key was refused (401/403) until the deadline.
    case unauthorized
    /// The inbound event carried no external event id.
    case noEventID = "no_event_id"
    /// The inbound body could not be read as the integration expects.
    case badPayload = "bad_payload"
    /// A WebAssembly plugin failed on the event: out of fuel, a trap, unreadable output or a bad pointer.
    case pluginError = "plugin_error"
}

/// The end of one event's journey: every event gets exactly one.
public enum DeliveryOutcome: Sendable, Equatable {
    /// PolyAI accepted it.
    case delivered(Attempt)
    /// It will never be delivered; the dead letter keeps why.
    case deadLettered(reason: String, last: Attempt?)

    /// The last answer (or its absence) of one delivery attempt.
    public struct Attempt: Sendable, Equatable {
        /// How many attempts were made in all.
        public var attempts: Int
        /// The last HTTP status, when a response arrived.
        public var status: Int?
        /// PolyAI's `error_message`, or the network error.
        public var errorMessage: String?
        /// `X-PolyAI-Correlation-Id` of the last response.
        public var correlationID: String?

        /// Makes an attempt record.
        public init(attempts: Int, status: Int?, errorMessage: String?, correlationID: String?) {
            self.attempts = attempts
            self.status = status
            self.errorMessage = errorMessage
            self.correlationID = correlationID
        }
    }

    /// `delivered` or the dead-letter reason, for logs and metrics.
    public var label: String {
        switch self {
        case .delivered: "delivered"
        case .deadLettered(let reason, _): reason
        }
    }
}
