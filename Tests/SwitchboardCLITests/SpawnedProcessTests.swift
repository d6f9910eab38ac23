import Foundation
import Spawn
import Synchronization
import Testing

@Suite("SpawnedProcess: child processes through posix_spawn")
struct SpawnedProcessTests {
    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("the exit code comes back as the child gave it")
    func exitStatus() throws {
        #expect(try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "exit 0"]).waitUntilExit() == .exited(0))
        let failing = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "exit 3"])
        #expect(failing.waitUntilExit() == .exited(3))
        #expect(failing.termination?.status == 3)
        #expect(!failing.isRunning)
        #expect(failing.isFinished)
        #expect(try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "exit 255"]).waitUntilExit() == .exited(255))
    }

    @Test("a child a signal ends reports the signal, not an exit code; signal() after the reap sends nothing")
    func killedBySignal() throws {
        let selfKilled = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "kill -KILL $$"])
        #expect(selfKilled.waitUntilExit() == .signalled(SIGKILL))

        let sleeper = try SpawnedProcess(executable: "/bin/sleep", arguments: ["30"])
        #expect(sleeper.isRunning)
        #expect(sleeper.termination == nil)
        #expect(sleeper.processIdentifier > 0)
        #expect(sleeper.signal(SIGTERM))
        #expect(sleeper.waitUntilExit() == .signalled(SIGTERM))
        #expect(sleeper.termination?.status == SIGTERM)
        #expect(!sleeper.signal(SIGTERM))
    }

    @Test("more than a megabyte on each of standard output and standard error is captured whole, separately or combined")
    func largeOutput() throws {
        let script = "head -c 3000000 /dev/zero | tr '\\0' a; head -c 2000000 /dev/zero | tr '\\0' b >&2; echo done"
        let separate = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", script], output: .separate)
        #expect(separate.waitUntilExit() == .exited(0))
        let out = separate.standardOutput
        #expect(out.count == 3_000_005)
        #expect(out.prefix(3_000_000).allSatisfy { $0 == UInt8(ascii: "a") })
        #expect(Self.text(Array(out.suffix(5))) == "done\n")
        #expect(separate.standardError.count == 2_000_000)
        #expect(separate.standardError.allSatisfy { $0 == UInt8(ascii: "b") })

        let combined = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", script], output: .combined)
        #expect(combined.waitUntilExit() == .exited(0))
        #expect(combined.standardOutput.count == 5_000_005)
        #expect(combined.standardOutput.filter { $0 == UInt8(ascii: "b") }.count == 2_000_000)
        #expect(combined.standardError.isEmpty)

        let discarded = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", script], output: .discarded)
        #expect(discarded.waitUntilExit() == .exited(0))
        #expect(discarded.standardOutput.isEmpty)
    }

    @Test("input bytes reach standard input while the output is read, and a child that reads none does not kill us with SIGPIPE")
    func standardInput() throws {
        let input = (0..<2_500_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let cat = try SpawnedProcess(executable: "/bin/cat", input: input, output: .separate)
        #expect(cat.waitUntilExit() == .exited(0))
        #expect(cat.standardOutput == input)

        let ignoring = try SpawnedProcess(executable: "/bin/true", input: input)
        #expect(ignoring.waitUntilExit() == .exited(0))

        let none = try SpawnedProcess(executable: "/bin/cat")
        #expect(none.waitUntilExit() == .exited(0))
        #expect(none.standardOutput.isEmpty)
    }

    @Test("the environment is exactly the one given, or ours with the overrides")
    func environment() throws {
        let exact = try SpawnedProcess(executable: "/usr/bin/env", environment: .exactly(["ONLY": "this one", "EMPTY": ""]))
        #expect(exact.waitUntilExit() == .exited(0))
        #expect(Set(Self.text(exact.standardOutput).split(separator: "\n")) == ["ONLY=this one", "EMPTY="])

        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let inherited = try SpawnedProcess(
            executable: "/usr/bin/env", environment: .inherited(overriding: ["SPAWN_TEST_VALUE": "a=b c", "PATH": path + ":/spawn-test"])
        )
        #expect(inherited.waitUntilExit() == .exited(0))
        let lines = Self.text(inherited.standardOutput).split(separator: "\n")
        #expect(lines.contains("SPAWN_TEST_VALUE=a=b c"))
        #expect(lines.contains("PATH=\(path):/spawn-test"))
        #expect(lines.filter { $0.hasPrefix("PATH=") }.count == 1)
        if let home = ProcessInfo.processInfo.environment["HOME"] { #expect(lines.contains("HOME=\(home)")) }
    }

    @Test("the child has only its three standard descriptors, not one we opened without close-on-exec")
    func descriptorsNotInherited() throws {
        let opened = open("/dev/null", O_RDONLY)  // deliberately without O_CLOEXEC
        try #require(opened >= 0)
        // The lowest free descriptor from 200 up (dup2 onto a fixed number would silently close whatever another
        // test running in this process holds there).
        let high = fcntl(opened, F_DUPFD, 200)
        try #require(high >= 200)
        defer {
            close(high)
            close(opened)
        }
        // ls opens the directory itself (as 3); anything above that it inherited.
        let ls = try SpawnedProcess(executable: "/bin/ls", arguments: ["/proc/self/fd"], output: .separate)
        #expect(ls.waitUntilExit() == .exited(0))
        let descriptors = Set(Self.text(ls.standardOutput).split(separator: "\n").compactMap { Int32($0) })
        #expect(descriptors.isSuperset(of: [0, 1, 2]))
        #expect(!descriptors.contains(high))
        #expect(!descriptors.contains(opened))
        #expect(descriptors.allSatisfy { $0 <= 3 }, "inherited: \(descriptors.sorted())")
    }

    @Test("the working directory, and output handed to a handler as it arrives with an empty chunk at the end")
    func directoryAndHandler() throws {
        let pwd = try SpawnedProcess(executable: "/bin/pwd", directory: "/")
        #expect(pwd.waitUntilExit() == .exited(0))
        #expect(Self.text(pwd.standardOutput) == "/\n")

        let received = Received()
        let echo = try SpawnedProcess(executable: "/bin/sh", arguments: ["-c", "echo one; sleep 0.1; echo two >&2"], output: .separate) { channel, bytes in
            received.add(channel, bytes)
        }
        #expect(echo.waitUntilExit() == .exited(0))
        #expect(echo.standardOutput.isEmpty)
        let chunks = received.chunks
        #expect(Self.text(chunks.filter { $0.0 == .standardOutput }.flatMap(\.1)) == "one\n")
        #expect(Self.text(chunks.filter { $0.0 == .standardError }.flatMap(\.1)) == "two\n")
        #expect(chunks.last { $0.0 == .standardOutput }?.1 == [])
        #expect(chunks.last { $0.0 == .standardError }?.1 == [])
    }

    @Test("a missing executable is a thrown error naming posix_spawn and the errno text")
    func missingExecutable() throws {
        #expect {
            try SpawnedProcess(executable: "/nonexistent/spawn-test-binary")
        } throws: { error in
            guard let error = error as? SpawnError else { return false }
            return error.call.hasPrefix("posix_spawn") && error.code == ENOENT && error.description.contains("No such file or directory")
        }
    }
}

/// Chunks an output handler received, in order.
private final class Received: Sendable {
    private let storage = Mutex<[(SpawnedProcess.Channel, [UInt8])]>([])

    func add(_ channel: SpawnedProcess.Channel, _ bytes: [UInt8]) { storage.withLock { $0.append((channel, bytes)) } }

    var chunks: [(SpawnedProcess.Channel, [UInt8])] { storage.withLock { $0 } }
}
