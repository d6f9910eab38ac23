import Synchronization

/// Outcomes waiting to be written together, and whether a task is writing them: the first outcome of a group
/// starts that task, later ones join the group it takes next. One journal write and one task per group, where one
/// per event cost more than the delivery itself.
final class OutcomeGroup<Item: Sendable>: Sendable {
    private let state = Mutex<(waiting: [Item], writing: Bool)>(([], false))

    init() {}

    /// Adds `item`; true when the caller must start the writing task (none is running).
    func add(_ item: Item) -> Bool {
        state.withLock { state in
            state.waiting.append(item)
            guard !state.writing else { return false }
            state.writing = true
            return true
        }
    }

    /// The items waiting now, for the writing task; empty when there are none, and then the task must end (the
    /// next `add` starts a new one).
    func take() -> [Item] {
        state.withLock { state in
            if state.waiting.isEmpty { state.writing = false }
            defer { state.waiting.removeAll(keepingCapacity: true) }
            return state.waiting
        }
    }
}
