import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Configuration: ${VAR} and ${file:PATH} interpolation")
struct ConfigInterpolationTests {
    /// `minimal` with extra lines inside the payments integration.
    static func withIntegrationLines(_ lines: String) -> String {
        ConfigFixture.minimal.replacingOccurrences(
            of: "    key: { env: POLYAI_KEY_PAYMENTS }",
            with: "    key: { env: POLYAI_KEY_PAYMENTS }\n" + lines
        )
    }

    @Test("environment variables fill strings and typed values")
    func environment() throws {
        let yaml = Self.withIntegrationLines("""
                options: { signing_secret: "whsec_${STRIPE_SECRET}", label: "pay-${STAGE}-x" }
                max_in_flight: ${MAX_IN_FLIGHT}
                rate_limit: ${RATE}
            """)
        let environment = ["STRIPE_SECRET": "s3cr3t", "STAGE": "prod", "MAX_IN_FLIGHT": "128", "RATE": "50/s"]
        let result = ConfigFixture.load(yaml, environment: environment)
        #expect(result.issues.isEmpty, "\(result.printed)")
        let payments = try #require(result.config?.integrations.first)
        #expect(payments.maxInFlight == 128)
        #expect(payments.rateLimit == Rate(count: 50, per: .seconds(1)))
        let options = try #require(payments.options)
        #expect(options.entry("signing_secret")?.value.scalar == "whsec_s3cr3t")
        #expect(options.entry("signing_secret")?.value.isInterpolated == true)
        #expect(options.entry("label")?.value.scalar == "pay-prod-x")
        #expect(options.entry("label")?.value.displayValue == nil)
    }

    @Test("a file's contents fill a value, relative to the configuration, without the trailing newline")
    func fileContents() throws {
        let directory = try ConfigFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("secrets"), withIntermediateDirectories: true)
        try "whsec_from_file\n".write(to: directory.appendingPathComponent("secrets/stripe"), atomically: true, encoding: .utf8)
        let file = directory.appendingPathComponent("switchboard.yaml")
        try Self.withIntegrationLines("    options: { signing_secret: \"${file:secrets/stripe}\" }")
            .write(to: file, atomically: true, encoding: .utf8)

        let result = ConfigLoader.load(file: file.path, environment: [:])
        #expect(result.issues.isEmpty, "\(result.printed)")
        let options = try #require(result.config?.integrations.first?.options)
        #expect(options.entry("signing_secret")?.value.scalar == "whsec_from_file")
    }

    @Test("$${ writes a literal ${, and a lone $ stays as it is")
    func escape() throws {
        let yaml = Self.withIntegrationLines("    options: { template: \"$${name} costs $5 and $${\" }")
        let result = ConfigFixture.load(yaml)
        #expect(result.issues.isEmpty, "\(result.printed)")
        let options = try #require(result.config?.integrations.first?.options)
        #expect(options.entry("template")?.value.scalar == "${name} costs $5 and ${")
        #expect(options.entry("template")?.value.isInterpolated == false)
    }

    @Test("a missing variable is an error naming the variable at the value")
    func missingVariable() {
        let yaml = Self.withIntegrationLines("    options: { signing_secret: \"${STRIPE_SECRET}\" }")
        let result = ConfigFixture.load(yaml, environment: ["OTHER": "x"])
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:9:32: error: integrations.payments.options.signing_secret: environment variable 'STRIPE_SECRET' is not set",
        ])
        #expect(result.config == nil)
    }

    @Test("a missing file is an error naming the file")
    func missingFile() {
        let yaml = Self.withIntegrationLines("    options: { signing_secret: \"${file:/nonexistent/switchboard/secret}\" }")
        let result = ConfigFixture.load(yaml)
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:9:32: error: integrations.payments.options.signing_secret: file '/nonexistent/switchboard/secret' named in '${file:...}' does not exist",
        ])
    }

    @Test("an unterminated or malformed reference is an error, not a silent literal")
    func malformedReference() {
        let unterminated = ConfigFixture.load(Self.withIntegrationLines("    options: { a: \"${OOPS\" }"))
        #expect(unterminated.errors.map(\.message) == ["unterminated '${' (write '$${' for a literal '${')"])
        let badName = ConfigFixture.load(Self.withIntegrationLines("    options: { a: \"${1-X}\" }"))
        #expect(badName.errors.map(\.message) == [
            "'${...}' must name an environment variable (letters, digits, '_') or be '${file:PATH}'",
        ])
    }

    @Test("a value that came from interpolation is never echoed in a message")
    func interpolatedValuesNotEchoed() {
        let yaml = """
            polyai:
              region: ${REGION}
              account_id: ws-1
            integrations:
              payments:
                plugin: stripe
                project_id: PROJECT-1
                key: { env: K }
                max_in_flight: ${MAX}
            routes:
              - from: { webhook: /hooks/stripe }
                to: ${TARGET}
            """
        let secret = "topsecret-9f8e7d"
        let result = ConfigFixture.load(yaml, environment: ["REGION": secret, "MAX": secret, "TARGET": secret])
        #expect(result.printed == [
            "/srv/switchboard/q.yaml:2:11: error: polyai.region: expected one of: us-1, uk-1, euw-1",
            "/srv/switchboard/q.yaml:9:20: error: integrations.payments.max_in_flight: expected an integer from 1 to 10000",
            "/srv/switchboard/q.yaml:12:9: error: routes[0].to: no integration is named",
        ])
        #expect(!result.printed.joined().contains("topsecret"))
    }

    @Test("a node holding a secret does not print it, even through dump")
    func nodeDoesNotPrintSecrets() throws {
        let diagnostics = ConfigDiagnostics()
        let node = try #require(ConfigLoader.parse(
            yaml: "secret: ${S}", file: "o.yaml", environment: ["S": "hunter2-value"], diagnostics: diagnostics))
        var dumped = ""
        dump(node, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(!"\(node)".contains("hunter2"))
        #expect(!String(reflecting: node).contains("hunter2"))
        #expect(node.entry("secret")?.value.scalar == "hunter2-value")
    }

    @Test("keys are not interpolated, and a substituted value is not scanned again")
    func noRecursion() throws {
        let diagnostics = ConfigDiagnostics()
        let node = try #require(ConfigLoader.parse(
            yaml: "${A}: ${B}", file: "o.yaml", environment: ["A": "x", "B": "${A}"], diagnostics: diagnostics))
        #expect(diagnostics.issues.isEmpty)
        #expect(node.entries.first?.key == "${A}")
        #expect(node.entries.first?.value.scalar == "${A}")
    }
}
