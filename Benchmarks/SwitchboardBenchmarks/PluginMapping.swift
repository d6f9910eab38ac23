import Foundation
import Mapping
import SwitchboardCore
import WasmPlugin

/// Time to map one 1 KB JSON webhook event: the native `mapping` plugin next to the example Wasm plugin
/// (`examples/plugins/acme-crm`, which also reshapes the body), each on one thread.
enum PluginMapping {
    struct Result {
        var nativeMicroseconds: Double
        var wasmMicroseconds: Double
        var wasmVerifyMicroseconds: Double
    }

    static func run(wasmModule: String, events: Int = 20_000) throws -> Result {
        let body = #"{"ticket":{"conv":"CONV-1","status":"open","note":""# + String(repeating: "x", count: 940) + #""},"type":"ticket.updated"}"#
        let event = InboundEvent(
            source: .webhook(path: "/hooks/acme"), route: "/hooks/acme",
            headers: [Header("content-type", "application/json"), Header("x-acme-signature", "sha256=00")],
            body: Array(body.utf8), receivedAtMillis: 0, requestURL: "http://127.0.0.1/hooks/acme"
        )
        let diagnostics = ConfigDiagnostics()
        guard let node = ConfigLoader.parse(
            yaml: "event_id: { from: json, path: ticket.conv }\nbody: passthrough", file: "bench.yaml", environment: [:], diagnostics: diagnostics
        ), let native = MappingIntegration(options: node.reader(diagnostics)) else { throw BenchError("mapping options did not load") }
        let wasm = try WasmIntegration.make(
            name: "acme",
            options: WasmPluginOptions(modulePath: wasmModule, configJSON: Array(#"{"secret":"bench-secret","field":"ticket.conv"}"#.utf8), instances: 1)
        ).get()
        return Result(
            nativeMicroseconds: try time(events) { _ = try native.map(event) },
            wasmMicroseconds: try time(events / 4) { _ = try wasm.map(event) },
            wasmVerifyMicroseconds: try time(events / 4) { _ = wasm.verify(event) }
        )
    }

    /// Microseconds per call of `body`, after a warm-up of a tenth of the calls.
    private static func time(_ count: Int, _ body: () throws -> Void) throws -> Double {
        for _ in 0..<max(1, count / 10) { try body() }
        let start = ContinuousClock.now
        for _ in 0..<count { try body() }
        let elapsed = ContinuousClock.now - start
        return (Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12) / Double(count)
    }
}
