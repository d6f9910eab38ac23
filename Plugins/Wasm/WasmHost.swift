import Foundation
import Logging
import Synchronization
import SwitchboardCore
@_spi(Fuzzing) internal import WasmKit

/// What the host gives a module, module `switchboard`: `now_ms`, `log` and `hmac` (Plugins/Wasm/README.md). Nothing
/// else: no files, no sockets, no keys.
final class WasmHost: Sendable {
    /// Log lines a module may write per second (per integration); the rest are dropped and counted in one line.
    static let logLinesPerSecond = 20
    /// The longest log line kept, in bytes.
    static let maxLogBytes = 1_000

    let integration: String
    private let clock: any DeliveryClock
    private let logger: Logger
    private let logWindow = Mutex<(second: Int64, lines: Int, dropped: Int)>((0, 0, 0))

    init(integration: String, clock: any DeliveryClock, logger: Logger) {
        self.integration = integration
        self.clock = clock
        self.logger = logger
    }

    /// The host functions for a module that imports `names`, allocated in `store`.
    func imports(_ names: Set<String>, store: Store) -> Imports {
        var imports = Imports()
        if names.contains("now_ms") {
            imports.define(module: "switchboard", name: "now_ms", Function(store: store, parameters: [], results: [.i64]) { [clock] _, _ in
                [.i64(UInt64(bitPattern: clock.nowMillis()))]
            })
        }
        if names.contains("log") {
            imports.define(module: "switchboard", name: "log", Function(store: store, parameters: [.i32, .i32, .i32]) { [self] caller, arguments in
                guard case .i32(let level) = arguments[0], case .i32(let pointer) = arguments[1], case .i32(let length) = arguments[2] else { return [] }
                let memory = try Self.memory(of: caller)
                let text = try Self.read(memory, pointer: pointer, length: min(length, UInt32(Self.maxLogBytes)))
                log(level: level, String(decoding: text, as: UTF8.self))
                return []
            })
        }
        if names.contains("hmac") {
            imports.define(
                module: "switchboard", name: "hmac",
                Function(store: store, parameters: [.i32, .i32, .i32, .i32, .i32, .i32], results: [.i32]) { caller, arguments in
                    let values = arguments.map { value -> UInt32 in
                        if case .i32(let raw) = value { return raw }
                        return 0
                    }
                    let digest: HMACDigest
                    switch values[0] {
                    case 1: digest = .sha1
                    case 2: digest = .sha256
                    case 3: digest = .sha512
                    default: return [.i32(UInt32(bitPattern: -1))]
                    }
                    let memory = try Self.memory(of: caller)
                    let key = try Self.read(memory, pointer: values[1], length: values[2])
                    let message = try Self.read(memory, pointer: values[3], length: values[4])
                    let code = digest.code(key: key, message: message)
                    try Self.write(code, to: memory, pointer: values[5], reserving: 64)
                    return [.i32(UInt32(code.count))]
                }
            )
        }
        return imports
    }

    /// A pointer or length from the module that lies outside its memory.
    struct MemoryFault: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func memory(of caller: borrowing Caller) throws -> Memory {
        guard let memory = caller.instance?.exports[memory: "memory"] else { throw MemoryFault(message: "no exported memory") }
        return memory
    }

    /// `length` bytes at `pointer`, checked against the memory's size.
    static func read(_ memory: Memory, pointer: UInt32, length: UInt32) throws -> [UInt8] {
        let start = Int(pointer), count = Int(length)
        guard start + count <= memory.byteCount else {
            throw MemoryFault(message: "\(count) bytes at \(start) lie outside the module's \(memory.byteCount) bytes of memory")
        }
        guard count > 0 else { return [] }
        return memory.withUnsafeBufferPointer(offset: UInt(start), count: count) { Array($0) }
    }

    /// Writes `bytes` at `pointer`, where at least `reserving` bytes must lie inside the memory.
    static func write(_ bytes: [UInt8], to memory: Memory, pointer: UInt32, reserving: Int) throws {
        let start = Int(pointer), count = max(bytes.count, reserving)
        guard start + count <= memory.byteCount else {
            throw MemoryFault(message: "\(count) bytes at \(start) lie outside the module's \(memory.byteCount) bytes of memory")
        }
        guard !bytes.isEmpty else { return }
        memory.withUnsafeMutableBufferPointer(offset: UInt(start), count: bytes.count) { target in
            target.copyBytes(from: bytes)
        }
    }

    /// One log line from the module, escaped, rate limited per integration.
    private func log(level: UInt32, _ text: String) {
        let second = clock.nowMillis() / 1000
        let (allowed, dropped) = logWindow.withLock { window -> (Bool, Int) in
            if window.second != second {
                let dropped = window.dropped
                window = (second, 0, 0)
                window.lines += 1
                return (true, dropped)
            }
            guard window.lines < Self.logLinesPerSecond else {
                window.dropped += 1
                return (false, 0)
            }
            window.lines += 1
            return (true, 0)
        }
        let metadata: Logger.Metadata = [LogKey.integration: .string(integration)]
        if dropped > 0 {
            logger.warning("plugin log lines dropped (more than \(Self.logLinesPerSecond) a second)", metadata: metadata.merging(["count": .stringConvertible(dropped)]) { $1 })
        }
        guard allowed else { return }
        let line = "plugin: " + TextEscaping.printable(text)
        switch level {
        case 0: logger.debug("\(line)", metadata: metadata)
        case 2: logger.warning("\(line)", metadata: metadata)
        case 3: logger.error("\(line)", metadata: metadata)
        default: logger.info("\(line)", metadata: metadata)
        }
    }
}

/// Refuses memory growth past the configured limit: `memory.grow` then returns -1, as Wasm specifies.
final class WasmMemoryLimiter: ResourceLimiter {
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func limitMemoryGrowth(to desired: Int) throws -> Bool {
        desired <= limit
    }

    func limitTableGrowth(to desired: Int) throws -> Bool {
        desired <= 100_000
    }
}
