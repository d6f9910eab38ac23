/// Logger metadata keys used by the store, in one place so dashboards can rely on them.
enum StoreLogKey {
    static let path = "switchboard.store.path"
    static let batchSize = "switchboard.store.batch_size"
    static let error = "switchboard.store.error"
    static let pending = "switchboard.store.pending"
    static let evictedCapacity = "switchboard.store.dead_letters_evicted_capacity"
    static let evictedRetention = "switchboard.store.dead_letters_evicted_retention"
    static let deadLetterCapacity = "switchboard.store.dead_letter_capacity"
}
