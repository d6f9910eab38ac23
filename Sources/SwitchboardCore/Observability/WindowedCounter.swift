import Metrics

/// A Prometheus counter that also counts into the integration's `OutcomeWindow`, so the status page can show the
/// last one and five minutes of what `/metrics` shows in total.
public struct WindowedCounter: Sendable {
    /// The counter `/metrics` exports.
    public let counter: Counter
    private let window: OutcomeWindow
    private let kind: OutcomeWindow.Kind

    /// Counts into `counter` and into `window` as `kind`.
    public init(_ counter: Counter, window: OutcomeWindow, kind: OutcomeWindow.Kind) {
        self.counter = counter
        self.window = window
        self.kind = kind
    }

    /// Counts one event (or `amount`).
    public func increment(by amount: Int = 1) {
        guard amount > 0 else { return }
        counter.increment(by: amount)
        window.record(kind, count: amount)
    }
}
