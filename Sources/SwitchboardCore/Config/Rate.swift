/// A rate such as `200/s`: at most `count` events in each `per` interval.
public struct Rate: Sendable, Hashable, CustomStringConvertible {
    /// How many events.
    public var count: Int
    /// In how long.
    public var per: Duration

    /// Creates a rate.
    public init(count: Int, per: Duration) {
        self.count = count
        self.per = per
    }

    /// The rate in the form it is written, such as `200/s`.
    public var description: String {
        switch per {
        case .seconds(1): return "\(count)/s"
        case .seconds(60): return "\(count)/m"
        case .seconds(3600): return "\(count)/h"
        default: return "\(count)/\(per)"
        }
    }
}
