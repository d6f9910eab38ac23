import CSQLite
import Foundation
import SwitchboardStore
import Testing

@Suite("Journal: Kafka deliveries above the committed offset, and the schema migration")
struct JournalKafkaDeliveredTests {
    @Test("records are found only for their cluster, made against this committed offset or an earlier one, at or above it, and forgotten as commits pass them")
    func recordFindForget() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let journal = try openJournal(directory)
        defer { journal.close() }
        try await journal.recordKafkaDelivered([
            KafkaDeliveryRecord(topic: "orders", partition: 1, offset: 12, clusterID: "c1", committed: 10),
            KafkaDeliveryRecord(topic: "orders", partition: 1, offset: 11, clusterID: "c1", committed: 10),
            KafkaDeliveryRecord(topic: "orders", partition: 1, offset: 30, clusterID: "c1", committed: 20),
            KafkaDeliveryRecord(topic: "orders", partition: 2, offset: 15, clusterID: "c1", committed: 10),
            KafkaDeliveryRecord(topic: "orders", partition: 1, offset: 13, clusterID: "recreated", committed: 10),
        ])
        #expect(try journal.kafkaDeliveredOffsets(topic: "orders", partition: 1, clusterID: "c1", committed: 10) == [11, 12])
        #expect(try journal.kafkaDeliveredOffsets(topic: "orders", partition: 1, clusterID: "c1", committed: 20) == [30])
        #expect(try journal.kafkaDeliveredOffsets(topic: "orders", partition: 1, clusterID: "c1", committed: 12) == [12])
        #expect(try journal.kafkaDeliveredOffsets(topic: "orders", partition: 1, clusterID: "c1", committed: 5).isEmpty, "records made against a later commit")
        #expect(try journal.kafkaDeliveredOffsets(topic: "orders", partition: 1, clusterID: "other", committed: 10).isEmpty)
        #expect(try journal.kafkaDeliveredOffsets(topic: "orders", partition: 2, clusterID: "c1", committed: 10) == [15])

        #expect(try await journal.forgetKafkaDelivered(topic: "orders", partition: 1, below: 13) == 2)
        #expect(try journal.kafkaDeliveredOffsets(topic: "orders", partition: 1, clusterID: "c1", committed: 10).isEmpty)
        #expect(try journal.kafkaDeliveredOffsets(topic: "orders", partition: 2, clusterID: "c1", committed: 10) == [15])
    }

    @Test("a version 1 journal is migrated at start-up: events, dead letters and webhook dedup kept, Kafka identities replaced, dead letters gain a trace id")
    func migratesVersionOne() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/journal.sqlite"
        var handle: OpaquePointer?
        #expect(sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK)
        let versionOne = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, integration TEXT NOT NULL, route TEXT NOT NULL,
                received_at_ms INTEGER NOT NULL, metadata BLOB NOT NULL, body BLOB NOT NULL);
            CREATE TABLE dead_letters (id INTEGER PRIMARY KEY AUTOINCREMENT, integration TEXT NOT NULL, route TEXT NOT NULL,
                reason TEXT NOT NULL, attempts INTEGER NOT NULL, last_status INTEGER, error_message TEXT, correlation_id TEXT,
                event_id TEXT, first_seen_ms INTEGER NOT NULL, dead_lettered_at_ms INTEGER NOT NULL, content_type TEXT,
                metadata BLOB NOT NULL, body BLOB NOT NULL);
            CREATE INDEX dead_letters_by_integration ON dead_letters (integration, id);
            CREATE TABLE delivered (identity TEXT PRIMARY KEY, delivered_at_ms INTEGER NOT NULL) WITHOUT ROWID;
            CREATE INDEX delivered_by_time ON delivered (delivered_at_ms);
            INSERT INTO journal (integration, route, received_at_ms, metadata, body) VALUES ('payments', 'hook', 1, x'', x'7B7D');
            INSERT INTO delivered VALUES ('kafka:orders/0/5', \(sampleNowMillis)), ('stripe:evt_1', \(sampleNowMillis));
            INSERT INTO dead_letters (integration, route, reason, attempts, first_seen_ms, dead_lettered_at_ms, metadata, body)
                VALUES ('payments', 'hook', 'expired', 3, \(sampleNowMillis), \(sampleNowMillis), x'', x'7B7D');
            PRAGMA user_version = 1;
            """
        #expect(sqlite3_exec(handle, versionOne, nil, nil, nil) == SQLITE_OK)
        sqlite3_close_v2(handle)

        let journal = try openJournal(directory)
        #expect(try journal.pendingEntries().map(\.integration) == ["payments"])
        #expect(try journal.wasDelivered(identity: "stripe:evt_1", sinceMillis: 0))
        #expect(try journal.wasDelivered(identity: "kafka:orders/0/5", sinceMillis: 0) == false)
        try await journal.recordKafkaDelivered([KafkaDeliveryRecord(topic: "orders", partition: 0, offset: 6, clusterID: "c", committed: 5)])
        #expect(try journal.kafkaDeliveredOffsets(topic: "orders", partition: 0, clusterID: "c", committed: 5) == [6])
        let old = try #require(try journal.deadLetters(limit: 10, integration: nil).first)
        #expect(old.reason == "expired" && old.traceID == nil)
        var traced = old.letter
        traced.traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
        let id = try await journal.addDeadLetter(traced)
        #expect(try journal.deadLetter(id: id)?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        journal.close()

        #expect(sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY, nil) == SQLITE_OK)
        var statement: OpaquePointer?
        #expect(sqlite3_prepare_v2(handle, "PRAGMA user_version", -1, &statement, nil) == SQLITE_OK)
        #expect(sqlite3_step(statement) == SQLITE_ROW)
        #expect(sqlite3_column_int64(statement, 0) == 2, "the trace id column is added without a new version, so a rollback reads the file")
        sqlite3_finalize(statement)
        sqlite3_close_v2(handle)
    }
}
