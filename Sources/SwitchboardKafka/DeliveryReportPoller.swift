internal import CRdKafka
import Foundation
import Synchronization

/// The producer's one dedicated thread: it blocks in `rd_kafka_poll` so delivery reports are served as they
/// arrive. Started with the producer, stopped by `shutdown()` or when the producer goes away.
final class DeliveryReportPoller: Sendable {
    private enum Phase {
        case idle
        case polling
        case stopped
    }

    private let client: RdKafkaClient
    private let phase = Mutex(Phase.idle)

    init(client: RdKafkaClient) {
        self.client = client
    }

    /// Starts the thread unless it already runs or was stopped.
    func start() {
        let shouldStart = phase.withLock { phase -> Bool in
            guard phase == .idle else { return false }
            phase = .polling
            return true
        }
        guard shouldStart else { return }
        // The thread keeps the poller (and so the client) alive until it has left its last poll.
        let thread = Thread { [self] in
            while phase.withLock({ $0 == .polling }) {
                _ = rd_kafka_poll(client.handle.raw, 100)
            }
        }
        thread.name = "kafka-producer"
        thread.start()
    }

    /// Makes the thread exit after its current poll (at most 100 ms).
    func stop() {
        phase.withLock { $0 = .stopped }
    }
}
