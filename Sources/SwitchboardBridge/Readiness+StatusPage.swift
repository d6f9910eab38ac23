import Foundation
import SwitchboardCore
import SwitchboardStore

/// The status page's data (`GET /-/status`) and its Replay action.
extension Readiness {
    /// How many of the newest dead letters the page lists.
    static let recentDeadLetters = 25

    /// Everything the status page shows, as JSON: per integration the last 1 and 5 minutes of received, delivered
    /// and dead-lettered (by reason), in flight, backlog, circuit with its last error and Retry-After, key expiry
    /// and last success, routes; Kafka partitions; journal depth; the newest dead letters. Never a key.
    public func status() async -> String {
        let now = clock.nowMillis()
        let wallNow = Date()
        var integrations: [[String: Any]] = []
        let configuration = live.current
        let lanes = configuration.lanes
        let keyExpiries = self.keyExpiries
        for name in lanes.keys.sorted() {
            guard let lane = lanes[name] else { continue }
            integrations.append(integrationStatus(name: name, lane: lane.snapshot, routes: configuration.config.routes, expires: keyExpiries[name], now: wallNow))
        }
        var status: [String: Any] = [
            "now_ms": now,
            "ready": report().ready,
            "config_file": configuration.config.file,
            "config_hash": reloader?.fingerprint.hash ?? configuration.hash,
            "journal_depth": journal.depth,
            "integrations": integrations,
            "kafka": kafkaStatus() ?? NSNull(),
        ]
        do {
            let letters = try journal.deadLetters(limit: Self.recentDeadLetters, integration: nil)
            status["dead_letters"] = letters.map(Self.deadLetterStatus)
            status["dead_letter_count"] = try journal.deadLetterCount()
        } catch {
            status["dead_letters"] = [[String: Any]]()
            status["dead_letter_count"] = 0
            status["dead_letter_error"] = error.description
        }
        return Self.encode(status)
    }

    /// Replays dead letter `id` now, as `switchboard dlq replay ID` does (an expired external event id is skipped,
    /// as without `--force`).
    public func replayDeadLetter(id: Int64) async -> (status: Int, json: String) {
        guard let transport = replayTransport else {
            return (503, Self.encode(["result": "unavailable", "message": "replay is not available here"]))
        }
        do {
            guard let letter = try journal.deadLetter(id: id) else {
                return (404, Self.encode(["result": "not_found", "message": "no dead letter \(id) (replayed or purged already)"]))
            }
            let configuration = live.current
            let replay = DeadLetterReplay(
                journal: journal, integrations: configuration.integrations, destinations: configuration.destinations,
                transport: transport, clock: clock
            )
            switch try await replay.replay(letter) {
            case .delivered(let count):
                return (200, Self.encode([
                    "result": "delivered", "delivered": count,
                    "message": "delivered (\(count) event\(count == 1 ? "" : "s")); the dead letter is removed",
                ]))
            case .partlyDelivered(let delivered, let kept, let status, let message):
                return (200, Self.encode([
                    "result": "partly_delivered", "delivered": delivered, "kept": kept, "status": status ?? NSNull(),
                    "message": "\(delivered) delivered, \(kept) kept as dead letters (\(Self.refusal(status, message)))",
                ]))
            case .failed(let status, let message):
                return (502, Self.encode([
                    "result": "failed", "status": status ?? NSNull(),
                    "message": "not delivered (\(Self.refusal(status, message))); the dead letter stays",
                ]))
            case .expired:
                return (409, Self.encode([
                    "result": "expired",
                    "message": "first seen more than an hour ago, so its external event id has expired; "
                        + "switchboard dlq replay \(id) --force posts it anyway",
                ]))
            }
        } catch {
            return (500, Self.encode(["result": "failed", "message": "the journal failed: \(error.description)"]))
        }
    }

    /// Reloads the configuration file, as SIGHUP does.
    public func reload() async -> (status: Int, json: String) {
        guard let reloader else {
            return (503, Self.encode(["result": "unavailable", "message": "reload is not available here"]))
        }
        switch await reloader.reload(reason: "POST /-/reload") {
        case .applied(let hash):
            return (200, Self.encode(["result": "applied", "hash": hash]))
        case .rejected(let errors):
            return (422, Self.encode(["result": "rejected", "errors": errors]))
        }
    }

    private func integrationStatus(name: String, lane: LaneSnapshot, routes: [RouteConfig], expires: Date?, now: Date) -> [String: Any] {
        let window = IntegrationMetrics.named(name).window
        let lastMinute = window.counts(lastSeconds: 60)
        let lastFive = window.counts(lastSeconds: 300)
        var circuit: [String: Any] = ["state": lane.circuit, "next_probe_at_ms": lane.nextProbeAtMillis ?? NSNull()]
        if let failure = lane.lastFailure {
            circuit["last_error"] = [
                "status": failure.status ?? NSNull(),
                "message": failure.errorMessage ?? NSNull(),
                "at_ms": failure.atMillis,
                "retry_after_seconds": failure.retryAfter.map { Double($0.milliseconds) / 1000 } ?? NSNull(),
            ] as [String: Any]
        } else {
            circuit["last_error"] = NSNull()
        }
        var key: [String: Any] = ["expires_in_seconds": NSNull(), "expires_at_ms": NSNull()]
        if let expires {
            key["expires_in_seconds"] = Int64(expires.timeIntervalSince(now).rounded())
            key["expires_at_ms"] = Int64((expires.timeIntervalSince1970 * 1000).rounded())
        }
        return [
            "name": name,
            "received_1m": lastMinute.received, "received_5m": lastFive.received,
            "delivered_1m": lastMinute.delivered, "delivered_5m": lastFive.delivered,
            "dead_lettered_1m": lastMinute.deadLettered, "dead_lettered_5m": lastFive.deadLettered,
            "in_flight": lane.inFlight,
            "backlog": lane.backlog,
            "circuit": circuit,
            "key": key,
            "last_success_at_ms": window.lastDeliveredMillis ?? NSNull(),
            "routes": routes.filter { $0.integration == name }.map(Self.routeStatus),
        ]
    }

    private func kafkaStatus() -> [String: Any]? {
        guard let kafka else { return nil }
        let partitions = kafka.partitionStates().sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }.map { state in
            [
                "topic": state.topic,
                "partition": Int(state.partition),
                "lag": state.lag ?? NSNull(),
                "committed_offset": state.storedOffset ?? NSNull(),
                "pending": state.pending,
                "paused": state.paused,
            ] as [String: Any]
        }
        return [
            "partitions": partitions,
            "rebalances": kafka.rebalanceCount,
            "dead_letter_fallback": kafka.deadLetterFallback ?? NSNull(),
        ]
    }

    private static func routeStatus(_ route: RouteConfig) -> [String: Any] {
        let from: String
        switch route.source {
        case .webhook(let path): from = "webhook " + path
        case .kafka(let topic): from = "kafka " + topic
        }
        var when: Any = NSNull()
        if let condition = route.condition {
            switch condition.subject {
            case .header(let name): when = "header \(name) = \(condition.equals)"
            case .json(let path): when = "json \(path) = \(condition.equals)"
            case .messageKey: when = "message key = \(condition.equals)"
            }
        }
        return ["name": route.name, "from": from, "when": when]
    }

    private static func deadLetterStatus(_ letter: DeadLetter) -> [String: Any] {
        [
            "id": letter.id,
            "at_ms": letter.deadLetteredAtMillis,
            "integration": letter.integration,
            "route": letter.route,
            "reason": letter.reason,
            "status": letter.lastStatus ?? NSNull(),
            "error_message": letter.errorMessage ?? NSNull(),
            "correlation_id": letter.correlationID ?? NSNull(),
            "trace_id": letter.traceID ?? NSNull(),
            "event_id": letter.eventID ?? NSNull(),
            "attempts": letter.attempts,
        ]
    }

    private static func refusal(_ status: Int?, _ message: String) -> String {
        status.map { "HTTP \($0): \(message)" } ?? message
    }

    /// JSON text of plain values (strings, numbers, booleans, NSNull, arrays, dictionaries), keys sorted.
    static func encode(_ value: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]) else {
            return #"{"error":"the status could not be encoded"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }
}
