import Foundation
import Logging
import Testing
import SwitchboardHTTP

@Suite("switchboard tap against a running switchboard run")
struct TapCommandTests {
    @Test("a real event shows up as its stages; Ctrl-C exits 0; a listener that is gone exits 1")
    func followsARealEvent() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-tap-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let client = CurlHTTPClient(logger: Logger(label: "test"))
        defer { client.shutdown() }
        let (sandbox, sandboxURL) = try await CrashRecoveryTests.startSandbox(directory: directory)

        // Mint an external event id as a live call would.
        let minted = try await client.send(HTTPClientRequest(
            url: sandboxURL + "/sandbox/conversations",
            headers: [HTTPHeader("Content-Type", "application/json")],
            body: Array(#"{"account_id":"ws-sandbox","project_id":"PROJECT-CRASH"}"#.utf8)
        ))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(minted.body)) as? [String: Any])
        let eventID = try #require(object["external_event_id"] as? String)

        let config = try CrashRecoveryTests.writeConfig(directory: directory, endpoint: sandboxURL)
        let run = try SwitchboardProcess(["run", "--config", config])
        let ready = try #require(await run.waitForLine(containing: "switchboard ready"), "\(run.log)")
        let webhook = "http://" + (try #require(SwitchboardProcess.field("switchboard.webhook", in: ready)))
        let admin = try #require(SwitchboardProcess.field("switchboard.admin", in: ready))

        let tap = try SwitchboardProcess(["tap", "--admin", admin, "--integration", "bookings", "--route", "/hooks/bookings"])
        #expect(await tap.waitForLine(containing: "following events at") != nil, "\(tap.log)")

        let response = try await client.send(HTTPClientRequest(
            url: webhook + "/hooks/bookings",
            headers: [HTTPHeader("Content-Type", "application/json")],
            body: Array(#"{"cid":"\#(eventID)","note":"tap-cli-body"}"#.utf8)
        ))
        #expect(response.status == 202)
        let delivered = await tap.waitForLine(containing: "\(eventID) delivered")
        #expect(delivered != nil, "tap:\n\(tap.log)\nrun:\n\(run.log)")
        let lines = tap.log.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasSuffix(" bookings webhook:/hooks/bookings - received") }, "\(tap.log)")
        #expect(lines.contains { $0.contains(" bookings webhook:/hooks/bookings \(eventID) mapped") }, "\(tap.log)")
        #expect(lines.contains { $0.contains("\(eventID) attempt 1 2") && $0.hasSuffix("ms") }, "\(tap.log)")
        #expect(!tap.log.contains("tap-cli-body"), "no body without --bodies")
        #expect(!tap.log.contains(CrashRecoveryTests.key))

        tap.signal(SIGINT)
        #expect(await tap.waitForExit() == 0, "\(tap.log)")

        run.signal(SIGTERM)
        #expect(await run.waitForExit() == 0)
        sandbox.signal(SIGTERM)
        _ = await sandbox.waitForExit()

        // The listener is gone now: a clear message and exit 1.
        let (status, output) = try await SwitchboardProcess.run(["tap", "--admin", admin])
        #expect(status == 1, "\(output)")
        #expect(output.contains("cannot reach the admin listener at \(admin)"), "\(output)")
    }
}
