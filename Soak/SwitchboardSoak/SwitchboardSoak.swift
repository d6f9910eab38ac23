import ArgumentParser
import Foundation
import UnixSignals

/// `SwitchboardSoak`: runs the real `switchboard` binary through every delivery edge at once and reports loss,
/// duplicates and order per conversation. `scripts/soak.sh` is the way to run it.
@main
struct SwitchboardSoak: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "SwitchboardSoak",
        abstract: "Soak the switchboard binary: two instances in one consumer group, kills, SIGTERM under load, a broker outage, a key refused then fixed, destination faults.",
        discussion: "Prints one summary line at the end; exits 1 on any lost event or order violation, 2 when the soak could not run."
    )

    @Option(help: "Minutes of production (the disruptions happen within it).")
    var minutes: Double = 2

    @Option(help: "The switchboard binary under test.")
    var binary: String

    @Option(help: "An empty directory for configurations, journals and logs.")
    var workDir: String

    @Option(help: "Webhooks per second (over all webhook conversations).")
    var webhookRate: Double = 25

    @Option(help: "Kafka messages per second (over all Kafka conversations).")
    var kafkaRate: Double = 25

    @Option(help: "Conversations per source (webhook, Kafka).")
    var conversations: Int = 16

    @Option(help: "Seconds after production for the last events to be delivered or dead-lettered.")
    var drainSeconds: Int = 90

    @Option(help: "Fault flags for the sandbox, as one string.")
    var sandboxFaults: String = "--error-rate 0.05 --throttle-rate 0.02 --retry-after 1 --latency-ms 15 --drop-rate 0.02"

    func run() async throws {
        var settings = SoakSettings(
            binary: binary, workDirectory: workDir, duration: .seconds(max(10, Int(minutes * 60))), drain: .seconds(max(10, drainSeconds)),
            webhookRate: webhookRate, kafkaRate: kafkaRate, conversationsPerSource: max(2, conversations),
            faultArguments: sandboxFaults.split(separator: " ").map(String.init)
        )
        let note = settings.fitSandbox()
        let soak = SoakRun(settings: settings)
        if let note { soak.say(note) }
        let pidFile = workDir + "/pids"
        let binaryPath = binary
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        let interrupted = Task {
            for await _ in signals {
                soak.say("interrupted: stopping every process the soak started")
                Self.killAll(listedIn: pidFile, runningBinary: binaryPath)
                Foundation.exit(130)
            }
        }
        defer { interrupted.cancel() }

        let report: SoakReport
        do {
            report = try await soak.run()
        } catch {
            soak.say("could not run: \(error)")
            Self.killAll(listedIn: pidFile, runningBinary: binaryPath)
            throw ExitCode(2)
        }
        soak.write(report.summary)
        if !report.passed { throw ExitCode(1) }
    }

    /// SIGKILL to every process id in the soak's pid file that is still running the binary under test (an id whose
    /// process exited, and which the system gave to another program since, is left alone).
    static func killAll(listedIn file: String, runningBinary binary: String) {
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            guard let pid = Int32(line), pid > 1,
                  let command = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                  String(decoding: command, as: UTF8.self).hasPrefix(binary)
            else { continue }
            kill(pid, SIGKILL)
        }
    }
}
