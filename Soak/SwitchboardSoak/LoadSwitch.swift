import Synchronization

/// Tells the load generators when to stop producing new events (the one under way is still finished).
final class LoadSwitch: Sendable {
    private let stopped = Atomic<Bool>(false)

    /// Stops new events.
    func stop() { stopped.store(true, ordering: .releasing) }

    /// True once ``stop()`` was called.
    var isStopped: Bool { stopped.load(ordering: .acquiring) }
}
