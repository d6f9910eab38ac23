extension Journal {
    /// **Testing aid, not for production use**: sets `PRAGMA max_page_count` on the writer's connection, so the
    /// database cannot grow past `pages` pages and writes that need more fail as on a full disk (SQLITE_FULL,
    /// `StoreError.Code.diskFull`). SQLite never sets it below the current size; a large value (`1_073_741_823`)
    /// gives the space back. Returns the limit now in force. Lasts until the journal is closed.
    public func setMaxPageCount(_ pages: Int) async throws(StoreError) -> Int {
        guard pages >= 1 else { throw StoreError.invalidArgument("max_page_count must be at least 1, got \(pages)") }
        return Int(try await write(.setMaxPageCount(pages)))
    }
}
