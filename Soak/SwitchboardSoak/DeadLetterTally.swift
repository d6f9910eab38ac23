import Logging
import SwitchboardStore

/// The dead letters in the instances' journals: which soak events they hold, and how many there are per reason.
struct DeadLetterTally: Sendable {
    /// The soak events dead-lettered (accounted for: they have an outcome).
    var events: Set<SoakEvent> = []
    /// Dead letters per reason (every one, the soak's or not).
    var byReason: [String: Int] = [:]
    /// Dead letters whose body is not a soak event.
    var unrecognised = 0

    /// Every dead letter held.
    var total: Int { byReason.values.reduce(0, +) }

    /// Reads every dead letter of the journals in `directories` (another process may be using them meanwhile).
    static func read(journals directories: [String]) throws -> DeadLetterTally {
        var tally = DeadLetterTally()
        let logger = Logger(label: "soak.journal") { _ in SwiftLogNoOpLogHandler() }
        for directory in directories {
            let journal = try Journal(directory: directory, capacity: 100_000, logger: logger)
            defer { journal.close() }
            var cursor: Int64?
            while true {
                let page = try journal.deadLetters(matching: DeadLetterFilter(), order: .oldestFirst, after: cursor, limit: 500)
                for letter in page {
                    tally.byReason[letter.reason, default: 0] += 1
                    if let event = SoakEvent(body: letter.body) {
                        tally.events.insert(event)
                    } else {
                        tally.unrecognised += 1
                    }
                }
                guard let last = page.last, page.count == 500 else { break }
                cursor = last.id
            }
        }
        return tally
    }
}
