import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Re-reads `file:` keys when the file changes and on SIGHUP, so a key is rotated without downtime: requests already
/// built keep the old key, new ones use the new key, and a failed read keeps the old key (and logs an error).
public struct KeyRotation: Service {
    /// One integration's key file and the holder requests read it from.
    public struct Watched: Sendable {
        /// The integration's name.
        public var integration: String
        /// The key file.
        public var file: String
        /// Where the current key lives.
        public var holder: KeyHolder

        /// Makes a watched key.
        public init(integration: String, file: String, holder: KeyHolder) {
            self.integration = integration
            self.file = file
            self.holder = holder
        }
    }

    private let watched: [Watched]
    private let interval: Duration
    private let logger: Logger

    /// Watches `watched`, checking the files every `interval`.
    public init(watched: [Watched], interval: Duration = .seconds(2), logger: Logger) {
        self.watched = watched
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // SIGHUP is always trapped (its default action would end the process), even with no key file to re-read.
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in hangups { self.reloadAll(reason: "SIGHUP") }
            }
            if !watched.isEmpty { group.addTask { await self.pollFiles() } }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func pollFiles() async {
        var stamps = watched.map { Self.stamp(of: $0.file) }
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            for (index, item) in watched.enumerated() {
                let stamp = Self.stamp(of: item.file)
                if stamp != stamps[index] {
                    stamps[index] = stamp
                    reload(item, reason: "file changed")
                }
            }
        }
    }

    /// Reads every watched file again.
    public func reloadAll(reason: String) {
        for item in watched { reload(item, reason: reason) }
    }

    /// Reads one key file again; keeps the old key when the file is missing or empty.
    public func reload(_ item: Watched, reason: String) {
        let source = KeyConfig(source: .file(item.file))
        switch KeyLoader.load(source, integration: item.integration, environment: [:]) {
        case .success(let key):
            guard key != item.holder.current else { return }
            item.holder.replace(with: key)
            logger.notice("integration key rotated", metadata: [
                LogKey.integration: .string(item.integration), "switchboard.key": .string(key.masked), "switchboard.reason": .string(reason),
            ])
        case .failure(let failure):
            logger.error("integration key not rotated: the old key stays in use", metadata: [
                LogKey.integration: .string(item.integration), LogKey.error: .string(failure.issue.message),
            ])
        }
    }

    /// Modification time, size and inode of the file a path resolves to: enough to notice a rewrite, an atomic
    /// rename, or a Kubernetes secret update (which swaps the target of a symbolic link).
    static func stamp(of file: String) -> String {
        let resolved = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else { return "missing" }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? -1
        return "\(resolved)/\(modified)/\(size)/\(inode)"
    }
}
