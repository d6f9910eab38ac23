import Metrics
import Synchronization

/// A webhook request refused at the door for breaking one of the listener's limits, before anything is stored.
///
/// Each refusal has a stable reason (the `reason` label of `switchboard_webhook_refusals_total`), the status the
/// caller gets and a one-line explanation for the caller.
struct WebhookRefusal: Sendable, Equatable {
    /// The stable reason code.
    var reason: String
    /// The HTTP status returned.
    var status: Int
    /// One line for the caller.
    var message: String

    static func bodyTooLarge(limit: Int) -> WebhookRefusal {
        WebhookRefusal(reason: "body_too_large", status: 413, message: "body larger than \(limit) bytes")
    }

    static func tooManyHeaders(limit: Int) -> WebhookRefusal {
        WebhookRefusal(reason: "too_many_headers", status: 431, message: "more than \(limit) header fields")
    }

    static func headersTooLarge(limit: Int) -> WebhookRefusal {
        WebhookRefusal(reason: "headers_too_large", status: 431, message: "header fields larger than \(limit) bytes in all")
    }

    static func tooManyQueryParameters(limit: Int) -> WebhookRefusal {
        WebhookRefusal(reason: "too_many_query_params", status: 400, message: "more than \(limit) query parameters")
    }

    static func tooManyFormFields(limit: Int) -> WebhookRefusal {
        WebhookRefusal(reason: "too_many_form_fields", status: 400, message: "more than \(limit) form fields")
    }

    static func tooDeep(limit: Int) -> WebhookRefusal {
        WebhookRefusal(reason: "too_deep", status: 400, message: "body nested deeper than \(limit) levels")
    }

    static let unreadableBody = WebhookRefusal(reason: "unreadable_body", status: 400, message: "the request body could not be read")

    /// Counts this refusal.
    func count() {
        Self.counter(reason).increment()
    }

    private static let counters = Mutex<[String: Counter]>([:])

    /// One counter per reason, made on first use (after the metrics system is bootstrapped).
    private static func counter(_ reason: String) -> Counter {
        counters.withLock { counters in
            if let counter = counters[reason] { return counter }
            let counter = Counter(label: "switchboard_webhook_refusals_total", dimensions: [("reason", reason)])
            counters[reason] = counter
            return counter
        }
    }
}
