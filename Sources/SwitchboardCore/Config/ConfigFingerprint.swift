import Crypto
import Foundation

/// The files a configuration is made of (the file itself and every `${file:PATH}` it names) and a hash of their
/// contents: a reload watches these files, and `/readyz` shows the hash of the configuration in force.
public struct ConfigFingerprint: Sendable, Equatable {
    /// The configuration file first, then each included file once, as absolute paths.
    public var files: [String]
    /// SHA-256 over every file's path and contents, in hex (first 16 digits).
    public var hash: String

    /// The fingerprint of `file` as it is on disk now; a file that cannot be read counts as empty.
    public static func of(file: String) -> ConfigFingerprint {
        let directory = ConfigPaths.directory(of: file)
        let main = ConfigPaths.absolute(file, relativeTo: FileManager.default.currentDirectoryPath)
        let text = (try? String(contentsOfFile: main, encoding: .utf8)) ?? ""
        var files = [main]
        for include in includedPaths(in: text) {
            let path = ConfigPaths.absolute(include, relativeTo: directory)
            if !files.contains(path) { files.append(path) }
        }
        var hasher = SHA256()
        for path in files {
            hasher.update(data: Data(path.utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: Self.contents(of: path))
            hasher.update(data: Data([0]))
        }
        let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return ConfigFingerprint(files: files, hash: String(digest.prefix(16)))
    }

    /// A regular file's contents, at most 1 MiB more than the loader reads (a FIFO or a device named in a comment
    /// is never read); empty when it cannot be read.
    private static func contents(of path: String) -> Data {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let handle = FileHandle(forReadingAtPath: path) else { return Data() }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: ConfigLoader.maximumFileBytes + 1)) ?? Data()
    }

    /// The paths named by `${file:PATH}` in configuration text (`$${` is a literal and names nothing).
    static func includedPaths(in text: String) -> [String] {
        var paths: [String] = []
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            let after = rest[rest.index(after: dollar)...]
            if after.hasPrefix("${") {
                rest = after.dropFirst(2)
                continue
            }
            guard after.hasPrefix("{file:") else {
                rest = after
                continue
            }
            let body = after.dropFirst("{file:".count)
            guard let close = body.firstIndex(of: "}") else { break }
            let path = String(body[..<close])
            if !path.isEmpty { paths.append(path) }
            rest = body[body.index(after: close)...]
        }
        return paths
    }
}
