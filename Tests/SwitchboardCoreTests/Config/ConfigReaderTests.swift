import Foundation
import Testing
@testable import SwitchboardCore

@Suite("ConfigReader: what a plugin sees when it reads its options")
struct ConfigReaderTests {
    /// Parses `yaml` as the options block of integration `hooks`, returning its reader and diagnostics.
    static func options(_ yaml: String, environment: [String: String] = [:]) throws -> (ConfigReader, ConfigDiagnostics) {
        let diagnostics = ConfigDiagnostics()
        let root = try #require(ConfigLoader.parse(yaml: yaml, file: "o.yaml", environment: environment, diagnostics: diagnostics))
        return (ConfigReader(node: root, diagnostics: diagnostics, path: "integrations.hooks.options"), diagnostics)
    }

    @Test("typed reads return the written values")
    func typedReads() throws {
        let (reader, diagnostics) = try Self.options("""
            name: crm
            tags: [a, b]
            one_tag: solo
            count: 1_000
            ratio: 0.75
            enabled: true
            timeout: 250ms
            body: 64KB
            rate: 10/h
            from: header
            nested: { path: cid }
            items:
              - 5s
              - 1h
            """)
        #expect(reader.has("name"))
        #expect(!reader.has("absent"))
        #expect(reader.string("name") == "crm")
        #expect(reader.strings("tags") == ["a", "b"])
        #expect(reader.strings("one_tag") == ["solo"])
        #expect(reader.int("count") == 1000)
        #expect(reader.double("ratio") == 0.75)
        #expect(reader.bool("enabled") == true)
        #expect(reader.duration("timeout") == .milliseconds(250))
        #expect(reader.byteSize("body") == 64_000)
        #expect(reader.rate("rate") == Rate(count: 10, per: .seconds(3600)))
        #expect(reader.oneOf("from", ["json", "header", "form", "query"]) == "header")
        let nested = try #require(reader.mapping("nested"))
        #expect(nested.string("path") == "cid")
        let items = try #require(reader.list("items"))
        #expect(items.map(\.path) == ["integrations.hooks.options.items[0]", "integrations.hooks.options.items[1]"])
        #expect(items.compactMap { $0.duration(diagnostics) } == [.seconds(5), .seconds(3600)])
        #expect(reader.string("absent") == nil)
        reader.finish()
        #expect(diagnostics.issues.isEmpty, "\(diagnostics.issues)")
    }

    @Test("finish reports unread keys, including those of nested readers nobody finished")
    func finishReportsUnread() throws {
        let (reader, diagnostics) = try Self.options("""
            event_id: { from: json, pth: cid }
            bdy: passthrough
            """)
        let eventID = try #require(reader.mapping("event_id"))
        _ = eventID.string("from")
        _ = eventID.string("path")
        _ = reader.string("body")
        reader.finish()
        reader.finish()
        #expect(diagnostics.issues.map(\.description) == [
            "o.yaml:2:1: error: integrations.hooks.options.bdy: unknown key 'bdy' (did you mean 'body'?)",
            "o.yaml:1:25: error: integrations.hooks.options.event_id.pth: unknown key 'pth' (did you mean 'path'?)",
        ])
    }

    @Test("required keys, nulls and wrong kinds are reported with paths")
    func requiredAndKinds() throws {
        let (reader, diagnostics) = try Self.options("""
            secret:
            count: "12"
            flags: { a: 1 }
            """)
        #expect(reader.string("secret", required: true) == nil)
        #expect(reader.string("missing", required: true) == nil)
        #expect(reader.int("count", range: 1...10) == nil)
        #expect(reader.strings("flags") == nil)
        reader.finish()
        #expect(diagnostics.issues.map(\.description) == [
            "o.yaml:1:8: error: integrations.hooks.options.secret: a value is required",
            "o.yaml:1:1: error: integrations.hooks.options.missing: missing required key",
            "o.yaml:2:8: error: integrations.hooks.options.count: expected an integer from 1 to 10",
            "o.yaml:3:8: error: integrations.hooks.options.flags: expected a list of strings, found a mapping",
        ])
    }

    @Test("an absent options block reads as empty; a scalar one is an error")
    func absentOrScalarBlock() throws {
        let diagnostics = ConfigDiagnostics()
        let absent = ConfigReader(node: nil, diagnostics: diagnostics, path: "integrations.x.options")
        #expect(absent.string("a", required: true) == nil)
        absent.finish()
        #expect(diagnostics.issues.map(\.description) == ["error: integrations.x.options.a: missing required key"])

        let (scalarReader, scalarDiagnostics) = try Self.options("just text")
        scalarReader.finish()
        #expect(scalarDiagnostics.issues.map(\.description) == ["o.yaml:1:1: error: integrations.hooks.options: expected a mapping, found a single value"])
    }

    @Test("durations accept ms, s, m, h, d with decimals and nothing else", arguments: [
        ("250ms", Duration.milliseconds(250)), ("10s", .seconds(10)), ("1.5s", .milliseconds(1500)),
        ("55m", .seconds(3300)), ("1h", .seconds(3600)), ("0s", .zero), ("14d", .seconds(1_209_600)), ("0.5d", .seconds(43_200)),
    ])
    func durations(text: String, expected: Duration) {
        #expect(ConfigValueParser.duration(text) == expected)
    }

    @Test("text that is not a duration is refused", arguments: ["10", "10 s", "-1s", "1w", "d", "s", "1.s", ".5s", "1e3s", "99999999999h", "11575d", String(repeating: "9", count: 400) + "d", ""])
    func notDurations(text: String) {
        #expect(ConfigValueParser.duration(text) == nil)
    }

    @Test("an absurdly long duration is refused with its own message, without trapping")
    func tooLongDurations() throws {
        #expect(ConfigValueParser.duration("11574d") == .seconds(999_993_600))
        for text in ["11575d", "99999999999h", String(repeating: "9", count: 400) + "d"] {
            #expect(ConfigValueParser.isTooLongDuration(text))
        }
        #expect(!ConfigValueParser.isTooLongDuration("1w"))
        let (reader, diagnostics) = try Self.options("ttl: 99999999999999d")
        #expect(reader.duration("ttl") == nil)
        reader.finish()
        #expect(diagnostics.issues.map(\.description) == [
            "o.yaml:1:6: error: integrations.hooks.options.ttl: expected a duration of at most 11574d (about 31 years)",
        ])
    }

    @Test("sizes accept bytes, decimal and binary units", arguments: [
        ("1048576", 1_048_576), ("1MiB", 1_048_576), ("512KiB", 524_288), ("64KB", 64_000), ("2GB", 2_000_000_000), ("10B", 10),
    ])
    func sizes(text: String, expected: Int) {
        #expect(ConfigValueParser.byteSize(text) == expected)
    }

    @Test("text that is not a size is refused", arguments: ["1 MiB", "MiB", "-1", "1.5MiB", "1TB", "99999999999999999999", "9999999999999GiB"])
    func notSizes(text: String) {
        #expect(ConfigValueParser.byteSize(text) == nil)
    }

    @Test("rates accept a positive count per s, m or h", arguments: ["200/s", "1000/m", "10/h"])
    func rates(text: String) {
        #expect(ConfigValueParser.rate(text) != nil)
    }

    @Test("text that is not a rate is refused", arguments: ["0/s", "200", "200/d", "/s", "2/s/s", "-1/s", "1.5/s"])
    func notRates(text: String) {
        #expect(ConfigValueParser.rate(text) == nil)
    }

    @Test("host:port forms", arguments: [
        ("127.0.0.1:8080", HostPort(host: "127.0.0.1", port: 8080)),
        ("[::1]:8080", HostPort(host: "::1", port: 8080)),
        (":8080", HostPort(host: "0.0.0.0", port: 8080)),
        ("localhost:0", HostPort(host: "localhost", port: 0)),
    ])
    func hostPorts(text: String, expected: HostPort) {
        #expect(HostPort.parse(text) == expected)
    }

    @Test("text that is not host:port is refused", arguments: ["8080", "::1:8080", "host:65536", "host:", "[::1]8080", "a b:80", "h:-1"])
    func notHostPorts(text: String) {
        #expect(HostPort.parse(text) == nil)
    }
}
