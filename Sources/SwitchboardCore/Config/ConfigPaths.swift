import Foundation

/// Resolves the relative paths a configuration names (journal, key files, `${file:...}`).
enum ConfigPaths {
    /// `path` made absolute: relative paths are taken from `directory`; `.` and `..` are removed.
    static func absolute(_ path: String, relativeTo directory: String) -> String {
        let url: URL
        if path.hasPrefix("/") {
            url = URL(fileURLWithPath: path)
        } else {
            url = URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(path)
        }
        return url.standardizedFileURL.path
    }

    /// The directory holding `file`, made absolute against the current directory.
    static func directory(of file: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        let absoluteFile = absolute(file, relativeTo: current)
        return URL(fileURLWithPath: absoluteFile).deletingLastPathComponent().path
    }
}
