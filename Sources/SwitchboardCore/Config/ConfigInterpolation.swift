import Foundation

/// Replaces `${VAR}` and `${file:PATH}` in a scalar; `$${` stands for a literal `${`.
///
/// Replaced text is not scanned again, so a secret that happens to contain `${` is taken as it is.
/// Failure messages name the variable or the file, never a value.
struct ConfigInterpolation {
    /// The result of expanding one scalar.
    struct Expansion {
        /// The text with every reference replaced (references that failed are left out).
        var text: String
        /// Whether any reference was replaced.
        var interpolated: Bool
        /// One message per reference that could not be replaced.
        var failures: [String]
    }

    /// The largest file `${file:...}` reads: secrets are small, and this keeps a wrong path from loading a disk image.
    static let maximumFileBytes = 1 << 20

    /// The environment `${VAR}` reads.
    var environment: [String: String]
    /// The directory relative `${file:...}` paths are resolved against (the configuration file's directory).
    var baseDirectory: String

    /// Expands the references in `text`.
    func expand(_ text: String) -> Expansion {
        guard text.contains("$") else {
            return Expansion(text: text, interpolated: false, failures: [])
        }
        var output = ""
        var failures: [String] = []
        var interpolated = false
        var rest = Substring(text)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let afterDollar = rest[rest.index(after: dollar)...]
            if afterDollar.hasPrefix("${") {
                output += "${"
                rest = afterDollar.dropFirst(2)
                continue
            }
            guard afterDollar.hasPrefix("{") else {
                output += "$"
                rest = afterDollar
                continue
            }
            let body = afterDollar.dropFirst()
            guard let close = body.firstIndex(of: "}") else {
                failures.append("unterminated '${' (write '$${' for a literal '${')")
                rest = ""
                break
            }
            let reference = String(body[..<close])
            rest = body[body.index(after: close)...]
            switch resolve(reference) {
            case .success(let value):
                output += value
                interpolated = true
            case .failure(let failure):
                failures.append(failure.message)
            }
        }
        output += rest
        return Expansion(text: output, interpolated: interpolated, failures: failures)
    }

    private struct Failure: Error {
        var message: String
    }

    private func resolve(_ reference: String) -> Result<String, Failure> {
        if reference.hasPrefix("file:") {
            return readFile(String(reference.dropFirst("file:".count)))
        }
        guard Self.isVariableName(reference) else {
            return .failure(Failure(message: "'${...}' must name an environment variable (letters, digits, '_') or be '${file:PATH}'"))
        }
        guard let value = environment[reference] else {
            return .failure(Failure(message: "environment variable '\(reference)' is not set"))
        }
        return .success(value)
    }

    private func readFile(_ path: String) -> Result<String, Failure> {
        guard !path.isEmpty else {
            return .failure(Failure(message: "'${file:}' needs a path"))
        }
        let absolute = ConfigPaths.absolute(path, relativeTo: baseDirectory)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            return .failure(Failure(message: "file '\(absolute)' named in '${file:...}' does not exist"))
        }
        guard !isDirectory.boolValue else {
            return .failure(Failure(message: "'\(absolute)' named in '${file:...}' is a directory, not a file"))
        }
        guard let handle = FileHandle(forReadingAtPath: absolute) else {
            return .failure(Failure(message: "file '\(absolute)' named in '${file:...}' cannot be read"))
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: Self.maximumFileBytes + 1) ?? Data()
        } catch {
            return .failure(Failure(message: "file '\(absolute)' named in '${file:...}' cannot be read"))
        }
        guard data.count <= Self.maximumFileBytes else {
            return .failure(Failure(message: "file '\(absolute)' named in '${file:...}' is larger than 1 MiB"))
        }
        guard var text = String(data: data, encoding: .utf8) else {
            return .failure(Failure(message: "file '\(absolute)' named in '${file:...}' is not UTF-8 text"))
        }
        // Secret files usually end with a newline that is not part of the secret.
        while let last = text.last, last == "\n" || last == "\r\n" || last == "\r" {
            text.removeLast()
        }
        return .success(text)
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar == "_" || (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
        }
    }
}
