import Logging
import Metrics
import Synchronization
import SwitchboardCore
@_exported import WasmABI
internal import WasmKit

/// `plugin: wasm`: an operator's WebAssembly module verifies and maps events, with no rebuild of Switchboard.
///
/// The module runs on WasmKit's interpreter with no WASI and no imports but `switchboard.now_ms`, `log` and `hmac`:
/// no files, no sockets, no PolyAI key. Every call has a fuel budget (which bounds its CPU) and the module's memory
/// a ceiling; whatever goes wrong in a call dead-letters that one event as `plugin_error`. The ABI is in
/// Plugins/Wasm/README.md.
///
/// ```yaml
/// plugin: wasm
/// options:
///   module: ./plugins/acme.wasm
///   config: { secret: "${ACME_SECRET}", field: ticket.conv }
/// ```
public final class WasmIntegration: Integration, Sendable {
    /// The engine every module runs on: interpreted, fuel metered, bounds checked in software (no signal handlers),
    /// every function translated when an instance is made (so a broken body fails `validate`, not an event).
    static let engine = Engine(configuration: EngineConfiguration(compilationMode: .eager, memoryBoundsChecking: .software, fuelMetering: true))

    /// The integration's settings.
    public let options: WasmPluginOptions
    private let name: String
    private let pool: WasmInstancePool
    private let metrics: WasmPluginMetrics
    private let threads: WasmCallThreads

    /// Loads and checks the module, makes its instances and runs `sb_init` in each; the failure says why not.
    init(name: String, options: WasmPluginOptions, clock: any DeliveryClock) throws(WasmPluginFailure) {
        self.name = name
        self.options = options
        let host = WasmHost(integration: name, clock: clock, secrets: options.secrets)
        let metrics = WasmPluginMetrics(integration: name)
        self.metrics = metrics
        threads = WasmCallThreads(count: options.instances, name: name)
        pool = try WasmInstancePool(
            capacity: options.instances,
            load: { () throws(WasmPluginFailure) in try WasmModuleImage.load(path: options.modulePath, memoryLimit: options.memoryBytes) },
            instantiate: { image throws(WasmPluginFailure) in try WasmSandbox(image: image, options: options, host: host, engine: Self.engine) },
            onReload: { reload in
                let logger = WasmHost.logger
                let metadata: Logger.Metadata = [LogKey.integration: .string(name)]
                switch reload {
                case .applied(let image):
                    metrics.reloaded(applied: true)
                    logger.notice("plugin module reloaded: the new module is in force", metadata: metadata.merging(["switchboard.module": .string(image.path)]) { $1 })
                case .rejected(let path, let failure):
                    metrics.reloaded(applied: false)
                    metrics.failed(failure)
                    logger.error("plugin module change rejected, the previous module keeps running: \(failure)", metadata: metadata.merging(["switchboard.module": .string(path)]) { $1 })
                }
            }
        )
    }

    deinit {
        threads.stop()
    }

    /// Makes the integration from a public description (tests, benchmarks); the failure says why the module cannot
    /// be used.
    public static func make(
        name: String, options: WasmPluginOptions, clock: any DeliveryClock = SystemDeliveryClock()
    ) -> Result<WasmIntegration, any Error> {
        do {
            return .success(try WasmIntegration(name: name, options: options, clock: clock))
        } catch {
            return .failure(error)
        }
    }

    /// Registers `wasm`: `clock` is what the module's `now_ms` reads (`switchboard test` sets it with `now:`).
    public static func register(in registry: inout IntegrationRegistry, clock: any DeliveryClock = SystemDeliveryClock()) {
        registry.register("wasm") { reader, context in
            guard let options = WasmPluginOptions.read(reader, context: context) else { return nil }
            do {
                return try WasmIntegration(name: context.name, options: options, clock: clock)
            } catch {
                reader.diagnostics.error("\(error)", path: reader.path(of: "module"), position: reader.keyPosition("module") ?? reader.position)
                return nil
            }
        }
    }

    public var credentialHeaders: [String] { options.credentialHeaders }

    public var headersKeptAtRest: [String] { options.keptHeaders }

    /// The provider's id of this delivery, from the `delivery_id_header` option: a re-send is not posted again.
    public func deliveryID(for event: InboundEvent) -> String? {
        guard let header = options.deliveryIDHeader, let value = event.headers.first(named: header), !value.isEmpty else { return nil }
        return value
    }

    /// `verify(_:)` on this integration's own threads: calls are interpreted and bounded by fuel, not by time.
    public func verified(_ event: InboundEvent) async -> Verification {
        await threads.run { self.verify(event) }
    }

    /// `map(_:)` on this integration's own threads.
    public func mapped(_ event: InboundEvent) async throws(MappingFailure) -> [ExternalEvent] {
        let result = await threads.run { () -> Result<[ExternalEvent], MappingFailure> in
            do throws(MappingFailure) {
                return .success(try self.map(event))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// `sb_verify` on webhook requests, when the module in force exports it; a failing call refuses the request.
    public func verify(_ event: InboundEvent) -> Verification {
        guard case .webhook = event.source else { return .accepted }
        do {
            let accepted = try measured { sandbox throws(WasmPluginFailure) in
                // The instance's own module decides, so a swap that adds sb_verify applies from its first request.
                guard sandbox.verifies else { return true }
                return try sandbox.verify(WasmEventInput.encode(event, publicURL: options.publicURL))
            }
            return accepted ? .accepted : .rejected(reason: "the plugin's sb_verify refused the request")
        } catch {
            return .rejected(reason: "plugin_error in sb_verify: \(error)")
        }
    }

    /// `sb_map`, its output read strictly; any failure of the call is a `plugin_error`. The module sees the headers
    /// that are stored at rest, so an event maps the same live, after a restart and on replay.
    public func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
        let input = WasmEventInput.encode(event.storable(for: self), publicURL: options.publicURL)
        let output: [UInt8]
        do {
            output = try measured { sandbox throws(WasmPluginFailure) in try sandbox.map(input) }
        } catch {
            throw MappingFailure(reason: DeadLetterReason.pluginError.rawValue, message: error.description)
        }
        switch WasmMapOutput.read(output) {
        case .events(let events):
            return events
        case .refused(var failure):
            failure.message = WasmHost.masked(failure.message, secrets: options.secrets)
            throw failure
        case .unusable(let problem):
            metrics.failed(.output(problem))
            throw MappingFailure(reason: DeadLetterReason.pluginError.rawValue, message: WasmPluginFailure.output(problem).description)
        }
    }

    /// Runs one call on a free instance, recording its fuel and wall time, and counting a failure by cause.
    private func measured<T>(_ body: (WasmSandbox) throws(WasmPluginFailure) -> T) throws(WasmPluginFailure) -> T {
        let started = ContinuousClock.now
        var fuel: UInt64 = 0
        defer { metrics.called(fuel: fuel, duration: ContinuousClock.now - started) }
        do {
            return try pool.withSandbox { sandbox throws(WasmPluginFailure) in
                let calls = sandbox.calls
                defer { if sandbox.calls != calls { fuel = sandbox.lastFuelUsed } }
                return try body(sandbox)
            }
        } catch {
            metrics.failed(error)
            throw error
        }
    }
}

/// The plugin's metrics for one integration, made on first use (after the metrics system is set up).
final class WasmPluginMetrics: Sendable {
    let integration: String
    private let made = Mutex<(fuel: Recorder, duration: Timer)?>(nil)

    init(integration: String) {
        self.integration = integration
    }

    /// Records one call into the module; `fuel` 0 means none was made (no `sb_verify`, or no instance to call).
    func called(fuel: UInt64, duration: Duration) {
        guard fuel > 0 else { return }
        let (recorder, timer) = made.withLock { made in
            if let made { return made }
            let dimensions = [("integration", integration)]
            let created = (
                Recorder(label: "switchboard_plugin_fuel_used", dimensions: dimensions, aggregate: true),
                Timer(label: "switchboard_plugin_call_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
            )
            made = created
            return created
        }
        recorder.record(Int64(clamping: fuel))
        timer.recordNanoseconds(Int64(clamping: duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000))
    }

    func failed(_ failure: WasmPluginFailure) {
        Counter(label: "switchboard_plugin_errors_total", dimensions: [("integration", integration), ("cause", failure.cause)]).increment()
    }

    func reloaded(applied: Bool) {
        Counter(label: "switchboard_plugin_module_reloads_total", dimensions: [("integration", integration), ("result", applied ? "applied" : "rejected")]).increment()
    }
}
