import Foundation

/// The files the soak's processes read: the sandbox's keys, the integrations' key files and each instance's
/// configuration. Everything lives in the soak's working directory.
struct SoakFiles: Sendable {
    /// The working directory.
    let directory: String
    /// The project every event is for, and the account.
    static let project = "PROJECT-SOAK"
    static let account = "ws-soak"
    /// The topic the Kafka events go to.
    static let topic = "soak.events"
    /// The delivery deadline of both integrations: short, so a key refused for longer dead-letters events.
    static let deadlineSeconds = 20

    private let secrets: [String: String]

    /// The integrations (each with its own key): `hooks` takes the webhooks, `stream` the Kafka topic.
    static let integrations = ["hooks", "stream"]

    init(directory: String) {
        self.directory = directory
        var secrets: [String: String] = [:]
        for integration in Self.integrations {
            secrets[integration] = "sk-soak-\(integration)-" + UUID().uuidString.lowercased()
        }
        self.secrets = secrets
    }

    /// The sandbox's keys file: one key per integration, for the soak's project only.
    func writeSandboxKeys() throws -> String {
        let path = directory + "/sandbox-keys.yaml"
        var text = "keys:\n"
        for integration in Self.integrations {
            text += """
                  - name: \(integration)
                    key: \(secrets[integration] ?? "")
                    agents: [\(Self.project)]
                    permissions: [external_events]

                """
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Writes every integration's key file: the accepted key, or (`refused`) one the sandbox does not know. Written
    /// by rename, so an instance sees a new file and reads it again.
    func writeKeyFiles(refused: Bool) throws {
        for integration in Self.integrations {
            let value = refused ? "sk-soak-revoked-\(integration)-0000" : (secrets[integration] ?? "")
            try (value + "\n").write(toFile: keyFile(integration), atomically: true, encoding: .utf8)
        }
    }

    private func keyFile(_ integration: String) -> String {
        directory + "/\(integration).key"
    }

    /// The configuration of instance `name`: its own journal and ports, the shared consumer group and key files.
    func writeConfig(instance name: String, sandbox: String, bootstrap: String) throws -> String {
        let path = directory + "/instance-\(name).yaml"
        var text = """
            polyai: { endpoint: \(sandbox), account_id: \(Self.account) }
            listen: 127.0.0.1:0
            admin: 127.0.0.1:0
            journal: ./journal-\(name)
            shutdown_timeout: 10s
            log: { format: logfmt, level: info }
            kafka:
              brokers: ["\(bootstrap)"]
              group_id: soak
              options:
                session.timeout.ms: "6000"
                heartbeat.interval.ms: "500"
                reconnect.backoff.max.ms: "500"
                topic.metadata.refresh.interval.ms: "2000"
            integrations:

            """
        for integration in Self.integrations {
            text += """
                  \(integration):
                    plugin: mapping
                    project_id: \(Self.project)
                    key: { file: ./\(integration).key, agents: [\(Self.project)], permissions: [external_events], expires: 2099-01-01 }
                    options: { event_id: { from: json, path: cid } }
                    retry: { max_attempts: 10000, base: 100ms, cap: 2s, deadline: \(Self.deadlineSeconds)s }

                """
        }
        text += """
            routes:
              - from: { webhook: \(WebhookLoad.path) }
                to: hooks
              - from: { kafka: \(Self.topic) }
                to: stream

            """
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The journal directory of instance `name`.
    func journal(instance name: String) -> String {
        directory + "/journal-\(name)"
    }
}
