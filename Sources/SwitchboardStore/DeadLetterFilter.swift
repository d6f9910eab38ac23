/// Which dead letters a listing, a replay or a purge works on; every field left nil matches everything.
///
/// Applied in SQL (`WHERE integration = ? AND reason = ? AND dead_lettered_at_ms >= ? AND id <= ?`), so a
/// filtered page reads only the rows it returns.
public struct DeadLetterFilter: Sendable, Hashable {
    /// Only this integration's dead letters.
    public var integration: String?
    /// Only dead letters with this reason (`rejected`, `expired`, `no_event_id`, ...).
    public var reason: String?
    /// Only dead letters dead-lettered at or after this time, in milliseconds since 1970.
    public var sinceMillis: Int64?
    /// Only dead letters with an id at most this: a run over many dead letters fixes it when it starts, so what is
    /// dead-lettered meanwhile (a replay that failed again, for one) is not taken up by the same run.
    public var throughID: Int64?

    /// A filter; nil fields match everything.
    public init(integration: String? = nil, reason: String? = nil, sinceMillis: Int64? = nil, throughID: Int64? = nil) {
        self.integration = integration
        self.reason = reason
        self.sinceMillis = sinceMillis
        self.throughID = throughID
    }

    /// Matches every dead letter (no integration, reason or time given; `throughID` aside).
    public var selectsAll: Bool {
        integration == nil && reason == nil && sinceMillis == nil
    }

    /// The filter part of every dead-letter query; parameters `?1`...`?4` are bound by `bind(to:action:)`.
    static let whereClause = """
        (?1 IS NULL OR integration = ?1) AND (?2 IS NULL OR reason = ?2) AND dead_lettered_at_ms >= ?3 AND id <= ?4
        """

    /// Binds parameters 1 to 4 of `whereClause`.
    func bind(to statement: SQLiteStatement, action: String) throws(StoreError) {
        try statement.bind(integration, at: 1, action: action)
        try statement.bind(reason, at: 2, action: action)
        try statement.bind(sinceMillis ?? .min, at: 3, action: action)
        try statement.bind(throughID ?? .max, at: 4, action: action)
    }
}
