import Foundation
import Logging
import Testing
import SwitchboardHTTP

/// What the Kafka process tests share: `switchboard kafka-mock` in its own process (so killing an instance leaves
/// the cluster and the group's offsets alive), and conversations minted in the sandbox.
enum KafkaProcessFixture {
    /// Starts a mock cluster with `topic` (`name:partitions`); returns it with its bootstrap address.
    static func startCluster(topic: String) async throws -> (SwitchboardProcess, String) {
        let cluster = try SwitchboardProcess(["kafka-mock", "--topic", topic])
        let line = try #require(await cluster.waitForLine(containing: "bootstrap: "), "\(cluster.log)")
        return (cluster, String(line.split(separator: " ").last ?? ""))
    }

    /// Mints `count` conversations in the sandbox: their ids and the external event id each hands out.
    static func conversations(_ count: Int, client: CurlHTTPClient, sandboxURL: String) async throws -> [(conversation: String, eventID: String)] {
        var minted: [(conversation: String, eventID: String)] = []
        for _ in 0..<count {
            let response = try await client.send(HTTPClientRequest(
                url: sandboxURL + "/sandbox/conversations", headers: [HTTPHeader("Content-Type", "application/json")],
                body: Array(#"{"account_id":"ws-sandbox","project_id":"PROJECT-CRASH"}"#.utf8)
            ))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            minted.append((try #require(object["conversation_id"] as? String), try #require(object["external_event_id"] as? String)))
        }
        return minted
    }

    /// A fresh directory for one test.
    static func directory(_ name: String) throws -> String {
        let directory = NSTemporaryDirectory() + "switchboard-\(name)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Stops the helper processes.
    static func stop(_ processes: SwitchboardProcess...) async {
        for process in processes {
            process.signal(SIGTERM)
            _ = await process.waitForExit()
        }
    }
}
