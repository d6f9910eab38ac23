import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Configuration: valid files load with the right values")
struct ConfigValidFileTests {
    /// The configuration of DESIGN §5, with `region` (the design shows `endpoint` as its alternative).
    static let designExample = """
        polyai:
          region: us-1                 # us-1 | uk-1 | euw-1
          account_id: ws-fd112d8f
        listen: 127.0.0.1:8080          # webhook listener
        admin: 127.0.0.1:9090           # /healthz /readyz /metrics, status page
        journal: ./switchboard-data     # embedded store
        kafka:                          # optional
          brokers: [localhost:9092]
          group_id: switchboard
        integrations:
          payments:
            plugin: stripe               # a compiled-in plugin, or `mapping`
            project_id: PROJECT-58RP822I
            key:
              env: POLYAI_KEY_PAYMENTS   # or file: /run/secrets/polyai-payments
              agents: [PROJECT-58RP822I] # or: all
              permissions: [external_events]
              expires: 2027-03-01
            options:
              signing_secret: "${STRIPE_WEBHOOK_SECRET}"
            retry: { max_attempts: 10, base: 100ms, cap: 10s, deadline: 55m }
            max_in_flight: 64
            rate_limit: 200/s
          bookings:
            plugin: mapping
            project_id: PROJECT-58RP822I
            key: { env: POLYAI_KEY_BOOKINGS, agents: [PROJECT-58RP822I], permissions: [external_events], expires: 2027-03-01 }
            options:
              event_id: { from: json, path: cid }
              body: passthrough
        routes:
          - from: { webhook: /hooks/stripe }
            to: payments
          - from: { kafka: crm.bookings }
            when: { header: event-type, equals: booking.confirmed }
            to: bookings
        """

    @Test("the design's example loads with every value it states")
    func designExampleLoads() throws {
        let result = ConfigFixture.load(Self.designExample, environment: ["STRIPE_WEBHOOK_SECRET": "whsec_test_0001"])
        #expect(result.issues.isEmpty, "\(result.printed)")
        let config = try #require(result.config)

        #expect(config.polyai.destination == .region("us-1"))
        #expect(config.polyai.baseURL == "https://api.us-1.platform.polyai.app")
        #expect(config.polyai.accountID == "ws-fd112d8f")
        #expect(config.polyai.position == ConfigPosition(file: ConfigFixture.file, line: 2, column: 3))
        #expect(config.listen == HostPort(host: "127.0.0.1", port: 8080))
        #expect(config.admin.listen == HostPort(host: "127.0.0.1", port: 9090))
        #expect(config.journal.directory == "/srv/switchboard/switchboard-data")
        #expect(config.file == ConfigFixture.file)

        let kafka = try #require(config.kafka)
        #expect(kafka.brokers == ["localhost:9092"])
        #expect(kafka.groupID == "switchboard")
        #expect(kafka.options.isEmpty)
        #expect(kafka.deadLetterTopic == nil)

        #expect(config.integrations.map(\.name) == ["payments", "bookings"])
        let payments = config.integrations[0]
        #expect(payments.plugin == "stripe")
        #expect(payments.projectID == "PROJECT-58RP822I")
        #expect(payments.path == "integrations.payments")
        #expect(payments.position == ConfigPosition(file: ConfigFixture.file, line: 11, column: 3))
        #expect(payments.key.source == .env("POLYAI_KEY_PAYMENTS"))
        #expect(payments.key.agents == .some(["PROJECT-58RP822I"]))
        #expect(payments.key.permissions == ["external_events"])
        #expect(payments.key.expires == Date(timeIntervalSince1970: 1_803_945_600))  // 2027-03-02T00:00:00Z
        #expect(payments.key.path == "integrations.payments.key")
        #expect(payments.retry == RetryConfig(
            maxAttempts: 10, base: .milliseconds(100), factor: 2.0, cap: .seconds(10), deadline: .seconds(3300)))
        #expect(payments.maxInFlight == 64)
        // Small integrations keep the floor of 256 connections; larger ones get one connection per attempt.
        #expect(config.connectionPoolSize == 256)
        var wide = config
        for index in wide.integrations.indices { wide.integrations[index].maxInFlight = 300 }
        #expect(wide.connectionPoolSize == 300 * config.integrations.count)
        #expect(payments.rateLimit == Rate(count: 200, per: .seconds(1)))
        #expect(payments.orderingKey == "event_id")

        let options = try #require(payments.options)
        let diagnostics = ConfigDiagnostics()
        let reader = options.reader(diagnostics)
        #expect(reader.string("signing_secret") == "whsec_test_0001")
        reader.finish()
        #expect(diagnostics.issues.isEmpty)

        let bookings = config.integrations[1]
        #expect(bookings.key.source == .env("POLYAI_KEY_BOOKINGS"))
        #expect(bookings.options?.entry("body")?.value.scalar == "passthrough")
        #expect(bookings.retry == RetryConfig())

        #expect(config.routes.count == 2)
        #expect(config.routes[0].name == "webhook:/hooks/stripe")
        #expect(config.routes[0].source == .webhook("/hooks/stripe"))
        #expect(config.routes[0].condition == nil)
        #expect(config.routes[0].integration == "payments")
        #expect(config.routes[0].path == "routes[0]")
        #expect(config.routes[1].name == "kafka:crm.bookings")
        #expect(config.routes[1].source == .kafka("crm.bookings"))
        #expect(config.routes[1].condition == RouteCondition(subject: .header("event-type"), equals: "booking.confirmed"))
        #expect(config.routes[1].integration == "bookings")
        #expect(config.routes[1].sourcePosition == ConfigPosition(file: ConfigFixture.file, line: 34, column: 20))
    }

    @Test("keys left out take their documented defaults")
    func defaults() throws {
        let result = ConfigFixture.load(ConfigFixture.minimal)
        #expect(result.issues.isEmpty, "\(result.printed)")
        let config = try #require(result.config)
        #expect(config.listen == HostPort(host: "127.0.0.1", port: 8080))
        #expect(config.admin.listen == HostPort(host: "127.0.0.1", port: 9090))
        #expect(config.journal == JournalConfig(
            directory: "/srv/switchboard/switchboard-data", capacity: 100_000, dedupWindow: .seconds(86_400)))
        #expect(config.webhook.maxBodyBytes == 1_048_576)
        #expect(config.logging == LoggingConfig(format: "logfmt", level: "info"))
        #expect(config.shutdownTimeout == .seconds(10))
        #expect(config.kafka == nil)
        let payments = try #require(config.integrations.first)
        #expect(payments.retry == RetryConfig(
            maxAttempts: 20, base: .milliseconds(100), factor: 2.0, cap: .seconds(30), deadline: .seconds(3300)))
        #expect(payments.maxInFlight == 64)
        #expect(payments.rateLimit == nil)
        #expect(payments.orderingKey == "event_id")
        #expect(payments.options == nil)
        #expect(payments.key.agents == .all)
        #expect(payments.key.permissions == ["external_events"])
        #expect(payments.key.expires == nil)
    }

    @Test("every optional setting is read when written")
    func optionalSettings() throws {
        let yaml = """
            polyai:
              endpoint: http://127.0.0.1:9300/
              account_id: ws-1
            listen: "[::1]:0"
            admin: { listen: ":9091", token: admin-token-1 }
            journal: { path: data/journal, capacity: 50000, dedup_window: 1h }
            webhook: { max_body: 512KiB }
            log: { format: json, level: debug }
            shutdown_timeout: 1.5s
            kafka:
              brokers: [a:9092, b:9092]
              group_id: sb
              options: { session.timeout.ms: 6000, enable.idempotence: true }
              dead_letter_topic: switchboard.dlq
            integrations:
              crm_2:
                plugin: mapping
                project_id: PROJECT-1
                key:
                  file: secrets/crm
                  agents: all
                  permissions: [external_events, handoff, external_events]
                  expires: 2027-03-01T12:30:00Z
                retry: { factor: 1.5, base: 250ms, cap: 1m }
                max_in_flight: 10000
                rate_limit: 1000/m
                ordering_key: message_key
            routes:
              - name: crm-updates
                from: { kafka: crm.updates }
                when: { json: data.object.status, equals: 42 }
                to: crm_2
              - from: { kafka: crm.updates }
                when: { message_key: true, equals: vip }
                to: crm_2
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.issues.isEmpty, "\(result.printed)")
        let config = try #require(result.config)
        #expect(config.polyai.destination == .endpoint("http://127.0.0.1:9300/"))
        #expect(config.polyai.baseURL == "http://127.0.0.1:9300")
        #expect(config.listen == HostPort(host: "::1", port: 0))
        #expect(config.admin.listen == HostPort(host: "0.0.0.0", port: 9091))
        #expect(config.admin.token == "admin-token-1")
        #expect(!"\(config.admin)".contains("admin-token-1"))
        #expect(config.journal == JournalConfig(
            directory: "/srv/switchboard/data/journal", capacity: 50_000, dedupWindow: .seconds(3600)))
        #expect(config.webhook.maxBodyBytes == 524_288)
        #expect(config.logging == LoggingConfig(format: "json", level: "debug"))
        #expect(config.shutdownTimeout == .milliseconds(1500))
        #expect(config.kafka?.brokers == ["a:9092", "b:9092"])
        #expect(config.kafka?.options == ["session.timeout.ms": "6000", "enable.idempotence": "true"])
        #expect(config.kafka?.deadLetterTopic == "switchboard.dlq")

        let crm = try #require(config.integrations.first)
        #expect(crm.key.source == .file("/srv/switchboard/secrets/crm"))
        #expect(crm.key.agents == .all)
        #expect(crm.key.permissions == ["external_events", "handoff"])
        #expect(crm.key.expires == Date(timeIntervalSince1970: 1_803_904_200))  // 2027-03-01T12:30:00Z
        #expect(crm.retry == RetryConfig(
            maxAttempts: 20, base: .milliseconds(250), factor: 1.5, cap: .seconds(60), deadline: .seconds(3300)))
        #expect(crm.maxInFlight == 10_000)
        #expect(crm.rateLimit == Rate(count: 1000, per: .seconds(60)))
        #expect(crm.orderingKey == "message_key")

        #expect(config.routes.map(\.name) == ["crm-updates", "kafka:crm.updates"])
        #expect(config.routes[0].condition == RouteCondition(subject: .json("data.object.status"), equals: "42"))
        #expect(config.routes[1].condition == RouteCondition(subject: .messageKey, equals: "vip"))
    }

    @Test("a file on disk loads, with relative paths taken from its own directory")
    func loadsFromDisk() throws {
        let directory = try ConfigFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("switchboard.yaml")
        try (ConfigFixture.minimal + "\njournal: ../state\n").write(to: file, atomically: true, encoding: .utf8)

        let result = ConfigLoader.load(file: file.path, environment: [:])
        #expect(result.issues.isEmpty, "\(result.printed)")
        let config = try #require(result.config)
        #expect(config.file == file.standardizedFileURL.path)
        #expect(config.journal.directory == directory.deletingLastPathComponent().appendingPathComponent("state").standardizedFileURL.path)
    }

    @Test("a warning alone does not stop the configuration from loading")
    func warningsKeepTheConfig() throws {
        let yaml = ConfigFixture.minimal.replacingOccurrences(of: "ws-fd112d8f", with: "fd112d8f")
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == ["/srv/switchboard/q.yaml:3:15: warning: polyai.account_id: PolyAI workspace ids start with 'ws-'"])
        #expect(result.config != nil)
        #expect(!result.hasErrors)
    }
}
