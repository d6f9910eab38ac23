import Foundation
import Synchronization

/// One `switchboard run` of the soak, across its kills and restarts: same configuration, journal and log file.
final class SwitchboardInstance: Sendable {
    /// `a` or `b`.
    let name: String
    /// Its configuration file.
    let config: String
    private let binary: String
    private let directory: String
    private let pids: PIDFile
    private let current = Mutex<ChildProcess?>(nil)
    private let webhook = Mutex<String?>(nil)
    private let peakRSS: PeakMemory

    init(name: String, config: String, binary: String, directory: String, pids: PIDFile, peakRSS: PeakMemory) {
        self.name = name
        self.config = config
        self.binary = binary
        self.directory = directory
        self.pids = pids
        self.peakRSS = peakRSS
    }

    /// The webhook listener's base URL while the instance is up and ready, nil otherwise.
    var webhookURL: String? { webhook.withLock { $0 } }

    /// The running process, if any.
    var process: ChildProcess? { current.withLock { $0 } }

    /// Starts the instance and waits until it says it is ready; throws when it does not.
    func start() async throws {
        let child = try ChildProcess(
            name: "instance \(name)", executable: binary, arguments: ["run", "--config", config], directory: directory,
            logFile: directory + "/instance-\(name).log", watching: ["switchboard ready", "switchboard stopped", "critical"]
        )
        pids.add(child.pid)
        current.withLock { $0 = child }
        peakRSS.watch(child.pid)
        guard let line = await child.waitForLine(containing: "switchboard ready", timeout: .seconds(60)),
              let address = Self.field("switchboard.webhook", in: line)
        else {
            throw SoakFailure("instance \(name) did not become ready; the end of its log:\n\(child.logTail())")
        }
        webhook.withLock { $0 = "http://" + address }
    }

    /// SIGKILL: the instance dies at once, with whatever it had in flight.
    func kill() async {
        guard let child = process else { return }
        webhook.withLock { $0 = nil }
        peakRSS.sample()
        child.signal(SIGKILL)
        _ = await child.waitForExit(timeout: .seconds(10))
        peakRSS.unwatch(child.pid)
    }

    /// SIGTERM and wait for the graceful stop; returns the exit status, or nil when it did not exit in `timeout`
    /// (then it is killed).
    func terminate(timeout: Duration) async -> Int32? {
        guard let child = process else { return 0 }
        peakRSS.sample()
        child.signal(SIGTERM)
        // Webhooks get 503 from here on; senders retry until it is back.
        let status = await child.waitForExit(timeout: timeout)
        webhook.withLock { $0 = nil }
        if status == nil {
            child.signal(SIGKILL)
            _ = await child.waitForExit(timeout: .seconds(10))
        }
        peakRSS.unwatch(child.pid)
        return status
    }

    /// The value of `key=value` in a logfmt line.
    static func field(_ key: String, in line: String) -> String? {
        for part in line.split(separator: " ") where part.hasPrefix(key + "=") {
            return String(part.dropFirst(key.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
