import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Configuration: structure errors name file, line, column and key path")
struct ConfigStructureErrorTests {
    @Test("an unknown key is reported where it is written, at every level, with a suggestion for typos")
    func unknownKeysEverywhere() {
        let yaml = """
            polyai:
              region: us-1
              acount_id: ws-1
              acount: x
            listn: 127.0.0.1:8080
            kafka:
              brokers: [localhost:9092]
              group_id: sb
              group: other
            integrations:
              payments:
                plugin: stripe
                project_id: PROJECT-1
                key: { env: KEY, agent: [PROJECT-1] }
                retry: { max_attempt: 3 }
            routes:
              - from: { webhook: /hooks/stripe, method: POST }
                when: { header: event-type, equals: x, case: lower }
                to: payments
                priority: 1
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:2:3: error: polyai.account_id: missing required key",
            "/srv/switchboard/q.yaml:3:3: error: polyai.acount_id: unknown key 'acount_id' (did you mean 'account_id'?)",
            "/srv/switchboard/q.yaml:4:3: error: polyai.acount: unknown key 'acount'",
            "/srv/switchboard/q.yaml:5:1: error: listn: unknown key 'listn' (did you mean 'listen'?)",
            "/srv/switchboard/q.yaml:9:3: error: kafka.group: unknown key 'group'",
            "/srv/switchboard/q.yaml:14:22: error: integrations.payments.key.agent: unknown key 'agent' (did you mean 'agents'?)",
            "/srv/switchboard/q.yaml:15:14: error: integrations.payments.retry.max_attempt: unknown key 'max_attempt' (did you mean 'max_attempts'?)",
            "/srv/switchboard/q.yaml:17:37: error: routes[0].from.method: unknown key 'method'",
            "/srv/switchboard/q.yaml:18:44: error: routes[0].when.case: unknown key 'case'",
            "/srv/switchboard/q.yaml:20:5: error: routes[0].priority: unknown key 'priority'",
        ])
        #expect(result.config == nil)
    }

    @Test("a value of the wrong type is reported at the value")
    func wrongTypes() {
        let yaml = """
            polyai: us-1
            listen: [127.0.0.1, 8080]
            integrations:
              payments:
                plugin: { name: stripe }
                project_id: PROJECT-1
                key: { env: KEY }
                max_in_flight: many
                retry: fast
            routes: { from: x }
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:1:9: error: polyai: expected a mapping, found a single value",
            "/srv/switchboard/q.yaml:2:9: error: listen: expected host:port, such as 127.0.0.1:8080, [::1]:8080 or :8080, found a list",
            "/srv/switchboard/q.yaml:5:13: error: integrations.payments.plugin: expected a string, found a mapping",
            "/srv/switchboard/q.yaml:8:20: error: integrations.payments.max_in_flight: expected an integer from 1 to 10000",
            "/srv/switchboard/q.yaml:9:12: error: integrations.payments.retry: expected a mapping, found a single value",
            "/srv/switchboard/q.yaml:10:9: error: routes: expected a list, found a mapping",
        ])
    }

    @Test("an empty file reports each required top-level key")
    func emptyFile() {
        let result = ConfigFixture.load("")
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:1:1: error: polyai: missing required key",
            "/srv/switchboard/q.yaml:1:1: error: integrations: missing required key: define at least one integration",
            "/srv/switchboard/q.yaml:1:1: error: routes: missing required key: define at least one route",
        ])
        #expect(result.config == nil)
    }

    @Test("required keys inside blocks are reported at their block")
    func requiredInsideBlocks() {
        let yaml = """
            polyai:
              region: us-1
            integrations:
              payments:
                retry: { max_attempts: 3 }
              bookings:
            routes:
              - to: payments
              - from: { webhook: /b }
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:2:3: error: polyai.account_id: missing required key",
            "/srv/switchboard/q.yaml:5:5: error: integrations.payments.plugin: missing required key",
            "/srv/switchboard/q.yaml:5:5: error: integrations.payments.project_id: missing required key",
            "/srv/switchboard/q.yaml:5:5: error: integrations.payments.key: missing required key",
            "/srv/switchboard/q.yaml:6:3: error: integrations.bookings: missing the integration's settings (plugin, project_id, key)",
            "/srv/switchboard/q.yaml:8:5: error: routes[0].from: missing required key",
            "/srv/switchboard/q.yaml:9:5: error: routes[1].to: missing required key",
        ])
    }

    @Test("an empty integrations mapping or routes list is an error")
    func emptyCollections() {
        let yaml = """
            polyai: { region: us-1, account_id: ws-1 }
            integrations: {}
            routes: []
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:2:15: error: integrations: define at least one integration",
            "/srv/switchboard/q.yaml:3:9: error: routes: define at least one route",
        ])
    }

    @Test("every error of a file is reported in one pass, in file order")
    func manyErrorsInOnePass() {
        let yaml = """
            polyai:
              region: us-9
              account_id: ws-1
            shutdown_timeout: 10
            integrations:
              Payments:
                plugin: stripe
                project_id: ""
                key: { env: KEY }
                retry: { max_attempts: 0, base: soon }
                rate_limit: 200 per second
            routes:
              - from: { webhook: hooks/stripe }
                to: payment
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:2:11: error: polyai.region: expected one of: us-1, uk-1, euw-1",
            "/srv/switchboard/q.yaml:4:19: error: shutdown_timeout: expected a duration such as 250ms, 10s, 1.5s, 55m, 1h or 14d",
            "/srv/switchboard/q.yaml:6:3: error: integrations.Payments: integration names may use only a-z, 0-9, '_' and '-'",
            "/srv/switchboard/q.yaml:8:17: error: integrations.Payments.project_id: must not be empty",
            "/srv/switchboard/q.yaml:10:28: error: integrations.Payments.retry.max_attempts: expected a positive integer",
            "/srv/switchboard/q.yaml:10:37: error: integrations.Payments.retry.base: expected a duration such as 250ms, 10s, 1.5s, 55m, 1h or 14d",
            "/srv/switchboard/q.yaml:11:17: error: integrations.Payments.rate_limit: expected a rate such as 200/s, 1000/m or 10/h",
            "/srv/switchboard/q.yaml:13:22: error: routes[0].from.webhook: a webhook path starts with '/', such as /hooks/stripe",
            "/srv/switchboard/q.yaml:14:9: error: routes[0].to: no integration is named 'payment' (did you mean 'Payments'?)",
        ])
        #expect(result.config == nil)
        #expect(result.errors.count == 9)
    }

    @Test("a YAML syntax error is one issue at the line and column libyaml reports")
    func yamlSyntaxError() {
        let yaml = """
            polyai:
              region: us-1
               account_id: ws-1
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:3:14: error: invalid YAML: mapping values are not allowed in this context",
        ])
        #expect(result.config == nil)
    }

    @Test("an unclosed flow mapping is reported, not crashed on")
    func unclosedFlowMapping() {
        let result = ConfigFixture.load("polyai: { region: us-1\nroutes: []\n")
        #expect(result.issues.count == 1)
        #expect(result.issues.first?.position?.line == 2)
        #expect(result.issues.first?.message.hasPrefix("invalid YAML: ") == true)
    }

    @Test("a key written twice in one mapping is an error at the key")
    func duplicateKey() {
        let yaml = """
            polyai:
              region: us-1
              region: uk-1
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == ["/srv/switchboard/q.yaml:2:3: error: duplicate key 'region' in one mapping"])
    }

    @Test("a missing configuration file is one clear error")
    func missingFile() throws {
        let directory = try ConfigFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("absent.yaml").path
        let result = ConfigLoader.load(file: file, environment: [:])
        #expect(result.printed == ["error: configuration file '\(file)' does not exist"])
        #expect(result.config == nil)
    }

    @Test("a directory given as the configuration file is one clear error")
    func directoryAsFile() throws {
        let directory = try ConfigFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = ConfigLoader.load(file: directory.path, environment: [:])
        #expect(result.printed == ["error: '\(directory.path)' is a directory, not a configuration file"])
    }

    @Test("a file that is not UTF-8 is one clear error")
    func notUTF8() throws {
        let directory = try ConfigFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("latin1.yaml")
        try Data([0x70, 0x6F, 0x6C, 0x79, 0x61, 0x69, 0x3A, 0x20, 0xE9, 0xFF, 0x0A]).write(to: file)
        let result = ConfigLoader.load(file: file.path, environment: [:])
        #expect(result.printed == ["error: configuration file '\(file.path)' is not UTF-8 text"])
    }

    @Test("aliases that expand to a huge tree stop with one error instead of exhausting memory")
    func aliasBomb() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...9 {
            let previous = "*a\(level - 1)"
            lines.append("a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]")
        }
        let result = ConfigFixture.load(lines.joined(separator: "\n"))
        #expect(result.errors.contains {
            $0.message == "the file describes more than 100000 values (aliases included)"
        })
        #expect(result.config == nil)
    }

    @Test("deeply nested flow lists are refused with one error before parsing, not a crash")
    func deepFlowNesting() {
        let depth = 20_000
        let yaml = "polyai: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == ["/srv/switchboard/q.yaml:1:73: error: values are nested more than 64 levels deep"])
    }

    @Test("deeply indented blocks are refused with one error before parsing, not a crash")
    func deepBlockNesting() {
        let lines = (0..<400).map { String(repeating: " ", count: $0) + "k\($0):" }
        let result = ConfigFixture.load(lines.joined(separator: "\n"))
        #expect(result.printed == ["/srv/switchboard/q.yaml:258:257: error: values are indented more than 256 columns deep"])
    }

    @Test("brackets and quotes inside block scalars, quoted strings and comments do not count as nesting")
    func bracketsInTextAreNotNesting() throws {
        let brackets = String(repeating: "[", count: 100)
        let yaml = ConfigFixture.minimal.replacingOccurrences(
            of: "    key: { env: POLYAI_KEY_PAYMENTS }",
            with: """
                    key: { env: POLYAI_KEY_PAYMENTS }   # \(brackets)
                    options:
                      template: |
                        {"text": "it's \(brackets)
                      quoted: "\(brackets)"
                      single: '\(brackets) don''t'
                      plain: don't \(brackets)
                """
        )
        let result = ConfigFixture.load(yaml)
        #expect(result.issues.isEmpty, "\(result.printed)")
        let options = try #require(result.config?.integrations.first?.options)
        #expect(options.entry("template")?.value.scalar == "{\"text\": \"it's \(brackets)\n")
    }

    @Test("a file that is a list or a single value is one error, not a missing key for each section")
    func rootNotMapping() {
        #expect(ConfigFixture.load("- polyai\n- routes").printed == [
            "/srv/switchboard/q.yaml:1:1: error: expected a mapping with polyai, integrations and routes, found a list",
        ])
        #expect(ConfigFixture.load("hello").printed == [
            "/srv/switchboard/q.yaml:1:1: error: expected a mapping with polyai, integrations and routes, found a single value",
        ])
    }
}
