extension SpawnedProcess {
    /// How a child ended.
    public enum Termination: Sendable, Hashable, CustomStringConvertible {
        /// It called `exit` (or returned from `main`) with this code (0–255).
        case exited(Int32)
        /// A signal with this number ended it.
        case signalled(Int32)

        /// The exit code, or the signal's number when one ended it (what Foundation's `terminationStatus` reports).
        public var status: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): signal
            }
        }

        /// `exit 3`, `signal 9`.
        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signalled(let signal): "signal \(signal)"
            }
        }

        /// Decodes a `waitpid` status word. `WIFEXITED` and friends are C macros Swift cannot import, so this is
        /// their Linux definition by hand: the low 7 bits are the terminating signal (0 for a normal exit, 0x7f for
        /// a stopped child), bit 7 the core-dump flag, and bits 8–15 the exit code. Nil for a stopped or continued
        /// child, which `waitpid` reports only with `WUNTRACED` or `WCONTINUED`.
        init?(waitStatus status: Int32) {
            let signal = status & 0x7f
            if signal == 0 {
                self = .exited((status >> 8) & 0xff)  // WIFEXITED, WEXITSTATUS
            } else if signal != 0x7f {
                self = .signalled(signal)  // WIFSIGNALED, WTERMSIG
            } else {
                return nil  // WIFSTOPPED, WIFCONTINUED
            }
        }
    }
}
