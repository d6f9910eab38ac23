import Synchronization

/// Decides, with a seeded generator, which webhook requests are faulted; the faults can change at run time.
final class FaultInjector: Sendable {
    /// What to do with one request.
    enum Decision: Equatable, Sendable {
        /// Answer normally.
        case none
        /// Close the connection without answering.
        case drop
        /// Answer `500`.
        case serverError
        /// Answer `429` with `Retry-After: seconds`.
        case throttle(retryAfter: Int)
    }

    private struct State {
        var faults: SandboxFaults
        var generator: SplitMix64
    }

    private let state: Mutex<State>

    /// Creates an injector with initial faults and the seed of its generator.
    init(faults: SandboxFaults, seed: UInt64) {
        self.state = Mutex(State(faults: faults, generator: SplitMix64(seed: seed)))
    }

    /// The faults in force.
    var faults: SandboxFaults {
        state.withLock { $0.faults }
    }

    /// Replaces the faults in force (already checked by the caller).
    func replace(with faults: SandboxFaults) {
        state.withLock { $0.faults = faults }
    }

    /// Picks the fate of the next request and the latency to add before answering it.
    func decide() -> (decision: Decision, latencyMilliseconds: Int) {
        state.withLock { state in
            let faults = state.faults
            guard faults.dropRate > 0 || faults.errorRate > 0 || faults.throttleRate > 0 else {
                return (.none, faults.latencyMilliseconds)
            }
            let draw = state.generator.nextFraction()
            var threshold = faults.dropRate
            if draw < threshold {
                return (.drop, faults.latencyMilliseconds)
            }
            threshold += faults.errorRate
            if draw < threshold {
                return (.serverError, faults.latencyMilliseconds)
            }
            threshold += faults.throttleRate
            if draw < threshold {
                return (.throttle(retryAfter: faults.retryAfter), faults.latencyMilliseconds)
            }
            return (.none, faults.latencyMilliseconds)
        }
    }
}

/// A small, fast, seedable generator (SplitMix64), so fault patterns repeat from run to run.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose sequence is fixed by `seed`.
    init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A uniformly distributed fraction in `0..<1`.
    mutating func nextFraction() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}
