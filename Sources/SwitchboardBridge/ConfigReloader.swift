import Foundation
import Logging
import Metrics
import Synchronization
import SwitchboardCore

/// Reloads the whole configuration while events flow (SIGHUP, a change of the file or of a file it includes,
/// `POST /-/reload`).
///
/// The new file is read and checked in full first; when it has an error, or changes a setting bound at start
/// (`RestartOnlySettings`), nothing changes: the errors are logged and kept for `/readyz`, and the old
/// configuration runs on. Otherwise it is put in force between two events:
/// - an unchanged integration keeps its lanes and what they hold;
/// - a changed integration keeps its lanes too, and its new retry policy, rate, key, endpoint and concurrency apply
///   to its next attempts; its new plugin maps the next events;
/// - a new integration's lanes start;
/// - a removed integration takes no new event, and its lanes run on until the process stops, so what they hold is
///   still delivered (a journalled webhook of it not yet mapped is dead-lettered `no_integration` after a restart);
/// - Kafka follows the routes: a topic left without a route is no longer consumed (its committed offsets stay).
public final class ConfigReloader: Sendable {
    /// What a reload did.
    public enum Result: Sendable, Equatable {
        /// The new configuration is in force (`hash` is its fingerprint).
        case applied(hash: String)
        /// Nothing changed; `errors` say why, one per line.
        case rejected(errors: [String])
    }

    /// Reads and checks the configuration file again: the configuration with its plugins and keys, or the issues.
    public typealias Loader = @Sendable () -> (LoadedConfiguration?, [ConfigIssue])
    /// Builds the lanes of an integration a reload adds.
    typealias LaneFactory = @Sendable (_ name: String, _ destination: PolyAIDestination, _ integration: IntegrationConfig) -> DeliveryLanes

    private struct Status {
        var lastError: String?
        var lastSuccessMillis: Int64?
        var fingerprint: ConfigFingerprint
        /// The hash of the content the last reload read (applied or rejected): the file watcher does not check the
        /// same content twice.
        var lastAttemptedHash: String
    }

    /// The most errors a rejection reports (`/readyz`, `POST /-/reload`); the log has them all.
    static let reportedErrors = 20

    private let live: LiveConfiguration
    private let runner: LaneRunner
    private let makeLanes: LaneFactory
    private let load: Loader?
    private let rotation: KeyRotation
    private let kafka: KafkaSource?
    private let clock: any DeliveryClock
    private let logger: Logger
    /// Key holders by integration, kept across reloads (the lanes' destinations read the key through them).
    private let holders: Mutex<[String: KeyHolder]>
    private let status: Mutex<Status>
    /// One reload at a time.
    private let serial = Mutex<Void>(())
    private let observers = Mutex<[@Sendable (SwitchboardConfig) -> Void]>([])

    init(
        live: LiveConfiguration, runner: LaneRunner, holders: [String: KeyHolder], makeLanes: @escaping LaneFactory,
        load: Loader?, rotation: KeyRotation, kafka: KafkaSource?, clock: any DeliveryClock, logger: Logger
    ) {
        self.live = live
        self.runner = runner
        self.holders = Mutex(holders)
        self.makeLanes = makeLanes
        self.load = load
        self.rotation = rotation
        self.kafka = kafka
        self.clock = clock
        self.logger = logger
        let fingerprint = ConfigFingerprint.of(file: live.current.config.file)
        self.status = Mutex(Status(fingerprint: fingerprint, lastAttemptedHash: fingerprint.hash))
    }

    /// The fingerprint of the configuration in force: its files and their hash.
    public var fingerprint: ConfigFingerprint { status.withLock { $0.fingerprint } }
    /// Why the last reload was rejected, until one is applied.
    public var lastError: String? { status.withLock { $0.lastError } }
    /// When a reload was last applied, in epoch milliseconds.
    public var lastSuccessMillis: Int64? { status.withLock { $0.lastSuccessMillis } }
    /// The hash of what the last reload read, applied or rejected.
    var lastAttemptedHash: String { status.withLock { $0.lastAttemptedHash } }

    /// Calls `observer` with every configuration a reload puts in force (log settings, the shutdown timeout).
    public func onApply(_ observer: @escaping @Sendable (SwitchboardConfig) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Reads the file again and puts it in force, or keeps the old configuration and says why.
    ///
    /// Reading and checking a file can take seconds (a file of thousands of integrations): it runs on a thread of
    /// its own, never on the few threads that answer webhooks.
    @discardableResult
    public func reload(reason: String) async -> Result {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: self.reloadNow(reason: reason))
            }
        }
    }

    /// The reload itself, blocking the calling thread; one at a time.
    private func reloadNow(reason: String) -> Result {
        serial.withLock { _ in
            let fingerprint = ConfigFingerprint.of(file: live.current.config.file)
            status.withLock { $0.lastAttemptedHash = fingerprint.hash }
            guard let load else { return reject(["this Switchboard was started without a configuration file to reload"], reason: reason) }
            let (loaded, issues) = load()
            let errors = issues.filter { $0.severity == .error }.map(\.description)
            guard let loaded, errors.isEmpty else {
                return reject(errors.isEmpty ? ["the configuration could not be read"] : errors, reason: reason)
            }
            let restart = RestartOnlySettings.changes(from: live.current.config, to: loaded.config, consumingKafka: kafka != nil).map { "\(loaded.config.file): \($0)" }
            guard restart.isEmpty else { return reject(restart, reason: reason) }
            apply(loaded, hash: fingerprint.hash)
            status.withLock {
                $0.lastError = nil
                $0.lastSuccessMillis = clock.nowMillis()
                $0.fingerprint = fingerprint
            }
            Self.counter(result: "applied").increment()
            Self.lastSuccess.record(Double(clock.nowMillis()) / 1000)
            logger.notice("configuration reloaded", metadata: [
                "switchboard.reason": .string(reason), "switchboard.config_hash": .string(fingerprint.hash),
                "switchboard.integrations": .stringConvertible(loaded.config.integrations.count),
                "switchboard.routes": .stringConvertible(loaded.config.routes.count),
            ])
            for observer in observers.withLock({ $0 }) { observer(loaded.config) }
            return .applied(hash: fingerprint.hash)
        }
    }

    private func reject(_ all: [String], reason: String) -> Result {
        var errors = Array(all.prefix(Self.reportedErrors))
        if all.count > errors.count { errors.append("… and \(all.count - errors.count) more errors (all of them are in the log)") }
        status.withLock { $0.lastError = errors.joined(separator: "; ") }
        Self.counter(result: "rejected").increment()
        logger.error("configuration reload rejected: the running configuration stays in force", metadata: [
            "switchboard.reason": .string(reason), "switchboard.errors": .stringConvertible(all.count),
        ])
        for error in all {
            logger.error("configuration reload error", metadata: [LogKey.error: .string(error)])
        }
        return .rejected(errors: errors)
    }

    /// Builds the new active configuration, reusing every lane that exists, and puts it in force.
    private func apply(_ loaded: LoadedConfiguration, hash: String) {
        let config = loaded.config
        var lanes: [String: DeliveryLanes] = [:]
        var destinations: [String: PolyAIDestination] = [:]
        var added: [(String, DeliveryLanes)] = []
        let running = runner.all
        for integration in config.integrations {
            let name = integration.name
            let holder = holders.withLock { holders -> KeyHolder in
                if let holder = holders[name] { return holder }
                let holder = KeyHolder(loaded.keys[name] ?? APIKey(""))
                holders[name] = holder
                return holder
            }
            if let key = loaded.keys[name], key != holder.current { holder.replace(with: key) }
            let destination = PolyAIDestination(
                baseURL: config.polyai.baseURL, accountID: config.polyai.accountID,
                projectID: integration.projectID, key: holder, timeout: integration.timeout
            )
            destinations[name] = destination
            if let existing = running[name] {
                existing.reconfigure(
                    destination: destination, policy: integration.retry.policy, maxInFlight: integration.maxInFlight,
                    rateLimit: integration.rateLimit.map { ($0.count, $0.per) }
                )
                lanes[name] = existing
            } else {
                let new = makeLanes(name, destination, integration)
                lanes[name] = new
                added.append((name, new))
            }
        }
        let next = ActiveConfiguration(config: config, integrations: loaded.integrations, lanes: lanes, destinations: destinations, hash: hash)
        for (name, new) in added {
            kafka?.observeCircuit(of: name, new)
            runner.start(name, new)
        }
        let previous = live.install(next)
        kafka?.configurationChanged(from: previous, to: next)
        rotation.watch(Bridge.watchedKeys(config, holders: holders.withLock { $0 }))
    }

    /// `switchboard_config_reload_total{result}`, made on first use.
    private static func counter(result: String) -> Counter {
        Counter(label: "switchboard_config_reload_total", dimensions: [("result", result)])
    }

    /// `switchboard_config_last_reload_success_timestamp_seconds`.
    private static let lastSuccess = Gauge(label: "switchboard_config_last_reload_success_timestamp_seconds")
}

extension RetryConfig {
    /// The lanes' retry policy for these settings.
    var policy: RetryPolicy {
        RetryPolicy(maxAttempts: maxAttempts, base: base, factor: factor, cap: cap, deadline: deadline)
    }
}
