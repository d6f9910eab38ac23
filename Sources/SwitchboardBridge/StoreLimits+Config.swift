import SwitchboardCore
import SwitchboardStore

extension StoreLimits {
    /// The store's limits as the configuration's `journal` block sets them (dead letters, dedup window).
    public init(_ journal: JournalConfig) {
        self.init(
            deadLetterCapacity: journal.deadLetterCapacity,
            deadLetterRetention: journal.deadLetterRetention,
            dedupWindow: journal.dedupWindow
        )
    }
}
