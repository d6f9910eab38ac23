import SwitchboardHTTP

/// Posts webhooks for a set of conversations at a steady rate, each conversation to its own instance's listener
/// (as a load balancer with affinity would), one event at a time per conversation, each retried until it gets `202`.
struct WebhookLoad: Sendable {
    let conversations: [Conversation]
    let instances: [SwitchboardInstance]
    let http: CurlHTTPClient
    let ledger: ProducedLedger
    /// Time between two events of one conversation.
    let period: Duration
    let loadSwitch: LoadSwitch
    /// The path of the soak's webhook route.
    static let path = "/hooks/soak"

    /// Runs until the switch is turned off and every conversation's last event was acknowledged.
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
            await post(conversation, sequence: sequence)
            sequence += 1
        }
    }

    /// Sends one event until an instance answers `202` (a provider re-sending after an error or a timeout).
    private func post(_ conversation: Conversation, sequence: Int) async {
        let instance = instances[conversation.instance % instances.count]
        let body = SoakEvent.body(for: conversation, sequence: sequence)
        while true {
            guard let base = instance.webhookURL else {
                // The instance is down or stopping: like a provider, keep the event and try again shortly.
                try? await Task.sleep(for: .milliseconds(50))
                continue
            }
            let request = HTTPClientRequest(
                url: base + Self.path, headers: [HTTPHeader("Content-Type", "application/json")], body: body, timeout: .seconds(10))
            do {
                let response = try await http.send(request)
                if response.status == 202 {
                    ledger.acknowledged(conversation, sequence: sequence)
                    return
                }
                ledger.refused("webhook \(response.status)")
            } catch {
                ledger.unanswered(.webhook)
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
