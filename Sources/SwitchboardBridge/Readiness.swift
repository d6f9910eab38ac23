import Foundation
import Prometheus
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardKafka
import SwitchboardStore

/// What `/readyz` and the status page report: configuration loaded, listener bound, journal writable; per
/// integration its counts, lanes, circuit, key and routes; Kafka partitions; recent dead letters (and their replay).
public struct Readiness: AdminStatus {
    let live: LiveConfiguration
    let reloader: ConfigReloader?
    let listener: ListeningPort
    let journal: Journal
    let kafka: KafkaSource?
    /// What posts a dead letter again from the status page (nil: replay unavailable).
    let replayTransport: (any ExternalEventsTransport)?
    let clock: any DeliveryClock
    /// Why outcomes cannot be recorded right now, if they cannot (a full disk, an I/O error).
    let journalWriteError: @Sendable () -> String?
    /// Why the last webhook could not be produced to `webhook.topic` (`webhook.journal: kafka`), if it could not.
    /// Shown as detail only: the instance stays ready, so providers keep retrying it and a success clears it.
    let webhookJournalError: @Sendable () -> String?
    private let journalDepth: Prometheus.Gauge
    private let kafkaLag: Prometheus.Gauge
    private let registry: PrometheusCollectorRegistry

    /// Makes the report source; the journal depth gauge lives in `registry`.
    init(
        live: LiveConfiguration, reloader: ConfigReloader?, listener: ListeningPort, journal: Journal,
        kafka: KafkaSource? = nil, replayTransport: (any ExternalEventsTransport)? = nil,
        clock: any DeliveryClock = SystemDeliveryClock(), registry: PrometheusCollectorRegistry,
        journalWriteError: @escaping @Sendable () -> String? = { nil },
        webhookJournalError: @escaping @Sendable () -> String? = { nil }
    ) {
        self.live = live
        self.reloader = reloader
        self.replayTransport = replayTransport
        self.clock = clock
        self.kafka = kafka
        self.journalWriteError = journalWriteError
        self.webhookJournalError = webhookJournalError
        self.kafkaLag = registry.makeGauge(name: "switchboard_kafka_consumer_lag")
        self.registry = registry
        self.journalDepth = registry.makeGauge(name: "switchboard_journal_depth")
        self.listener = listener
        self.journal = journal
    }

    /// The lanes of the configuration in force, by integration.
    var lanes: [String: DeliveryLanes] { live.current.lanes }

    /// When each integration's key expires (`key.expires`), by integration.
    var keyExpiries: [String: Date] {
        var expiries: [String: Date] = [:]
        for integration in live.current.config.integrations {
            if let expires = integration.key.expires { expiries[integration.name] = expires }
        }
        return expiries
    }

    /// The `config` check of `/readyz`: the hash in force, the last reload's error (the old configuration runs on).
    private var configCheck: String {
        let hash = reloader?.fingerprint.hash ?? live.current.hash
        var text = #""config":"loaded","config_hash":"\#(hash)""#
        if let error = reloader?.lastError { text += #","config_reload_error":""# + TextEscaping.json(error) + #"""# }
        return text
    }

    /// Whether Switchboard is ready, with each check.
    public func report() -> (ready: Bool, json: String) {
        let listening = listener.current != nil
        let writeError = journalWriteError()
        let journalOK = !journal.isClosed && writeError == nil
        let ready = listening && journalOK
        let lanes = self.lanes
        let circuits = lanes.keys.sorted().map { #""\#($0)":"\#(lanes[$0]!.circuitState)""# }.joined(separator: ",")
        // Integrations whose open circuit holds events (their Kafka topics are paused), with how many wait.
        let held = lanes.keys.sorted().filter { lanes[$0]!.isHeldByCircuit }.map { #""\#($0)":\#(lanes[$0]!.backlog)"# }.joined(separator: ",")
        let json = #"{"ready":\#(ready),"checks":{\#(configCheck),"webhook_listener":"\#(listening ? "listening" : "not listening")","journal":"\#(journalOK ? "writable" : "not writable")"\#(writeError.map { #","journal_error":""# + TextEscaping.json($0) + #"""# } ?? "")},"circuits":{\#(circuits)},"held_by_circuit":{\#(held)}\#(webhookJournalError().map { #","webhook_journal_error":""# + TextEscaping.json($0) + #"""# } ?? "")\#(kafka?.deadLetterFallback.map { #","dead_letter_fallback":""# + TextEscaping.json($0) + #"""# } ?? "")}"# + "\n"
        return (ready, json)
    }

    /// Updates gauges read at scrape time.
    public func refreshGauges() {
        journalDepth.set(Double(journal.depth))
        refreshKafkaGauges()
        let now = Date()
        for (integration, expires) in keyExpiries {
            IntegrationMetrics.named(integration).keyExpirySeconds.record(expires.timeIntervalSince(now).rounded())
        }
    }
}

extension Readiness {
    /// Consumer lag, committed offsets, pause state per partition, and rebalances (labels: topic and partition only).
    func refreshKafkaGauges() {
        guard let kafka else { return }
        var total: Int64 = 0
        for state in kafka.partitionStates() {
            let labels = [("topic", state.topic), ("partition", String(state.partition))]
            if let lag = state.lag {
                registry.makeGauge(name: "switchboard_kafka_partition_lag", labels: labels).set(Double(lag))
                total += lag
            }
            if let offset = state.storedOffset {
                registry.makeGauge(name: "switchboard_kafka_committed_offset", labels: labels).set(Double(offset))
            }
            registry.makeGauge(name: "switchboard_kafka_partition_paused", labels: labels).set(state.paused ? 1.0 : 0.0)
            registry.makeGauge(name: "switchboard_kafka_partition_pending", labels: labels).set(Double(state.pending))
        }
        kafkaLag.set(Double(total))
        registry.makeGauge(name: "switchboard_kafka_rebalances").set(Double(kafka.rebalanceCount))
    }
}
