import ServiceLifecycle
import Synchronization
import SwitchboardCore

/// Runs every integration's delivery lanes, those of the configuration at start and those a reload adds, and keeps
/// a removed integration's lanes running until the process stops, so what they hold still gets its outcome.
public final class LaneRunner: Service, Sendable {
    private let started = Mutex<(lanes: [String: DeliveryLanes], running: Bool)>(([:], false))
    private let additions: AsyncStream<DeliveryLanes>
    private let addition: AsyncStream<DeliveryLanes>.Continuation

    /// Runs `lanes` once `run()` starts.
    init(_ lanes: [String: DeliveryLanes]) {
        (additions, addition) = AsyncStream.makeStream(of: DeliveryLanes.self)
        started.withLock { $0.lanes = lanes }
    }

    /// Every integration's lanes started since the process started, including those a reload removed.
    public var all: [String: DeliveryLanes] { started.withLock { $0.lanes } }

    /// Starts the lanes of an integration a reload added (its name was never configured since start).
    func start(_ name: String, _ lanes: DeliveryLanes) {
        // Before `run()` the lanes are simply started with the others; after, they are handed to it.
        let running = started.withLock { started in
            started.lanes[name] = lanes
            return started.running
        }
        if running { addition.yield(lanes) }
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                let initial = started.withLock { started in
                    started.running = true
                    return started.lanes.values
                }
                for lanes in initial {
                    group.addTask { try await lanes.run() }
                }
                // The lanes inherit the graceful shutdown: each stops taking lanes and finishes its attempts.
                for await lanes in additions {
                    group.addTask { try await lanes.run() }
                }
            }
        } onGracefulShutdown: {
            self.addition.finish()
        }
    }
}
