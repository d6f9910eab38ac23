import ArgumentParser
import SwitchboardCore

/// `switchboard schema`: prints the JSON Schema of the configuration file.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "schema", abstract: "Print the JSON Schema of the configuration file.")

    func run() {
        print(ConfigSchema.json)
    }
}

/// `switchboard version`.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("switchboard \(SwitchboardVersion.current)")
    }
}
