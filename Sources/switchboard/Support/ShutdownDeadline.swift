import ServiceLifecycle
import Synchronization

/// Bounds a graceful shutdown by `shutdown_timeout` as it is when the shutdown starts (a reload may change it):
/// listed last among the services, it hears of the shutdown first, and cancels what is still running once the
/// timeout has passed.
final class ShutdownDeadline: Service, Sendable {
    private let timeout: Mutex<Duration>
    private let expiry = Mutex<(@Sendable () -> Void)?>(nil)

    init(timeout: Duration) {
        self.timeout = Mutex(timeout)
    }

    /// The bound for the next shutdown.
    func update(_ timeout: Duration) {
        self.timeout.withLock { $0 = timeout }
    }

    /// What runs when the bound has passed (cancels the service group).
    func onExpiry(_ action: @escaping @Sendable () -> Void) {
        expiry.withLock { $0 = action }
    }

    func run() async throws {
        try? await gracefulShutdown()
        let timeout = self.timeout.withLock { $0 }
        let action = expiry.withLock { $0 }
        Task {
            try? await Task.sleep(for: timeout)
            action?()
        }
    }
}
