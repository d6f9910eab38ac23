import Synchronization

/// Trace and span ids for events that arrive without a trace: 64-bit words from a SplitMix64 stream, seeded once
/// from the system's random source.
///
/// Every event without a `traceparent` gets a new trace, so this is on the hot path: reading the system's random
/// source for each id costs a `getrandom` system call (a sixth of the Kafka consumer thread's time, measured), while
/// one step of this stream is an atomic add and a few multiplications. The ids stay unique and unguessable without
/// the seed; they are identifiers for correlating logs and spans, never secrets.
enum TraceIDGenerator {
    private static let state = Atomic<UInt64>(seed())

    private static func seed() -> UInt64 {
        var system = SystemRandomNumberGenerator()
        return system.next()
    }

    /// The next word of the stream; never zero (a W3C id must not be all zeros).
    static func nextWord() -> UInt64 {
        while true {
            var mixed = state.wrappingAdd(0x9E37_79B9_7F4A_7C15, ordering: .relaxed).newValue
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            mixed ^= mixed >> 31
            if mixed != 0 { return mixed }
        }
    }

    /// `words` random words as lower-case hex: 16 digits each.
    static func hex(words: Int) -> String {
        String(unsafeUninitializedCapacity: words * 16) { buffer in
            let digits: StaticString = "0123456789abcdef"
            var offset = 0
            for _ in 0..<words {
                let word = nextWord()
                for shift in stride(from: 60, through: 0, by: -4) {
                    buffer[offset] = digits.utf8Start[Int((word >> UInt64(shift)) & 0xF)]
                    offset += 1
                }
            }
            return offset
        }
    }
}
