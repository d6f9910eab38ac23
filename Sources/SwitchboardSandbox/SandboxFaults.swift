import Foundation

/// Faults the sandbox injects into answers of the External Events endpoint, to rehearse PolyAI misbehaving.
///
/// Rates are fractions between 0 and 1 of webhook requests. One seeded draw per request picks at most
/// one fault, in this order of precedence: dropped connection, then `500`, then `429`. The latency is
/// added to every webhook answer (faulted or not). In JSON the fields are named
/// `error_rate`, `throttle_rate`, `retry_after`, `latency_ms` and `drop_rate`; a missing field means
/// "no fault", so `{}` clears every fault.
public struct SandboxFaults: Sendable, Codable, Equatable {
    /// Fraction of webhook requests answered `500`.
    public var errorRate: Double
    /// Fraction of webhook requests answered `429` with a `Retry-After` header.
    public var throttleRate: Double
    /// Seconds announced in `Retry-After` on a throttled answer.
    public var retryAfter: Int
    /// Milliseconds of delay added before every webhook answer.
    public var latencyMilliseconds: Int
    /// Fraction of webhook requests whose connection is closed without any answer.
    public var dropRate: Double

    /// Creates a set of faults; the defaults inject nothing.
    public init(
        errorRate: Double = 0,
        throttleRate: Double = 0,
        retryAfter: Int = 1,
        latencyMilliseconds: Int = 0,
        dropRate: Double = 0
    ) {
        self.errorRate = errorRate
        self.throttleRate = throttleRate
        self.retryAfter = retryAfter
        self.latencyMilliseconds = latencyMilliseconds
        self.dropRate = dropRate
    }

    /// The JSON field names, as used by `PUT /sandbox/faults`.
    enum CodingKeys: String, CodingKey {
        case errorRate = "error_rate"
        case throttleRate = "throttle_rate"
        case retryAfter = "retry_after"
        case latencyMilliseconds = "latency_ms"
        case dropRate = "drop_rate"
    }

    /// Decodes faults; every field is optional and defaults to "no fault".
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = SandboxFaults()
        self.errorRate = try container.decodeIfPresent(Double.self, forKey: .errorRate) ?? defaults.errorRate
        self.throttleRate = try container.decodeIfPresent(Double.self, forKey: .throttleRate) ?? defaults.throttleRate
        self.retryAfter = try container.decodeIfPresent(Int.self, forKey: .retryAfter) ?? defaults.retryAfter
        self.latencyMilliseconds =
            try container.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? defaults.latencyMilliseconds
        self.dropRate = try container.decodeIfPresent(Double.self, forKey: .dropRate) ?? defaults.dropRate
    }

    /// True when no request would be faulted or delayed.
    var isQuiet: Bool {
        errorRate <= 0 && throttleRate <= 0 && dropRate <= 0 && latencyMilliseconds <= 0
    }

    /// The first problem with these values, in the user's words, or nil when they are usable.
    func problem() -> String? {
        for (name, rate) in [("error_rate", errorRate), ("throttle_rate", throttleRate), ("drop_rate", dropRate)] {
            guard rate.isFinite, rate >= 0, rate <= 1 else {
                return "\(name) must be a fraction between 0 and 1, got \(rate)"
            }
        }
        guard retryAfter >= 0 else {
            return "retry_after must be zero or more seconds, got \(retryAfter)"
        }
        guard latencyMilliseconds >= 0, latencyMilliseconds <= SandboxFaults.maximumLatencyMilliseconds else {
            return "latency_ms must be between 0 and \(SandboxFaults.maximumLatencyMilliseconds), got \(latencyMilliseconds)"
        }
        return nil
    }

    /// Longest latency accepted (10 minutes): longer is surely a typo and would hang clients.
    static let maximumLatencyMilliseconds = 600_000
}
