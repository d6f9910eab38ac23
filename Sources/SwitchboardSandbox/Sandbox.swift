import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The sandbox server: a local stand-in for PolyAI's External Events API.
///
/// It serves `POST /v1/external-events/webhook` with PolyAI's query parameters, key checks
/// (permission, agents, account, expiry), external event id life, status codes and error bodies,
/// and injects faults on demand. Ids are handed out the way `conv.generate_external_event` does
/// (`POST /sandbox/conversations`), and what reached each conversation can be inspected
/// (`GET /sandbox/conversations`, or the page at `/`).
///
/// ```swift
/// let sandbox = try Sandbox(options: SandboxOptions(port: 0), logger: logger)
/// let group = ServiceGroup(services: [sandbox], gracefulShutdownSignals: [.sigterm], logger: logger)
/// Task { try await group.run() }
/// let port = await sandbox.boundPort()   // the real port when 0 was asked for
/// ```
public final class Sandbox: Service, Sendable {
    private let options: SandboxOptions
    private let logger: Logger
    private let keyring: SandboxKeyring
    private let store: ConversationStore
    private let faults: FaultInjector
    private let listening = Mutex(ListeningState())

    /// Whether the server has started, its port, and who waits for it.
    private struct ListeningState {
        var started = false
        var finished = false
        var port: Int?
        var waiters: [CheckedContinuation<Int, Never>] = []
    }

    /// Creates a sandbox; reads and checks the keys file now, so a bad file fails before anything listens.
    public init(options: SandboxOptions, logger: Logger) throws(SandboxError) {
        if let problem = options.problem() {
            throw SandboxError(kind: .options, reason: problem)
        }
        if let keysFile = options.keysFile {
            self.keyring = try SandboxKeyring.load(path: keysFile, environment: ProcessInfo.processInfo.environment)
        } else {
            self.keyring = .open
        }
        self.options = options
        self.logger = logger
        self.store = ConversationStore(limits: options.limits, lifetime: options.eventIDLifetimeSeconds)
        self.faults = FaultInjector(faults: options.faults, seed: options.seed)
    }

    /// Serves until graceful shutdown (or cancellation); can run once.
    public func run() async throws {
        let firstRun = listening.withLock { state in
            defer { state.started = true }
            return !state.started
        }
        guard firstRun else {
            throw SandboxError(kind: .server, reason: "this sandbox has already been run; create a new one")
        }
        defer { finishListening() }

        if keyring.isOpen {
            logger.warning("sandbox has no keys file: any non-empty API key is accepted with every permission for every agent")
        } else {
            logger.info("sandbox keys loaded", metadata: ["sandbox.keys": "\(keyring.count)"])
        }
        let responder = SandboxResponder(
            keyring: keyring,
            store: store,
            faults: faults,
            maxBodyBytes: options.maxBodyBytes,
            now: options.now,
            logger: logger
        )
        let application = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(options.host, port: options.port)),
            onServerRunning: { [weak self] channel in
                self?.startListening(port: channel.localAddress?.port ?? 0)
            },
            logger: logger
        )
        do {
            try await application.run()
        } catch {
            logger.error("sandbox server stopped", metadata: ["sandbox.error": "\(error)"])
            throw SandboxError(kind: .server, reason: "the server failed: \(error)")
        }
    }

    /// The bound port once listening (port 0 → the real one); awaits until the server is up.
    ///
    /// Returns 0 when the server stopped (or failed to start) without ever listening.
    public func boundPort() async -> Int {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int, Never>) in
            let ready: Int? = listening.withLock { state in
                if let port = state.port {
                    return port
                }
                if state.finished {
                    return 0
                }
                state.waiters.append(continuation)
                return nil
            }
            if let ready {
                continuation.resume(returning: ready)
            }
        }
    }

    private func startListening(port: Int) {
        let waiters = listening.withLock { state in
            state.port = port
            defer { state.waiters = [] }
            return state.waiters
        }
        logger.info(
            "sandbox listening",
            metadata: ["sandbox.host": "\(options.host)", "sandbox.port": "\(port)"]
        )
        for waiter in waiters {
            waiter.resume(returning: port)
        }
    }

    private func finishListening() {
        let (waiters, port) = listening.withLock { state in
            state.finished = true
            defer { state.waiters = [] }
            return (state.waiters, state.port ?? 0)
        }
        for waiter in waiters {
            waiter.resume(returning: port)
        }
    }
}
