import Foundation
import SwitchboardCore
import SwitchboardKafka

/// A configuration with its plugins built and keys read: what `run` starts and `validate` checks.
struct CheckedConfig {
    var config: SwitchboardConfig
    var integrations: [String: any Integration]
    var keys: [String: KeyHolder]
}

/// Loads a configuration file and checks everything that can be checked offline.
enum ConfigCheck {
    /// The checked configuration (nil on any error) and every issue found.
    ///
    /// `clock` is what the plugins and the key rules take as now; without `resolvingKeys` (`switchboard test`) no
    /// key is read, so a key whose variable or file is missing is no error.
    static func run(
        file: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any DeliveryClock = SystemDeliveryClock(), resolvingKeys: Bool = true
    ) -> (CheckedConfig?, [ConfigIssue]) {
        let loaded = ConfigLoader.load(file: file, environment: environment)
        var issues = loaded.issues
        // Plugin options are checked even when other parts of the file have errors: every problem in one pass.
        let diagnostics = ConfigDiagnostics()
        let integrations = Plugins.registry(clock: clock).build(loaded.integrations, diagnostics: diagnostics, configFile: file)
        issues += diagnostics.issues
        guard let config = loaded.config else { return (nil, issues) }

        var keys: [String: KeyHolder] = [:]
        for integration in config.integrations where resolvingKeys {
            switch KeyLoader.load(integration.key, integration: integration.name, environment: environment) {
            case .success(let key): keys[integration.name] = KeyHolder(key)
            case .failure(let failure): issues.append(failure.issue)
            }
        }
        issues += KeyRules.check(config, keys: keys.mapValues(\.current), now: Date(timeIntervalSince1970: Double(clock.nowMillis()) / 1000))
        if let kafka = config.kafka {
            let consumer = KafkaConsumerConfiguration(brokers: kafka.brokers, groupID: kafka.groupID, topics: ["check"], options: kafka.options)
            do {
                try consumer.checkOptions()
            } catch {
                issues.append(ConfigIssue(severity: .error, position: kafka.position, path: "kafka.options", message: error.message))
            }
        }
        if issues.contains(where: { $0.severity == .error }) { return (nil, issues) }
        return (CheckedConfig(config: config, integrations: integrations, keys: keys), issues)
    }

    /// Prints issues, one per line, errors first.
    static func print(_ issues: [ConfigIssue], to stream: inout some TextOutputStream) {
        for issue in issues.sorted(by: { ($0.severity == .error ? 0 : 1) < ($1.severity == .error ? 0 : 1) }) {
            stream.write(issue.description + "\n")
        }
    }
}

/// Standard error as a text stream.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
