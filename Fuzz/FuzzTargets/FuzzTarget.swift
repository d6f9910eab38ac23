/// One fuzz target: a parser or plugin entry point fed arbitrary bytes, with the properties it must keep.
///
/// A target returns normally for every input; a broken property traps (`FuzzCheck.require`), which is what
/// libFuzzer counts as a crash. The same functions replay `Fuzz/Regressions/<name>/` in the test suite.
///
/// ```swift
/// FuzzTarget.named("xml")?.run(Array("<a>1</a>".utf8))
/// ```
public struct FuzzTarget: Sendable {
    /// The name used by `SWITCHBOARD_FUZZ_TARGET` and the corpus directory (`Fuzz/Corpus/<name>/`).
    public var name: String
    /// What is fed to what, in one line.
    public var summary: String
    /// Runs one input.
    public var run: @Sendable ([UInt8]) -> Void

    /// Makes a target.
    public init(name: String, summary: String, run: @escaping @Sendable ([UInt8]) -> Void) {
        self.name = name
        self.summary = summary
        self.run = run
    }

    /// Every target, in the order `scripts/fuzz.sh` runs them.
    public static let all: [FuzzTarget] = [
        FuzzTarget(name: "config", summary: "YAML text → ConfigLoader, every plugin's options, key rules", run: ConfigTarget.run),
        FuzzTarget(name: "xml", summary: "bytes → XMLBody.parse, path look-ups, JSON form", run: ParserTargets.xml),
        FuzzTarget(name: "json", summary: "path line + body → JSONBody, EventIDSelector (json)", run: ParserTargets.json),
        FuzzTarget(name: "form", summary: "bytes → FormBody.parse, PercentEncoding round trips", run: ParserTargets.form),
        FuzzTarget(name: "retry-after", summary: "header value → RetryAfter.parse", run: ParserTargets.retryAfter),
        FuzzTarget(name: "timestamps", summary: "text → Timestamps.*, TimestampWindow", run: ParserTargets.timestamps),
        FuzzTarget(name: "codec", summary: "bytes → InboundEventCodec decode, and encode/decode round trip", run: CodecTarget.run),
        FuzzTarget(name: "commit-metadata", summary: "text → CommitMetadata decode; offsets → encode under a limit → decode", run: CommitMetadataTarget.run),
        FuzzTarget(name: "traceparent", summary: "header values → TraceContext (traceparent, tracestate) and the headers it passes on", run: ParserTargets.traceparent),
        FuzzTarget(name: "wasm-abi", summary: "bytes → a Wasm module's sb_map output read strictly; a body → the input JSON and back", run: WasmABITarget.run),
    ] + PluginTargets.all.map { plugin in
        FuzzTarget(name: plugin.name, summary: "request → \(plugin.name) verify + map (+ after a journal round trip)", run: plugin.run)
    }

    /// The target with this name.
    public static func named(_ name: String) -> FuzzTarget? {
        all.first { $0.name == name }
    }
}
