import ArgumentParser
import Foundation
import SwitchboardCore

/// `switchboard validate`: checks a configuration offline.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file offline; exit 0 when valid, 1 with every error otherwise."
    )

    @Option(name: .shortAndLong, help: "The YAML configuration file.")
    var config: String

    func run() throws {
        let (checked, issues) = ConfigCheck.run(file: config)
        var stderr = StandardError()
        ConfigCheck.print(issues, to: &stderr)
        guard let checked else {
            let errors = issues.filter { $0.severity == .error }.count
            stderr.write("\(config): \(errors) error\(errors == 1 ? "" : "s")\n")
            throw ExitCode(1)
        }
        let routes = checked.config.routes.count
        Swift.print("\(config): valid (\(checked.config.integrations.count) integrations, \(routes) routes)")
    }
}
