import ArgumentParser
import Foundation
import Logging
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore

/// `switchboard dlq`: the dead letters of a configuration's journal.
struct DeadLetterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List, show and replay dead letters (events that will not be delivered, with why).",
        subcommands: [List.self, Show.self, Replay.self]
    )

    /// Opens the journal named by a configuration file.
    static func openJournal(config file: String) throws -> Journal {
        let loaded = ConfigLoader.load(file: file)
        guard let config = loaded.config else {
            var stderr = StandardError()
            ConfigCheck.print(loaded.issues, to: &stderr)
            throw ExitCode(1)
        }
        do {
            return try Journal(
                directory: config.journal.directory, capacity: config.journal.capacity, limits: StoreLimits(config.journal),
                logger: Logger(label: "switchboard.dlq")
            )
        } catch {
            var stderr = StandardError()
            stderr.write("switchboard dlq: \(error)\n")
            throw ExitCode(1)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List dead letters, newest first.")

        @Option(name: .shortAndLong, help: "The YAML configuration file.")
        var config: String

        @Option(help: "Only this integration's dead letters.")
        var integration: String?

        @Option(help: "At most this many.")
        var limit: Int = 50

        @Flag(help: "One JSON object per line instead of a table.")
        var json = false

        func run() throws {
            let journal = try DeadLetterCommand.openJournal(config: config)
            defer { journal.close() }
            let letters = try journal.deadLetters(limit: limit, integration: integration)
            let summary = DeadLetterText.summary(held: try journal.deadLetterCount(), evicted: try journal.deadLetterEvictions(), limits: journal.limits)
            if json {
                for letter in letters { print(DeadLetterText.json(letter, includeBody: false)) }
                // Standard output stays one JSON object per line.
                var stderr = StandardError()
                stderr.write(summary + "\n")
                return
            }
            print("ID\tDEAD-LETTERED\tINTEGRATION\tREASON\tATTEMPTS\tSTATUS\tEVENT ID\tERROR")
            for letter in letters {
                print(DeadLetterText.row(letter))
            }
            if letters.isEmpty { print("(no dead letters)") }
            print(summary)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one dead letter with its body.")

        @Option(name: .shortAndLong, help: "The YAML configuration file.")
        var config: String

        @Argument(help: "The dead letter's id (from `dlq list`).")
        var id: Int64

        func run() throws {
            let journal = try DeadLetterCommand.openJournal(config: config)
            defer { journal.close() }
            guard let letter = try journal.deadLetter(id: id) else {
                var stderr = StandardError()
                stderr.write("no dead letter with id \(id)\n")
                throw ExitCode(1)
            }
            print(DeadLetterText.json(letter, includeBody: true))
        }
    }
}

extension DeadLetterCommand {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Post dead letters again now (after fixing what failed); each is removed once PolyAI accepts it."
        )

        @Option(name: .shortAndLong, help: "The YAML configuration file.")
        var config: String

        @Argument(help: "Dead letter ids (from `dlq list`).")
        var ids: [Int64]

        func run() async throws {
            var stderr = StandardError()
            let (checked, issues) = ConfigCheck.run(file: config)
            guard let checked else {
                ConfigCheck.print(issues, to: &stderr)
                throw ExitCode(1)
            }
            let journal = try DeadLetterCommand.openJournal(config: config)
            defer { journal.close() }
            let client = CurlHTTPClient(proxy: checked.config.polyai.proxy, logger: Logger(label: "switchboard.dlq"))
            defer { client.shutdown() }
            var destinations: [String: PolyAIDestination] = [:]
            for integration in checked.config.integrations {
                guard let key = checked.keys[integration.name] else { continue }
                destinations[integration.name] = PolyAIDestination(
                    baseURL: checked.config.polyai.baseURL, accountID: checked.config.polyai.accountID,
                    projectID: integration.projectID, key: key, timeout: integration.timeout
                )
            }
            let replay = DeadLetterReplay(
                journal: journal, integrations: checked.integrations, destinations: destinations,
                transport: ExternalEventsClient(client: client)
            )
            var failures = 0
            for id in ids {
                guard let letter = try journal.deadLetter(id: id) else {
                    stderr.write("\(id): no dead letter with this id\n")
                    failures += 1
                    continue
                }
                switch try await replay.replay(letter) {
                case .delivered(let count):
                    print("\(id): delivered (\(count) event\(count == 1 ? "" : "s")), removed from the dead letters")
                case .failed(let status, let message):
                    failures += 1
                    print("\(id): not delivered (\(status.map { "HTTP \($0)" } ?? "no response")): \(message); kept")
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }
}


/// Dead letters as text.
enum DeadLetterText {
    /// `1234 dead letters held (capacity 100000, kept 14d); 56 removed to stay within them (…)`.
    static func summary(held: Int, evicted: DeadLetterEvictions, limits: StoreLimits) -> String {
        let days = limits.deadLetterRetention.components.seconds / 86_400
        let kept = days >= 1 ? "\(days)d" : "\(limits.deadLetterRetention.components.seconds / 60)m"
        var text = "\(held) dead letter\(held == 1 ? "" : "s") held (capacity \(limits.deadLetterCapacity), kept \(kept))"
        if evicted.total > 0 {
            text += "; \(evicted.total) removed to stay within them (\(evicted.capacity) oldest past capacity, \(evicted.retention) past retention)"
        }
        return text
    }

    static func time(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000).formatted(Date.ISO8601FormatStyle())
    }

    /// One line of the `dlq list` table. Every cell is made printable (a tab inside one cannot shift the columns,
    /// and no control character from a provider or PolyAI reaches the terminal); long messages are cut.
    static func row(_ letter: DeadLetter) -> String {
        [
            String(letter.id), time(letter.deadLetteredAtMillis), letter.integration, letter.reason,
            String(letter.attempts), letter.lastStatus.map(String.init) ?? "-", letter.eventID.map { cell($0, limit: 80) } ?? "-",
            letter.errorMessage.map { cell($0, limit: 200) } ?? "-",
        ].map { TextEscaping.printable($0) }.joined(separator: "\t")
    }

    private static func cell(_ text: String, limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit)) + "…" : text
    }

    /// One dead letter as a JSON object on one line, keys sorted. Strings are escaped with `TextEscaping.json`, so
    /// every control character, C1, line separator and bidi control in a body or message arrives as `\uXXXX`.
    static func json(_ letter: DeadLetter, includeBody: Bool) -> String {
        var fields: [(String, String)] = [
            ("attempts", String(letter.attempts)),
            ("dead_lettered", quoted(time(letter.deadLetteredAtMillis))),
            ("first_seen", quoted(time(letter.firstSeenMillis))),
            ("id", String(letter.id)),
            ("integration", quoted(letter.integration)),
            ("reason", quoted(letter.reason)),
            ("route", quoted(letter.route)),
        ]
        if let status = letter.lastStatus { fields.append(("last_status", String(status))) }
        if let message = letter.errorMessage { fields.append(("error_message", quoted(message))) }
        if let id = letter.correlationID { fields.append(("correlation_id", quoted(id))) }
        if let id = letter.eventID { fields.append(("event_id", quoted(id))) }
        if let type = letter.contentType { fields.append(("content_type", quoted(type))) }
        if includeBody { fields.append(("body", quoted(String(decoding: letter.body, as: UTF8.self)))) }
        return "{" + fields.sorted { $0.0 < $1.0 }.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    private static func quoted(_ text: String) -> String {
        "\"" + TextEscaping.json(text) + "\""
    }
}
