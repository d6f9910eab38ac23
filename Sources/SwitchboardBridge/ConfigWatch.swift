import Foundation
import Logging
import ServiceLifecycle
import SwitchboardCore
import UnixSignals

/// Starts a configuration reload on SIGHUP and when the configuration file, or a file it includes with
/// `${file:...}`, changes (checked every `interval`). SIGHUP also re-reads every key file.
public struct ConfigWatch: Service {
    private let reloader: ConfigReloader
    private let rotation: KeyRotation
    private let interval: Duration

    /// Watches for `reloader`; `rotation` re-reads the key files on SIGHUP.
    public init(reloader: ConfigReloader, rotation: KeyRotation, interval: Duration = .seconds(2)) {
        self.reloader = reloader
        self.rotation = rotation
        self.interval = interval
    }

    public func run() async throws {
        // SIGHUP is always trapped (its default action would end the process).
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups {
                    rotation.reloadAll(reason: "SIGHUP")
                    await reloader.reload(reason: "SIGHUP")
                }
            }
            group.addTask { await self.pollFiles() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func pollFiles() async {
        var files = reloader.fingerprint.files
        // No stamps yet: the first check compares contents, so an edit made while starting is not missed.
        var checked: [String] = []
        var previous: [String] = []
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            let now = files.map(KeyRotation.stamp(of:))
            // A file still being written (its stamp moved since the last look) is read once it has settled.
            defer { previous = now }
            guard now != checked, now == previous || checked.isEmpty else { continue }
            checked = now
            // Only a changed content is a change: rewriting the same bytes (or touching the file) reloads nothing,
            // and neither does content a reload already read (a SIGHUP or POST /-/reload after the edit).
            if ConfigFingerprint.of(file: files[0]).hash != reloader.lastAttemptedHash {
                await reloader.reload(reason: "file changed")
                let watched = reloader.fingerprint.files
                if watched != files {
                    files = watched
                    checked = files.map(KeyRotation.stamp(of:))
                }
            }
        }
    }
}
