import Foundation

/// The time source of delivery: deadlines, backoff and rate limits read it, so tests can drive time by hand.
public protocol DeliveryClock: Sendable {
    /// Wall-clock time in milliseconds since 1970.
    func nowMillis() -> Int64
    /// Suspends for `duration` of this clock's time; throws when the task is cancelled.
    func sleep(for duration: Duration) async throws
}

/// The real clock.
public struct SystemDeliveryClock: DeliveryClock {
    /// Makes the real clock.
    public init() {}

    public func nowMillis() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded())
    }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

extension Duration {
    /// Whole milliseconds (rounded down; saturating, so no duration can trap).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, sumOverflow) = product.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return sumOverflow ? (product < 0 ? .min : .max) : sum
    }

    /// Whole nanoseconds (saturating).
    public var nanosecondsCount: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }

    /// The duration in seconds as a Double.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
