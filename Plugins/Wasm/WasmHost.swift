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
    private let secrets: [String]
    private let logWindow = Mutex<(second: Int64, lines: Int, dropped: Int)>((0, 0, 0))

    /// The plugin logger, made when a line is written: after start-up has set up logging (plugins are built first).
    static var logger: Logger { Logger(label: "switchboard.plugin") }

    /// `secrets` are the values `${...}` put into the integration's `config`: masked in what the module logs.
    init(integration: String, clock: any DeliveryClock, secrets: [String]) {
        self.integration = integration
        self.clock = clock
        self.secrets = secrets
    }

    /// `text` with every occurrence of a secret replaced by `****`.
    static func masked(_ text: String, secrets: [String]) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "****") }
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
                try Self.check(memory, pointer: pointer, length: length)
                try Self.charge(caller.store, Self.callFuel + UInt64(min(length, UInt32(Self.maxLogBytes))))
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
                    // Hashing costs the host about what as many Wasm instructions cost: one unit of fuel per byte.
                    try Self.charge(caller.store, Self.callFuel + UInt64(values[2]) + UInt64(values[4]))
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

    /// Host work (a host function, a memory copy on `memory.grow`) the call's remaining fuel cannot pay for.
    struct FuelExhausted: Error {}

    /// The fuel every host function call costs on top of the bytes it handles.
    static let callFuel: UInt64 = 64

    /// Takes `units` of fuel from the call's budget, as the interpreter does for instructions.
    static func charge(_ store: Store, _ units: UInt64) throws {
        guard let fuel = store.fuel else { return }
        guard fuel.remaining >= units else { throw FuelExhausted() }
        store.fuel = Fuel(remaining: fuel.remaining - units)
    }

    /// Throws when `length` bytes at `pointer` do not lie wholly inside `memory`.
    static func check(_ memory: Memory, pointer: UInt32, length: UInt32) throws {
        guard Int(pointer) + Int(length) <= memory.byteCount else {
            throw MemoryFault(message: "\(length) bytes at \(pointer) lie outside the module's \(memory.byteCount) bytes of memory")
        }
    }

    static func memory(of caller: borrowing Caller) throws -> Memory {
        guard let memory = caller.instance?.exports[memory: "memory"] else { throw MemoryFault(message: "no exported memory") }
        return memory
    }

    /// `length` bytes at `pointer`, checked against the memory's size.
    static func read(_ memory: Memory, pointer: UInt32, length: UInt32) throws -> [UInt8] {
        try check(memory, pointer: pointer, length: length)
        guard length > 0 else { return [] }
        return memory.withUnsafeBufferPointer(offset: UInt(pointer), count: Int(length)) { Array($0) }
    }

    /// Writes `bytes` at `pointer`, where at least `reserving` bytes (and all of `bytes`) must lie inside the memory.
    static func write(_ bytes: [UInt8], to memory: Memory, pointer: UInt32, reserving: Int = 0) throws {
        try check(memory, pointer: pointer, length: UInt32(clamping: max(bytes.count, reserving)))
        guard !bytes.isEmpty else { return }
        memory.withUnsafeMutableBufferPointer(offset: UInt(pointer), count: bytes.count) { target in
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
        let logger = Self.logger
        let metadata: Logger.Metadata = [LogKey.integration: .string(integration)]
        if dropped > 0 {
            logger.warning("plugin log lines dropped (more than \(Self.logLinesPerSecond) a second)", metadata: metadata.merging(["count": .stringConvertible(dropped)]) { $1 })
        }
        guard allowed else { return }
        let line = "plugin: " + TextEscaping.printable(Self.masked(text, secrets: secrets))
        switch level {
        case 0: logger.debug("\(line)", metadata: metadata)
        case 2: logger.warning("\(line)", metadata: metadata)
        case 3: logger.error("\(line)", metadata: metadata)
        default: logger.info("\(line)", metadata: metadata)
        }
    }
}

/// Refuses memory growth past the configured limit (`memory.grow` then returns -1, as Wasm specifies), and charges
/// the call for the copy a growth costs the host: the interpreter moves the whole memory to its new place, so a
/// module growing one page at a time would otherwise buy seconds of copying for little fuel.
final class WasmMemoryLimiter: ResourceLimiter, @unchecked Sendable {
    /// The most elements a module's table may grow to.
    static let maxTableElements = 100_000
    /// Bytes of memory copied per unit of fuel when memory grows (bulk memory instructions move 64 per unit).
    static let bytesPerFuel = 16

    let limit: Int
    /// The store whose fuel pays for growth; set once, right after the store is made (single-threaded use).
    weak var store: Store?

    init(limit: Int) {
        self.limit = limit
    }

    func limitMemoryGrowth(to desired: Int) throws -> Bool {
        guard desired <= limit else { return false }
        if let store { try WasmHost.charge(store, UInt64(desired / Self.bytesPerFuel)) }
        return true
    }

    func limitTableGrowth(to desired: Int) throws -> Bool {
        desired <= Self.maxTableElements
    }
}
