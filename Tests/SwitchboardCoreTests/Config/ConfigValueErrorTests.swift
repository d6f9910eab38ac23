import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Configuration: bad values are errors at the value")
struct ConfigValueErrorTests {
    /// `minimal` with its polyai block replaced.
    static func withPolyAI(_ block: String) -> String {
        block + "\n" + ConfigFixture.minimal.split(separator: "\n").dropFirst(3).joined(separator: "\n")
    }

    @Test("revoke_timeout must stay well under max.poll.interval.ms; max_uncommitted and both values are read")
    func kafkaBounds() throws {
        func kafka(_ block: String) -> ConfigLoadResult {
            ConfigFixture.load(ConfigFixture.minimal + "\nkafka:\n  brokers: [127.0.0.1:9092]\n  group_id: g\n" + block)
        }
        let tooLong = kafka("  options: { max.poll.interval.ms: \"20000\" }\n  revoke_timeout: 15s")
        #expect(tooLong.printed == [
            "/srv/switchboard/q.yaml:16:19: error: kafka.revoke_timeout: expected a revoke timeout from 100ms to half of max.poll.interval.ms (20000ms): the revoke blocks the consumer",
        ])
        let fine = kafka("  revoke_timeout: 2s\n  max_uncommitted: 500")
        #expect(fine.printed.isEmpty, "\(fine.printed)")
        let config = try #require(fine.config?.kafka)
        #expect(config.revokeTimeout == .seconds(2))
        #expect(config.maxUncommitted == 500)
        #expect(kafka("  max_uncommitted: 0").printed.first?.contains("kafka.max_uncommitted") == true)
    }

    @Test("a region outside us-1, uk-1, euw-1 lists the allowed regions")
    func badRegion() {
        let result = ConfigFixture.load(Self.withPolyAI("polyai:\n  region: eu-1\n  account_id: ws-1"))
        #expect(result.printed == ["/srv/switchboard/q.yaml:2:11: error: polyai.region: expected one of: us-1, uk-1, euw-1"])
    }

    @Test("region and endpoint together, or neither, is an error")
    func regionAndEndpoint() {
        let both = ConfigFixture.load(Self.withPolyAI("""
            polyai:
              region: us-1
              endpoint: https://proxy.example.com
              account_id: ws-1
            """))
        #expect(both.printed == ["/srv/switchboard/q.yaml:3:13: error: polyai.endpoint: set either region or endpoint, not both"])

        let neither = ConfigFixture.load(Self.withPolyAI("polyai:\n  account_id: ws-1"))
        #expect(neither.printed == ["/srv/switchboard/q.yaml:2:3: error: polyai: set region (one of: us-1, uk-1, euw-1) or endpoint"])
    }

    @Test("an endpoint must be an http or https URL")
    func endpointNotURL() {
        let result = ConfigFixture.load(Self.withPolyAI("polyai:\n  endpoint: ftp://127.0.0.1/x\n  account_id: ws-1"))
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:2:13: error: polyai.endpoint: expected an http or https URL, such as http://127.0.0.1:9300",
        ])
        let noHost = ConfigFixture.load(Self.withPolyAI("polyai:\n  endpoint: sandbox:9300\n  account_id: ws-1"))
        #expect(noHost.errors.map(\.message) == ["expected an http or https URL, such as http://127.0.0.1:9300"])
    }

    @Test("plain http is refused for a host that is not loopback, accepted for loopback")
    func plainHTTP() {
        let remote = ConfigFixture.load(Self.withPolyAI("polyai:\n  endpoint: http://10.1.2.3:9300\n  account_id: ws-1"))
        #expect(remote.printed == [
            "/srv/switchboard/q.yaml:2:13: error: polyai.endpoint: plain http is allowed only to a loopback sandbox (127.0.0.0/8, ::1, localhost): use https",
        ])
        let lookalike = ConfigFixture.load(Self.withPolyAI("polyai:\n  endpoint: http://127.0.0.1.example.com\n  account_id: ws-1"))
        #expect(lookalike.errors.count == 1)

        for endpoint in ["http://127.0.0.1:9300", "http://127.8.9.10", "http://[::1]:9300", "http://localhost:9300/", "https://10.1.2.3"] {
            let result = ConfigFixture.load(Self.withPolyAI("polyai:\n  endpoint: \(endpoint)\n  account_id: ws-1"))
            #expect(result.issues.isEmpty, "\(endpoint): \(result.printed)")
        }
    }

    @Test("the unprefixed api.poly.ai host is refused with the regions to use instead")
    func apiPolyAI() {
        let result = ConfigFixture.load(Self.withPolyAI("polyai:\n  endpoint: https://API.poly.ai/\n  account_id: ws-1"))
        #expect(result.printed == ["/srv/switchboard/q.yaml:2:13: error: polyai.endpoint: use region: us-1|uk-1|euw-1"])
    }

    @Test("an endpoint carrying credentials is refused without echoing them")
    func endpointCredentials() {
        let result = ConfigFixture.load(Self.withPolyAI("polyai:\n  endpoint: https://bob:hunter2@proxy.example.com\n  account_id: ws-1"))
        #expect(result.printed == ["/srv/switchboard/q.yaml:2:13: error: polyai.endpoint: the endpoint must not contain credentials"])
    }

    @Test("bad durations, sizes and rates say what is expected")
    func badUnits() {
        let yaml = ConfigFixture.minimal + """

            shutdown_timeout: 10 s
            webhook: { max_body: 1 MB }
            journal: { dedup_window: 1w, capacity: 0 }
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:12:19: error: shutdown_timeout: expected a duration such as 250ms, 10s, 1.5s, 55m, 1h or 14d",
            "/srv/switchboard/q.yaml:13:22: error: webhook.max_body: expected a size such as 1048576, 64KB, 512KiB or 1MiB",
            "/srv/switchboard/q.yaml:14:26: error: journal.dedup_window: expected a duration such as 250ms, 10s, 1.5s, 55m, 1h or 14d",
            "/srv/switchboard/q.yaml:14:40: error: journal.capacity: expected an integer from 1 to 100000000",
        ])
        let rate = ConfigFixture.load(ConfigFixture.minimal.replacingOccurrences(
            of: "key: { env: POLYAI_KEY_PAYMENTS }",
            with: "key: { env: POLYAI_KEY_PAYMENTS }\n    rate_limit: 0/s"
        ))
        #expect(rate.printed == [
            "/srv/switchboard/q.yaml:9:17: error: integrations.payments.rate_limit: expected a rate such as 200/s, 1000/m or 10/h",
        ])
    }

    @Test("an account id without ws- is only a warning")
    func accountIDWarning() {
        let result = ConfigFixture.load(Self.withPolyAI("polyai:\n  region: uk-1\n  account_id: workspace-1"))
        #expect(result.printed == ["/srv/switchboard/q.yaml:3:15: warning: polyai.account_id: PolyAI workspace ids start with 'ws-'"])
        #expect(result.config?.polyai.baseURL == "https://api.uk-1.platform.polyai.app")
    }

    @Test("an empty project id and an integration name outside [a-z0-9_-] are errors")
    func integrationNameAndProject() {
        let yaml = """
            polyai: { region: us-1, account_id: ws-1 }
            integrations:
              pay.ments:
                plugin: stripe
                project_id: ''
                key: { env: K }
            routes:
              - from: { webhook: /a }
                to: pay.ments
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:3:3: error: integrations[\"pay.ments\"]: integration names may use only a-z, 0-9, '_' and '-'",
            "/srv/switchboard/q.yaml:5:17: error: integrations[\"pay.ments\"].project_id: must not be empty",
        ])
    }

    @Test("retry needs at least one attempt, and base no longer than cap")
    func retryBounds() {
        let attempts = ConfigFixture.load(ConfigFixture.minimal.replacingOccurrences(
            of: "key: { env: POLYAI_KEY_PAYMENTS }",
            with: "key: { env: POLYAI_KEY_PAYMENTS }\n    retry:\n      max_attempts: 0"
        ))
        #expect(attempts.printed == [
            "/srv/switchboard/q.yaml:10:21: error: integrations.payments.retry.max_attempts: expected a positive integer",
        ])
        let yaml = ConfigFixture.minimal.replacingOccurrences(
            of: "key: { env: POLYAI_KEY_PAYMENTS }",
            with: "key: { env: POLYAI_KEY_PAYMENTS }\n    retry: { base: 1m, cap: 10s, factor: 0.5 }"
        )
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:9:42: error: integrations.payments.retry.factor: expected a number of at least 1",
        ])
        let ordered = ConfigFixture.load(ConfigFixture.minimal.replacingOccurrences(
            of: "key: { env: POLYAI_KEY_PAYMENTS }",
            with: "key: { env: POLYAI_KEY_PAYMENTS }\n    retry: { base: 1m, cap: 10s }"
        ))
        #expect(ordered.printed == [
            "/srv/switchboard/q.yaml:9:20: error: integrations.payments.retry.base: base must not be longer than cap",
        ])
    }

    @Test("a retry deadline past the event id's one-hour life is a warning")
    func deadlineWarning() {
        let result = ConfigFixture.load(ConfigFixture.minimal.replacingOccurrences(
            of: "key: { env: POLYAI_KEY_PAYMENTS }",
            with: "key: { env: POLYAI_KEY_PAYMENTS }\n    retry: { deadline: 2h }"
        ))
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:9:24: warning: integrations.payments.retry.deadline: an external event id lives 1h: retrying longer than that cannot succeed",
        ])
        #expect(result.config?.integrations.first?.retry.deadline == .seconds(7200))
    }

    @Test("the admin listener may not take the webhook listener's address")
    func listenerClash() {
        let result = ConfigFixture.load(ConfigFixture.minimal + "\nlisten: 127.0.0.1:8080\nadmin: 127.0.0.1:8080")
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:13:8: error: admin: the admin listener cannot share the webhook listener's address",
        ])
    }
}
