/// The journal database layout and the connection settings the design requires (DESIGN §10).
enum StoreSchema {
    /// The layout this build writes; stored in `PRAGMA user_version`.
    static let version: Int64 = 2

    /// Pages in the WAL before SQLite checkpoints on commit; small, so a checkpoint never stalls a commit long.
    static let walAutocheckpointPages = 200

    /// `AUTOINCREMENT` keeps ids from ever being reused, so a stale id can never name a newer event.
    static let createStatements = """
        CREATE TABLE IF NOT EXISTS journal (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            integration TEXT NOT NULL,
            route TEXT NOT NULL,
            received_at_ms INTEGER NOT NULL,
            metadata BLOB NOT NULL,
            body BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS dead_letters (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            integration TEXT NOT NULL,
            route TEXT NOT NULL,
            reason TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            last_status INTEGER,
            error_message TEXT,
            correlation_id TEXT,
            event_id TEXT,
            first_seen_ms INTEGER NOT NULL,
            dead_lettered_at_ms INTEGER NOT NULL,
            content_type TEXT,
            metadata BLOB NOT NULL,
            body BLOB NOT NULL,
            trace_id TEXT
        );
        CREATE INDEX IF NOT EXISTS dead_letters_by_integration ON dead_letters (integration, id);
        CREATE TABLE IF NOT EXISTS delivered (
            identity TEXT PRIMARY KEY,
            delivered_at_ms INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS delivered_by_time ON delivered (delivered_at_ms);
        \(kafkaDeliveredTable)
        """

    /// Version 2: Kafka messages delivered above their committed offset, per partition (replaces the
    /// `kafka:topic/partition/offset` identities version 1 kept in `delivered`).
    static let kafkaDeliveredTable = """
        CREATE TABLE IF NOT EXISTS kafka_delivered (
            topic TEXT NOT NULL,
            partition INTEGER NOT NULL,
            offset INTEGER NOT NULL,
            cluster TEXT NOT NULL,
            committed INTEGER NOT NULL,
            PRIMARY KEY (topic, partition, offset)
        ) WITHOUT ROWID;
        """

    /// Each step takes a file from the version before it to the next, in one transaction.
    static let migrations: [Int64: String] = [
        1: kafkaDeliveredTable + "\nDELETE FROM delivered WHERE identity LIKE 'kafka:%';",
    ]

    /// Objects added after version 1 shipped. They are only ever added (never change a table), so a file with them
    /// is still version 1 and an older Switchboard keeps reading it; created on every open, cheap when present.
    static let additiveStatements = """
        CREATE INDEX IF NOT EXISTS dead_letters_by_time ON dead_letters (dead_lettered_at_ms);
        CREATE TABLE IF NOT EXISTS store_counters (
            name TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        ) WITHOUT ROWID;
        """

    /// Columns of `dead_letters` in the order every SELECT reads them.
    static let deadLetterColumns = """
        id, integration, route, reason, attempts, last_status, error_message, correlation_id, event_id, \
        first_seen_ms, dead_lettered_at_ms, content_type, metadata, body, trace_id
        """

    /// Sets WAL, full fsync at commit and the small checkpoint, then creates or checks the tables.
    ///
    /// `synchronous=FULL` matters: in WAL mode `NORMAL` does not fsync at commit, so it could not back a `202`.
    static func prepareWriter(_ connection: SQLiteConnection) throws(StoreError) {
        let mode = try singleText(connection, "PRAGMA journal_mode = WAL", action: "switching to WAL mode")
        guard mode.lowercased() == "wal" else {
            throw StoreError(
                code: .cannotOpen,
                message: "journal \(connection.path): SQLite refused WAL mode (it stayed in \"\(mode)\" mode); "
                    + "put the journal directory on a local file system"
            )
        }
        try connection.execute("PRAGMA synchronous = FULL", action: "setting synchronous=FULL")
        try connection.execute(
            "PRAGMA wal_autocheckpoint = \(walAutocheckpointPages)",
            action: "setting the WAL checkpoint size"
        )
        // Keep the WAL file from staying huge after a burst; it is truncated to this after a checkpoint.
        try connection.execute("PRAGMA journal_size_limit = 8388608", action: "setting the WAL size limit")
        try checkVersion(connection)
        if try singleInt(connection, "PRAGMA user_version", action: "reading the schema version") == 0 {
            try connection.execute("BEGIN IMMEDIATE", action: "creating the tables")
            do throws(StoreError) {
                try connection.execute(createStatements, action: "creating the tables")
                try connection.execute("PRAGMA user_version = \(version)", action: "recording the schema version")
                try connection.execute("COMMIT", action: "creating the tables")
            } catch {
                try? connection.execute("ROLLBACK", action: "undoing the table creation")
                throw error
            }
        }
        try migrate(connection)
        try connection.execute(additiveStatements, action: "adding the dead letter index and the store counters")
        // Added without a new version (an older Switchboard names its columns, so it reads and writes the file as
        // before, leaving the trace id empty): the W3C trace id of each dead letter's event.
        if try singleInt(connection, "SELECT COUNT(*) FROM pragma_table_info('dead_letters') WHERE name = 'trace_id'", action: "reading the dead letter columns") == 0 {
            try connection.execute("ALTER TABLE dead_letters ADD COLUMN trace_id TEXT", action: "adding the dead letters' trace id")
        }
    }

    /// Brings a journal written by an older Switchboard to this version, one step per transaction.
    private static func migrate(_ connection: SQLiteConnection) throws(StoreError) {
        var found = try singleInt(connection, "PRAGMA user_version", action: "reading the schema version")
        while found < version, let step = migrations[found] {
            try connection.execute("BEGIN IMMEDIATE", action: "migrating the journal from version \(found)")
            do throws(StoreError) {
                try connection.execute(step, action: "migrating the journal from version \(found)")
                try connection.execute("PRAGMA user_version = \(found + 1)", action: "recording the schema version")
                try connection.execute("COMMIT", action: "migrating the journal from version \(found)")
            } catch {
                try? connection.execute("ROLLBACK", action: "undoing the migration")
                throw error
            }
            found += 1
        }
    }

    /// Readers only need to know the file holds a layout they understand.
    static func prepareReader(_ connection: SQLiteConnection) throws(StoreError) {
        try connection.execute("PRAGMA query_only = 1", action: "opening the reader")
        try checkVersion(connection)
    }

    private static func checkVersion(_ connection: SQLiteConnection) throws(StoreError) {
        let found = try singleInt(connection, "PRAGMA user_version", action: "reading the schema version")
        guard found <= version else {
            throw StoreError(
                code: .incompatibleSchema,
                message: "journal \(connection.path) has schema version \(found), but this Switchboard "
                    + "understands up to version \(version); run the newer Switchboard that wrote it"
            )
        }
    }

    static func singleInt(_ connection: SQLiteConnection, _ sql: String, action: String) throws(StoreError) -> Int64 {
        let statement = try connection.prepare(sql, action: action)
        defer { statement.finalize() }
        guard try statement.step(action: action) else { return 0 }
        return statement.int64(at: 0)
    }

    private static func singleText(
        _ connection: SQLiteConnection,
        _ sql: String,
        action: String
    ) throws(StoreError) -> String {
        let statement = try connection.prepare(sql, action: action)
        defer { statement.finalize() }
        guard try statement.step(action: action) else { return "" }
        return statement.text(at: 0)
    }
}
