import Foundation
import FuzzTargets

#if SWITCHBOARD_LIBFUZZER
// Built by scripts/fuzz.sh with `--sanitize fuzzer --sanitize address -Xswiftc -DSWITCHBOARD_LIBFUZZER`: libFuzzer
// supplies `main` and calls these two functions.

/// The target named by `SWITCHBOARD_FUZZ_TARGET`, read once.
let selectedTarget: FuzzTarget? = ProcessInfo.processInfo.environment["SWITCHBOARD_FUZZ_TARGET"].flatMap(FuzzTarget.named)

/// Refuses to start without a known target (rather than record a crash on the first input).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?
) -> Int32 {
    if let directory = ProcessInfo.processInfo.environment["SWITCHBOARD_FUZZ_SEEDS"] {
        writeSeeds(into: directory)
        exit(0)
    }
    guard let target = selectedTarget else {
        printError("set SWITCHBOARD_FUZZ_TARGET to one of: \(FuzzTarget.all.map(\.name).joined(separator: " "))")
        exit(2)
    }
    target.run([])   // builds the target's fixed state (plugin configurations) before inputs are timed
    return 0
}

/// One input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget?.run(bytes)
    return 0
}

#else
/// Without the fuzzer: `SwitchboardFuzz list`, `SwitchboardFuzz <target> FILE...` (replays inputs, e.g. a crash
/// found by scripts/fuzz.sh, in a debugger), `SwitchboardFuzz seeds DIR` (writes the seed corpora, run from the
/// package directory).
@main
struct SwitchboardFuzz {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let command = arguments.first else { usage() }
        switch command {
        case "list":
            for target in FuzzTarget.all { print("\(target.name)\t\(target.summary)") }
        case "seeds":
            guard arguments.count == 2 else { usage() }
            writeSeeds(into: arguments[1])
        default:
            guard let target = FuzzTarget.named(command), arguments.count > 1 else { usage() }
            for file in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: file) else {
                    printError("cannot read \(file)")
                    exit(1)
                }
                target.run([UInt8](data))
                print("\(target.name) \(file): ok")
            }
        }
    }

    static func usage() -> Never {
        printError("usage: SwitchboardFuzz list | seeds DIR | <target> FILE...")
        exit(2)
    }
}
#endif

/// Writes every seed file under `directory` (run from the package directory: `examples/` seeds the config target).
func writeSeeds(into directory: String) {
    for seed in FuzzSeeds.all(examplesDirectory: "examples") {
        let folder = directory + "/" + seed.target
        let path = folder + "/" + seed.name
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(seed.bytes).write(to: URL(fileURLWithPath: path))
        } catch {
            printError("cannot write \(path): \(error)")
            exit(1)
        }
        print(path)
    }
}

/// A line on standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
