import NIOCore
import Synchronization

/// The port a server actually bound (port 0 picks a free one), awaited by whoever needs to connect.
public final class ListeningPort: Sendable {
    private struct State {
        var port: Int?
        var waiters: [CheckedContinuation<Int, Never>] = []
    }

    private let state = Mutex(State())

    /// A port not yet bound.
    public init() {}

    /// Records the port of a channel that started listening.
    func bound(_ channel: any Channel) {
        let port = channel.localAddress?.port ?? 0
        let waiters = state.withLock { state -> [CheckedContinuation<Int, Never>] in
            state.port = port
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: port) }
    }

    /// The port, once bound.
    public func value() async -> Int {
        await withCheckedContinuation { continuation in
            let port = state.withLock { state -> Int? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }

    /// The port if already bound.
    public var current: Int? { state.withLock { $0.port } }
}
