import ArgumentParser
import Foundation
import SwitchboardBridge
import SwitchboardCore

/// `switchboard test`: sends each test's request or Kafka message through a configuration offline and compares the
/// External Events, reply and dead letter it becomes with what the test expects.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Test a configuration's mappings offline against test files; exit 0 only when every test passes.",
        discussion: """
        Each request goes through the same routes, listener limits, integrations (verify, map, reply) as in `run`, \
        with no network, no journal and no PolyAI key read. A test file may set `env:` (what ${NAME} reads in the \
        configuration; nothing else of the environment is read) and `now:` (the clock of signature timestamp windows). \
        Exit status: 0 when all pass, 1 when a test fails or the configuration has errors, 2 when a test file \
        cannot be read.
        """
    )

    @Option(name: .shortAndLong, help: "The YAML configuration file.")
    var config: String

    @Argument(help: "Test files, such as examples/tests/quickstart.test.yaml.")
    var testFiles: [String]

    func validate() throws {
        guard !testFiles.isEmpty else { throw ValidationError("give at least one test file") }
    }

    func run() async throws {
        var stderr = StandardError()
        var passed = 0
        var failed = 0
        var unreadable = 0
        var reported: Set<String> = []
        for path in testFiles {
            let (file, issues) = TestFile.load(path)
            guard let file else {
                ConfigCheck.print(issues.filter { $0.severity == .error }, to: &stderr)
                stderr.write("\(path): not run, the test file has errors\n")
                unreadable += 1
                continue
            }
            Self.say(path)
            let clock: any DeliveryClock = file.nowMillis.map { ManualClock(startMillis: $0) } ?? SystemDeliveryClock()
            let (checked, configIssues) = ConfigCheck.run(file: config, environment: file.environment, clock: clock, resolvingKeys: false)
            guard let checked else {
                let fresh = configIssues.filter { $0.severity == .error && reported.insert($0.description).inserted }
                ConfigCheck.print(fresh, to: &stderr)
                for test in file.cases {
                    Self.report(test.name, ["not run: \(config) has errors (above)"])
                }
                failed += file.cases.count
                continue
            }
            let bridge = OfflineBridge(config: checked.config, integrations: checked.integrations, clock: clock)
            for test in file.cases {
                let differences = await Self.differences(test, bridge)
                Self.report(test.name, differences)
                if differences.isEmpty { passed += 1 } else { failed += 1 }
            }
        }
        Self.say("\(passed) passed, \(failed) failed")
        if unreadable > 0 {
            stderr.write("\(unreadable) test file\(unreadable == 1 ? "" : "s") could not be read\n")
            throw ExitCode(2)
        }
        if failed > 0 { throw ExitCode(1) }
    }

    /// What differs between the test's expectation and what becomes of its request.
    static func differences(_ test: TestCase, _ bridge: OfflineBridge) async -> [String] {
        switch test.request {
        case .webhook(let request):
            do {
                return TestComparison.differences(try await bridge.send(request), test.expectation)
            } catch {
                return ["request cannot be sent: \(error.description)"]
            }
        case .kafka(let message):
            return TestComparison.differences(bridge.send(message), test.expectation)
        }
    }

    /// One line on standard output, written at once so it stays in order with what goes to standard error.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// `✔ name`, or `✘ name` with each difference indented below it.
    static func report(_ name: String, _ differences: [String]) {
        let shown = TextEscaping.printable(name)
        guard !differences.isEmpty else {
            Self.say("  ✔ \(shown)")
            return
        }
        Self.say("  ✘ \(shown)")
        for difference in differences {
            for line in difference.split(separator: "\n", omittingEmptySubsequences: false) {
                Self.say("      \(line)")
            }
        }
    }
}
