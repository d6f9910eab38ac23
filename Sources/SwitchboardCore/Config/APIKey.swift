/// A PolyAI API key; it prints masked the way Agent Studio shows keys, as `••••abcd`.
///
/// At most the last 4 characters are shown, and never more than a third of the key, so a short key shows fewer.
/// `description`, `debugDescription`, string interpolation and `dump` all show only the masked form.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The secret itself: pass it only to the HTTP header that needs it.
    public var value: String

    /// Wraps a secret value.
    public init(_ value: String) {
        self.value = value
    }

    /// The key with all but its last few characters hidden.
    public var masked: String {
        let characters = Array(value)
        let shown = min(4, characters.count / 3)
        return "••••" + String(characters.suffix(shown))
    }

    /// The masked key.
    public var description: String {
        masked
    }

    /// The masked key.
    public var debugDescription: String {
        "APIKey(\(masked))"
    }

    /// Mirrors only the masked key, so `dump` and reflection cannot print the secret.
    public var customMirror: Mirror {
        Mirror(self, children: ["masked": masked], displayStyle: .struct)
    }
}
