import Testing
@testable import SwitchboardCore

@Suite("Config: tracing, spans exported over OTLP/HTTP")
struct TracingConfigTests {
    @Test("absent: off; present: the collector's URL and a service name (default switchboard)")
    func forms() throws {
        #expect(try #require(ConfigFixture.load(ConfigFixture.minimal).config).tracing == nil)
        let set = ConfigFixture.load(ConfigFixture.minimal + "\ntracing: { otlp: http://127.0.0.1:4318 }\n")
        #expect(set.issues.isEmpty, "\(set.printed)")
        let config = try #require(set.config)
        let tracing = try #require(config.tracing)
        #expect(tracing.serviceName == "switchboard")
        #expect(tracing.tracesURL == "http://127.0.0.1:4318/v1/traces")
        let named = ConfigFixture.load(ConfigFixture.minimal + "\ntracing: { otlp: \"https://otel.internal/v1/traces\", service_name: bridge-eu }\n")
        let namedConfig = try #require(named.config)
        #expect(namedConfig.tracing?.tracesURL == "https://otel.internal/v1/traces")
        #expect(namedConfig.tracing?.serviceName == "bridge-eu")
    }

    @Test("a URL that is not http(s), a missing otlp, an empty name and an unknown key are errors with positions")
    func errors() {
        let scheme = ConfigFixture.load(ConfigFixture.minimal + "\ntracing: { otlp: grpc://127.0.0.1:4317 }\n")
        #expect(scheme.config == nil)
        #expect(scheme.printed.contains { $0.hasPrefix("/srv/switchboard/q.yaml:") && $0.contains("tracing.otlp: expected the http or https URL of an OTLP/HTTP collector") })
        let missing = ConfigFixture.load(ConfigFixture.minimal + "\ntracing: { service_name: x }\n")
        #expect(missing.printed.contains { $0.contains("otlp") })
        let empty = ConfigFixture.load(ConfigFixture.minimal + "\ntracing: { otlp: http://127.0.0.1:4318, service_name: \"\" }\n")
        #expect(empty.printed.contains { $0.contains("tracing.service_name: must not be empty") })
        let unknown = ConfigFixture.load(ConfigFixture.minimal + "\ntracing: { otlp: http://127.0.0.1:4318, sampler: always }\n")
        #expect(unknown.config == nil)
        #expect(unknown.printed.contains { $0.contains("sampler") })
    }
}
