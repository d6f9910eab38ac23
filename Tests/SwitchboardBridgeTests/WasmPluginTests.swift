import Crypto
import Foundation
import Spawn
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// `plugin: wasm` through the running bridge: real HTTP requests to the listener, a real HTTP sink, modules compiled
/// from C by `scripts/build-plugins.sh`.
@Suite("Wasm plugins: sandboxed modules through the running bridge")
struct WasmPluginTests {
    static let secret = "acme-signing-secret-5c1d"

    /// A configuration with a `mapping` integration (`bookings`) and one `wasm` integration per entry of `plugins`
    /// (name → options lines), each on `/hooks/<name>`.
    static func yaml(endpoint: String, journal: String, plugins: [(name: String, options: String)]) -> String {
        var text = TestBridge.yaml(endpoint: endpoint, journal: journal, retry: "{ max_attempts: 3, base: 20ms, cap: 100ms, deadline: 55m }")
        let routesStart = text.range(of: "routes:\n")!
        var integrations = ""
        var routes = ""
        for plugin in plugins {
            integrations += """
              \(plugin.name):
                plugin: wasm
                project_id: PROJECT-TEST
                key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events], expires: 2099-01-01 }
                options:
            \(plugin.options.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))

            """
            routes += "  - from: { webhook: /hooks/\(plugin.name) }\n    to: \(plugin.name)\n"
        }
        text.insert(contentsOf: integrations, at: routesStart.lowerBound)
        return text + "\n" + routes
    }

    static func signature(_ body: String, secret: String = WasmPluginTests.secret) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }

    static func acmeOptions() throws -> String {
        """
        module: \(try WasmFixtures.path("acme"))
        config: { secret: "\(secret)", field: ticket.conv }
        credential_headers: [x-acme-signature]
        """
    }

    @Test("the example plugin verifies the HMAC, maps and delivers; a bad or missing signature is 401")
    func examplePlugin() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, journal: temporaryDirectory(), plugins: [("acme", try Self.acmeOptions())]),
            directory: temporaryDirectory()
        )
        let url = await bridge.webhookURL + "/hooks/acme"
        let body = #"{"ticket":{"conv":"CONV-77","status":"open"},"type":"ticket.updated"}"#
        let accepted = try await curl(url, body: body, headers: [
            ("Content-Type", "application/json"), ("X-Acme-Signature", Self.signature(body)), ("X-Acme-Delivery", "dlv-1"),
        ])
        #expect(accepted.status == 202)
        #expect(await sink.waitForAccepted(1))
        let delivered = try #require(sink.accepted.first)
        #expect(delivered.eventID == "CONV-77")
        #expect(delivered.queryValue("event_id_location") == "payload")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(delivered.body)) as? [String: Any])
        #expect(document["cid"] as? String == "CONV-77")
        #expect(document["type"] as? String == "ticket.updated")
        #expect((document["ticket"] as? [String: Any])?["status"] as? String == "open")

        let forged = try await curl(url, body: body, headers: [("Content-Type", "application/json"), ("X-Acme-Signature", Self.signature(body, secret: "wrong"))])
        #expect(forged.status == 401)
        let unsigned = try await curl(url, body: body, headers: [("Content-Type", "application/json")])
        #expect(unsigned.status == 401)
        let tampered = try await curl(url, body: body.replacingOccurrences(of: "open", with: "shut"), headers: [
            ("Content-Type", "application/json"), ("X-Acme-Signature", Self.signature(body)),
        ])
        #expect(tampered.status == 401)
        try await Task.sleep(for: .milliseconds(200))
        #expect(sink.accepted.count == 1)
        #expect(bridge.bridge.journal.depth == 0)
        await bridge.stop()
    }

    @Test("an infinite loop, a memory bomb, a trap, malformed output, a bad pointer and a host-call loop each dead-letter plugin_error; other events keep flowing")
    func misbehavingModules() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        // membomb grows one page at a time up to its 1 MiB limit, then uses the page it was refused.
        let plugins = try ["loop", "membomb", "trap", "badoutput", "badpointer", "hmacloop"].map { name in
            (name: name, options: "module: \(try WasmFixtures.path(name))\nfuel: 3000000" + (name == "membomb" ? "\nmemory: 1MiB" : ""))
        }
        let journal = temporaryDirectory()
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base, journal: journal, plugins: plugins), directory: temporaryDirectory())
        let url = await bridge.webhookURL
        for (index, plugin) in plugins.enumerated() {
            #expect(try await httpRequest(bridge.client, url + "/hooks/\(plugin.name)", body: #"{"cid":"BAD-\#(index)"}"#).status == 202)
            #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"OK-\#(index)"}"#).status == 202)
        }
        #expect(await sink.waitForAccepted(plugins.count))
        #expect(Set(sink.accepted.compactMap(\.eventID)) == Set((0..<plugins.count).map { "OK-\($0)" }))
        #expect(await waitUntil(seconds: 20) { (try? bridge.bridge.journal.deadLetterCount()) == plugins.count })
        let letters = try bridge.bridge.journal.deadLetters(limit: 20, integration: nil)
        var causes: [String: String] = [:]
        for letter in letters {
            #expect(letter.reason == "plugin_error")
            causes[letter.integration] = letter.errorMessage ?? ""
        }
        #expect(causes["loop"]?.hasPrefix("fuel:") == true, "\(causes)")
        #expect(causes["membomb"]?.hasPrefix("trap:") == true, "\(causes)")
        #expect(causes["trap"]?.hasPrefix("trap:") == true, "\(causes)")
        #expect(causes["badoutput"]?.hasPrefix("output:") == true, "\(causes)")
        #expect(causes["badpointer"]?.hasPrefix("memory:") == true, "\(causes)")
        #expect(causes["hmacloop"]?.hasPrefix("fuel:") == true, "\(causes)")
        // The instances that failed were replaced: the same module fails the same way again, and nothing else.
        #expect(try await httpRequest(bridge.client, url + "/hooks/trap", body: #"{"cid":"BAD-again"}"#).status == 202)
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"OK-last"}"#).status == 202)
        #expect(await sink.waitForAccepted(plugins.count + 1))
        #expect(await waitUntil(seconds: 20) { (try? bridge.bridge.journal.deadLetterCount()) == plugins.count + 1 })
        await bridge.stop()
    }

    @Test("a provider re-send with the same delivery_id_header is acknowledged and not posted again")
    func resendSkipped() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let options = try Self.acmeOptions() + "\ndelivery_id_header: X-Acme-Delivery"
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base, journal: temporaryDirectory(), plugins: [("acme", options)]), directory: temporaryDirectory())
        let url = await bridge.webhookURL + "/hooks/acme"
        let body = #"{"ticket":{"conv":"CONV-RS","status":"open"},"type":"ticket.updated"}"#
        let headers = [("Content-Type", "application/json"), ("X-Acme-Signature", Self.signature(body)), ("X-Acme-Delivery", "dlv-77")]
        #expect(try await curl(url, body: body, headers: headers).status == 202)
        #expect(await sink.waitForAccepted(1))
        #expect(await waitUntil(seconds: 10) { bridge.bridge.journal.depth == 0 })
        let again = try await curl(url, body: body, headers: headers)
        #expect(again.status == 200)
        #expect(again.body.contains("duplicate"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(sink.accepted.count == 1)
        await bridge.stop()
    }

    @Test("modules busy to the end of their fuel hold up no other integration: its webhooks are answered at once")
    func slowModuleIsolated() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, journal: temporaryDirectory(), plugins: [("loop", "module: \(try WasmFixtures.path("loop"))\nfuel: 40000000")]),
            directory: temporaryDirectory()
        )
        let url = await bridge.webhookURL
        let client = bridge.client
        // More slow calls at once than the loop integration has instances, and than this machine has cores.
        // Their callers may give up waiting (each call takes seconds in a debug build): the events are journalled
        // already, and each ends as a dead letter all the same.
        let slow = (0..<4).map { index in
            Task { try? await httpRequest(client, url + "/hooks/loop", body: #"{"cid":"SLOW-\#(index)"}"#).status }
        }
        try await Task.sleep(for: .milliseconds(300))
        var slowest = Duration.zero
        for index in 0..<5 {
            let started = ContinuousClock.now
            #expect(try await httpRequest(client, url + "/hooks/bookings", body: #"{"cid":"FAST-\#(index)"}"#).status == 202)
            slowest = max(slowest, ContinuousClock.now - started)
        }
        // The loop's calls take seconds each; a webhook of another integration waits for none of them.
        #expect(slowest < .seconds(2), "a bookings webhook took \(slowest) while the loop ran")
        #expect(await sink.waitForAccepted(5))
        #expect(await waitUntil(seconds: 90) { (try? bridge.bridge.journal.deadLetterCount()) == 4 })
        for task in slow { _ = await task.value }
        await bridge.stop()
    }

    @Test("a module changed on disk takes effect without a restart; a broken replacement is refused and the old one keeps running")
    func moduleSwap() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let directory = temporaryDirectory()
        let module = directory + "/echo.wasm"
        try FileManager.default.copyItem(atPath: try WasmFixtures.path("echo"), toPath: module)
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, journal: temporaryDirectory(), plugins: [("echo", "module: ./echo.wasm")]),
            directory: directory
        )
        let url = await bridge.webhookURL + "/hooks/echo"
        #expect(try await httpRequest(bridge.client, url, body: #"{"cid":"V1"}"#).status == 202)
        #expect(await sink.waitForAccepted(1))
        #expect(sink.accepted.last?.bodyText == #"{"cid":"V1"}"#)

        try Self.replace(module, with: try WasmFixtures.path("echo-v2"))
        let swapped = await waitUntil(seconds: 15) {
            sink.accepted.contains { $0.bodyText.contains(#""v":2"#) }
        } sending: {
            _ = try? await httpRequest(bridge.client, url, body: #"{"cid":"V2-\#(UUID().uuidString.prefix(8))"}"#)
        }
        #expect(swapped)

        try Self.replace(module, with: try WasmFixtures.path("wasi"))
        try await Task.sleep(for: .milliseconds(1_200))
        let before = sink.accepted.count
        #expect(try await httpRequest(bridge.client, url, body: #"{"cid":"AFTER-BAD"}"#).status == 202)
        #expect(await sink.waitForAccepted(before + 1))
        let last = try #require(sink.accepted.first { $0.eventID == "AFTER-BAD" })
        #expect(last.bodyText.contains(#""v":2"#))
        await bridge.stop()
    }

    /// Replaces `path` as an operator's deploy does: a new file renamed over the old.
    static func replace(_ path: String, with source: String) throws {
        let staging = path + ".new"
        try? FileManager.default.removeItem(atPath: staging)
        try FileManager.default.copyItem(atPath: source, toPath: staging)
        guard rename(staging, path) == 0 else { throw TestFailure("rename failed: \(errno)") }
    }
}

/// Polls `condition` every 100 ms, running `sending` before each look, for at most `seconds`.
private func waitUntil(seconds: Double, _ condition: @Sendable () -> Bool, sending: @Sendable () async -> Void) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        await sending()
        try? await Task.sleep(for: .milliseconds(100))
        if condition() { return true }
    }
    return condition()
}
