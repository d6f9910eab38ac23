import Testing
import Mapping
import SwitchboardCore

@Suite("mapping's verify option is read strictly")
struct MappingVerifyConfigTests {
    /// Builds `mapping` with these options; `S` holds a secret that must never show in an issue.
    func issues(_ options: String) -> BuiltIntegration {
        build(plugin: "mapping", options: options, environment: ["S": "very-secret-value"])
    }

    /// The one error, printed as `validate` prints it.
    func onlyError(_ options: String) throws -> String {
        let built = issues(options)
        #expect(built.integration == nil)
        #expect(built.errors.count == 1, "\(built.errors)")
        let printed = try #require(built.errors.first).description
        #expect(!printed.contains("very-secret-value"))
        return printed
    }

    @Test("a bad algorithm, encoding or timestamp format is an error at its value")
    func badWords() throws {
        #expect(try onlyError("""
        verify:
          hmac:
            header: X-Signature
            secret: "${S}"
            algorithm: md5
        """) == "p.yaml:12:22: error: integrations.a.options.verify.hmac.algorithm: expected one of: sha1, sha256, sha512")
        #expect(try onlyError(#"verify: { hmac: { header: X-Signature, secret: "${S}", encoding: base32 } }"#)
            == "p.yaml:8:72: error: integrations.a.options.verify.hmac.encoding: expected one of: hex, base64")
        #expect(try onlyError("""
        verify:
          hmac:
            header: X-Signature
            secret: "${S}"
            timestamp: { header: X-Timestamp, format: iso }
            signed: "{timestamp}.{body}"
        """) == "p.yaml:12:53: error: integrations.a.options.verify.hmac.timestamp.format: expected one of: unix, unix_ms, rfc3339")
    }

    @Test("a template with an unknown placeholder, or {timestamp} without timestamp:, is an error at the template")
    func templates() throws {
        #expect(try onlyError(#"verify: { hmac: { header: X-Signature, secret: "${S}", signed: "{timestamp}.{bdy}" } }"#)
            .hasSuffix("verify.hmac.signed: unknown placeholder '{bdy}'; placeholders are {body} {timestamp} {method} {url} {path}"))
        let unknown = try onlyError(#"verify: { hmac: { header: X-Signature, secret: "${S}", signed: "{body}{query}" } }"#)
        #expect(unknown == "p.yaml:8:70: error: integrations.a.options.verify.hmac.signed: unknown placeholder '{query}'; placeholders are {body} {timestamp} {method} {url} {path}")
        let unclosed = try onlyError(#"verify: { hmac: { header: X-Signature, secret: "${S}", signed: "{body" } }"#)
        #expect(unclosed.hasSuffix("verify.hmac.signed: a '{' is not closed by '}'; placeholders are {body} {timestamp} {method} {url} {path}"))
        let noTimestamp = try onlyError(#"verify: { hmac: { header: X-Signature, secret: "${S}", signed: "{timestamp}.{body}" } }"#)
        #expect(noTimestamp == "p.yaml:8:70: error: integrations.a.options.verify.hmac.signed: {timestamp} is signed but no timestamp is configured; add timestamp: { header: ... }")
        let unsigned = issues(#"verify: { hmac: { header: X-Signature, secret: "${S}", timestamp: { header: X-Timestamp } } }"#)
        #expect(unsigned.integration != nil)
        #expect(unsigned.warnings.map(\.message).contains("the timestamp is checked but not signed, so a replay can change it; add {timestamp} to signed"))
    }

    @Test("two methods at once, none, an unknown key and a missing header are errors where they are written")
    func structure() throws {
        let two = issues("""
        verify:
          token: { header: X-Token, value: "${S}" }
          basic: { username: crm, password: "${S}" }
        """)
        #expect(two.integration == nil)
        #expect(two.errors.map(\.description) == [
            "p.yaml:10:9: error: integrations.a.options.verify.basic: one verification method per integration: use token or basic, not both",
        ])
        #expect(try onlyError("verify: { }") == "p.yaml:8:15: error: integrations.a.options.verify: expected one of: hmac, token, basic")
        let typo = issues(#"verify: { hmc: { header: X, secret: "${S}" } }"#)
        #expect(typo.errors.map(\.description) == [
            "p.yaml:8:15: error: integrations.a.options.verify: expected one of: hmac, token, basic",
            "p.yaml:8:17: error: integrations.a.options.verify.hmc: unknown key 'hmc' (did you mean 'hmac'?)",
        ])
        #expect(try onlyError(#"verify: { hmac: { header: X-Signature, secret: "${S}", algoritm: sha1 } }"#)
            == "p.yaml:8:62: error: integrations.a.options.verify.hmac.algoritm: unknown key 'algoritm' (did you mean 'algorithm'?)")
        #expect(try onlyError(#"verify: { hmac: { secret: "${S}" } }"#).hasSuffix("integrations.a.options.verify.hmac.header: missing required key"))
        #expect(try onlyError(#"verify: { token: { header: "X Token", value: "${S}" } }"#).hasSuffix("verify.token.header: expected a header name such as X-Signature"))
        #expect(try onlyError(#"verify: { basic: { username: "a:b", password: "${S}" } }"#).hasSuffix("verify.basic.username: expected a user name without ':'"))
        #expect(try onlyError(#"verify: { basic: { username: crm } }"#).hasSuffix("verify.basic.password: missing required key"))
    }

    @Test("an inline secret is a warning that never echoes it; public_url without {url} is a warning")
    func warnings() throws {
        let inline = issues("verify: { token: { header: X-Token, value: tok-inline-42 } }")
        #expect(inline.integration != nil)
        #expect(inline.warnings.contains { $0.path == "integrations.a.options.verify.token.value" })
        #expect(!inline.issues.contains { $0.description.contains("tok-inline-42") })
        let unused = issues(#"""
        public_url: https://hooks.example.com/a
        verify: { token: { header: X-Token, value: "${S}" } }
        """#)
        #expect(unused.warnings.map(\.description) == [
            "p.yaml:8:7: warning: integrations.a.options.public_url: public_url is only used when verify.hmac.signed holds {url}; it has no effect here",
        ])
    }

    /// A configuration listening on `listen` with a webhook and a Kafka route to a mapping with `options`.
    func config(listen: String, options: String) -> ConfigLoadResult {
        ConfigLoader.load(yaml: """
        polyai: { endpoint: http://127.0.0.1:9300, account_id: ws-1 }
        listen: \(listen)
        kafka: { brokers: [localhost:9092], group_id: sb }
        integrations:
          crm:
            plugin: mapping
            project_id: PROJECT-1
            key: { env: K, agents: [PROJECT-1], permissions: [external_events] }
            options: \(options)
        routes:
          - from: { webhook: /hooks/crm }
            to: crm
          - from: { kafka: crm.events }
            to: crm
        """, file: "v.yaml", environment: ["K": "polyai-key", "S": "s3cret"])
    }

    @Test("validate warns about a webhook route to an unverified mapping on a non-loopback listener, only then")
    func unverifiedRouteWarning() {
        let open = config(listen: "0.0.0.0:8080", options: "{ body: passthrough }")
        #expect(open.issues.map(\.description) == [
            "v.yaml:11:22: warning: routes[0]: webhook route /hooks/crm goes to mapping integration 'crm' without options.verify "
                + "on a non-loopback listener (0.0.0.0:8080): anyone who can reach it can post events",
        ])
        #expect(config(listen: ":8080", options: "{ }").issues.count == 1)
        #expect(config(listen: "127.0.0.1:8080", options: "{ }").issues.isEmpty)
        #expect(config(listen: "\"[::1]:8080\"", options: "{ }").issues.isEmpty)
        #expect(config(listen: "0.0.0.0:8080", options: #"{ verify: { token: { header: X-Token, value: "${S}" } } }"#).issues.isEmpty)
    }

    @Test("examples/mapping-hmac.yaml loads, builds and accepts a request signed as it describes")
    func example() throws {
        let file = ExampleConfigTests.examplesDirectory + "/mapping-hmac.yaml"
        let loaded = ConfigLoader.load(file: file, environment: ["CRM_WEBHOOK_SECRET": "crm-example", "POLYAI_KEY_CRM": "k1"])
        let config = try #require(loaded.config, "\(loaded.issues)")
        #expect(loaded.issues.isEmpty, "\(loaded.issues)")
        var registry = IntegrationRegistry()
        let clock = ManualClock(startMillis: testNowMillis)
        MappingIntegration.register(in: &registry, clock: clock)
        let diagnostics = ConfigDiagnostics()
        let built = registry.build(config, diagnostics: diagnostics)
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
        let crm = try #require(built["crm"])
        let body = #"{"cid":"EXT-7","status":"confirmed"}"#
        let event = inbound(body, headers: [
            Header("X-Crm-Timestamp", "1800000000"),
            Header("X-Crm-Signature", "sha256=" + hexHMAC(.sha256, key: "crm-example", "1800000000." + body)),
        ])
        #expect(crm.verify(event) == .accepted)
        #expect(try crm.map(event).first?.eventID == "EXT-7")
    }
}
