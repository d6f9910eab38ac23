import Foundation
import Testing
@testable import SwitchboardCore

@Suite("ConfigSchema: the JSON Schema editors use")
struct ConfigSchemaTests {
    static func schema() throws -> [String: Any] {
        let data = try #require(ConfigSchema.json.data(using: .utf8))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("the schema is valid JSON of draft 2020-12 and names every top-level key the loader accepts")
    func namesEveryTopLevelKey() throws {
        let schema = try Self.schema()
        #expect(schema["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(schema["additionalProperties"] as? Bool == false)
        let properties = try #require(schema["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(SwitchboardConfig.topLevelKeys))
        #expect(Set(schema["required"] as? [String] ?? []) == ["polyai", "integrations", "routes"])
    }

    @Test("every top-level key the schema names is one the loader accepts")
    func loaderAcceptsSchemaKeys() throws {
        let yaml = ConfigFixture.minimal + """

            listen: 127.0.0.1:8081
            admin: 127.0.0.1:9091
            journal: ./data
            webhook: { max_body: 1MiB }
            log: { level: info }
            shutdown_timeout: 5s
            kafka: { brokers: [localhost:9092], group_id: sb }
            tracing: { otlp: http://127.0.0.1:4318 }
            """
        let result = ConfigFixture.load(yaml)
        #expect(result.issues.isEmpty, "\(result.printed)")
        let used = Set(yaml.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != ":" }) })
        let properties = try #require(try Self.schema()["properties"] as? [String: Any])
        #expect(used == Set(properties.keys))
    }

    @Test("the integration, key, retry and route shapes list the keys the loader reads")
    func nestedShapes() throws {
        let defs = try #require(try Self.schema()["$defs"] as? [String: Any])
        func keys(_ name: String) throws -> Set<String> {
            let shape = try #require(defs[name] as? [String: Any])
            return Set(try #require(shape["properties"] as? [String: Any]).keys)
        }
        #expect(try keys("integration") == [
            "plugin", "project_id", "key", "options", "retry", "max_in_flight", "rate_limit", "ordering_key", "timeout",
        ])
        #expect(try keys("key") == ["env", "file", "agents", "permissions", "expires"])
        #expect(try keys("retry") == ["max_attempts", "base", "factor", "cap", "deadline"])
        #expect(try keys("route") == ["name", "from", "when", "to"])
    }
}
