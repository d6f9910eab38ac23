/// Where something is in the YAML file.
///
/// Lines and columns are 1-based, columns counted in Unicode scalars as libyaml does.
public struct ConfigPosition: Sendable, Hashable, CustomStringConvertible {
    /// The configuration file as the operator named it.
    public var file: String
    /// The line, starting at 1.
    public var line: Int
    /// The column, starting at 1.
    public var column: Int

    /// Creates a position.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The position as `file:line:column`, the form editors and compilers use.
    public var description: String {
        "\(file):\(line):\(column)"
    }
}
