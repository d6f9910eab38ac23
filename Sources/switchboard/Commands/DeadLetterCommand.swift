import ArgumentParser
import Foundation
import Logging
import SwitchboardBridge
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore

/// `switchboard dlq`: the dead letters of a configuration's journal.
struct DeadLetterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List, show, replay and purge dead letters (events that will not be delivered, with why).",
        subcommands: [List.self, Show.self, Replay.self, Purge.self]
    )

    /// How many dead letters one store query reads at most.
    static let pageSize = 200

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

        @OptionGroup var selection: DeadLetterSelection

        @Option(help: "At most this many.")
        var limit: Int = 50

        @Flag(help: "One JSON object per line instead of a table.")
        var json = false

        func run() throws {
            let filter = try selection.filter()
            let journal = try DeadLetterCommand.openJournal(config: config)
            defer { journal.close() }
            if !json { print("ID\tDEAD-LETTERED\tINTEGRATION\tREASON\tATTEMPTS\tSTATUS\tEVENT ID\tERROR") }
            // A page at a time, printed as it is read, however large the limit.
            var listed = 0
            var cursor: Int64?
            while listed < limit {
                let page = try journal.deadLetters(matching: filter, order: .newestFirst, after: cursor, limit: min(limit - listed, DeadLetterCommand.pageSize))
                for letter in page {
                    print(json ? DeadLetterText.json(letter, includeBody: false) : DeadLetterText.row(letter))
                }
                listed += page.count
                cursor = page.last?.id
                if page.count < DeadLetterCommand.pageSize { break }
            }
            var summary = DeadLetterText.summary(held: try journal.deadLetterCount(), evicted: try journal.deadLetterEvictions(), limits: journal.limits)
            if !filter.selectsAll {
                summary += "; \(try journal.deadLetterCount(matching: filter)) match \(selection.describe(filter))"
            }
            if json {
                // Standard output stays one JSON object per line.
                var stderr = StandardError()
                stderr.write(summary + "\n")
                return
            }
            if listed == 0 { print("(no dead letters)") }
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
        if let id = letter.traceID { fields.append(("trace_id", quoted(id))) }
        if let type = letter.contentType { fields.append(("content_type", quoted(type))) }
        if includeBody { fields.append(("body", quoted(String(decoding: letter.body, as: UTF8.self)))) }
        return "{" + fields.sorted { $0.0 < $1.0 }.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    private static func quoted(_ text: String) -> String {
        "\"" + TextEscaping.json(text) + "\""
    }
}
