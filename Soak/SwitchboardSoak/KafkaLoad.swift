import SwitchboardKafka

/// Produces Kafka messages for a set of conversations at a steady rate, keyed by conversation, one at a time per
/// conversation (so each conversation's messages land in its partition in sequence order), each retried until the
/// broker acknowledges it.
struct KafkaLoad: Sendable {
    let conversations: [Conversation]
    let producer: KafkaProducer
    let topic: String
    let ledger: ProducedLedger
    /// Time between two events of one conversation.
    let period: Duration
    let loadSwitch: LoadSwitch

    /// Runs until the switch is turned off and every conversation's last message was acknowledged.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            for (index, conversation) in conversations.enumerated() {
                let offset = period * (Double(index) / Double(max(1, conversations.count)))
                group.addTask { await self.feed(conversation, offset: offset) }
            }
        }
    }

    private func feed(_ conversation: Conversation, offset: Duration) async {
        var pace = SteadyPace(period: period, offset: offset)
        var sequence = 0
        while !loadSwitch.isStopped {
            await pace.wait()
            guard !loadSwitch.isStopped else { break }
            let body = SoakEvent.body(for: conversation, sequence: sequence)
            while true {
                do {
                    // While the brokers are down this waits (the producer's message timeout is long).
                    try await producer.send(topic: topic, key: Array(conversation.name.utf8), value: body, headers: [])
                    ledger.acknowledged(conversation, sequence: sequence)
                    break
                } catch {
                    ledger.refused("kafka \(error.code)")
                    try? await Task.sleep(for: .milliseconds(200))
                }
            }
            sequence += 1
        }
    }
}
