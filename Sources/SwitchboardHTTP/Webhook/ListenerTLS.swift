import Foundation
import Logging
import NIOSSL
import Synchronization
import SwitchboardCore

/// The listener's certificate chain and private key (`webhook.tls`), re-read when either file changes, like keys:
/// connections accepted after the change use the new pair, connections already open keep theirs, and a pair that
/// fails to load keeps the old one serving (logged).
final class ListenerTLS: Sendable {
    private let files: WebhookConfig.TLSFiles
    private let state: Mutex<(context: NIOSSLContext, stamp: [FileStamp])>

    /// Loads the pair; throws with a message naming the file that could not be used.
    init(_ files: WebhookConfig.TLSFiles) throws(ListenerTLSError) {
        self.files = files
        let stamp = Self.stamps(files)
        state = Mutex((try Self.load(files), stamp))
    }

    /// The context new connections are served with.
    var context: NIOSSLContext { state.withLock { $0.context } }

    /// Loads the pair again when a file's modification time, size or inode changed; returns whether it swapped.
    @discardableResult
    func reloadIfChanged(logger: Logger) -> Bool {
        let stamp = Self.stamps(files)
        guard state.withLock({ $0.stamp != stamp }) else { return false }
        do {
            let context = try Self.load(files)
            state.withLock { $0 = (context, stamp) }
            logger.notice("listener certificate reloaded", metadata: ["switchboard.tls.cert_file": .string(files.certFile)])
            return true
        } catch {
            // Keep serving with the old pair; try again only when the files change once more.
            state.withLock { $0.stamp = stamp }
            logger.error("listener certificate not reloaded, the previous one keeps serving", metadata: [LogKey.error: .string(error.description)])
            return false
        }
    }

    private static func load(_ files: WebhookConfig.TLSFiles) throws(ListenerTLSError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(files.certFile)
        } catch {
            throw ListenerTLSError(description: "cannot load the certificate chain \(files.certFile): \(error)")
        }
        guard !chain.isEmpty else { throw ListenerTLSError(description: "no certificate in \(files.certFile)") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: files.keyFile, format: .pem)
        } catch {
            // The error names the file only: a key's bytes never reach a message.
            throw ListenerTLSError(description: "cannot load the private key \(files.keyFile)")
        }
        do {
            let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw ListenerTLSError(description: "the certificate in \(files.certFile) and the key in \(files.keyFile) do not make a TLS server: \(error)")
        }
    }

    /// What identifies a file's content cheaply: its inode, size and modification time (following symlinks, as
    /// mounted secrets are).
    struct FileStamp: Equatable {
        var inode: UInt64
        var size: Int64
        var modified: Int64
    }

    private static func stamps(_ files: WebhookConfig.TLSFiles) -> [FileStamp] {
        [files.certFile, files.keyFile].map { path in
            var info = stat()
            guard stat(path, &info) == 0 else { return FileStamp(inode: 0, size: -1, modified: 0) }
            return FileStamp(
                inode: UInt64(info.st_ino), size: Int64(info.st_size),
                modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            )
        }
    }
}

/// Why the listener's certificate or key could not be used (names the file, never shows a key).
public struct ListenerTLSError: Error, CustomStringConvertible {
    /// What went wrong, with the file.
    public var description: String
}
