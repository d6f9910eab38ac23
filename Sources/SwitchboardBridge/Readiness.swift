import Foundation
import Prometheus
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardKafka
import SwitchboardStore

/// What `/readyz` and the status page report: configuration loaded, listener bound, journal writable; per
/// integration its counts, lanes, circuit, key and routes; Kafka partitions; recent dead letters (and their replay).
public struct Readiness: AdminStatus {
    let configFile: String
    let listener: ListeningPort
    let journal: Journal
    let lanes: [String: DeliveryLanes]
    let kafka: KafkaSource?
    let keyExpiries: [String: Date]
    let routes: [RouteConfig]
    let replay: DeadLetterReplay?
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
    public init(
        configFile: String, listener: ListeningPort, journal: Journal, lanes: [String: DeliveryLanes],
        kafka: KafkaSource? = nil, keyExpiries: [String: Date] = [:], routes: [RouteConfig] = [], replay: DeadLetterReplay? = nil,
        clock: any DeliveryClock = SystemDeliveryClock(), registry: PrometheusCollectorRegistry,
        journalWriteError: @escaping @Sendable () -> String? = { nil },
        webhookJournalError: @escaping @Sendable () -> String? = { nil }
    ) {
        self.routes = routes
        self.replay = replay
        self.clock = clock
        self.kafka = kafka
        self.journalWriteError = journalWriteError
        self.webhookJournalError = webhookJournalError
        self.kafkaLag = registry.makeGauge(name: "switchboard_kafka_consumer_lag")
        self.registry = registry
        self.keyExpiries = keyExpiries
        self.journalDepth = registry.makeGauge(name: "switchboard_journal_depth")
        self.configFile = configFile
        self.listener = listener
        self.journal = journal
        self.lanes = lanes
    }

    /// Whether Switchboard is ready, with each check.
    public func report() -> (ready: Bool, json: String) {
        let listening = listener.current != nil
        let writeError = journalWriteError()
        let journalOK = !journal.isClosed && writeError == nil
        let ready = listening && journalOK
        let circuits = lanes.keys.sorted().map { #""\#($0)":"\#(lanes[$0]!.circuitState)""# }.joined(separator: ",")
        // Integrations whose open circuit holds events (their Kafka topics are paused), with how many wait.
        let held = lanes.keys.sorted().filter { lanes[$0]!.isHeldByCircuit }.map { #""\#($0)":\#(lanes[$0]!.backlog)"# }.joined(separator: ",")
        let json = #"{"ready":\#(ready),"checks":{"config":"loaded","webhook_listener":"\#(listening ? "listening" : "not listening")","journal":"\#(journalOK ? "writable" : "not writable")"\#(writeError.map { #","journal_error":""# + TextEscaping.json($0) + #"""# } ?? "")},"circuits":{\#(circuits)},"held_by_circuit":{\#(held)}\#(webhookJournalError().map { #","webhook_journal_error":""# + TextEscaping.json($0) + #"""# } ?? "")\#(kafka?.deadLetterFallback.map { #","dead_letter_fallback":""# + TextEscaping.json($0) + #"""# } ?? "")}"# + "\n"
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
