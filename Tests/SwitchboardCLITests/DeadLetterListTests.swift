import Foundation
import Logging
import SwitchboardStore
import Testing

@Suite("switchboard dlq list and validate: bounded dead letters, unverified routes")
struct DeadLetterListTests {
    static func writeConfig(directory: String, listen: String = "127.0.0.1:0") throws -> String {
        let file = directory + "/switchboard.yaml"
        try """
        polyai: { endpoint: http://127.0.0.1:9300, account_id: ws-1 }
        listen: \(listen)
        journal: { path: ./data, dead_letters: { retention: 7d, capacity: 2 } }
        integrations:
          crm:
            plugin: mapping
            project_id: PROJECT-1
            key: { env: DLQ_TEST_KEY, agents: [PROJECT-1], permissions: [external_events], expires: 2099-01-01 }
        routes:
          - from: { webhook: /hooks/crm }
            to: crm
        """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test("dlq list says how many dead letters are held and how many were removed to stay within capacity")
    func listCounts() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-dlq-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try Self.writeConfig(directory: directory)
        let journal = try Journal(directory: directory + "/data", capacity: 10, limits: StoreLimits(deadLetterCapacity: 2), logger: Logger(label: "test"))
        let now = Journal.systemNowMillis()
        for number in 0..<3 {
            _ = try await journal.addDeadLetter(NewDeadLetter(
                integration: "crm", route: "webhook:/hooks/crm", reason: "no_event_id", attempts: 0, lastStatus: nil,
                errorMessage: "no external event id at cid", correlationID: nil, eventID: nil, firstSeenMillis: now,
                deadLetteredAtMillis: now, contentType: "application/json", metadata: [], body: Array("junk \(number)".utf8)
            ))
        }
        journal.close()

        let (status, output) = try await SwitchboardProcess.run(["dlq", "list", "--config", file])
        #expect(status == 0, "\(output)")
        #expect(output.contains("2 dead letters held (capacity 2, kept 7d); 1 removed to stay within them (1 oldest past capacity, 0 past retention)"), "\(output)")
    }

    @Test("validate warns about a webhook route to an unverified mapping on every interface, and still exits 0")
    func unverifiedWarning() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-dlq-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try Self.writeConfig(directory: directory, listen: "0.0.0.0:8080")
        let (status, output) = try await SwitchboardProcess.run(["validate", "--config", file], environment: ["DLQ_TEST_KEY": "k-123456"])
        #expect(status == 0, "\(output)")
        #expect(output.contains(
            "warning: routes[0]: webhook route /hooks/crm goes to mapping integration 'crm' without options.verify on a non-loopback listener (0.0.0.0:8080): anyone who can reach it can post events"
        ), "\(output)")
    }

    @Test("dlq list and show print error messages and bodies escaped: no control character reaches the terminal")
    func escapedOutput() async throws {
        let directory = NSTemporaryDirectory() + "switchboard-dlq-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = try Self.writeConfig(directory: directory)
        let journal = try Journal(directory: directory + "/data", capacity: 10, logger: Logger(label: "test"))
        let now = Journal.systemNowMillis()
        let hostile = "bad\u{1B}[2J\r\nforged\tcolumn\u{9B}1m\u{202E}txt"
        let id = try await journal.addDeadLetter(NewDeadLetter(
            integration: "crm", route: "webhook:/hooks/crm", reason: "rejected", attempts: 1, lastStatus: 400,
            errorMessage: hostile, correlationID: "corr-1", eventID: "EXT\u{7}1", firstSeenMillis: now,
            deadLetteredAtMillis: now, contentType: "application/json", metadata: [], body: Array("{\"x\":\"\(hostile)\"}".utf8)
        ))
        journal.close()

        let environment = ["DLQ_TEST_KEY": "k-123456"]
        for arguments in [["dlq", "list", "--config", file], ["dlq", "list", "--json", "--config", file], ["dlq", "show", String(id), "--config", file]] {
            let (status, output) = try await SwitchboardProcess.run(arguments, environment: environment)
            #expect(status == 0, "\(output)")
            #expect(output.contains("bad"), "\(arguments): \(output)")
            for raw in ["\u{1B}", "\u{9B}", "\u{202E}", "\u{7}", "\r"] {
                #expect(!output.contains(raw), "\(arguments) printed a raw U+\(String(raw.unicodeScalars.first!.value, radix: 16))")
            }
            #expect(!output.contains("\nforged"), "\(arguments) let a message start a new line")
        }
        let (_, table) = try await SwitchboardProcess.run(["dlq", "list", "--config", file], environment: environment)
        let row = try #require(table.split(separator: "\n").first { $0.contains("corr") || $0.contains("rejected") })
        #expect(row.split(separator: "\t", omittingEmptySubsequences: false).count == 8, "a tab in a message shifted the columns: \(row)")
    }
}
