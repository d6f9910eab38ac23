import Foundation
import WasmABI
@_spi(Fuzzing) internal import WasmKit
internal import WasmParser

/// A plugin module read from disk and checked: parsed (compiled) once, instantiated per instance.
///
/// The checks are the ABI's (Plugins/Wasm/README.md): only `switchboard.now_ms`, `log` and `hmac` may be
/// imported (no WASI, no memory or table imports); `memory`, `sb_alloc`, `sb_init` and `sb_map` must be exported,
/// `sb_verify` may be; the initial linear memory must fit the configured limit.
struct WasmModuleImage: Sendable {
    /// The largest module file read.
    static let maxFileBytes = 64 << 20
    /// The host functions a module may import, by name, with their signatures.
    static let hostImports: [String: FunctionType] = [
        "now_ms": FunctionType(parameters: [], results: [.i64]),
        "log": FunctionType(parameters: [.i32, .i32, .i32], results: []),
        "hmac": FunctionType(parameters: [.i32, .i32, .i32, .i32, .i32, .i32], results: [.i32]),
    ]
    /// The exports the host calls, with their signatures.
    static let requiredExports: [(name: String, type: FunctionType)] = [
        ("sb_alloc", FunctionType(parameters: [.i32], results: [.i32])),
        ("sb_init", FunctionType(parameters: [.i32, .i32], results: [.i32])),
        ("sb_map", FunctionType(parameters: [.i32, .i32], results: [.i64])),
    ]
    /// The optional verification export.
    static let verifyExport = (name: "sb_verify", type: FunctionType(parameters: [.i32, .i32], results: [.i32]))

    /// The parsed module.
    let module: Module
    /// Where it was read from.
    let path: String
    /// The file's identity when it was read (see `WasmFileStamp`).
    let stamp: WasmFileStamp
    /// The host functions it imports.
    let imports: Set<String>
    /// Whether it exports `sb_verify`.
    let verifies: Bool

    /// Reads and checks the module at `path`; the error names the first problem found.
    static func load(path: String, memoryLimit: Int) throws(WasmPluginFailure) -> WasmModuleImage {
        let stamp = WasmFileStamp.of(path)
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .module("cannot read the module file \(path)")
        }
        defer { try? handle.close() }
        let bytes: [UInt8]
        do {
            let data = try handle.read(upToCount: maxFileBytes + 1) ?? Data()
            guard data.count <= maxFileBytes else { throw WasmPluginFailure.module("the module file \(path) is larger than 64 MiB") }
            bytes = Array(data)
        } catch let failure as WasmPluginFailure {
            throw failure
        } catch {
            throw .module("cannot read the module file \(path): \(error)")
        }
        guard bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) else {
            throw .module("\(path) is not a WebAssembly module (no \\0asm header); build it with --target=wasm32")
        }
        let initialMemory = try initialMemoryBytes(bytes, path: path)
        let module: Module
        do {
            module = try parseWasm(bytes: bytes)
        } catch {
            throw .module("\(path) is not a valid WebAssembly module: \(error)")
        }
        var imports: Set<String> = []
        for item in module.imports {
            guard item.module == "switchboard", case .function = item.descriptor, hostImports[item.name] != nil else {
                let what = item.module.hasPrefix("wasi") ? " (WASI is not available to plugins)" : ""
                throw .module(
                    "\(path) imports \(item.module).\(item.name)\(what): a plugin may import only switchboard.now_ms, switchboard.log and switchboard.hmac"
                )
            }
            if case .function(let index) = item.descriptor, let type = module.functionType(at: index), type != hostImports[item.name] {
                throw .module("\(path) imports switchboard.\(item.name) with the wrong signature (see Plugins/Wasm/README.md)")
            }
            imports.insert(item.name)
        }
        let exported = Dictionary(module.exports.map { ($0.name, $0.descriptor) }, uniquingKeysWith: { first, _ in first })
        guard case .memory? = exported["memory"] else { throw .module("\(path) does not export its linear memory as \"memory\"") }
        for required in requiredExports {
            guard case .function? = exported[required.name] else { throw .module("\(path) does not export the function \(required.name)") }
        }
        var verifies = false
        if let descriptor = exported[verifyExport.name] {
            guard case .function = descriptor else { throw .module("\(path) exports sb_verify, but not as a function") }
            verifies = true
        }
        guard initialMemory <= memoryLimit else {
            throw .module("\(path) starts with \(initialMemory / WasmPluginOptions.pageBytes) pages (\(initialMemory) bytes) of memory, more than the limit of \(memoryLimit) bytes (options.memory)")
        }
        return WasmModuleImage(module: module, path: path, stamp: stamp, imports: imports, verifies: verifies)
    }

    /// The initial size of the module's own memory, read before anything is allocated for it.
    private static func initialMemoryBytes(_ bytes: [UInt8], path: String) throws(WasmPluginFailure) -> Int {
        var parser = WasmParser.Parser(bytes: bytes)
        do {
            while let payload = try parser.parseNext() {
                switch payload {
                case .memorySection(let memories):
                    guard let first = memories.first else { return 0 }
                    guard !first.type.isMemory64, !first.type.shared else { throw WasmPluginFailure.module("\(path) declares a 64-bit or shared memory: plugins use one 32-bit memory") }
                    return Int(clamping: first.type.min) * WasmPluginOptions.pageBytes
                case .codeSection, .dataSection:
                    return 0
                default:
                    continue
                }
            }
        } catch let failure as WasmPluginFailure {
            throw failure
        } catch {
            throw .module("\(path) is not a valid WebAssembly module: \(error)")
        }
        return 0
    }
}

/// A file's identity on disk (device, inode, size, modification time): a changed module has a new stamp.
struct WasmFileStamp: Equatable, Sendable {
    var device: UInt64 = 0
    var inode: UInt64 = 0
    var size: Int64 = 0
    var modifiedNanos: Int64 = 0

    static func of(_ path: String) -> WasmFileStamp {
        var info = stat()
        guard stat(path, &info) == 0 else { return WasmFileStamp() }
        return WasmFileStamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modifiedNanos: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        )
    }
}
