import Foundation

/// How a ``Sandbox`` listens, which keys it accepts and how it behaves.
public struct SandboxOptions: Sendable {
    /// Address to listen on; keep it on loopback.
    public var host: String
    /// Port to listen on; 0 picks a free one (see ``Sandbox/boundPort()``).
    public var port: Int
    /// Path of the YAML keys file; nil accepts any non-empty key with every permission for every agent.
    public var keysFile: String?
    /// How long a minted external event id stays valid (PolyAI: one hour).
    public var eventIDLifetime: Duration
    /// Largest request body accepted; larger bodies get `413`.
    public var maxBodyBytes: Int
    /// Faults injected from the start; changeable later with `PUT /sandbox/faults`.
    public var faults: SandboxFaults
    /// Seed of the random generator that decides which requests are faulted.
    public var seed: UInt64
    /// The clock used for id and key expiry and event timestamps; inject one in tests.
    public var now: @Sendable () -> Date
    /// Bounds on what the sandbox keeps in memory.
    public var limits: SandboxLimits

    /// Creates options; every default matches PolyAI's documented behaviour.
    public init(
        host: String = "127.0.0.1",
        port: Int = 9300,
        keysFile: String? = nil,
        eventIDLifetime: Duration = .seconds(3600),
        maxBodyBytes: Int = 1 << 20,
        faults: SandboxFaults = .init(),
        seed: UInt64 = 1,
        now: @escaping @Sendable () -> Date = { Date() },
        limits: SandboxLimits = .init()
    ) {
        self.host = host
        self.port = port
        self.keysFile = keysFile
        self.eventIDLifetime = eventIDLifetime
        self.maxBodyBytes = maxBodyBytes
        self.faults = faults
        self.seed = seed
        self.now = now
        self.limits = limits
    }

    /// The first problem with these options, in the user's words, or nil.
    func problem() -> String? {
        if host.isEmpty {
            return "host must not be empty"
        }
        guard (0...65_535).contains(port) else {
            return "port must be between 0 and 65535, got \(port)"
        }
        guard eventIDLifetime > .zero else {
            return "eventIDLifetime must be positive, got \(eventIDLifetime)"
        }
        guard maxBodyBytes > 0 else {
            return "maxBodyBytes must be positive, got \(maxBodyBytes)"
        }
        if let problem = faults.problem() {
            return "faults: \(problem)"
        }
        return limits.problem()
    }

    /// The id lifetime in seconds, as `Date` arithmetic wants it.
    var eventIDLifetimeSeconds: TimeInterval {
        let parts = eventIDLifetime.components
        return TimeInterval(parts.seconds) + TimeInterval(parts.attoseconds) / 1e18
    }
}
