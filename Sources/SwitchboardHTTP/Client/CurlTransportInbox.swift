/// The hand-over point between async callers and the transport thread, kept behind a `Mutex`.
///
/// Callers submit transfers and cancellations; the transport thread takes them in
/// batches. Each method returns what the caller must do once the lock is released
/// (wake the transport, fail an item), so no continuation is resumed and no
/// syscall is made while the lock is held. `Item` is the caller's payload; the
/// transport uses a pending transfer, tests use plain values.
struct CurlTransportInbox<Item: Sendable>: Sendable {
    /// What the submitter does after `submit`.
    enum SubmitAction: Sendable {
        /// The item is queued and the transport is asleep: wake it.
        case wakeTransport
        /// The item is queued and the transport will see it without a wake-up.
        case queued
        /// The item was not queued; fail it with this error.
        case reject(HTTPClientError)
    }

    /// What the canceller does after `cancel`.
    enum CancelAction: Sendable {
        /// Nothing: the transport already has or will never have this transfer.
        case none
        /// The cancellation is queued and the transport is asleep: wake it.
        case wakeTransport
        /// The item had not reached the transport yet and was withdrawn: fail it now.
        case failWithdrawn(Item)
    }

    /// What the transport thread does next.
    enum Exchange: Sendable {
        /// Nothing new: wait for socket activity or a wake-up.
        case idle
        /// New items to start and transfer ids to abandon.
        case work([(id: UInt64, item: Item)], cancellations: [UInt64])
        /// The inbox is closed: fail these still-queued items and stop.
        case shutdown([(id: UInt64, item: Item)])
    }

    /// Why the inbox refuses work, once it does.
    private(set) var closedReason: HTTPClientError?
    private var incoming: [(id: UInt64, item: Item)] = []
    private var cancellations: [UInt64] = []
    /// Ids queued or owned by the transport and not yet reported finished.
    private var handedOver: Set<UInt64> = []
    /// Ids whose task was cancelled before the item was submitted.
    private var cancelledBeforeSubmit: Set<UInt64> = []
    /// True from the moment the transport found nothing to do until it next takes work.
    private var transportAsleep = false

    /// An open inbox, or one that rejects everything with `closedReason`.
    init(closedReason: HTTPClientError? = nil) {
        self.closedReason = closedReason
    }

    /// Queues an item for the transport.
    mutating func submit(id: UInt64, item: Item) -> SubmitAction {
        if let closedReason {
            return .reject(closedReason)
        }
        if cancelledBeforeSubmit.remove(id) != nil {
            return .reject(.cancelled)
        }
        incoming.append((id: id, item: item))
        handedOver.insert(id)
        return wakeIfAsleep() ? .wakeTransport : .queued
    }

    /// Asks for the transfer `id` to be abandoned.
    mutating func cancel(id: UInt64) -> CancelAction {
        if closedReason != nil {
            return .none
        }
        if let index = incoming.firstIndex(where: { $0.id == id }) {
            let withdrawn = incoming.remove(at: index)
            handedOver.remove(id)
            return .failWithdrawn(withdrawn.item)
        }
        if handedOver.contains(id) {
            cancellations.append(id)
            return wakeIfAsleep() ? .wakeTransport : .none
        }
        cancelledBeforeSubmit.insert(id)
        return .none
    }

    /// Drops the record of an early cancellation whose submission will never come.
    mutating func forget(id: UInt64) {
        cancelledBeforeSubmit.remove(id)
    }

    /// Closes the inbox; returns true for the call that closed it.
    mutating func close(reason: HTTPClientError) -> Bool {
        guard closedReason == nil else { return false }
        closedReason = reason
        return true
    }

    /// Called by the transport thread: reports finished ids and takes the next batch.
    mutating func exchange(finished: [UInt64]) -> Exchange {
        if !finished.isEmpty {
            handedOver.subtract(finished)
        }
        if closedReason != nil {
            let queued = incoming
            incoming = []
            cancellations = []
            handedOver = []
            cancelledBeforeSubmit = []
            return .shutdown(queued)
        }
        if incoming.isEmpty && cancellations.isEmpty {
            transportAsleep = true
            return .idle
        }
        transportAsleep = false
        let batch = incoming
        let cancelled = cancellations
        incoming.removeAll(keepingCapacity: true)
        cancellations.removeAll(keepingCapacity: true)
        return .work(batch, cancellations: cancelled)
    }

    /// Number of ids the inbox is tracking (queued, running or cancelled early); for tests.
    var trackedCount: Int {
        handedOver.count + cancelledBeforeSubmit.count
    }

    private mutating func wakeIfAsleep() -> Bool {
        guard transportAsleep else { return false }
        transportAsleep = false
        return true
    }
}
