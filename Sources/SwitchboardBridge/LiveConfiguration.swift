import Synchronization

/// The configuration in force now, read by every intake (webhook, Kafka) for each event and replaced by a reload.
public final class LiveConfiguration: Sendable {
    private let active: Mutex<ActiveConfiguration>

    init(_ initial: ActiveConfiguration) {
        self.active = Mutex(initial)
    }

    /// The configuration in force.
    public var current: ActiveConfiguration { active.withLock { $0 } }

    /// Puts `next` in force; returns the configuration it replaced.
    @discardableResult
    func install(_ next: ActiveConfiguration) -> ActiveConfiguration {
        active.withLock { current in
            let previous = current
            current = next
            return previous
        }
    }
}
