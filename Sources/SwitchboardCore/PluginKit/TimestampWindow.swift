/// Replay protection: a signed timestamp must be within `tolerance` of now, read from an injected clock.
///
/// Tests drive the clock by hand (`ManualClock`) and never sleep.
public struct TimestampWindow: Sendable {
    /// The largest allowed distance between the signed time and now, either way (clock skew counts too).
    public var tolerance: Duration
    /// Where now comes from.
    public var clock: any DeliveryClock

    /// Makes a window.
    public init(tolerance: Duration = PluginKit.defaultTolerance, clock: any DeliveryClock = SystemDeliveryClock()) {
        self.tolerance = tolerance
        self.clock = clock
    }

    /// Reads the optional `tolerance` option (a duration from 1s to 1h; default 5 minutes).
    public static func read(_ options: ConfigReader, clock: any DeliveryClock) -> TimestampWindow? {
        guard let node = options.value("tolerance") else { return TimestampWindow(clock: clock) }
        guard let tolerance = node.duration(options.diagnostics) else { return nil }
        guard tolerance >= .seconds(1), tolerance <= .seconds(3600) else {
            options.diagnostics.error("expected a tolerance from 1s to 1h", at: node)
            return nil
        }
        return TimestampWindow(tolerance: tolerance, clock: clock)
    }

    /// Nil when `signedAtMillis` is inside the window; otherwise the reason to log (never sent to the caller).
    public func rejection(signedAtMillis: Int64) -> String? {
        let now = clock.nowMillis()
        let (distance, overflow) = now.subtractingReportingOverflow(signedAtMillis)
        guard !overflow else { return "signed timestamp is out of range" }
        let limit = tolerance.milliseconds
        if distance > limit {
            return "signed timestamp is \(distance / 1000)s old, more than the \(limit / 1000)s tolerance (replay or clock skew)"
        }
        if distance < -limit {
            return "signed timestamp is \(-distance / 1000)s in the future, more than the \(limit / 1000)s tolerance (clock skew)"
        }
        return nil
    }
}
