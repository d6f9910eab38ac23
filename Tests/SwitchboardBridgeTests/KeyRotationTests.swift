import Foundation
import Logging
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

@Suite("Key rotation without downtime")
struct KeyRotationTests {
    @Test("a key file rewritten during a stream of deliveries: later requests carry the new key, none fail")
    func rewriteDuringStream() async throws {
        let sink = ScriptedSink()
        // Rotation as Agent Studio advises: the new key exists before the old one is deleted.
        sink.setValidKeys(["sk-test-key-0001", "sk-rotated-key-0002"])
        let base = try await sink.start()
        defer { sink.stop() }
        let file = temporaryDirectory() + "/polyai.key"
        try "sk-test-key-0001\n".write(toFile: file, atomically: true, encoding: .utf8)
        let clock = ManualClock()
        let lanes = TestLanes(baseURL: base, clock: clock, maxInFlight: 4)
        let rotation = KeyRotation(watched: [.init(integration: "test", file: file, holder: lanes.key)], interval: .milliseconds(20), logger: Logger(label: "test"))
        let watcher = Task { try await rotation.run() }

        for index in 0..<100 {
            lanes.submit("before-\(index)", firstSeen: clock.nowMillis())
        }
        #expect(await lanes.outcomes.waitFor(50))
        try "sk-rotated-key-0002\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(await waitUntil(seconds: 10) { lanes.key.current.value == "sk-rotated-key-0002" })
        for index in 0..<100 {
            lanes.submit("after-\(index)", firstSeen: clock.nowMillis())
        }
        #expect(await lanes.outcomes.waitFor(200))
        #expect(lanes.outcomes.all.allSatisfy { $0.outcome.label == "delivered" })
        #expect(sink.received.allSatisfy { $0.status == 201 })
        let after = sink.received.filter { $0.eventID?.hasPrefix("after-") == true }
        #expect(after.count == 100)
        #expect(after.allSatisfy { $0.header("x-api-key") == "sk-rotated-key-0002" })

        // A broken rewrite (empty file) keeps the working key.
        try "".write(toFile: file, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(200))
        #expect(lanes.key.current.value == "sk-rotated-key-0002")
        watcher.cancel()
        await lanes.stop()
    }
}
