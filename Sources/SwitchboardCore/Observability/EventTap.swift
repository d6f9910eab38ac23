import Synchronization

/// Where `switchboard tap` watches events pass: sources and lanes publish each stage of an event (received, mapped,
/// every attempt, the outcome), and each subscriber (one `GET /-/tap` stream) gets the lines its filter selects.
///
/// Publishing never blocks or slows delivery: every subscriber has a bounded buffer, and a line that does not fit
/// (a slow reader) is dropped and counted. Without subscribers, `publish` costs one atomic load and nothing else
/// (its entry is an autoclosure, never built).
public final class EventTap: Sendable {
    /// Which lines a subscriber wants.
    public struct Filter: Sendable, Equatable {
        /// Only this integration's events, when set.
        public var integration: String?
        /// Only this route's events, when set: its name (`webhook:/hooks/x`, `kafka:topic`, or the one it was given),
        /// or the webhook path or Kafka topic of an unnamed route.
        public var route: String?
        /// Whether bodies are included (never headers: keys and signatures live there).
        public var bodies: Bool

        /// Makes a filter; nil selects everything.
        public init(integration: String? = nil, route: String? = nil, bodies: Bool = false) {
            self.integration = integration
            self.route = route
            self.bodies = bodies
        }

        /// Whether `entry` passes this filter.
        public func selects(_ entry: Entry) -> Bool {
            guard integration == nil || integration == entry.integration else { return false }
            guard let route else { return true }
            return entry.route == route || entry.route == "webhook:" + route || entry.route == "kafka:" + route
        }
    }

    /// How far an event got.
    public enum Stage: Sendable, Equatable {
        /// A source took it in (journalled webhook, consumed Kafka message); the event id is not known yet.
        case received
        /// Its integration mapped it: one line per External Event, `events` in all.
        case mapped(events: Int)
        /// One attempt answered: the HTTP status, or the transport error; milliseconds it took.
        case attempt(number: Int, status: Int?, error: String?, latencyMillis: Int64)
        /// PolyAI accepted it.
        case delivered(attempts: Int, status: Int?)
        /// It will never be delivered: why (`max_attempts`, `rejected`, a mapping failure…) and the last message.
        case deadLettered(reason: String, message: String?)

        /// The stage's name in the stream: `received`, `mapped`, `attempt`, `delivered`, `dead_lettered`.
        public var name: String {
            switch self {
            case .received: "received"
            case .mapped: "mapped"
            case .attempt: "attempt"
            case .delivered: "delivered"
            case .deadLettered: "dead_lettered"
            }
        }
    }

    /// One line of the tap: when, which integration and route, which external event, what happened.
    public struct Entry: Sendable {
        /// Wall-clock milliseconds since the epoch.
        public var atMillis: Int64
        /// The integration.
        public var integration: String
        /// The route that brought the event in.
        public var route: String
        /// The external event id, once mapped.
        public var eventID: String?
        /// What happened.
        public var stage: Stage
        /// The inbound body (received) or the External Event's body (mapped); sent only to subscribers asking.
        public var body: [UInt8]?

        /// Makes an entry.
        public init(atMillis: Int64, integration: String, route: String, eventID: String? = nil, stage: Stage, body: [UInt8]? = nil) {
            self.atMillis = atMillis
            self.integration = integration
            self.route = route
            self.eventID = eventID
            self.stage = stage
            self.body = body
        }

        /// The entry of a delivery's outcome.
        public init(_ outcome: DeliveryOutcome, of delivery: Delivery, integration: String, atMillis: Int64) {
            let stage: Stage = switch outcome {
            case .delivered(let attempt): .delivered(attempts: attempt.attempts, status: attempt.status)
            case .deadLettered(let reason, let last): .deadLettered(reason: reason, message: last?.errorMessage)
            }
            self.init(atMillis: atMillis, integration: integration, route: delivery.route, eventID: delivery.event.eventID, stage: stage)
        }

        /// The entry as one line of JSON (no newline); the body only when `bodies`.
        public func json(bodies: Bool) -> String {
            var fields = [
                #""time":"\#(Self.timestamp(atMillis))""#,
                #""integration":"\#(TextEscaping.json(integration))""#,
                #""route":"\#(TextEscaping.json(route))""#,
            ]
            if let eventID { fields.append(#""event_id":"\#(TextEscaping.json(eventID))""#) }
            fields.append(#""stage":"\#(stage.name)""#)
            switch stage {
            case .received:
                break
            case .mapped(let events):
                fields.append(#""events":\#(events)"#)
            case .attempt(let number, let status, let error, let latency):
                fields.append(#""attempt":\#(number)"#)
                if let status { fields.append(#""status":\#(status)"#) }
                if let error { fields.append(#""error":"\#(TextEscaping.json(error))""#) }
                fields.append(#""latency_ms":\#(latency)"#)
            case .delivered(let attempts, let status):
                fields.append(#""attempts":\#(attempts)"#)
                if let status { fields.append(#""status":\#(status)"#) }
            case .deadLettered(let reason, let message):
                fields.append(#""reason":"\#(TextEscaping.json(reason))""#)
                if let message { fields.append(#""error":"\#(TextEscaping.json(message))""#) }
            }
            if bodies, let body {
                fields.append(#""body":"\#(TextEscaping.json(String(decoding: body, as: UTF8.self)))""#)
            }
            return "{" + fields.joined(separator: ",") + "}"
        }

        /// `2026-12-02T01:02:03.456Z` (UTC, milliseconds), computed without calendars or locales.
        public static func timestamp(_ millis: Int64) -> String {
            var day = millis / 86_400_000
            var withinDay = millis % 86_400_000
            if withinDay < 0 {
                // Before 1970: borrow a day, so the time of day stays positive.
                withinDay += 86_400_000
                day -= 1
            }
            let second = withinDay / 1000
            let milli = withinDay % 1000
            // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
            let shifted = day + 719_468
            let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
            let dayOfEra = shifted - era * 146_097
            let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
            let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
            let monthIndex = (5 * dayOfYear + 2) / 153
            let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
            let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
            let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
            func pad(_ value: Int64, _ width: Int) -> String {
                let text = String(value)
                return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
            }
            return "\(pad(year, 4))-\(pad(month, 2))-\(pad(dayOfMonth, 2))T\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):"
                + "\(pad(second % 60, 2)).\(pad(milli, 3))Z"
        }
    }

    /// What a subscription's stream carries.
    public enum Message: Sendable {
        /// A line its filter selected.
        case entry(Entry)
        /// Time to show the reader the stream is alive (see ``Subscription/heartbeat()``).
        case heartbeat
    }

    /// One subscriber: its messages, in publishing order, until cancelled.
    public final class Subscription: Sendable {
        /// The lines its filter selects, and heartbeats.
        public let messages: AsyncStream<Message>
        /// What it asked for.
        public let filter: Filter
        fileprivate let continuation: AsyncStream<Message>.Continuation
        fileprivate let dropped = Atomic<Int>(0)
        private let id: UInt64
        private let tap: EventTap

        fileprivate init(id: UInt64, filter: Filter, capacity: Int, tap: EventTap) {
            let (messages, continuation) = AsyncStream<Message>.makeStream(bufferingPolicy: .bufferingOldest(max(1, capacity)))
            self.messages = messages
            self.continuation = continuation
            self.filter = filter
            self.id = id
            self.tap = tap
        }

        /// Lines dropped because the buffer was full, since the last call (then zero again).
        public func takeDropped() -> Int {
            dropped.exchange(0, ordering: .relaxed)
        }

        /// Puts a heartbeat into the stream (dropped, like a line, when the buffer is full).
        public func heartbeat() {
            continuation.yield(.heartbeat)
        }

        /// Stops the subscription: its stream ends and publishing no longer sees it.
        public func cancel() {
            tap.remove(id)
        }
    }

    private struct Subscribers {
        var byID: [UInt64: Subscription] = [:]
        var nextID: UInt64 = 0
        var closed = false
    }

    private let count = Atomic<Int>(0)
    private let subscribers = Mutex(Subscribers())

    /// Makes a tap without subscribers.
    public init() {}

    /// Whether anyone is watching (one atomic load).
    public var hasSubscribers: Bool { count.load(ordering: .relaxed) > 0 }

    /// Hands `entry` to every subscriber whose filter selects it; the entry is built only when someone watches.
    public func publish(_ entry: @autoclosure () -> Entry) {
        guard hasSubscribers else { return }
        let entry = entry()
        subscribers.withLock { subscribers in
            for subscription in subscribers.byID.values where subscription.filter.selects(entry) {
                if case .dropped = subscription.continuation.yield(.entry(entry)) {
                    subscription.dropped.add(1, ordering: .relaxed)
                }
            }
        }
    }

    /// Adds a subscriber holding at most `capacity` lines its reader has not taken yet. After ``close()`` its
    /// stream ends at once.
    public func subscribe(_ filter: Filter, capacity: Int = 1000) -> Subscription {
        subscribers.withLock { subscribers in
            subscribers.nextID += 1
            let subscription = Subscription(id: subscribers.nextID, filter: filter, capacity: capacity, tap: self)
            if subscribers.closed {
                subscription.continuation.finish()
            } else {
                subscribers.byID[subscribers.nextID] = subscription
                count.add(1, ordering: .relaxed)
            }
            let id = subscribers.nextID
            // A reader that goes away (its task cancelled) leaves the tap too.
            subscription.continuation.onTermination = { [weak self] _ in self?.remove(id) }
            return subscription
        }
    }

    /// Ends every subscription and refuses new ones (the admin listener is shutting down).
    public func close() {
        let ended = subscribers.withLock { subscribers in
            subscribers.closed = true
            let ended = Array(subscribers.byID.values)
            subscribers.byID.removeAll()
            count.store(0, ordering: .relaxed)
            return ended
        }
        for subscription in ended { subscription.continuation.finish() }
    }

    fileprivate func remove(_ id: UInt64) {
        let removed = subscribers.withLock { subscribers -> Subscription? in
            guard let removed = subscribers.byID.removeValue(forKey: id) else { return nil }
            count.subtract(1, ordering: .relaxed)
            return removed
        }
        removed?.continuation.finish()
    }
}
