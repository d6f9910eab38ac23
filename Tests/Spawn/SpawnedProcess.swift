import Dispatch
import Glibc
import Synchronization

/// A program started with `posix_spawn`, for the tests, the soak and the benchmarks (never Foundation's `Process`,
/// whose `run()` can crash on Linux: swift-corelibs-foundation#5472).
///
/// The child gets fresh standard streams and nothing else: its standard input is the bytes given (or `/dev/null`),
/// its output goes to pipes read on threads of their own (so a chatty child never stalls on a full pipe) or to
/// `/dev/null`, and every other descriptor is closed before `exec`. A thread of its own also waits for the exit, so
/// the child is reaped promptly and ``signal(_:)`` never reaches a recycled process id.
public final class SpawnedProcess: Sendable {
    /// Where the child's standard output and standard error go.
    public enum Output: Sendable {
        /// Both into one pipe, collected as ``standardOutput`` in the order the child wrote them.
        case combined
        /// Each into a pipe of its own, collected as ``standardOutput`` and ``standardError``.
        case separate
        /// Both to `/dev/null`.
        case discarded
    }

    /// One of the child's output streams.
    public enum Channel: Sendable, Hashable {
        /// Standard output (with standard error too, for ``Output/combined``).
        case standardOutput
        /// Standard error (only for ``Output/separate``).
        case standardError
    }

    /// The environment the child starts with.
    public enum Environment: Sendable {
        /// Exactly these variables, nothing inherited.
        case exactly([String: String])
        /// This process's environment, with these variables added or replaced.
        case inherited(overriding: [String: String] = [:])
    }

    /// Receives output as it arrives, on the reading thread: each chunk read, then an empty chunk at end of file.
    public typealias OutputHandler = @Sendable (Channel, [UInt8]) -> Void

    private struct State {
        var termination: Termination?
        /// Output pipes not yet at end of file.
        var openOutputs = 0
        var standardOutput: [UInt8] = []
        var standardError: [UInt8] = []
    }

    /// The child's process id.
    public let processIdentifier: pid_t
    private let state = Mutex(State())
    /// Entered until the waiter has reaped the child.
    private let exited = DispatchGroup()
    /// Entered until every output pipe has reached end of file.
    private let drained = DispatchGroup()

    /// Starts `executable` (a path; `PATH` is not searched) with `arguments` (without the program name, which is
    /// `executable`) in `directory` (ours when nil).
    ///
    /// - Parameters:
    ///   - input: what the child reads from standard input, written on a thread of its own and then closed;
    ///     `/dev/null` when nil.
    ///   - onOutput: when given, output goes to it instead of being collected in ``standardOutput`` and
    ///     ``standardError``.
    /// - Throws: ``SpawnError`` naming the call that failed (`posix_spawn` reports a missing executable as ENOENT).
    public init(
        executable: String, arguments: [String] = [], environment: Environment = .inherited(), directory: String? = nil,
        input: [UInt8]? = nil, output: Output = .combined, onOutput: OutputHandler? = nil
    ) throws {
        // Every descriptor we make is close-on-exec, so no child (this one, or one another thread starts at the same
        // time) inherits it by accident; the file actions give the child its copies as 0, 1 and 2.
        var ours: [Int32] = []  // kept by us: the reading ends, the writing end of standard input
        var theirs: [Int32] = []  // the child's ends, closed here once it has its copies
        defer { theirs.forEach { _ = close($0) } }
        var readers: [(Channel, Int32)] = []
        var inputWriter: Int32?
        let pid: pid_t
        do {
            let actions = try SpawnFileActions()
            if let directory { try actions.changeDirectory(to: directory) }
            if input != nil {
                let pipe = try Self.makePipe()
                ours.append(pipe.write)
                theirs.append(pipe.read)
                inputWriter = pipe.write
                try actions.duplicate(pipe.read, to: STDIN_FILENO)
            } else {
                try actions.open("/dev/null", as: STDIN_FILENO, flags: O_RDONLY)
            }
            switch output {
            case .combined:
                let pipe = try Self.makePipe()
                ours.append(pipe.read)
                theirs.append(pipe.write)
                readers.append((.standardOutput, pipe.read))
                try actions.duplicate(pipe.write, to: STDOUT_FILENO)
                try actions.duplicate(pipe.write, to: STDERR_FILENO)
            case .separate:
                for (channel, target) in [(Channel.standardOutput, STDOUT_FILENO), (.standardError, STDERR_FILENO)] {
                    let pipe = try Self.makePipe()
                    ours.append(pipe.read)
                    theirs.append(pipe.write)
                    readers.append((channel, pipe.read))
                    try actions.duplicate(pipe.write, to: target)
                }
            case .discarded:
                try actions.open("/dev/null", as: STDOUT_FILENO, flags: O_WRONLY)
                try actions.open("/dev/null", as: STDERR_FILENO, flags: O_WRONLY)
            }
            // Also whatever a library of ours opened without close-on-exec.
            try actions.closeAll(from: STDERR_FILENO + 1)
            let attributes = try SpawnAttributes()
            pid = try Self.spawn(executable, arguments: arguments, environment: environment, actions: actions, attributes: attributes)
        } catch {
            ours.forEach { _ = close($0) }
            throw error
        }
        processIdentifier = pid

        // From here on the child runs: each descriptor of ours belongs to exactly one thread, which closes it.
        exited.enter()
        do {
            try DetachedThread.start { [self] in reap() }
        } catch {
            // Without a waiter nobody would reap it: stop it and reap it here.
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1, Glibc.errno == EINTR {}
            ours.forEach { _ = close($0) }
            exited.leave()  // a group disposed of while entered would crash
            throw error
        }
        var unstarted = ours
        do {
            for (channel, descriptor) in readers {
                drained.enter()
                state.withLock { $0.openOutputs += 1 }
                do {
                    try DetachedThread.start { [self] in collect(from: descriptor, channel: channel, handler: onOutput) }
                } catch {
                    state.withLock { $0.openOutputs -= 1 }
                    drained.leave()
                    throw error
                }
                unstarted.removeAll { $0 == descriptor }
            }
            if let inputWriter, let input {
                try DetachedThread.start { Self.feed(input, to: inputWriter) }
                unstarted.removeAll { $0 == inputWriter }
            }
        } catch {
            // The started threads finish once the child is gone; the waiter reaps it.
            _ = signal(SIGKILL)
            unstarted.forEach { _ = close($0) }
            throw error
        }
    }

    /// True until the child has exited (and been reaped).
    public var isRunning: Bool { state.withLock { $0.termination == nil } }

    /// True once the child has exited and all its output has been read: ``waitUntilExit()`` would return at once.
    public var isFinished: Bool { state.withLock { $0.termination != nil && $0.openOutputs == 0 } }

    /// How the child ended; nil while it runs.
    public var termination: Termination? { state.withLock { $0.termination } }

    /// The standard output collected so far (with standard error, for ``Output/combined``); empty with an
    /// `onOutput` handler.
    public var standardOutput: [UInt8] { state.withLock { $0.standardOutput } }

    /// The standard error collected so far (only for ``Output/separate``); empty with an `onOutput` handler.
    public var standardError: [UInt8] { state.withLock { $0.standardError } }

    /// Sends `signal` to the child; false when it has already been reaped (its id may belong to another process by
    /// now) or `kill` failed.
    @discardableResult
    public func signal(_ signal: Int32) -> Bool {
        // The waiter reaps under this lock, so the id still names our child (perhaps a zombie) while it is held.
        state.withLock { state in state.termination == nil && kill(processIdentifier, signal) == 0 }
    }

    /// Blocks until the child has exited and its output pipes have reached end of file (so the collected output is
    /// complete; a grandchild still holding them delays this), then returns how it ended.
    @available(*, noasync, message: "blocks its thread: poll isRunning, or call it from a thread of its own")
    public func waitUntilExit() -> Termination {
        exited.wait()
        drained.wait()
        guard let termination else { preconditionFailure("the waiter leaves its group only after recording the exit") }
        return termination
    }

    // MARK: - The threads

    /// Waits for the exit without reaping (`WNOWAIT`), then reaps under the lock that ``signal(_:)`` takes.
    private func reap() {
        var info = siginfo_t()
        var waited: Int32
        repeat {
            waited = waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT)
        } while waited == -1 && Glibc.errno == EINTR
        state.withLock { state in
            var status: Int32 = 0
            var reaped: pid_t
            repeat {
                reaped = waitpid(processIdentifier, &status, 0)
            } while reaped == -1 && Glibc.errno == EINTR
            // Only if someone else reaped our child (waitpid(-1) elsewhere in the process) is there no status.
            state.termination = reaped == processIdentifier ? (Termination(waitStatus: status) ?? .exited(-1)) : .exited(-1)
        }
        exited.leave()
    }

    /// Reads `descriptor` to end of file, collecting the bytes or handing them to `handler`, then closes it.
    private func collect(from descriptor: Int32, channel: Channel, handler: OutputHandler?) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count == -1, Glibc.errno == EINTR { continue }
            guard count > 0 else { break }  // end of file, or an error that ends the stream all the same
            let chunk = Array(buffer[..<count])
            if let handler {
                handler(channel, chunk)
            } else {
                state.withLock { state in
                    switch channel {
                    case .standardOutput: state.standardOutput += chunk
                    case .standardError: state.standardError += chunk
                    }
                }
            }
        }
        close(descriptor)
        handler?(channel, [])
        state.withLock { $0.openOutputs -= 1 }
        drained.leave()
    }

    /// Writes `bytes` to `descriptor` and closes it; stops early when the child closes its end.
    private static func feed(_ bytes: [UInt8], to descriptor: Int32) {
        // A child that exits without reading would raise SIGPIPE, which kills the whole process; blocked on this
        // thread, it stays pending here and vanishes with the thread, and write reports EPIPE instead.
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written == -1, Glibc.errno == EINTR { continue }
                guard written > 0 else { break }
                offset += written
            }
        }
        close(descriptor)
    }

    // MARK: - Spawning

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard try GNUExtensions.pipe2(&descriptors, O_CLOEXEC) == 0 else { throw SpawnError.errno("pipe2") }
        return (descriptors[0], descriptors[1])
    }

    private static func spawn(
        _ executable: String, arguments: [String], environment: Environment, actions: SpawnFileActions, attributes: SpawnAttributes
    ) throws -> pid_t {
        let variables: [String: String]
        switch environment {
        case .exactly(let given): variables = given
        case .inherited(let overrides): variables = currentEnvironment().merging(overrides) { $1 }
        }
        let argv = try CStringArray([executable] + arguments)
        let envp = try CStringArray(variables.map { "\($0.key)=\($0.value)" })
        var pid: pid_t = 0
        let result = withExtendedLifetime((argv, envp)) {
            posix_spawn(&pid, executable, actions.pointer, attributes.pointer, argv.pointers, envp.pointers)
        }
        guard result == 0 else { throw SpawnError(call: "posix_spawn \(executable)", code: result) }
        return pid
    }

    /// This process's environment, read from `environ`.
    private static func currentEnvironment() -> [String: String] {
        var variables: [String: String] = [:]
        var entry: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = environ
        while let pointer = entry?.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry = entry?.advanced(by: 1)
        }
        return variables
    }
}
