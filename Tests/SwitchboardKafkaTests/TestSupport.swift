import Foundation
import Logging
import Synchronization
import SwitchboardKafka

extension Logger {
    /// A quiet logger for tests: only errors reach stderr, unless SWITCHBOARD_KAFKA_TEST_LOG names a level.
    static var kafkaTest: Logger {
        var logger = Logger(label: "switchboard.kafka.test") { StreamLogHandler.standardError(label: $0) }
        let requested = ProcessInfo.processInfo.environment["SWITCHBOARD_KAFKA_TEST_LOG"].flatMap(Logger.Level.init(rawValue:))
        logger.logLevel = requested ?? .error
        return logger
    }
}

/// Everything a consumer's handler was given, in hand-out order.
final class MessageLog: Sendable {
    private let messages = Mutex<[KafkaMessage]>([])

    func append(_ message: KafkaMessage) {
        messages.withLock { $0.append(message) }
    }

    var all: [KafkaMessage] {
        messages.withLock { $0 }
    }

    var count: Int {
        messages.withLock { $0.count }
    }

    /// The message values as strings.
    var values: [String] {
        all.map { String(decoding: $0.value, as: UTF8.self) }
    }
}

/// Lets a handler reach the consumer it belongs to (which does not exist yet when the handler is written).
/// Weak, so the handler → reference → consumer loop does not keep the consumer (and its sockets) alive.
final class ConsumerReference: Sendable {
    private struct Box {
        weak var consumer: KafkaConsumer?
    }

    private let box = Mutex(Box())

    func set(_ value: KafkaConsumer) {
        box.withLock { $0.consumer = value }
    }

    func markDone(_ message: KafkaMessage) {
        box.withLock { $0.consumer }?.markDone(message)
    }
}

/// One captured log record.
struct LogRecord: Sendable {
    var level: Logger.Level
    var message: String
    var metadata: [String: String]
}

/// A log handler that keeps records in memory so tests can check what reached the Swift logger.
struct RecordingLogHandler: LogHandler {
    let store: LogStore
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged: [String: String] = [:]
        for (key, value) in metadata { merged[key] = "\(value)" }
        for (key, value) in event.metadata ?? [:] { merged[key] = "\(value)" }
        store.append(LogRecord(level: event.level, message: event.message.description, metadata: merged))
    }
}

/// The records a `RecordingLogHandler` captured.
final class LogStore: Sendable {
    private let records = Mutex<[LogRecord]>([])

    func append(_ record: LogRecord) {
        records.withLock { $0.append(record) }
    }

    var all: [LogRecord] {
        records.withLock { $0 }
    }

    /// A logger writing into this store at `level`.
    func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "switchboard.kafka.recorded") { _ in RecordingLogHandler(store: self) }
        logger.logLevel = level
        return logger
    }
}

/// Waits until `condition` holds, checking every 20 ms; false if `timeout` passed first.
/// (A guard against hanging, not a timing assertion.)
func eventually(
    timeout: Duration = .seconds(30),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: timeout)
    while clock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

/// Runs `body` against a fresh mock cluster and shuts the cluster down after everything `body` created
/// (consumers, producers) is gone, so no client is left reconnecting to a vanished broker.
func withMockCluster(
    brokers: Int = 1,
    _ body: (KafkaMockCluster) async throws -> Void
) async throws {
    let cluster = try KafkaMockCluster(brokers: brokers, logger: .kafkaTest)
    do {
        try await body(cluster)
    } catch {
        cluster.shutdown()
        throw error
    }
    cluster.shutdown()
}

/// Options that make group tests quick on the mock cluster.
let fastGroupOptions: [String: String] = [
    "session.timeout.ms": "6000",
    "heartbeat.interval.ms": "250",
    "auto.commit.interval.ms": "200",
    "topic.metadata.refresh.interval.ms": "1000",
    "reconnect.backoff.max.ms": "500",
]

/// Produces `count` messages with values "<prefix><n>", keys spread over `keys` conversations and an
/// `event-type` header, waiting for every acknowledgement.
func produce(
    to topic: String,
    count: Int,
    prefix: String = "event-",
    keys: Int = 16,
    brokers: String
) async throws {
    let producer = try KafkaProducer(brokers: [brokers], options: ["linger.ms": "0"], logger: .kafkaTest)
    defer { producer.shutdown() }
    for index in 0..<count {
        try await producer.send(
            topic: topic,
            key: Array("conv-\(index % keys)".utf8),
            value: Array("\(prefix)\(index)".utf8),
            headers: [KafkaHeader(name: "event-type", string: "booking.confirmed")]
        )
    }
}

/// The sequence number in a value "<prefix><n>".
func sequenceNumber(_ message: KafkaMessage) -> Int? {
    let text = String(decoding: message.value, as: UTF8.self)
    guard let dash = text.lastIndex(of: "-") else { return nil }
    return Int(text[text.index(after: dash)...])
}

/// Starts `consumer.run()` in a task and returns it.
func start(_ consumer: KafkaConsumer) -> Task<Void, any Error> {
    Task { try await consumer.run() }
}
