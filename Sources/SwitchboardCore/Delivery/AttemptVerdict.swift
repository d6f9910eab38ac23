/// What one attempt's answer means for the event (DESIGN §4).
public enum AttemptVerdict: Sendable, Equatable {
    /// Any 2xx: the event is delivered.
    case delivered
    /// Network error, timeout, 408, 425, 429, 5xx: try again, after `retryAfter` when the server said so.
    case retry(retryAfter: Duration?)
    /// 401/403 (the key is wrong, revoked or expired) or a 3xx from something that is not PolyAI: every event of
    /// the integration would fail alike.
    case keyRejected
    /// 400, 404, 410, 413, 415, 422 and other 4xx: dead-letter now.
    case permanent

    /// Classifies a status code (with the `Retry-After` header, honoured on 429 and 503).
    public static func classify(status: Int, retryAfterHeader: String?, nowMillis: Int64) -> AttemptVerdict {
        switch status {
        case 200..<300:
            return .delivered
        case 401, 403:
            return .keyRejected
        case 408, 425, 500..<600, 429:
            let honoured = status == 429 || status == 503
            return .retry(retryAfter: honoured ? RetryAfter.parse(retryAfterHeader, nowMillis: nowMillis) : nil)
        case 300..<400:
            // Redirects are never followed. Something other than PolyAI answered (a proxy, a moved endpoint): like
            // a refused key, every event would fail alike, so events are held by the circuit, not dead-lettered.
            return .keyRejected
        default:
            return .permanent
        }
    }
}
