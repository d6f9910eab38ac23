import Foundation
import Spawn
import Testing
import SwitchboardCore
import SwitchboardHTTP
import SwitchboardBridge

/// `GET /-/tap` on the admin listener of a running bridge, read over real HTTP by the `curl` binary (its own process,
/// so reading the stream never holds one of the few cooperative threads the listeners need).
@Suite("Event tap: GET /-/tap streams every stage of an event")
struct EventTapStreamTests {
    /// `curl -N` following a tap stream; its output is collected as it arrives.
    final class TapReader: Sendable {
        let process: SpawnedProcess

        init(_ url: String, headers: [String] = []) throws {
            var arguments = ["-s", "-N", "--noproxy", "*", "--max-time", "60"]
            for header in headers { arguments += ["-H", header] }
            process = try SpawnedProcess(executable: "/usr/bin/curl", arguments: arguments + [url], output: .separate)
        }

        var text: String { String(decoding: process.standardOutput, as: UTF8.self) }

        /// The `data:` payloads so far, as JSON objects.
        var objects: [[String: Any]] {
            text.split(separator: "\n").filter { $0.hasPrefix("data: ") }.compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.dropFirst(6).utf8)) as? [String: Any]
            }
        }

        /// Waits (bounded) until the stream carries `fragment`.
        func waitFor(_ fragment: String) async -> Bool {
            await waitUntil(seconds: 30) { self.text.contains(fragment) }
        }

        deinit {
            process.signal(SIGKILL)
        }
    }

    static let body = #"{"cid":"evt-tap-1","note":"tap-body-marker"}"#

    @Test("received, mapped, attempt 1 503, attempt 2 201, delivered: in order, for that event id; bodies only when asked")
    func stagesInOrder() async throws {
        let sink = ScriptedSink()
        let base = try await sink.start()
        defer { sink.stop() }
        sink.script("evt-tap-1", [.init(status: 503, body: #"{"error_message":"try later"}"#), .init(status: 201)])
        let bridge = try TestBridge(yaml: TestBridge.yaml(endpoint: base, journal: temporaryDirectory()), directory: temporaryDirectory())
        let admin = await bridge.adminURL

        let plain = try TapReader(admin + "/-/tap?integration=bookings")
        let withBodies = try TapReader(admin + "/-/tap?route=/hooks/bookings&bodies=1")
        let elsewhere = try TapReader(admin + "/-/tap?integration=another")
        // The opening comment is written once the subscription is in place: nothing after it is missed.
        #expect(await plain.waitFor(": tap open"), "\(plain.text)")
        #expect(await withBodies.waitFor(": tap open"), "\(withBodies.text)")
        #expect(await elsewhere.waitFor(": tap open"), "\(elsewhere.text)")

        let reply = try await httpRequest(bridge.client, await bridge.webhookURL + "/hooks/bookings", body: Self.body)
        #expect(reply.status == 202)
        #expect(await plain.waitFor(#""stage":"delivered""#), "\(plain.text)")
        #expect(await withBodies.waitFor(#""stage":"delivered""#), "\(withBodies.text)")

        let lines = plain.objects
        let stages = lines.map { line -> String in
            let stage = line["stage"] as? String ?? "?"
            guard stage == "attempt" else { return stage }
            return "attempt \(line["attempt"] as? Int ?? 0) \(line["status"] as? Int ?? 0)"
        }
        #expect(stages == ["received", "mapped", "attempt 1 503", "attempt 2 201", "delivered"], "\(plain.text)")
        #expect(lines.dropFirst().allSatisfy { $0["event_id"] as? String == "evt-tap-1" }, "\(plain.text)")
        #expect(lines.allSatisfy { $0["integration"] as? String == "bookings" && $0["route"] as? String == "webhook:/hooks/bookings" })
        #expect(lines[2]["error"] as? String == "try later")
        #expect(lines[2]["latency_ms"] is Int)
        #expect(!plain.text.contains("tap-body-marker"), "no body without bodies=1: \(plain.text)")
        #expect(!plain.text.contains(#""body""#))

        // With bodies=1 the body is there, as escaped JSON text; the key never is.
        let bodies = withBodies.objects.compactMap { $0["body"] as? String }
        #expect(bodies.contains(Self.body), "\(withBodies.text)")
        #expect(!withBodies.text.contains(TestBridge.key))
        #expect(!plain.text.contains(TestBridge.key))
        #expect(!elsewhere.text.contains("data:"), "another integration's filter sees nothing: \(elsewhere.text)")

        await bridge.stopGracefully()
        // Shutting down ends the streams, so no reader holds the listener open.
        #expect(await waitUntil(seconds: 30) { plain.process.isFinished && withBodies.process.isFinished && elsewhere.process.isFinished })
    }

    @Test("with admin.token set, /-/tap answers 401 without it and streams with it")
    func followsTheAdminToken() async throws {
        let token = "tap-admin-token-4b1e"
        let yaml = TestBridge.yaml(endpoint: "http://127.0.0.1:9", journal: temporaryDirectory())
            .replacingOccurrences(of: "admin: 127.0.0.1:0", with: "admin: { listen: 127.0.0.1:0, token: \(token) }")
        let bridge = try TestBridge(yaml: yaml, directory: temporaryDirectory())
        let admin = await bridge.adminURL

        let status = try SpawnedProcess(
            executable: "/usr/bin/curl", arguments: ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*", "--max-time", "10", admin + "/-/tap"],
            output: .separate
        )
        #expect(await waitUntil(seconds: 30) { status.isFinished })
        #expect(String(decoding: status.standardOutput, as: UTF8.self) == "401")

        let wrong = try TapReader(admin + "/-/tap", headers: ["Authorization: Bearer not-the-token"])
        #expect(await waitUntil(seconds: 30) { wrong.process.isFinished })
        #expect(wrong.text.contains("needs its token"), "\(wrong.text)")

        let reader = try TapReader(admin + "/-/tap", headers: ["Authorization: Bearer \(token)"])
        #expect(await reader.waitFor(": tap open"), "\(reader.text)")
        await bridge.stopGracefully()
    }
}
