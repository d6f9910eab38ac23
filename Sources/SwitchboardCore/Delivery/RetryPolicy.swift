/// How one integration retries: exponential backoff with full jitter, a cap, an attempt limit and a deadline.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts allowed in all (the first one included).
    public var maxAttempts: Int
    /// The backoff before the second attempt, before jitter.
    public var base: Duration
    /// How much the backoff grows per attempt.
    public var factor: Double
    /// The largest backoff.
    public var cap: Duration
    /// Time from first sight after which the event is dead-lettered `expired`.
    public var deadline: Duration

    /// Makes a policy.
    public init(maxAttempts: Int = 20, base: Duration = .milliseconds(100), factor: Double = 2, cap: Duration = .seconds(30), deadline: Duration = .seconds(55 * 60)) {
        self.maxAttempts = maxAttempts
        self.base = base
        self.factor = factor
        self.cap = cap
        self.deadline = deadline
    }

    /// The upper bound of the wait after `attempt` failed attempts (1-based): min(cap, base × factor^(attempt-1)).
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        let exponent = Double(max(0, attempt - 1))
        let millis = Double(base.milliseconds) * pow(factor, exponent)
        let capped = min(millis, Double(cap.milliseconds))
        return .milliseconds(Int64(capped))
    }

    /// The wait after `attempt` failed attempts: uniformly random in [0, ceiling] ("full jitter").
    public func backoff(afterAttempt attempt: Int, using random: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterAttempt: attempt).milliseconds
        guard ceiling > 0 else { return .zero }
        return .milliseconds(Int64.random(in: 0...ceiling, using: &random))
    }
}

/// x to the power y, without Foundation.
private func pow(_ x: Double, _ y: Double) -> Double {
    var result = 1.0
    var remaining = Int(y)
    var base = x
    while remaining > 0 {
        if remaining & 1 == 1 { result *= base }
        base *= base
        remaining >>= 1
        if result.isInfinite { return result }
    }
    return result
}
