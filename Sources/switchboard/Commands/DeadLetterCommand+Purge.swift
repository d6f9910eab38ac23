import ArgumentParser
import SwitchboardStore

extension DeadLetterCommand {
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "purge",
            abstract: "Delete the dead letters the filters select (--all for every one); prints how many.",
            discussion: """
                Without --integration, --reason or --since, nothing is deleted unless --all is given. Dead letters \
                that arrive while the purge runs are kept. Exit status 0 when the purge finished, 1 otherwise.
                """
        )

        @Option(name: .shortAndLong, help: "The YAML configuration file.")
        var config: String

        @OptionGroup(title: "Filters")
        var selection: DeadLetterSelection

        @Flag(help: "Delete every dead letter the filters select; needed when no filter is given.")
        var all = false

        func run() async throws {
            var stderr = StandardError()
            guard selection.isGiven || all else {
                stderr.write("switchboard dlq purge: give --integration, --reason or --since to choose what to delete, or --all to delete every dead letter\n")
                throw ExitCode(1)
            }
            var filter = try selection.filter()
            let journal = try DeadLetterCommand.openJournal(config: config)
            defer { journal.close() }
            var deleted = 0
            do {
                filter.throughID = try journal.deadLetters(matching: filter, order: .newestFirst, after: nil, limit: 1).first?.id ?? 0
                // One bounded transaction per chunk, so the running bridge's writes are never held up for long.
                while true {
                    let removed = try await journal.removeDeadLetters(matching: filter, limit: DeadLetterCommand.pageSize)
                    deleted += removed
                    if removed == 0 { break }
                }
                let which = filter.selectsAll ? "" : " matching \(selection.describe(filter))"
                print("deleted \(deleted) dead letter\(deleted == 1 ? "" : "s")\(which)")
            } catch {
                stderr.write("switchboard dlq purge: deleted \(deleted), then stopped: \(error)\n")
                throw ExitCode(1)
            }
        }
    }
}
