import Foundation
import FuzzTargets
import Testing

/// Replays what `scripts/fuzz.sh` keeps in the repository through the same target functions the fuzzer runs: every
/// input a fuzzer once crashed on (`Fuzz/Regressions/<target>/`) and every seed (`Fuzz/Corpus/<target>/`). Each
/// runs in a child process, so an input that still crashes fails its own test case instead of the whole run.
@Suite("Inputs kept by the fuzzers")
struct FuzzRegressionTests {
    /// `Fuzz/` of the package, found from this file's place in `Tests/IntegrationPluginTests/Fuzz/`.
    static let fuzzDirectory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)
        return parts.joined(separator: "/") + "/Fuzz"
    }()

    /// The `<target>/<file>` paths under `Fuzz/<folder>/`, sorted.
    static func inputs(in folder: String) -> [String] {
        let root = fuzzDirectory + "/" + folder
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return targets.sorted().flatMap { target in
            let files = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + target)) ?? []
            return files.filter { !$0.hasPrefix(".") }.sorted().map { target + "/" + $0 }
        }
    }

    static let regressions = inputs(in: "Regressions")

    /// The target and bytes of one kept input.
    static func load(_ input: String, in folder: String) throws -> (target: String, bytes: [UInt8]) {
        let target = String(input.split(separator: "/")[0])
        #expect(FuzzTarget.named(target) != nil, "Fuzz/\(folder)/\(target) is not a fuzz target")
        let data = try Data(contentsOf: URL(fileURLWithPath: fuzzDirectory + "/" + folder + "/" + input))
        return (target, [UInt8](data))
    }

    @Test("an input a fuzzer once crashed on runs through its target without a crash", arguments: regressions)
    func regression(_ input: String) async throws {
        let (target, bytes) = try Self.load(input, in: "Regressions")
        await #expect(processExitsWith: .success, "Fuzz/Regressions/\(input)") { [target = target as String, bytes = bytes as [UInt8]] in
            FuzzTarget.named(target)?.run(bytes)
        }
    }

    @Test("every seed runs through its target without a crash (signed seeds are accepted)", arguments: FuzzTarget.all.map(\.name))
    func seeds(_ target: String) async throws {
        let inputs = Self.inputs(in: "Corpus").filter { $0.hasPrefix(target + "/") }
        #expect(!inputs.isEmpty, "Fuzz/Corpus/\(target) holds no seed")
        let corpus = try inputs.map { try Self.load($0, in: "Corpus").bytes }
        await #expect(processExitsWith: .success, "Fuzz/Corpus/\(target)") { [target = target as String, corpus = corpus as [[UInt8]]] in
            for bytes in corpus { FuzzTarget.named(target)?.run(bytes) }
        }
    }

    @Test("each regression directory is named after a fuzz target")
    func regressionDirectories() {
        let names = Set(FuzzTarget.all.map(\.name))
        let directories = (try? FileManager.default.contentsOfDirectory(atPath: Self.fuzzDirectory + "/Regressions")) ?? []
        for directory in directories where !directory.hasPrefix(".") {
            #expect(names.contains(directory), "Fuzz/Regressions/\(directory) is not a fuzz target")
        }
    }
}
