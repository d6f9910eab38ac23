/// Typed reads of a single node, used for list items and by `ConfigReader` for the value under a key.
///
/// Each read records an error at the node (and returns nil) when the node does not hold that type. A node whose
/// interpolation failed returns nil quietly: its error is already recorded.
extension ConfigNode {
    /// Message fragments shared by the node and key readers.
    enum Expectation {
        static let duration = "expected a duration such as 250ms, 10s, 1.5s, 55m, 1h or 14d"
        static let durationTooLong = "expected a duration of at most 11574d (about 31 years)"
        static let byteSize = "expected a size such as 1048576, 64KB, 512KiB or 1MiB"
        static let rate = "expected a rate such as 200/s, 1000/m or 10/h"
        static let bool = "expected true or false"
        static let number = "expected a number"

        static func integer(_ range: ClosedRange<Int>?) -> String {
            guard let range else { return "expected an integer" }
            switch (range.lowerBound, range.upperBound) {
            case (1, Int.max): return "expected a positive integer"
            case (0, Int.max): return "expected a non-negative integer"
            case (let low, Int.max): return "expected an integer of at least \(low)"
            case (let low, let high): return "expected an integer from \(low) to \(high)"
            }
        }

        static func oneOf(_ allowed: [String]) -> String {
            "expected one of: " + allowed.joined(separator: ", ")
        }
    }

    /// The scalar text, or an error naming what was expected and what was found.
    func scalarText(expected: String, _ diagnostics: ConfigDiagnostics) -> String? {
        if interpolationFailed {
            return nil
        }
        guard kind == .scalar, let scalar else {
            diagnostics.error("\(expected), found \(kindDescription)", at: self)
            return nil
        }
        return scalar
    }

    /// The text of a scalar; any single value (`abc`, `42`, `true`) reads as its text.
    public func string(_ diagnostics: ConfigDiagnostics) -> String? {
        scalarText(expected: "expected a string", diagnostics)
    }

    /// A list of strings; a single value reads as a one-element list.
    public func strings(_ diagnostics: ConfigDiagnostics) -> [String]? {
        if interpolationFailed {
            return nil
        }
        switch kind {
        case .scalar:
            return string(diagnostics).map { [$0] }
        case .sequence:
            var values: [String] = []
            var failed = false
            for element in elements {
                if let value = element.string(diagnostics) {
                    values.append(value)
                } else {
                    failed = true
                }
            }
            return failed ? nil : values
        case .mapping, .null:
            diagnostics.error("expected a list of strings, found \(kindDescription)", at: self)
            return nil
        }
    }

    /// A decimal integer, optionally within `range`.
    public func int(_ diagnostics: ConfigDiagnostics, range: ClosedRange<Int>? = nil) -> Int? {
        let expectation = Expectation.integer(range)
        guard let text = scalarText(expected: expectation, diagnostics) else { return nil }
        guard let value = ConfigValueParser.int(text), range?.contains(value) ?? true else {
            diagnostics.error(expectation, at: self)
            return nil
        }
        return value
    }

    /// A finite decimal number.
    public func double(_ diagnostics: ConfigDiagnostics) -> Double? {
        guard let text = scalarText(expected: Expectation.number, diagnostics) else { return nil }
        guard let value = ConfigValueParser.double(text) else {
            diagnostics.error(Expectation.number, at: self)
            return nil
        }
        return value
    }

    /// `true` or `false`.
    public func bool(_ diagnostics: ConfigDiagnostics) -> Bool? {
        guard let text = scalarText(expected: Expectation.bool, diagnostics) else { return nil }
        guard let value = ConfigValueParser.bool(text) else {
            diagnostics.error(Expectation.bool, at: self)
            return nil
        }
        return value
    }

    /// A duration: `250ms`, `10s`, `1.5s`, `55m`, `1h`, `14d`.
    public func duration(_ diagnostics: ConfigDiagnostics) -> Duration? {
        guard let text = scalarText(expected: Expectation.duration, diagnostics) else { return nil }
        guard let value = ConfigValueParser.duration(text) else {
            let tooLong = ConfigValueParser.isTooLongDuration(text)
            diagnostics.error(tooLong ? Expectation.durationTooLong : Expectation.duration, at: self)
            return nil
        }
        return value
    }

    /// A size in bytes: `1048576`, `64KB` (1000s), `512KiB`, `1MiB` (1024s).
    public func byteSize(_ diagnostics: ConfigDiagnostics) -> Int? {
        guard let text = scalarText(expected: Expectation.byteSize, diagnostics) else { return nil }
        guard let value = ConfigValueParser.byteSize(text) else {
            diagnostics.error(Expectation.byteSize, at: self)
            return nil
        }
        return value
    }

    /// A rate: `200/s`, `1000/m`, `10/h`.
    public func rate(_ diagnostics: ConfigDiagnostics) -> Rate? {
        guard let text = scalarText(expected: Expectation.rate, diagnostics) else { return nil }
        guard let value = ConfigValueParser.rate(text) else {
            diagnostics.error(Expectation.rate, at: self)
            return nil
        }
        return value
    }

    /// One of a fixed set of words; the error lists the allowed ones.
    public func oneOf(_ allowed: [String], _ diagnostics: ConfigDiagnostics) -> String? {
        let expectation = Expectation.oneOf(allowed)
        guard let text = scalarText(expected: expectation, diagnostics) else { return nil }
        guard allowed.contains(text) else {
            diagnostics.error(expectation, at: self)
            return nil
        }
        return text
    }

    /// The elements of a list.
    public func list(_ diagnostics: ConfigDiagnostics) -> [ConfigNode]? {
        if interpolationFailed {
            return nil
        }
        guard kind == .sequence else {
            diagnostics.error("expected a list, found \(kindDescription)", at: self)
            return nil
        }
        return elements
    }
}
