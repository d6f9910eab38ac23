import Synchronization

/// A regular expression that cuts the external event id out of a longer value (an SMS text, a subject line).
///
/// The first capture group is the id when the pattern has one; otherwise the whole match is.
public final class IDPattern: Sendable, Equatable, CustomStringConvertible {
    /// The longest value searched; longer values are cut to this many characters first.
    public static let maxSearchedCharacters = 16_384

    /// The pattern as written in the YAML.
    public let text: String
    // Regex is not Sendable; the lock makes one compiled program safe to share between tasks.
    private let regex: Mutex<Regex<AnyRegexOutput>>

    /// Compiles a pattern; throws the compiler's complaint when it is not a valid expression.
    public init(_ text: String) throws(IDPatternError) {
        do {
            regex = Mutex(try Regex(text))
        } catch {
            throw IDPatternError(message: "\(error)")
        }
        self.text = text
    }

    /// The id found in `value`: the first capture group, or the whole match; nil when nothing matches.
    public func firstMatch(in value: String) -> String? {
        let searched = value.count > Self.maxSearchedCharacters ? String(value.prefix(Self.maxSearchedCharacters)) : value
        return regex.withLock { regex -> String? in
            guard let match = try? regex.firstMatch(in: searched) else { return nil }
            let output = match.output
            if output.count > 1, let group = output[1].substring { return String(group) }
            return output[0].substring.map(String.init)
        }
    }

    /// Patterns are equal when written the same.
    public static func == (lhs: IDPattern, rhs: IDPattern) -> Bool { lhs.text == rhs.text }

    /// The pattern text.
    public var description: String { text }
}

/// Why a pattern did not compile.
public struct IDPatternError: Error, Sendable {
    /// The regular-expression compiler's message.
    public var message: String
}
