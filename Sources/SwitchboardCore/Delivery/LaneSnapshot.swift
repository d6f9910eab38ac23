/// How one integration's lanes stand right now, for the status page.
public struct LaneSnapshot: Sendable, Equatable {
    /// The last failed attempt that counts against the circuit (a retriable error or a refused key).
    public struct Failure: Sendable, Equatable {
        /// The HTTP status, or nil when no response came (network error, timeout).
        public var status: Int?
        /// PolyAI's `error_message`, or the network error.
        public var errorMessage: String?
        /// The `Retry-After` PolyAI asked for, when it asked.
        public var retryAfter: Duration?
        /// When it happened, in the lanes' clock (milliseconds since 1970).
        public var atMillis: Int64

        /// Makes a failure record.
        public init(status: Int?, errorMessage: String?, retryAfter: Duration?, atMillis: Int64) {
            self.status = status
            self.errorMessage = errorMessage
            self.retryAfter = retryAfter
            self.atMillis = atMillis
        }
    }

    /// Events accepted and still without an outcome.
    public var backlog: Int
    /// Attempts under way.
    public var inFlight: Int
    /// `closed`, `open` or `probing`.
    public var circuit: String
    /// When the next probe may go, while the circuit is open (milliseconds since 1970, the lanes' clock).
    public var nextProbeAtMillis: Int64?
    /// The last failure, if any attempt failed since the start.
    public var lastFailure: Failure?
}
