import Metrics
import Synchronization

/// The metric objects of one integration, created once (labels are bounded: integration, reason, status class).
public struct IntegrationMetrics: Sendable {
    /// Events received from sources.
    public let received: WindowedCounter
    /// Events PolyAI accepted.
    public let delivered: WindowedCounter
    /// Received, delivered and dead-lettered in the last minutes (the status page).
    public let window: OutcomeWindow
    /// Attempts that will be retried.
    public let retried: Counter
    /// Webhook requests refused by the integration's verification (bad signature and the like).
    public let webhookRejections: Counter
    /// Provider re-sends recognised by their delivery id and not posted again.
    public let duplicates: Counter
    /// Requests answered 401 or 403.
    public let keyRejections: Counter
    /// Attempts under way.
    public let inFlight: Meter
    /// Events waiting in lanes.
    public let backlog: Gauge
    /// Time of a successful attempt.
    public let latency: Timer
    /// 1 while the integration's circuit is open (a refused key or a run of failures), else 0.
    public let circuitOpen: Gauge
    /// Wall-clock time (seconds since 1970) of the last delivery PolyAI accepted with this integration's key.
    public let lastSuccess: Gauge
    /// Seconds until the integration's key expires (negative once expired).
    public let keyExpirySeconds: Gauge
    private let deadLetters: [String: WindowedCounter]
    private let otherDeadLetters: WindowedCounter
    private let statusClasses: [Counter]
    private let integration: String

    private static let cache = Mutex<[String: IntegrationMetrics]>([:])

    /// The metrics of `integration`, made on first use and shared after.
    public static func named(_ integration: String) -> IntegrationMetrics {
        cache.withLock { cache in
            if let metrics = cache[integration] { return metrics }
            let metrics = IntegrationMetrics(integration: integration)
            cache[integration] = metrics
            return metrics
        }
    }

    private init(integration: String) {
        self.integration = integration
        let dimensions = [("integration", integration)]
        let window = OutcomeWindow()
        self.window = window
        received = WindowedCounter(Counter(label: "switchboard_events_received_total", dimensions: dimensions), window: window, kind: .received)
        delivered = WindowedCounter(Counter(label: "switchboard_events_delivered_total", dimensions: dimensions), window: window, kind: .delivered)
        retried = Counter(label: "switchboard_delivery_retries_total", dimensions: dimensions)
        keyRejections = Counter(label: "switchboard_key_rejections_total", dimensions: dimensions)
        webhookRejections = Counter(label: "switchboard_webhook_rejections_total", dimensions: dimensions)
        duplicates = Counter(label: "switchboard_webhook_duplicates_total", dimensions: dimensions)
        inFlight = Meter(label: "switchboard_deliveries_in_flight", dimensions: dimensions)
        backlog = Gauge(label: "switchboard_lane_backlog", dimensions: dimensions)
        latency = Timer(label: "switchboard_delivery_latency_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        circuitOpen = Gauge(label: "switchboard_circuit_open", dimensions: dimensions)
        lastSuccess = Gauge(label: "switchboard_key_last_success_timestamp_seconds", dimensions: dimensions)
        keyExpirySeconds = Gauge(label: "switchboard_key_expiry_seconds", dimensions: dimensions)
        var deadLetters: [String: WindowedCounter] = [:]
        for reason in DeadLetterReason.allCases {
            deadLetters[reason.rawValue] = WindowedCounter(
                Counter(label: "switchboard_events_dead_lettered_total", dimensions: dimensions + [("reason", reason.rawValue)]),
                window: window, kind: .deadLettered(reason.rawValue)
            )
        }
        self.deadLetters = deadLetters
        otherDeadLetters = WindowedCounter(
            Counter(label: "switchboard_events_dead_lettered_total", dimensions: dimensions + [("reason", "other")]),
            window: window, kind: .deadLettered("other")
        )
        statusClasses = ["network", "1xx", "2xx", "3xx", "4xx", "5xx"].map {
            Counter(label: "switchboard_responses_total", dimensions: dimensions + [("status_class", $0)])
        }
    }

    /// The dead-letter counter of `reason` (reasons outside the known set count as `other`).
    public func deadLettered(reason: String) -> WindowedCounter {
        deadLetters[reason] ?? otherDeadLetters
    }

    /// The response counter of a status class (0 = no response).
    public func responses(statusClass: Int) -> Counter {
        statusClasses[min(max(statusClass, 0), 5)]
    }
}
