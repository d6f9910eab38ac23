/// How a soak runs: which binary, where, how long and how hard.
struct SoakSettings: Sendable {
    /// The `switchboard` binary under test.
    var binary: String
    /// A fresh directory for configurations, journals and logs.
    var workDirectory: String
    /// How long events are produced (the disruptions happen within it).
    var duration: Duration
    /// How long, after production, produced events may take to be delivered or dead-lettered.
    var drain: Duration
    /// Webhooks per second, over all webhook conversations.
    var webhookRate: Double
    /// Kafka messages per second, over all Kafka conversations.
    var kafkaRate: Double
    /// Conversations fed through each source.
    var conversationsPerSource: Int
    /// The sandbox's fault flags.
    var faultArguments: [String]

    /// The most events the sandbox keeps (100,000) with room for duplicates: rates are lowered to stay under it.
    static let maximumEvents = 80_000.0

    /// Lowers both rates in proportion when the run would produce more than the sandbox can hold; returns a note
    /// saying so, or nil.
    mutating func fitSandbox() -> String? {
        let seconds = Double(duration.components.seconds)
        let planned = (webhookRate + kafkaRate) * seconds
        guard planned > Self.maximumEvents else { return nil }
        let scale = Self.maximumEvents / planned
        webhookRate *= scale
        kafkaRate *= scale
        return "rates lowered to \(Int(webhookRate))/s webhooks and \(Int(kafkaRate))/s Kafka so the sandbox holds every event of the run"
    }
}
