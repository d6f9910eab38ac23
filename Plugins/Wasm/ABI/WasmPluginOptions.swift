import SwitchboardCore

/// The `options:` block of a `plugin: wasm` integration.
///
/// ```yaml
/// options:
///   module: ./plugins/acme.wasm        # relative to the configuration file
///   config: { secret: "${ACME_SECRET}", field: ticket.conv }
///   fuel: 50000000                     # per call
///   memory: 16MiB                      # the most the module's linear memory may grow to
///   instances: 2
///   credential_headers: [x-acme-signature]
///   keep_headers: []
/// ```
public struct WasmPluginOptions: Sendable, Equatable, CustomStringConvertible {
    /// The fuel one call gets when `fuel` is not set (roughly one unit per Wasm instruction).
    public static let defaultFuel: UInt64 = 50_000_000
    /// The memory limit when `memory` is not set.
    public static let defaultMemoryBytes = 16 << 20
    /// The instances per integration when `instances` is not set.
    public static let defaultInstances = 2
    /// One Wasm page.
    public static let pageBytes = 65_536
    /// The largest memory limit accepted (each instance may reach it).
    public static let maxMemoryBytes = 1 << 30

    /// The module file, absolute.
    public var modulePath: String
    /// The plugin's own settings as compact JSON, handed to `sb_init`.
    public var configJSON: [UInt8]
    /// Fuel per call.
    public var fuel: UInt64
    /// The most bytes the linear memory may have.
    public var memoryBytes: Int
    /// Instances per integration.
    public var instances: Int
    /// Header names (lower case) that carry secrets `sb_verify` reads: never stored at rest.
    public var credentialHeaders: [String]
    /// Header names (lower case) kept at rest even when they are credentials, for `sb_map` after a restart.
    public var keptHeaders: [String]
    /// The URL the provider signs, when Switchboard sits behind a proxy (the input's `url`).
    public var publicURL: PublicURL
    /// The header carrying the provider's id of each delivery, for skipping re-sends (`delivery_id_header`).
    public var deliveryIDHeader: String?
    /// The values `${...}` put into `config` (secrets, usually): masked in what the module logs.
    public var secrets: [String]

    /// Makes options directly (tests, benchmarks).
    public init(
        modulePath: String, configJSON: [UInt8] = Array("{}".utf8), fuel: UInt64 = WasmPluginOptions.defaultFuel,
        memoryBytes: Int = WasmPluginOptions.defaultMemoryBytes, instances: Int = WasmPluginOptions.defaultInstances,
        credentialHeaders: [String] = [], keptHeaders: [String] = [], publicURL: PublicURL = PublicURL(),
        deliveryIDHeader: String? = nil, secrets: [String] = []
    ) {
        self.modulePath = modulePath
        self.configJSON = configJSON
        self.fuel = fuel
        self.memoryBytes = memoryBytes
        self.instances = instances
        self.credentialHeaders = credentialHeaders
        self.keptHeaders = keptHeaders
        self.publicURL = publicURL
        self.deliveryIDHeader = deliveryIDHeader
        self.secrets = secrets
    }

    /// The settings without `config`, which may hold secrets.
    public var description: String {
        "WasmPluginOptions(module: \(modulePath), fuel: \(fuel), memory: \(memoryBytes), instances: \(instances))"
    }

    /// Reads the block strictly; nil (with issues reported) when it is wrong.
    public static func read(_ options: ConfigReader, context: IntegrationContext) -> WasmPluginOptions? {
        let mark = options.diagnostics.errorCount
        let module = options.string("module", required: true)
        let configNode = options.child("config")
        let fuel = options.int("fuel", range: 1...1_000_000_000_000)
        let memory = options.byteSize("memory")
        let instances = options.int("instances", range: 1...64)
        let credentials = options.strings("credential_headers") ?? []
        let kept = options.strings("keep_headers") ?? []
        let publicURL = PublicURL.read(options)
        let deliveryIDHeader = options.string("delivery_id_header")
        if let memory, !(pageBytes...maxMemoryBytes).contains(memory) {
            options.diagnostics.error(
                "expected a memory limit from 64KiB (one Wasm page) to 1GiB", path: options.path(of: "memory"),
                position: options.child("memory")?.position
            )
        }
        // A `config` whose `${VAR}` failed is already an error: sb_init would only fail on the gap.
        guard options.diagnostics.errorCount == mark, configNode?.containsInterpolationFailure != true,
              let module, !module.isEmpty, let publicURL else {
            if module?.isEmpty == true {
                options.diagnostics.error("a module path is required", path: options.path(of: "module"), position: options.position)
            }
            return nil
        }
        return WasmPluginOptions(
            modulePath: context.absolutePath(module),
            configJSON: configNode.map(WasmConfigJSON.encode) ?? Array("{}".utf8),
            fuel: fuel.map(UInt64.init) ?? defaultFuel,
            memoryBytes: memory ?? defaultMemoryBytes,
            instances: instances ?? defaultInstances,
            credentialHeaders: credentials.map { $0.lowercased() },
            keptHeaders: kept.map { $0.lowercased() },
            publicURL: publicURL,
            deliveryIDHeader: deliveryIDHeader?.lowercased(),
            secrets: configNode.map(interpolatedValues) ?? []
        )
    }

    /// Every scalar below `node` that `${...}` produced, longest first (so a secret inside another is masked whole);
    /// values shorter than 4 characters are left alone, masking them would garble the log.
    static func interpolatedValues(_ node: ConfigNode) -> [String] {
        var values: Set<String> = []
        func collect(_ node: ConfigNode) {
            if node.isInterpolated, let text = node.scalar, text.count >= 4 { values.insert(text) }
            node.entries.forEach { collect($0.value) }
            node.elements.forEach(collect)
        }
        collect(node)
        return values.sorted { $0.count > $1.count }
    }
}
