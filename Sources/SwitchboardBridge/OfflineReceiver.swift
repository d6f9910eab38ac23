import Synchronization
import SwitchboardCore
import SwitchboardHTTP

/// Takes webhook requests the way `JournallingReceiver` does (the same refusal, verification and acknowledgement),
/// but keeps what would happen instead of journalling and delivering it: `switchboard test`'s receiver.
///
/// Each instance takes one request, so a re-send is never recognised as one (there is no dedup window offline).
final class OfflineReceiver: WebhookReceiver {
    let routes: SwitchboardCore.Router
    let settings: WebhookConfig
    let integrations: [String: any Integration]
    private let seen = Mutex(OfflineOutcome())

    init(routes: SwitchboardCore.Router, settings: WebhookConfig, integrations: [String: any Integration]) {
        self.routes = routes
        self.settings = settings
        self.integrations = integrations
    }

    /// What the request came to.
    var outcome: OfflineOutcome { seen.withLock { $0 } }

    func target(forPath path: String) -> SwitchboardCore.Router.Target? {
        routes.webhook(path: path)
    }

    func refusal(for target: SwitchboardCore.Router.Target) -> WebhookReply? {
        integrations[target.integration] == nil ? .error(500, "route has no integration") : nil
    }

    func receive(_ event: InboundEvent, target: SwitchboardCore.Router.Target) async -> WebhookReply {
        seen.withLock { outcome in
            outcome.route = target.route
            outcome.integration = target.integration
            outcome.requestURL = event.requestURL
        }
        guard let integration = integrations[target.integration] else { return .error(500, "route has no integration") }
        if let (reply, reason) = await JournallingReceiver.refusal(of: event, by: integration) {
            seen.withLock { $0.rejection = reason }
            return reply
        }
        // Journalled here in production; the mapping below is what the pipeline does with the entry.
        do {
            let events = try await integration.mapped(event)
            seen.withLock { $0.events = events }
        } catch {
            seen.withLock { $0.deadLetter = error }
        }
        return JournallingReceiver.acknowledge(integration, event, entry: 1)
    }
}
