import Foundation
import Logging
import SwitchboardHTTP
import SwitchboardBridge
import SwitchboardStore
import Testing

/// `switchboard dlq replay|purge` as a process, against the sandbox as a process, on a real journal file.
@Suite("switchboard dlq replay and purge: expired events, filters, --all")
struct DeadLetterReplayCommandTests {
    static let keys = ["bookings": "sk-dlq-replay-bookings-4e1a", "payments": "sk-dlq-replay-payments-9b2c"]

    /// A sandbox knowing both keys, and a configuration with two integrations posting to it.
    struct Setup {
        let directory: String
        let config: String
        let sandbox: SwitchboardProcess
        let sandboxURL: String
        let client: CurlHTTPClient

        init() async throws {
            directory = NSTemporaryDirectory() + "switchboard-dlq-replay-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            var sandboxKeys = "keys:\n"
            var integrations = ""
            for (name, key) in keys.sorted(by: { $0.key < $1.key }) {
                try "\(key)\n".write(toFile: directory + "/\(name).key", atomically: true, encoding: .utf8)
                sandboxKeys += "  - { name: \(name), key: \(key), agents: [PROJECT-DLQ], permissions: [external_events] }\n"
                integrations += """
                  \(name):
                    plugin: mapping
                    project_id: PROJECT-DLQ
                    key: { file: ./\(name).key, agents: [PROJECT-DLQ], permissions: [external_events], expires: 2099-01-01 }
                    options: { event_id: { from: json, path: cid } }

                """
            }
            try sandboxKeys.write(toFile: directory + "/sandbox-keys.yaml", atomically: true, encoding: .utf8)
            sandbox = try SwitchboardProcess(["sandbox", "--listen", "127.0.0.1:0", "--keys", directory + "/sandbox-keys.yaml"])
            let line = try #require(await sandbox.waitForLine(containing: "sandbox listening"), "\(sandbox.log)")
            sandboxURL = "http://127.0.0.1:" + (try #require(SwitchboardProcess.field("sandbox.port", in: line)))
            config = directory + "/switchboard.yaml"
            try """
            polyai: { endpoint: \(sandboxURL), account_id: ws-sandbox }
            listen: 127.0.0.1:0
            journal: ./data
            integrations:
            \(integrations)
            routes:
              - { from: { webhook: /hooks/bookings }, to: bookings }
              - { from: { webhook: /hooks/payments }, to: payments }
            """.write(toFile: config, atomically: true, encoding: .utf8)
            client = CurlHTTPClient(logger: Logger(label: "test"))
        }

        /// Mints an external event id as a live call would; returns (conversation, id).
        func mint() async throws -> (conversation: String, eventID: String) {
            let minted = try await client.send(HTTPClientRequest(
                url: sandboxURL + "/sandbox/conversations", headers: [HTTPHeader("Content-Type", "application/json")],
                body: Array(#"{"account_id":"ws-sandbox","project_id":"PROJECT-DLQ"}"#.utf8)
            ))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(minted.body)) as? [String: Any])
            return (try #require(object["conversation_id"] as? String), try #require(object["external_event_id"] as? String))
        }

        /// How many events the sandbox accepted into a conversation.
        func eventCount(_ conversation: String) async throws -> Int {
            let response = try await client.send(HTTPClientRequest(url: sandboxURL + "/sandbox/conversations/\(conversation)", method: "GET"))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            return try #require(object["event_count"] as? Int)
        }

        /// Stores dead letters as the bridge would (an External Event each, or a whole inbound event); returns ids.
        func store(_ letters: [NewDeadLetter]) async throws -> [Int64] {
            let journal = try Journal(directory: directory + "/data", capacity: 10, logger: Logger(label: "test"))
            defer { journal.close() }
            var ids: [Int64] = []
            for letter in letters { ids.append(try await journal.addDeadLetter(letter)) }
            return ids
        }

        func dlq(_ arguments: [String]) async throws -> (Int32, String) {
            let (status, output) = try await SwitchboardProcess.run(["dlq"] + arguments + ["--config", config])
            for key in keys.values { #expect(!output.contains(key), "a key reached the output of dlq \(arguments)") }
            return (status, output)
        }

        func stop() async {
            client.shutdown()
            sandbox.signal(SIGTERM)
            _ = await sandbox.waitForExit()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static let minute: Int64 = 60_000

    static func letter(_ integration: String, _ reason: String, eventID: String?, firstSeenAgo: Int64, deadLetteredAgo: Int64? = nil) -> NewDeadLetter {
        let now = Journal.systemNowMillis()
        return NewDeadLetter(
            integration: integration, route: "webhook:/hooks/\(integration)", reason: reason, attempts: 1, lastStatus: reason == "rejected" ? 404 : nil,
            errorMessage: "no active conversation", correlationID: nil, eventID: eventID, firstSeenMillis: now - firstSeenAgo,
            deadLetteredAtMillis: now - (deadLetteredAgo ?? firstSeenAgo), contentType: "application/json",
            metadata: eventID == nil ? [] : Array("external:payload:cid".utf8), body: Array(#"{"cid":"\#(eventID ?? "")"}"#.utf8)
        )
    }

    @Test("replay skips an event first seen more than an hour ago (exit 1) and keeps it; --force posts it (exit 0)")
    func expiredNeedsForce() async throws {
        let setup = try await Setup()
        let fresh = try await setup.mint()
        let old = try await setup.mint()
        let ids = try await setup.store([
            Self.letter("bookings", "rejected", eventID: fresh.eventID, firstSeenAgo: 5 * Self.minute),
            Self.letter("bookings", "rejected", eventID: old.eventID, firstSeenAgo: 61 * Self.minute),
        ])

        let (status, output) = try await setup.dlq(["replay", String(ids[0]), String(ids[1])])
        #expect(status == 1, "\(output)")
        #expect(output.contains("\(ids[0]): delivered (1 event), removed from the dead letters"), "\(output)")
        #expect(output.contains("\(ids[1]): skipped: first seen"), "\(output)")
        #expect(output.contains("external event id has expired"), "\(output)")
        #expect(output.contains("1 delivered, 0 not delivered (kept), 1 skipped: expired (--force posts them anyway)"), "\(output)")
        #expect(try await setup.eventCount(fresh.conversation) == 1)
        #expect(try await setup.eventCount(old.conversation) == 0)

        let (listed, list) = try await setup.dlq(["list"])
        #expect(listed == 0)
        #expect(list.contains("1 dead letter held"), "\(list)")

        let (forced, forcedOutput) = try await setup.dlq(["replay", "--force", String(ids[1])])
        #expect(forced == 0, "\(forcedOutput)")
        #expect(forcedOutput.contains("\(ids[1]): delivered (1 event)"), "\(forcedOutput)")
        #expect(try await setup.eventCount(old.conversation) == 1)
        #expect(try await setup.eventCount(fresh.conversation) == 1)
        await setup.stop()
    }

    @Test("list, replay --all and purge select by --integration, --reason and --since; purge needs a filter or --all")
    func filtersAndAll() async throws {
        let setup = try await Setup()
        let conversations = [try await setup.mint(), try await setup.mint(), try await setup.mint()]
        let ids = try await setup.store([
            Self.letter("bookings", "rejected", eventID: "EXT-GONE", firstSeenAgo: 3 * 24 * 60 * Self.minute),
            Self.letter("payments", "no_event_id", eventID: nil, firstSeenAgo: 5 * 60 * Self.minute),
            Self.letter("bookings", "max_attempts", eventID: conversations[2].eventID, firstSeenAgo: 20 * Self.minute),
            Self.letter("bookings", "rejected", eventID: conversations[0].eventID, firstSeenAgo: 11 * Self.minute, deadLetteredAgo: 10 * Self.minute),
            Self.letter("payments", "rejected", eventID: conversations[1].eventID, firstSeenAgo: 11 * Self.minute, deadLetteredAgo: 10 * Self.minute),
        ])
        func rows(_ output: String) -> [String] {
            output.split(separator: "\n").compactMap { line in
                let first = line.split(separator: "\t").first.map(String.init)
                return first.flatMap { Int64($0) }.map(String.init)
            }
        }

        var (status, output) = try await setup.dlq(["list", "--integration", "bookings", "--reason", "rejected"])
        #expect(status == 0, "\(output)")
        #expect(rows(output) == [ids[3], ids[0]].map(String.init), "\(output)")
        #expect(output.contains("5 dead letters held"), "\(output)")
        #expect(output.contains("2 match integration=bookings reason=rejected"), "\(output)")
        (status, output) = try await setup.dlq(["list", "--since", "1h"])
        #expect(rows(output) == [ids[4], ids[3], ids[2]].map(String.init), "\(output)")
        let sixHoursAgo = Date(timeIntervalSinceNow: -6 * 3600).formatted(Date.ISO8601FormatStyle())
        (status, output) = try await setup.dlq(["list", "--since", sixHoursAgo])
        #expect(rows(output) == [ids[4], ids[3], ids[2], ids[1]].map(String.init), "\(output)")
        (status, output) = try await setup.dlq(["list", "--since", sixHoursAgo, "--limit", "3"])
        #expect(rows(output) == [ids[4], ids[3], ids[2]].map(String.init), "\(output)")
        (status, output) = try await setup.dlq(["list", "--since", "yesterday"])
        #expect(status == 1)
        #expect(output.contains("--since yesterday: expected a duration back from now"), "\(output)")

        // Ids or --all, not both; filters only with --all.
        (status, output) = try await setup.dlq(["replay", "--all", String(ids[3])])
        #expect(status == 1)
        #expect(output.contains("give dead letter ids or --all, not both"), "\(output)")
        (status, output) = try await setup.dlq(["replay", "--reason", "rejected"])
        #expect(status == 1)
        #expect(output.contains("select dead letters for --all"), "\(output)")

        (status, output) = try await setup.dlq(["replay", "--all", "--reason", "rejected", "--since", "1h"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("replaying 2 dead letters (dead letters matching reason=rejected since="), "\(output)")
        #expect(output.contains("2 delivered, 0 not delivered (kept)"), "\(output)")
        #expect(try await setup.eventCount(conversations[0].conversation) == 1)
        #expect(try await setup.eventCount(conversations[1].conversation) == 1)
        #expect(try await setup.eventCount(conversations[2].conversation) == 0)

        // Purge deletes nothing without a filter or --all.
        (status, output) = try await setup.dlq(["purge"])
        #expect(status == 1)
        #expect(output.contains("--all to delete every dead letter"), "\(output)")
        (status, output) = try await setup.dlq(["purge", "--integration", "payments"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("deleted 1 dead letter matching integration=payments"), "\(output)")

        // --all without filters: everything left, said first; the 3-day-old one is skipped as expired.
        (status, output) = try await setup.dlq(["replay", "--all"])
        #expect(status == 1, "\(output)")
        #expect(output.contains("replaying 2 dead letters (all dead letters), oldest first"), "\(output)")
        #expect(output.contains("\(ids[0]): skipped: first seen"), "\(output)")
        #expect(output.contains("\(ids[2]): delivered (1 event)"), "\(output)")
        #expect(output.contains("1 delivered, 0 not delivered (kept), 1 skipped: expired"), "\(output)")
        #expect(try await setup.eventCount(conversations[2].conversation) == 1)
        #expect(try await setup.eventCount(conversations[0].conversation) == 1)

        (status, output) = try await setup.dlq(["purge", "--all"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("deleted 1 dead letter"), "\(output)")
        (status, output) = try await setup.dlq(["list"])
        #expect(output.contains("(no dead letters)"), "\(output)")
        await setup.stop()
    }

    @Test("every dlq option is in --help")
    func help() async throws {
        let expected = [
            "list": ["--integration", "--reason", "--since", "--limit", "--json"],
            "replay": ["--all", "--force", "--integration", "--reason", "--since"],
            "purge": ["--all", "--integration", "--reason", "--since"],
        ]
        for (command, options) in expected {
            let (status, output) = try await SwitchboardProcess.run(["dlq", command, "--help"])
            #expect(status == 0)
            for option in options { #expect(output.contains(option), "dlq \(command) --help lacks \(option)") }
        }
    }
}
