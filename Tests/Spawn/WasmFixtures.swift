import Foundation

/// The WebAssembly modules the tests load: `examples/plugins/acme-crm` and `Tests/Fixtures/wasm/*.c`, compiled
/// once per test process by `scripts/build-plugins.sh --fixtures` with the toolchain's clang.
public enum WasmFixtures {
    /// The package's root, from this file's place in `Tests/Spawn/`.
    public static let packageRoot: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    private static let built: Result<String, SpawnError> = {
        let directory = NSTemporaryDirectory() + "switchboard-wasm-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let build = try SpawnedProcess(
                executable: "/bin/bash", arguments: [packageRoot + "/scripts/build-plugins.sh", "--fixtures", directory]
            )
            let termination = build.waitUntilExit()
            guard termination.status == 0 else {
                return .failure(SpawnError(call: "scripts/build-plugins.sh", message: "\(termination): " + String(decoding: build.standardOutput, as: UTF8.self)))
            }
            return .success(directory)
        } catch let error as SpawnError {
            return .failure(error)
        } catch {
            return .failure(SpawnError(call: "creating \(directory)", message: "\(error)"))
        }
    }()

    /// Builds the example plugin where `examples/wasm.yaml` loads it from (`build/plugins/acme.wasm`).
    public static func buildExample() throws {
        let build = try SpawnedProcess(executable: "/bin/bash", arguments: [packageRoot + "/scripts/build-plugins.sh"])
        let termination = build.waitUntilExit()
        guard termination.status == 0 else {
            throw SpawnError(call: "scripts/build-plugins.sh", message: "\(termination): " + String(decoding: build.standardOutput, as: UTF8.self))
        }
    }

    /// The path of the built module `name` (`acme`, `loop`, `echo-v2`…).
    public static func path(_ name: String) throws -> String {
        try built.get() + "/\(name).wasm"
    }
}
