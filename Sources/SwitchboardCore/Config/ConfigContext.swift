/// What the section readers share while one file is loaded.
struct ConfigContext {
    /// Where issues go.
    let diagnostics: ConfigDiagnostics
    /// The directory relative paths are resolved against: the configuration file's.
    let baseDirectory: String

    /// `path` made absolute against the configuration file's directory.
    func absolute(_ path: String) -> String {
        ConfigPaths.absolute(path, relativeTo: baseDirectory)
    }

    /// A mark to compare against later, to tell whether a section added errors.
    var errorMark: Int {
        diagnostics.errorCount
    }

    /// Whether errors were recorded since `mark`.
    func hasErrors(since mark: Int) -> Bool {
        diagnostics.errorCount > mark
    }
}
