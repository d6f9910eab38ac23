/// Logger metadata keys used by the store, in one place so dashboards can rely on them.
enum StoreLogKey {
    static let path = "switchboard.store.path"
    static let batchSize = "switchboard.store.batch_size"
    static let error = "switchboard.store.error"
    static let pending = "switchboard.store.pending"
}
