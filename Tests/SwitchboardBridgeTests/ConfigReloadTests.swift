import Foundation
import Synchronization
import Testing
import SwitchboardBridge
import SwitchboardCore
import SwitchboardHTTP

/// Whole-configuration reloads while webhooks flow: through `POST /-/reload` on the real admin listener, with a real
/// destination on 127.0.0.1, and every webhook sent by real HTTP.
@Suite("Configuration reload while events flow")
struct ConfigReloadTests {
    /// A configuration with the `bookings` integration and, when `payments` is set, a second one on its own route.
    static func yaml(endpoint: String, journal: String, retry: String = "{ max_attempts: 5, base: 50ms, cap: 200ms, deadline: 55m }", payments: Bool = false, bookings: Bool = true, listen: String = "127.0.0.1:0", extraTop: String = "") -> String {
        var text = """
        polyai:
          endpoint: \(endpoint)
          account_id: ws-test
        listen: \(listen)
        admin: 127.0.0.1:0
        journal: { path: \(journal) }
        \(extraTop)
        integrations:

        """
        if bookings {
            text += """
              bookings:
                plugin: mapping
                project_id: PROJECT-TEST
                key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-TEST], permissions: [external_events], expires: 2099-01-01 }
                options: { event_id: { from: json, path: cid }, body: passthrough }
                retry: \(retry)

            """
        }
        if payments {
            text += """
              payments:
                plugin: mapping
                project_id: PROJECT-PAY
                key: { env: TEST_KEY_BOOKINGS, agents: [PROJECT-PAY], permissions: [external_events], expires: 2099-01-01 }
                options: { event_id: { from: json, path: cid }, body: passthrough }

            """
        }
        text += "routes:\n"
        if bookings { text += "  - { from: { webhook: /hooks/bookings }, to: bookings }\n" }
        if payments { text += "  - { from: { webhook: /hooks/payments }, to: payments }\n" }
        return text
    }

    /// Posts webhooks to `path` one after another until stopped, counting every reply that is not `202`.
    final class WebhookStream: Sendable {
        private let sent = Atomic<Int>(0)
        private let refused = Mutex<[Int]>([])
        private let running = Atomic<Bool>(true)
        private let task = Mutex<Task<Void, Never>?>(nil)

        init(bridge: TestBridge, url: String, prefix: String) {
            task.withLock {
                $0 = Task {
                    while self.running.load(ordering: .relaxed) {
                        let number = self.sent.load(ordering: .relaxed) + 1
                        let status = (try? await httpRequest(bridge.client, url, body: #"{"cid":"\#(prefix)-\#(number)"}"#).status) ?? 0
                        self.sent.store(number, ordering: .relaxed)
                        if status != 202 { self.refused.withLock { $0.append(status) } }
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                }
            }
        }

        /// Stops sending; returns how many were sent and the statuses that were not `202`.
        func stop() async -> (sent: Int, refused: [Int]) {
            running.store(false, ordering: .relaxed)
            await task.withLock { $0 }?.value
            return (sent.load(ordering: .relaxed), refused.withLock { $0 })
        }
    }

    private static func reload(_ bridge: TestBridge) async throws -> (status: Int, body: String) {
        let response = try await httpRequest(bridge.client, await bridge.adminURL + "/-/reload", body: "")
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test("adding a route and an integration while webhooks flow: nothing refused or lost, the new route delivers")
    func addRouteAndIntegration() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let journal = temporaryDirectory()
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base, journal: journal), directory: temporaryDirectory())
        let url = await bridge.webhookURL
        #expect(try await httpRequest(bridge.client, url + "/hooks/payments", body: #"{"cid":"early"}"#).status == 404)

        let stream = WebhookStream(bridge: bridge, url: url + "/hooks/bookings", prefix: "bk")
        #expect(await waitUntil(seconds: 10) { sink.accepted.count >= 5 })
        try bridge.rewrite(Self.yaml(endpoint: base, journal: journal, payments: true))
        let (status, body) = try await Self.reload(bridge)
        #expect(status == 200)
        #expect(body.contains(#""result":"applied""#))
        #expect(bridge.bridge.lanes.keys.sorted() == ["bookings", "payments"])

        #expect(try await httpRequest(bridge.client, url + "/hooks/payments", body: #"{"cid":"pay-1"}"#).status == 202)
        try await Task.sleep(for: .milliseconds(200))
        let (sent, refused) = await stream.stop()
        #expect(refused.isEmpty, "replies other than 202 during the reload: \(refused)")
        #expect(await sink.waitForAccepted(sent + 1))
        let ids = Set(sink.accepted.compactMap(\.eventID))
        #expect(ids.contains("pay-1"))
        #expect((1...sent).allSatisfy { ids.contains("bk-\($0)") }, "bookings lost across the reload")
        let payment = try #require(sink.accepted.first { $0.eventID == "pay-1" })
        #expect(payment.queryValue("project_id") == "PROJECT-PAY")
        await bridge.stop()
    }

    @Test("a changed retry policy applies to an event already waiting in backoff")
    func changedRetryPolicy() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        // Two failures, then success: with max_attempts 2 the event would be dead-lettered. Retry-After makes the
        // first wait 2 s exactly (no jitter), time enough for the reload.
        sink.script("slow-1", [.init(status: 503, headers: [Header("Retry-After", "2")]), .init(status: 503, headers: [Header("Retry-After", "1")])])
        let journal = temporaryDirectory()
        let bridge = try TestBridge(
            yaml: Self.yaml(endpoint: base, journal: journal, retry: "{ max_attempts: 2, base: 50ms, cap: 50ms, deadline: 55m }"),
            directory: temporaryDirectory()
        )
        let url = await bridge.webhookURL
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"slow-1"}"#).status == 202)
        #expect(await sink.waitForRequests(1))
        // The event now waits 2 s for its second attempt: raise max_attempts before it is made.
        try bridge.rewrite(Self.yaml(endpoint: base, journal: journal, retry: "{ max_attempts: 5, base: 50ms, cap: 50ms, deadline: 55m }"))
        #expect(try await Self.reload(bridge).status == 200)
        #expect(await sink.waitForAccepted(1))
        #expect(sink.received.filter { $0.eventID == "slow-1" }.map(\.status) == [503, 503, 201])
        #expect(try bridge.bridge.journal.deadLetterCount() == 0)
        await bridge.stop()
    }

    @Test("removing an integration with queued events: its route is gone (404) and what it held is still delivered")
    func removedIntegrationFinishesItsEvents() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        // The destination answers slowly, so events queue in the payments lanes (one in flight at a time).
        sink.setDefault(.init(status: 201, delay: .milliseconds(150)))
        let journal = temporaryDirectory()
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base, journal: journal, payments: true), directory: temporaryDirectory())
        let url = await bridge.webhookURL
        for number in 1...10 {
            #expect(try await httpRequest(bridge.client, url + "/hooks/payments", body: #"{"cid":"conv-1","n":\#(number)}"#).status == 202)
        }
        let payments = try #require(bridge.bridge.lanes["payments"])
        #expect(payments.backlog > 0)

        try bridge.rewrite(Self.yaml(endpoint: base, journal: journal, payments: false))
        #expect(try await Self.reload(bridge).status == 200)
        #expect(bridge.bridge.lanes["payments"] == nil)
        #expect(try await httpRequest(bridge.client, url + "/hooks/payments", body: #"{"cid":"late"}"#).status == 404)
        #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"bk-after"}"#).status == 202)

        #expect(await sink.waitForAccepted(11))
        let bodies = sink.accepted.filter { $0.eventID == "conv-1" }.map(\.bodyText)
        #expect(bodies == (1...10).map { #"{"cid":"conv-1","n":\#($0)}"# }, "the removed integration's events, in order")
        #expect(await waitUntil(seconds: 10) { bridge.bridge.journal.depth == 0 })
        #expect(try bridge.bridge.journal.deadLetterCount() == 0)
        await bridge.stop()
    }

    @Test("an invalid edit is rejected with file:line:column, the old configuration keeps delivering, /readyz says why")
    func invalidEditKeepsTheOldConfiguration() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let journal = temporaryDirectory()
        let directory = temporaryDirectory()
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: base, journal: journal), directory: directory)
        let url = await bridge.webhookURL
        let hashBefore = bridge.bridge.reloader.fingerprint.hash
        let stream = WebhookStream(bridge: bridge, url: url + "/hooks/bookings", prefix: "bk")

        let broken = Self.yaml(endpoint: base, journal: journal).replacingOccurrences(of: "max_attempts: 5", with: "max_attempts: lots")
        try bridge.rewrite(broken)
        let (status, body) = try await Self.reload(bridge)
        #expect(status == 422)
        #expect(body.contains(#""result":"rejected""#))
        #expect(body.contains("switchboard.yaml:"), "errors name the file, line and column: \(body)")
        #expect(body.contains("integrations.bookings.retry.max_attempts"))
        let ready = try await httpRequest(bridge.client, await bridge.adminURL + "/readyz", method: "GET")
        let readyText = String(decoding: ready.body, as: UTF8.self)
        #expect(ready.status == 200)
        #expect(readyText.contains("config_reload_error"))
        #expect(readyText.contains(#""config_hash":"\#(hashBefore)""#))

        try await Task.sleep(for: .milliseconds(200))
        let (sent, refused) = await stream.stop()
        #expect(refused.isEmpty)
        #expect(await sink.waitForAccepted(sent))
        #expect(bridge.bridge.lanes.keys.sorted() == ["bookings"])

        // Fixing the file and reloading clears the error and puts the new hash in force.
        try bridge.rewrite(Self.yaml(endpoint: base, journal: journal, retry: "{ max_attempts: 7, base: 50ms, cap: 200ms, deadline: 55m }"))
        let fixed = try await Self.reload(bridge)
        #expect(fixed.status == 200)
        #expect(bridge.bridge.reloader.lastError == nil)
        #expect(bridge.bridge.reloader.fingerprint.hash != hashBefore)
        #expect(fixed.body.contains(bridge.bridge.reloader.fingerprint.hash))
        await bridge.stop()
    }

    @Test("a change to a setting bound at start (listen) is refused and says a restart is needed")
    func restartOnlySettingRefused() async throws {
        let journal = temporaryDirectory()
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: "http://127.0.0.1:9", journal: journal), directory: temporaryDirectory())
        try bridge.rewrite(Self.yaml(endpoint: "http://127.0.0.1:9", journal: journal, listen: "127.0.0.1:18081"))
        let (status, body) = try await Self.reload(bridge)
        #expect(status == 422)
        #expect(body.contains("listen changed"))
        #expect(body.contains("restart"))
        await bridge.stop()
    }

    @Test("webhooks are taken while reloads are being checked (a file that takes long to read never stalls intake)")
    func intakeDuringSlowReloads() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        let journal = temporaryDirectory()
        let directory = temporaryDirectory()
        let yaml = Self.yaml(endpoint: base, journal: journal)
        // The loader blocks (as reading a huge file does) until the test lets it go.
        let gate = DispatchSemaphore(value: 0)
        let entered = Atomic<Int>(0)
        let bridge = try TestBridge(yaml: yaml, directory: directory, reload: {
            entered.add(1, ordering: .relaxed)
            gate.wait()
            return TestBridge.load(file: directory + "/switchboard.yaml", environment: ["TEST_KEY_BOOKINGS": TestBridge.key], extra: [:], clock: SystemDeliveryClock())
        })
        let reloads = (0..<3).map { _ in Task { await bridge.bridge.reloader.reload(reason: "test") } }
        #expect(await waitUntil(seconds: 10) { entered.load(ordering: .relaxed) >= 1 })
        let url = await bridge.webhookURL
        for number in 1...5 {
            #expect(try await httpRequest(bridge.client, url + "/hooks/bookings", body: #"{"cid":"during-\#(number)"}"#).status == 202)
        }
        #expect(await sink.waitForAccepted(5))
        for _ in 0..<3 { gate.signal() }
        for reload in reloads { #expect(await reload.value == .applied(hash: bridge.bridge.reloader.fingerprint.hash)) }
        await bridge.stop()
    }

    @Test("a rejection reports at most 20 errors (the log has them all), and the watcher does not check rejected content again")
    func manyErrorsAreCapped() async throws {
        let journal = temporaryDirectory()
        let directory = temporaryDirectory()
        let reads = Atomic<Int>(0)
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: "http://127.0.0.1:9", journal: journal), directory: directory, reload: {
            reads.add(1, ordering: .relaxed)
            return TestBridge.load(file: directory + "/switchboard.yaml", environment: ["TEST_KEY_BOOKINGS": TestBridge.key], extra: [:], clock: SystemDeliveryClock())
        })
        var broken = Self.yaml(endpoint: "http://127.0.0.1:9", journal: journal)
        for number in 0..<40 { broken += "  - { from: { webhook: /hooks/x\(number) }, to: nobody\(number) }\n" }
        try bridge.rewrite(broken)
        let (status, body) = try await Self.reload(bridge)
        #expect(status == 422)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        let errors = try #require(object["errors"] as? [String])
        #expect(errors.count == 21)
        #expect(errors.last?.contains("and 20 more errors") == true)
        // The watcher sees the edited file, but its content was read already: it is not checked again.
        let readsAfterPost = reads.load(ordering: .relaxed)
        try await Task.sleep(for: .seconds(5))
        #expect(reads.load(ordering: .relaxed) == readsAfterPost)
        #expect(bridge.bridge.reloader.lastError?.contains("nobody0") == true)
        await bridge.stop()
    }

    @Test("a change of the configuration file is noticed without a signal")
    func fileChangeReloads() async throws {
        let journal = temporaryDirectory()
        let bridge = try TestBridge(yaml: Self.yaml(endpoint: "http://127.0.0.1:9", journal: journal), directory: temporaryDirectory())
        try bridge.rewrite(Self.yaml(endpoint: "http://127.0.0.1:9", journal: journal, payments: true))
        #expect(await waitUntil(seconds: 15) { bridge.bridge.lanes["payments"] != nil })
        #expect(bridge.bridge.reloader.lastSuccessMillis != nil)
        await bridge.stop()
    }
}
