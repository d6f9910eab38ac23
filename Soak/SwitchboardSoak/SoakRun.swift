import Foundation
import Logging
import SwitchboardHTTP
import SwitchboardKafka

/// One soak: starts the cluster, the sandbox and two instances, produces at a steady rate while the plan's
/// disruptions happen, drains, and compares what was produced with what arrived.
final class SoakRun: Sendable {
    private let settings: SoakSettings
    private let files: SoakFiles
    private let pids: PIDFile
    private let peakRSS = PeakMemory()
    private let ledger = ProducedLedger()
    private let loadSwitch = LoadSwitch()
    private let http = CurlHTTPClient(maxConnections: 128, maxResponseBytes: 256 << 20, logger: Logger(label: "soak.http") { _ in SwiftLogNoOpLogHandler() })
    private let started = ContinuousClock.now
    private let notes = SoakNotes()

    init(settings: SoakSettings) {
        self.settings = settings
        self.files = SoakFiles(directory: settings.workDirectory)
        self.pids = PIDFile(path: settings.workDirectory + "/pids")
    }

    /// Runs the soak; returns the report (throws when the soak itself could not run).
    func run() async throws -> SoakReport {
        let directory = settings.workDirectory
        say("working directory \(directory); logs: instance-a.log instance-b.log sandbox.log kafka-mock.log")

        let cluster = try ChildProcess(
            name: "kafka-mock", executable: settings.binary, arguments: ["kafka-mock", "--topic", "\(SoakFiles.topic):4"],
            directory: directory, logFile: directory + "/kafka-mock.log", watching: ["bootstrap: ", "brokers: "])
        pids.add(cluster.pid)
        defer { cluster.signal(SIGKILL) }
        guard let clusterLine = await cluster.waitForLine(containing: "bootstrap: ") else {
            throw SoakFailure("kafka-mock did not start:\n\(cluster.logTail())")
        }
        let bootstrap = String(clusterLine.split(separator: " ").last ?? "")

        let keys = try files.writeSandboxKeys()
        let sandbox = try ChildProcess(
            name: "sandbox", executable: settings.binary,
            arguments: ["sandbox", "--listen", "127.0.0.1:0", "--keys", keys, "--event-id-lifetime", "172800", "--log-level", "info"]
                + settings.faultArguments,
            directory: directory, logFile: directory + "/sandbox.log", watching: ["sandbox listening"])
        pids.add(sandbox.pid)
        defer { sandbox.signal(SIGKILL) }
        guard let sandboxLine = await sandbox.waitForLine(containing: "sandbox listening"),
              let sandboxPort = SwitchboardInstance.field("sandbox.port", in: sandboxLine)
        else {
            throw SoakFailure("the sandbox did not start:\n\(sandbox.logTail())")
        }
        let sandboxURL = "http://127.0.0.1:\(sandboxPort)"
        let sandboxClient = SandboxClient(baseURL: sandboxURL, http: http)

        var conversations: [Conversation] = []
        for source in [Conversation.Source.webhook, .kafka] {
            for index in 0..<settings.conversationsPerSource {
                let minted = try await sandboxClient.startConversation(account: SoakFiles.account, project: SoakFiles.project)
                let name = (source == .webhook ? "w" : "k") + String(format: "%02d", index)
                conversations.append(Conversation(
                    name: name, source: source, conversationID: minted.conversationID, eventID: minted.eventID, instance: index % 2))
            }
        }

        try files.writeKeyFiles(refused: false)
        let instances = try ["a", "b"].map { name in
            SwitchboardInstance(
                name: name, config: try files.writeConfig(instance: name, sandbox: sandboxURL, bootstrap: bootstrap),
                binary: settings.binary, directory: directory, pids: pids, peakRSS: peakRSS)
        }
        defer { for instance in instances { instance.process?.signal(SIGKILL) } }
        for instance in instances { try await instance.start() }
        say("kafka-mock \(bootstrap), sandbox \(sandboxURL), instances a and b ready; producing \(settings.webhookRate)/s webhooks and \(settings.kafkaRate)/s Kafka messages over \(conversations.count) conversations for \(settings.duration)")

        let producer = try KafkaProducer(
            brokers: [bootstrap],
            options: ["linger.ms": "2", "message.timeout.ms": "600000", "reconnect.backoff.max.ms": "500", "max.in.flight.requests.per.connection": "1"],
            logger: Logger(label: "soak.kafka") { _ in SwiftLogNoOpLogHandler() })
        defer { producer.shutdown(flushTimeout: .seconds(1)) }

        let sampling = Task { await peakRSS.run() }
        defer { sampling.cancel() }
        let webhookConversations = conversations.filter { $0.source == .webhook }
        let kafkaConversations = conversations.filter { $0.source == .kafka }
        let webhooks = WebhookLoad(
            conversations: webhookConversations, instances: instances, http: http, ledger: ledger,
            period: Self.period(rate: settings.webhookRate, conversations: webhookConversations.count), loadSwitch: loadSwitch)
        let messages = KafkaLoad(
            conversations: kafkaConversations, producer: producer, topic: SoakFiles.topic, ledger: ledger,
            period: Self.period(rate: settings.kafkaRate, conversations: kafkaConversations.count), loadSwitch: loadSwitch)
        let load = Task {
            async let posting: Void = webhooks.run()
            async let producing: Void = messages.run()
            _ = await (posting, producing)
        }
        let progress = Task { [ledger] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(10))
                if Task.isCancelled { break }
                self.say("produced \(ledger.counts.values.reduce(0, +)), peak RSS \(self.peakRSS.peakKiB / 1024) MiB")
            }
        }
        defer { progress.cancel() }

        let productionStart = ContinuousClock.now
        try await runPlan(DisruptionPlan(duration: settings.duration), from: productionStart, instances: instances, cluster: cluster)
        let end = productionStart + settings.duration
        if ContinuousClock.now < end { try? await Task.sleep(until: end, clock: .continuous) }
        loadSwitch.stop()
        say("production stopped; waiting for the last sends to be acknowledged")
        await load.value
        progress.cancel()

        let produced = ledger.counts
        say("produced \(produced.values.reduce(0, +)); draining (at most \(settings.drain))")
        await drain(conversations: conversations, produced: produced, sandbox: sandboxClient, instances: instances)

        for instance in instances {
            let status = await instance.terminate(timeout: .seconds(40))
            if status != 0 {
                notes.problem("instance \(instance.name) did not stop cleanly on SIGTERM at the end (exit \(status.map(String.init) ?? "none within 40s"))")
            }
        }
        let (received, foreign) = await readDeliveries(conversations, from: sandboxClient)
        let deadLetters = try DeadLetterTally.read(journals: instances.map { files.journal(instance: $0.name) })
        sandbox.signal(SIGTERM)
        cluster.signal(SIGTERM)
        _ = await sandbox.waitForExit(timeout: .seconds(10))
        _ = await cluster.waitForExit(timeout: .seconds(10))

        let report = SoakReport(
            conversations: conversations, produced: produced, received: received, foreign: foreign,
            deadLetters: deadLetters, peakRSSKiB: peakRSS.peakKiB)
        printDetails(report)
        return report
    }

    // MARK: Disruptions

    private func runPlan(_ plan: DisruptionPlan, from start: ContinuousClock.Instant, instances: [SwitchboardInstance], cluster: ChildProcess) async throws {
        for step in plan.steps {
            let due = start + step.at
            if ContinuousClock.now < due { try? await Task.sleep(until: due, clock: .continuous) }
            switch step.disruption {
            case .kill(let index, let downFor):
                let instance = instances[index]
                say("SIGKILL instance \(instance.name) (pid \(instance.process?.pid ?? 0))")
                await instance.kill()
                try? await Task.sleep(for: downFor)
                try await instance.start()
                say("instance \(instance.name) restarted (pid \(instance.process?.pid ?? 0))")
            case .brokerOutage(let downFor):
                let mark = cluster.watchedCount
                cluster.signal(SIGUSR1)
                guard await cluster.waitForLine(containing: "brokers: down", after: mark, timeout: .seconds(10)) != nil else {
                    throw SoakFailure("kafka-mock did not take its brokers down:\n\(cluster.logTail())")
                }
                say("brokers down for \(downFor)")
                try? await Task.sleep(for: downFor)
                let upMark = cluster.watchedCount
                cluster.signal(SIGUSR2)
                guard await cluster.waitForLine(containing: "brokers: up", after: upMark, timeout: .seconds(10)) != nil else {
                    throw SoakFailure("kafka-mock did not bring its brokers up:\n\(cluster.logTail())")
                }
                say("brokers up")
            case .keyRefused(let refusedFor):
                try files.writeKeyFiles(refused: true)
                say("key files rotated to keys PolyAI refuses, for \(refusedFor) (deadline \(SoakFiles.deadlineSeconds)s)")
                try? await Task.sleep(for: refusedFor)
                try files.writeKeyFiles(refused: false)
                say("key files rotated back to the accepted keys")
            case .terminate(let index, let downFor):
                let instance = instances[index]
                say("SIGTERM instance \(instance.name) under load (pid \(instance.process?.pid ?? 0))")
                let status = await instance.terminate(timeout: .seconds(40))
                if status != 0 {
                    notes.problem("instance \(instance.name) did not stop cleanly on SIGTERM under load (exit \(status.map(String.init) ?? "none within 40s"))")
                }
                say("instance \(instance.name) stopped (exit \(status.map(String.init) ?? "none"))")
                try? await Task.sleep(for: downFor)
                try await instance.start()
                say("instance \(instance.name) restarted (pid \(instance.process?.pid ?? 0))")
            }
        }
    }

    // MARK: Drain and read back

    /// Waits until every produced event was delivered or dead-lettered, or the drain time is over.
    private func drain(conversations: [Conversation], produced: [String: Int], sandbox: SandboxClient, instances: [SwitchboardInstance]) async {
        let deadline = ContinuousClock.now + settings.drain
        var outstanding = Int.max
        while ContinuousClock.now < deadline {
            let (received, _) = await readDeliveries(conversations, from: sandbox)
            var missing: [SoakEvent] = []
            for conversation in conversations {
                let arrived = Set(received[conversation.name] ?? [])
                for sequence in 0..<(produced[conversation.name] ?? 0) where !arrived.contains(sequence) {
                    missing.append(SoakEvent(conversation: conversation.name, sequence: sequence))
                }
            }
            if !missing.isEmpty, let tally = try? DeadLetterTally.read(journals: instances.map { files.journal(instance: $0.name) }) {
                missing.removeAll { tally.events.contains($0) }
            }
            if missing.count != outstanding {
                outstanding = missing.count
                say("\(outstanding) produced events neither delivered nor dead-lettered yet")
            }
            if missing.isEmpty { return }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    /// Every conversation's received sequence numbers (retried a few times per conversation if the sandbox is slow).
    private func readDeliveries(_ conversations: [Conversation], from sandbox: SandboxClient) async -> ([String: [Int]], Int) {
        var received: [String: [Int]] = [:]
        var foreign = 0
        for conversation in conversations {
            for _ in 0..<5 {
                if let result = await sandbox.deliveries(of: conversation) {
                    received[conversation.name] = result.sequences
                    foreign += result.foreign
                    break
                }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        return (received, foreign)
    }

    // MARK: Output

    private func printDetails(_ report: SoakReport) {
        for violation in report.orderViolations.prefix(20) {
            say("ORDER: conversation \(violation.conversation) received event \(violation.sequence) for the first time after event \(violation.after)")
        }
        if report.orderViolations.count > 20 { say("… and \(report.orderViolations.count - 20) more order violations") }
        let lostByConversation = Dictionary(grouping: report.lost, by: \.conversation)
        for (conversation, events) in lostByConversation.sorted(by: { $0.key < $1.key }).prefix(20) {
            let sequences = events.map(\.sequence).sorted()
            say("LOST: conversation \(conversation): \(sequences.count) events, \(Self.ranges(sequences))")
        }
        if report.unacknowledgedDeliveries > 0 {
            say("note: \(report.unacknowledgedDeliveries) delivered events were never acknowledged to the soak (their answer was lost)")
        }
        if report.foreignDeliveries > 0 { say("note: \(report.foreignDeliveries) delivered events were not the soak's") }
        if report.deadLetters.unrecognised > 0 { say("note: \(report.deadLetters.unrecognised) dead letters hold no soak event") }
        let unanswered = ledger.unansweredCounts.map { "\($0.key.rawValue)=\($0.value)" }.sorted().joined(separator: " ")
        let refusals = ledger.refusalCounts.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        say("sends retried: unanswered [\(unanswered.isEmpty ? "none" : unanswered)], refused [\(refusals.isEmpty ? "none" : refusals)]; dead-lettered and never delivered: \(report.deadLetteredUndelivered)")
        for problem in notes.all { say("PROBLEM: \(problem)") }
    }

    /// `0-4, 9, 12-13`.
    private static func ranges(_ sorted: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.prefix(30).joined(separator: ", ") + (parts.count > 30 ? ", …" : "")
    }

    private static func period(rate: Double, conversations: Int) -> Duration {
        .seconds(Double(max(1, conversations)) / max(0.01, rate))
    }

    /// One line of progress, with the time since the soak started.
    func say(_ text: String) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        write(String(format: "soak %6.1fs: ", seconds) + text)
    }

    /// Writes a line to standard output and to `soak.log` in the working directory.
    func write(_ line: String) {
        let data = Data((line + "\n").utf8)
        FileHandle.standardOutput.write(data)
        let path = settings.workDirectory + "/soak.log"
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        if let file = FileHandle(forWritingAtPath: path) {
            file.seekToEndOfFile()
            file.write(data)
            try? file.close()
        }
    }
}
