import Foundation
import Synchronization

/// What one integration received, delivered and dead-lettered (by reason) in the last minute and the last five
/// minutes, for the status page.
///
/// A ring of one-second buckets covering five minutes, allocated once: recording an outcome takes the lock, finds
/// the bucket of the current second (clearing it when it still holds a second five minutes old) and adds one. No
/// allocation per event. Reading sums the buckets younger than the window.
public final class OutcomeWindow: Sendable {
    /// What is counted.
    public enum Kind: Sendable, Equatable {
        /// An event came from a source (webhook or Kafka message).
        case received
        /// PolyAI accepted an event.
        case delivered
        /// An event was dead-lettered with this reason.
        case deadLettered(String)
    }

    /// Counts over one window.
    public struct Counts: Sendable, Equatable {
        /// Events received.
        public var received = 0
        /// Events delivered.
        public var delivered = 0
        /// Events dead-lettered, by reason (only reasons with at least one).
        public var deadLettered: [String: Int] = [:]

        /// Every dead-lettered event, whatever the reason.
        public var deadLetteredTotal: Int { deadLettered.values.reduce(0, +) }
    }

    /// The seconds the ring covers.
    public static let span = 300
    /// The reasons with a column each; any other reason counts as `other`.
    static let reasons = [DeadLetterReason.rejected, .expired, .maxAttempts, .unauthorized, .noEventID, .badPayload, .pluginError].map(\.rawValue) + ["other"]
    /// Columns per bucket: received, delivered, then one per reason.
    private static let columns = 2 + reasons.count

    private struct Ring {
        /// The second each bucket counts (a bucket whose second is older than the span counts nothing).
        var seconds: [Int64]
        var counts: [Int]
        /// Wall-clock time of the last delivery, in milliseconds since 1970.
        var lastDeliveredMillis: Int64?
    }

    private let ring: Mutex<Ring>
    private let nowSeconds: @Sendable () -> Int64
    private let wallMillis: @Sendable () -> Int64

    /// Makes an empty window; `nowSeconds` is a monotonic clock in seconds (tests pass their own), `wallMillis` the
    /// wall clock the last delivery's time is read from.
    public init(
        nowSeconds: @escaping @Sendable () -> Int64 = OutcomeWindow.monotonicSeconds,
        wallMillis: @escaping @Sendable () -> Int64 = { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
    ) {
        self.nowSeconds = nowSeconds
        self.wallMillis = wallMillis
        ring = Mutex(Ring(
            seconds: Array(repeating: Int64.min, count: Self.span),
            counts: Array(repeating: 0, count: Self.span * Self.columns)
        ))
    }

    /// Seconds of a monotonic clock (unaffected by wall-clock changes).
    public static let monotonicSeconds: @Sendable () -> Int64 = {
        let elapsed = ContinuousClock.now - processStart
        return elapsed.components.seconds
    }

    private static let processStart = ContinuousClock.now

    /// Counts `count` events of `kind` now.
    public func record(_ kind: Kind, count: Int = 1) {
        guard count > 0 else { return }
        let column = Self.column(of: kind)
        let second = nowSeconds()
        let delivered = kind == .delivered ? wallMillis() : nil
        ring.withLock { ring in
            let slot = Int(UInt64(bitPattern: second) % UInt64(Self.span))
            if ring.seconds[slot] != second {
                ring.seconds[slot] = second
                let start = slot * Self.columns
                for index in start..<(start + Self.columns) { ring.counts[index] = 0 }
            }
            let (sum, overflow) = ring.counts[slot * Self.columns + column].addingReportingOverflow(count)
            ring.counts[slot * Self.columns + column] = overflow ? .max : sum
            if let delivered { ring.lastDeliveredMillis = delivered }
        }
    }

    /// The counts of the last `seconds` seconds (1 to `span`), this second included.
    public func counts(lastSeconds seconds: Int) -> Counts {
        let window = Int64(min(max(seconds, 1), Self.span))
        let now = nowSeconds()
        var totals = Array(repeating: 0, count: Self.columns)
        ring.withLock { ring in
            for slot in 0..<Self.span {
                let age = now &- ring.seconds[slot]
                guard ring.seconds[slot] != Int64.min, age >= 0, age < window else { continue }
                for column in 0..<Self.columns {
                    totals[column] = totals[column].addingReportingOverflow(ring.counts[slot * Self.columns + column]).partialValue
                }
            }
        }
        var counts = Counts(received: totals[0], delivered: totals[1])
        for (index, reason) in Self.reasons.enumerated() where totals[2 + index] > 0 {
            counts.deadLettered[reason] = totals[2 + index]
        }
        return counts
    }

    /// When PolyAI last accepted an event of this integration (wall clock, milliseconds since 1970), if ever since
    /// the start.
    public var lastDeliveredMillis: Int64? { ring.withLock { $0.lastDeliveredMillis } }

    private static func column(of kind: Kind) -> Int {
        switch kind {
        case .received: return 0
        case .delivered: return 1
        case .deadLettered(let reason):
            switch DeadLetterReason(rawValue: reason) {
            case .rejected: return 2
            case .expired: return 3
            case .maxAttempts: return 4
            case .unauthorized: return 5
            case .noEventID: return 6
            case .badPayload: return 7
            case .pluginError: return 8
            case nil: return 9
            }
        }
    }
}
