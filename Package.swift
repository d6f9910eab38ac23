// swift-tools-version:6.1
import PackageDescription

/// Every Swift target gets the same language settings.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.27.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.1.0"),
        // Operators' WebAssembly plugins (`plugin: wasm`): the interpreter, thread-safe (MultiThread), without file-system helpers or the disassembler.
        .package(url: "https://github.com/swiftwasm/WasmKit.git", from: "0.4.2", traits: ["MultiThread"]),
    ],
    targets: [
        // C libraries, one Swift owner each.
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CRdKafka",
            path: "Sources/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CLibXML2",
            path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),

        .target(
            name: "SwitchboardCore",
            dependencies: [
                "SwitchboardXML",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwitchboardXML",
            dependencies: ["CLibXML2"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwitchboardKafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwitchboardStore",
            dependencies: [
                "CSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwitchboardHTTP",
            dependencies: [
                "SwitchboardCore",
                "CCurl",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The assembly: sources (webhook journal, Kafka), delivery lanes and outcomes, and what the admin reports.
        .target(
            name: "SwitchboardBridge",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardHTTP",
                "SwitchboardStore",
                "SwitchboardKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SwitchboardSandbox",
            dependencies: [
                "SwitchboardXML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),

        // Integrations: one target each, depending on the core only.
        .target(
            name: "Mapping",
            dependencies: ["SwitchboardCore"],
            path: "Plugins/Mapping",
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        .target(name: "Stripe", dependencies: ["SwitchboardCore"], path: "Plugins/Stripe", exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(name: "HubSpot", dependencies: ["SwitchboardCore"], path: "Plugins/HubSpot", exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(name: "Twilio", dependencies: ["SwitchboardCore"], path: "Plugins/Twilio", exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(name: "Salesforce", dependencies: ["SwitchboardCore"], path: "Plugins/Salesforce", exclude: ["README.md"], swiftSettings: swiftSettings),
        .target(name: "Zendesk", dependencies: ["SwitchboardCore"], path: "Plugins/Zendesk", exclude: ["README.md"], swiftSettings: swiftSettings),
        // `plugin: wasm`: its options and the ABI's JSON in and out (no engine: fuzzed on their own), then the
        // sandboxed module on WasmKit (no WASI, fuel and memory limits per call).
        .target(name: "WasmABI", dependencies: ["SwitchboardCore"], path: "Plugins/Wasm/ABI", swiftSettings: swiftSettings),
        .target(
            name: "WasmPlugin",
            dependencies: [
                "SwitchboardCore",
                "WasmABI",
                .product(name: "WasmKit", package: "WasmKit"),
                .product(name: "WasmParser", package: "WasmKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            path: "Plugins/Wasm",
            exclude: ["README.md", "ABI"],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardStore",
                "SwitchboardHTTP",
                "SwitchboardBridge",
                "SwitchboardSandbox",
                "SwitchboardKafka",
                "Mapping", "Stripe", "HubSpot", "Twilio", "Salesforce", "Zendesk", "WasmPlugin",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // Child processes through posix_spawn for the tests, the soak and the benchmarks (Foundation's Process.run() can
        // crash on Linux: swift-corelibs-foundation#5472). Not a dependency of the switchboard executable.
        .target(
            name: "Spawn",
            path: "Tests/Spawn",
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "SwitchboardBenchmarks",
            dependencies: [
                "SwitchboardCore",
                "SwitchboardHTTP",
                "SwitchboardBridge",
                "SwitchboardStore",
                "SwitchboardSandbox",
                "SwitchboardKafka",
                "Mapping",
                "WasmPlugin",
                "Spawn",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/SwitchboardBenchmarks",
            swiftSettings: swiftSettings
        ),

        // The soak (scripts/soak.sh): drives the real binary through kills, a broker outage, a refused key and
        // destination faults, and compares what was produced with what the sandbox received.
        .executableTarget(
            name: "SwitchboardSoak",
            dependencies: [
                "SwitchboardHTTP",
                "SwitchboardKafka",
                "SwitchboardStore",
                "Spawn",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            path: "Soak/SwitchboardSoak",
            swiftSettings: swiftSettings
        ),

        // Fuzzing (scripts/fuzz.sh): the targets, which the tests also replay regressions through, and the libFuzzer
        // driver (built with -sanitize=fuzzer by the script; without it, a tool that replays inputs and writes seeds).
        .target(
            name: "FuzzTargets",
            dependencies: ["SwitchboardCore", "SwitchboardKafka", "Mapping", "Stripe", "HubSpot", "Twilio", "Salesforce", "Zendesk", "WasmABI"],
            path: "Fuzz/FuzzTargets",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "SwitchboardFuzz",
            dependencies: ["FuzzTargets"],
            path: "Fuzz/SwitchboardFuzz",
            swiftSettings: swiftSettings
        ),

        .testTarget(
            name: "SwitchboardCoreTests",
            dependencies: ["SwitchboardCore", "Mapping"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationPluginTests",
            dependencies: ["SwitchboardCore", "Mapping", "Stripe", "HubSpot", "Twilio", "Salesforce", "Zendesk", "WasmABI", "WasmPlugin", "FuzzTargets", "Spawn"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardKafkaTests",
            dependencies: ["SwitchboardKafka"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardStoreTests",
            dependencies: ["SwitchboardStore", "CSQLite", "SwitchboardCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardHTTPTests",
            dependencies: [
                "SwitchboardHTTP", "SwitchboardCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardBridgeTests",
            dependencies: [
                "SwitchboardBridge", "SwitchboardHTTP", "SwitchboardCore", "SwitchboardStore", "SwitchboardSandbox", "SwitchboardKafka",
                "Mapping", "Stripe", "HubSpot", "Twilio", "Salesforce", "Zendesk", "WasmPlugin", "Spawn",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardSandboxTests",
            dependencies: [
                "SwitchboardSandbox",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SwitchboardCLITests",
            dependencies: ["SwitchboardCore", "SwitchboardHTTP", "SwitchboardBridge", "SwitchboardKafka", "switchboard", "Spawn"],
            swiftSettings: swiftSettings
        ),
    ]
)
