import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Re-reads `file:` keys when the file changes (and on SIGHUP, through the configuration reload), so a key is rotated without downtime: requests already
/// built keep the old key, new ones use the new key, and a failed read keeps the old key (and logs an error).
public final class KeyRotation: Service, Sendable {
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

    private let watched: Mutex<[Watched]>
    private let interval: Duration
    private let logger: Logger

    /// Watches `watched`, checking the files every `interval`.
    public init(watched: [Watched], interval: Duration = .seconds(2), logger: Logger) {
        self.watched = Mutex(watched)
        self.interval = interval
        self.logger = logger
    }

    /// Watches these key files from now on instead (a reload added, changed or removed integrations).
    public func watch(_ items: [Watched]) {
        watched.withLock { $0 = items }
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.pollFiles() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
    }

    private func pollFiles() async {
        var stamps: [String: String] = [:]
        for item in watched.withLock({ $0 }) { stamps[item.file] = Self.stamp(of: item.file) }
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            for item in watched.withLock({ $0 }) {
                let stamp = Self.stamp(of: item.file)
                if let known = stamps[item.file], known == stamp { continue }
                let isNew = stamps[item.file] == nil
                stamps[item.file] = stamp
                // A file first watched after a reload was just read by that reload.
                if !isNew { reload(item, reason: "file changed") }
            }
        }
    }

    /// Reads every watched file again.
    public func reloadAll(reason: String) {
        for item in watched.withLock({ $0 }) { reload(item, reason: reason) }
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
    public static func stamp(of file: String) -> String {
        let resolved = URL(fileURLWithPath: file).resolvingSymlinksInPath().path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: resolved) else { return "missing" }
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? -1
        return "\(resolved)/\(modified)/\(size)/\(inode)"
    }
}
