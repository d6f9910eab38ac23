import WasmABI
@_spi(Fuzzing) internal import WasmKit

/// One instance of a plugin module: its own store, linear memory and interpreter stack, used by one caller at a
/// time (`WasmInstancePool` hands it out). Every call gets the full fuel budget; a call that fails leaves the
/// instance to be thrown away, so a trap half-way through cannot leave state behind for the next event.
final class WasmSandbox {
    /// The module image this instance was made from.
    let image: WasmModuleImage
    /// Fuel the last call used.
    private(set) var lastFuelUsed: UInt64 = 0
    /// Calls made into this instance (`sb_init` included).
    private(set) var calls = 0

    private let store: Store
    private let memory: Memory
    private let alloc: Function
    private let initialize: Function
    private let mapFunction: Function
    private let verifyFunction: Function?
    private let fuel: UInt64
    private var stack: ExecutionStack

    /// Instantiates `image` and runs `sb_init` with `config`.
    init(image: WasmModuleImage, options: WasmPluginOptions, host: WasmHost, engine: Engine) throws(WasmPluginFailure) {
        self.image = image
        self.fuel = options.fuel
        let store = Store(engine: engine)
        let limiter = WasmMemoryLimiter(limit: options.memoryBytes)
        limiter.store = store
        store.resourceLimiter = limiter
        // A start function runs while instantiating: it gets the same budget as a call.
        store.fuel = Fuel(remaining: options.fuel)
        let instance: Instance
        do {
            instance = try image.module.instantiate(store: store, imports: host.imports(image.imports, store: store))
        } catch {
            throw .initialization("cannot instantiate \(image.path): \(Self.describe(error))")
        }
        guard let memory = instance.exports[memory: "memory"] else { throw .module("\(image.path) exports no memory") }
        var functions: [Function] = []
        for required in WasmModuleImage.requiredExports {
            guard let function = instance.exports[function: required.name], function.type == required.type else {
                throw .module("\(image.path): \(required.name) must have the signature \(Self.signature(required.type))")
            }
            functions.append(function)
        }
        var verify: Function?
        if image.verifies {
            let expected = WasmModuleImage.verifyExport
            guard let function = instance.exports[function: expected.name], function.type == expected.type else {
                throw .module("\(image.path): \(expected.name) must have the signature \(Self.signature(expected.type))")
            }
            verify = function
        }
        self.store = store
        self.memory = memory
        self.alloc = functions[0]
        self.initialize = functions[1]
        self.mapFunction = functions[2]
        self.verifyFunction = verify
        self.stack = ExecutionStack(engine: engine)
        let status: [Value]
        do {
            status = try call(initialize, with: options.configJSON)
        } catch {
            throw .initialization("sb_init failed: \(error)")
        }
        guard case .i32(let code) = status.first, code == 0 else {
            throw .initialization("sb_init refused the configuration (returned \(Self.number(status.first)))")
        }
    }

    /// Whether the module checks requests itself.
    var verifies: Bool { verifyFunction != nil }

    /// `sb_verify`: true when the module accepts the request (or has no `sb_verify`).
    func verify(_ input: [UInt8]) throws(WasmPluginFailure) -> Bool {
        guard let verifyFunction else { return true }
        let result = try call(verifyFunction, with: input)
        guard case .i32(let answer) = result.first else { throw .output("sb_verify returned no i32") }
        return answer == 1
    }

    /// The largest output `sb_map` may return.
    static let maxOutputBytes = 16 << 20

    /// `sb_map`: the output bytes, copied out of the module's memory.
    func map(_ input: [UInt8]) throws(WasmPluginFailure) -> [UInt8] {
        let result = try call(mapFunction, with: input)
        guard case .i64(let packed) = result.first else { throw .output("sb_map returned no i64") }
        let pointer = UInt32(truncatingIfNeeded: packed >> 32), length = UInt32(truncatingIfNeeded: packed)
        guard length <= Self.maxOutputBytes else { throw .output("sb_map returned \(length) bytes, more than \(Self.maxOutputBytes)") }
        do {
            return try WasmHost.read(memory, pointer: pointer, length: length)
        } catch {
            throw .memory("sb_map's result: \(Self.describe(error))")
        }
    }

    /// Asks `sb_alloc` for the input's space, writes the input there and calls `function(pointer, length)`, all on
    /// one fuel budget.
    private func call(_ function: Function, with input: [UInt8]) throws(WasmPluginFailure) -> [Value] {
        guard input.count < Int(Int32.max) else { throw .memory("input of \(input.count) bytes is too large") }
        calls += 1
        store.fuel = Fuel(remaining: fuel)
        // A charge that could not be paid leaves the rest unspent: a call that ran out used its whole budget.
        var exhausted = false
        defer { lastFuelUsed = exhausted ? fuel : fuel - min(fuel, store.fuel?.remaining ?? 0) }
        do {
            let space = try alloc.invoke([.i32(UInt32(input.count))], on: &stack)
            guard case .i32(let pointer) = space.first else { throw WasmPluginFailure.output("sb_alloc returned no i32") }
            // 0 is what an allocator returns when it has no room (and where a C module keeps its stack and data).
            guard pointer != 0 || input.isEmpty else { throw WasmPluginFailure.memory("sb_alloc(\(input.count)) returned 0: the module has no room for the input") }
            do {
                try WasmHost.write(input, to: memory, pointer: pointer)
            } catch {
                throw WasmPluginFailure.memory("sb_alloc(\(input.count)) returned \(pointer): \(Self.describe(error))")
            }
            return try function.invoke([.i32(pointer), .i32(UInt32(input.count))], on: &stack)
        } catch let failure as WasmPluginFailure {
            throw failure
        } catch let fault as WasmHost.MemoryFault {
            throw .memory(fault.message)
        } catch is WasmHost.FuelExhausted {
            exhausted = true
            throw .fuel
        } catch let trap as Trap {
            // WasmKit 0.4.2 has no public trap reason: its description's first line is `Trap: <reason>`.
            let text = Self.describe(trap)
            if text == "out of fuel" {
                exhausted = true
                throw .fuel
            }
            throw .trap(text)
        } catch {
            throw .trap(Self.describe(error))
        }
    }

    /// The first line of an error's description, without WasmKit's `Trap: ` prefix.
    static func describe(_ error: any Error) -> String {
        var text = String(describing: error)
        if text.hasPrefix("Trap: ") { text.removeFirst(6) }
        let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? text
        return String(line.prefix(300))
    }

    private static func signature(_ type: FunctionType) -> String {
        "(" + type.parameters.map { "\($0)" }.joined(separator: ", ") + ") -> " + (type.results.isEmpty ? "()" : type.results.map { "\($0)" }.joined(separator: ", "))
    }

    private static func number(_ value: Value?) -> String {
        switch value {
        case .i32(let raw)?: String(Int32(bitPattern: raw))
        case let other?: "\(other)"
        case nil: "nothing"
        }
    }
}
