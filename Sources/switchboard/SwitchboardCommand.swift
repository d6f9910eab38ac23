import ArgumentParser

/// The `switchboard` command line.
@main
struct SwitchboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Carries events from webhooks and Kafka into live PolyAI conversations through the External Events API.",
        version: SwitchboardVersion.current,
        subcommands: [
            RunCommand.self, ValidateCommand.self, TestCommand.self, SandboxCommand.self, KafkaMockCommand.self, DeadLetterCommand.self,
            TapCommand.self, SchemaCommand.self, VersionCommand.self,
        ]
    )
}

/// The version printed by `switchboard version`.
enum SwitchboardVersion {
    static let current = "0.1.0"
}
