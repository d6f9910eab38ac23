import ArgumentParser
import Foundation
import Logging
import SwitchboardCore
import SwitchboardStore

/// `switchboard dlq`: the dead letters of a configuration's journal.
struct DeadLetterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List and show dead letters (events that will not be delivered, with why).",
        subcommands: [List.self, Show.self]
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
            return try Journal(directory: config.journal.directory, capacity: config.journal.capacity, logger: Logger(label: "switchboard.dlq"))
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
            if json {
                for letter in letters { print(DeadLetterText.json(letter, includeBody: false)) }
                return
            }
            print("ID\tDEAD-LETTERED\tINTEGRATION\tREASON\tATTEMPTS\tSTATUS\tEVENT ID\tERROR")
            for letter in letters {
                print([
                    String(letter.id), DeadLetterText.time(letter.deadLetteredAtMillis), letter.integration, letter.reason,
                    String(letter.attempts), letter.lastStatus.map(String.init) ?? "-", letter.eventID ?? "-",
                    letter.errorMessage ?? "-",
                ].joined(separator: "\t"))
            }
            if letters.isEmpty { print("(no dead letters)") }
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
    static func time(_ millis: Int64) -> String {
        Date(timeIntervalSince1970: Double(millis) / 1000).formatted(Date.ISO8601FormatStyle())
    }

    static func json(_ letter: DeadLetter, includeBody: Bool) -> String {
        var object: [String: Any] = [
            "id": letter.id, "integration": letter.integration, "route": letter.route, "reason": letter.reason,
            "attempts": letter.attempts, "first_seen": time(letter.firstSeenMillis), "dead_lettered": time(letter.deadLetteredAtMillis),
        ]
        object["last_status"] = letter.lastStatus
        object["error_message"] = letter.errorMessage
        object["correlation_id"] = letter.correlationID
        object["event_id"] = letter.eventID
        object["content_type"] = letter.contentType
        if includeBody { object["body"] = String(decoding: letter.body, as: UTF8.self) }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
