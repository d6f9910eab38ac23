import ArgumentParser
import Logging
import SwitchboardBridge
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardStore

extension DeadLetterCommand {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replay",
            abstract: "Post dead letters again now (after fixing what failed); each is removed once PolyAI accepts it.",
            discussion: """
                Name dead letters by id, or take many with --all (narrowed by --integration, --reason, --since), \
                oldest first. Events already delivered are never posted again: a dead letter holds only events that \
                were not delivered. An event first seen more than an hour ago is skipped, because its external event \
                id has expired and it cannot reach its conversation; --force posts it anyway. Exit status 0 when \
                every dead letter asked for was delivered, 1 otherwise.
                """
        )

        @Option(name: .shortAndLong, help: "The YAML configuration file.")
        var config: String

        @Argument(help: "Dead letter ids (from `dlq list`); or use --all.")
        var ids: [Int64] = []

        @Flag(help: "Replay every dead letter the filters select (every one, without filters).")
        var all = false

        @OptionGroup(title: "Filters for --all")
        var selection: DeadLetterSelection

        @Flag(help: "Post events first seen more than an hour ago too (their external event ids have most likely expired).")
        var force = false

        /// What a run did, for the closing line and the exit status.
        private struct Tally {
            var delivered = 0
            var failed = 0
            var expired = 0
        }

        func run() async throws {
            var stderr = StandardError()
            if selection.isGiven, !all {
                stderr.write("switchboard dlq replay: --integration, --reason and --since select dead letters for --all\n")
                throw ExitCode(1)
            }
            if all == !ids.isEmpty {
                stderr.write(all ? "switchboard dlq replay: give dead letter ids or --all, not both\n" : "switchboard dlq replay: give dead letter ids, or --all\n")
                throw ExitCode(1)
            }
            var filter = try selection.filter()
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
            var tally = Tally()
            if all {
                // Fixed now: what is dead-lettered during the run (a replay failing again) waits for the next one.
                filter.throughID = try journal.deadLetters(matching: filter, order: .newestFirst, after: nil, limit: 1).first?.id ?? 0
                let count = try journal.deadLetterCount(matching: filter)
                let which = filter.selectsAll ? "all dead letters" : "dead letters matching \(selection.describe(filter))"
                print("replaying \(count) dead letter\(count == 1 ? "" : "s") (\(which)), oldest first")
                var cursor: Int64?
                while true {
                    let page = try journal.deadLetters(matching: filter, order: .oldestFirst, after: cursor, limit: DeadLetterCommand.pageSize)
                    for letter in page {
                        await replayOne(letter, with: replay, tally: &tally)
                    }
                    guard let last = page.last, page.count == DeadLetterCommand.pageSize else { break }
                    cursor = last.id
                }
            } else {
                for id in ids {
                    guard let letter = try journal.deadLetter(id: id) else {
                        stderr.write("\(id): no dead letter with this id\n")
                        tally.failed += 1
                        continue
                    }
                    await replayOne(letter, with: replay, tally: &tally)
                }
            }
            if all || ids.count > 1 {
                var summary = "\(tally.delivered) delivered, \(tally.failed) not delivered (kept)"
                if tally.expired > 0 { summary += ", \(tally.expired) skipped: expired (--force posts them anyway)" }
                print(summary)
            }
            if tally.failed > 0 || tally.expired > 0 { throw ExitCode(1) }
        }

        /// Replays one dead letter and prints what happened, one line, every outside text escaped.
        private func replayOne(_ letter: DeadLetter, with replay: DeadLetterReplay, tally: inout Tally) async {
            let id = letter.id
            let result: DeadLetterReplay.Result
            do {
                result = try await replay.replay(letter, force: force)
            } catch {
                tally.failed += 1
                print("\(id): the journal could not record the replay: \(TextEscaping.printable(error.description))")
                return
            }
            switch result {
            case .delivered(let count):
                tally.delivered += 1
                print("\(id): delivered (\(count) event\(count == 1 ? "" : "s")), removed from the dead letters")
            case .partlyDelivered(let delivered, let kept, let status, let message):
                tally.failed += 1
                print("\(id): \(delivered) of \(delivered + kept) events delivered (not posted again); \(kept) not delivered "
                    + "(\(Self.status(status)): \(TextEscaping.printable(message))), kept as new dead letters")
            case .failed(let status, let message):
                tally.failed += 1
                print("\(id): not delivered (\(Self.status(status))): \(TextEscaping.printable(message)); kept")
            case .expired(let firstSeenMillis):
                tally.expired += 1
                print("\(id): skipped: first seen \(DeadLetterText.time(firstSeenMillis)), more than an hour ago, so its external event id "
                    + "has expired and it cannot reach its conversation (--force posts it anyway); kept")
            }
        }

        private static func status(_ status: Int?) -> String {
            status.map { "HTTP \($0)" } ?? "no response"
        }
    }
}
