/// What a waiting caller gets back once its transaction has committed (or failed).
///
/// Every write answers with one number so all requests share one continuation type: the new
/// row id for inserts, the number of rows changed for deletes.
typealias WriteOutcome = Result<Int64, StoreError>

/// One change the writer thread applies inside its next transaction.
enum WriteOperation: Sendable {
    case append(NewJournalEntry)
    case complete(entryID: Int64, deadLetters: [NewDeadLetter])
    /// Outcomes without dead letters, many at once: deletes the entries.
    case completeDelivered(entryIDs: [Int64])
    case addDeadLetter(NewDeadLetter)
    case removeDeadLetter(id: Int64)
    case removeDeadLetters(DeadLetterFilter, limit: Int)
    case replaceDeadLetter(id: Int64, with: [NewDeadLetter])
    /// Testing aid: `PRAGMA max_page_count` on the writer's connection (stages a full disk).
    case setMaxPageCount(Int)
    case recordDelivered(identity: String, atMillis: Int64)
    case pruneDelivered(olderThanMillis: Int64)
    case recordKafkaDelivered([KafkaDeliveryRecord])
    case forgetKafkaDelivered(topic: String, partition: Int32, below: Int64)
}

/// A queued write and the caller waiting for its outcome.
struct WriteRequest: Sendable {
    let operation: WriteOperation
    let continuation: UnsafeContinuation<WriteOutcome, Never>
}
