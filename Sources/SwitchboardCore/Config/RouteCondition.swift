/// A condition a route's events must meet: `when: { header: event-type, equals: booking.confirmed }`.
///
/// Exactly one subject: `header: NAME`, `json: a.b` (a dotted path into a JSON body) or `message_key: true`
/// (the Kafka message key), compared with `equals`.
public struct RouteCondition: Sendable, Hashable {
    /// What part of an event is compared.
    public enum Subject: Sendable, Hashable {
        /// A header (HTTP header or Kafka header) by name.
        case header(String)
        /// The Kafka message key.
        case messageKey
        /// A value in a JSON body, by dotted path (`data.object.status`).
        case json(String)
    }

    /// What is compared.
    public var subject: Subject
    /// The text it must equal.
    public var equals: String

    /// Creates a condition.
    public init(subject: Subject, equals: String) {
        self.subject = subject
        self.equals = equals
    }
}

extension RouteCondition {
    static let subjectKeys = ["header", "json", "message_key"]

    /// Reads a route's `when` block; `isKafka` is nil when the route's source is unknown.
    static func read(_ reader: ConfigReader, isKafka: Bool?, _ context: ConfigContext) -> RouteCondition? {
        let diagnostics = context.diagnostics
        let mark = context.errorMark
        var subjects: [(key: String, node: ConfigNode, subject: Subject?)] = []

        if let node = reader.value("header") {
            var subject: Subject?
            if let name = node.string(diagnostics) {
                if name.isEmpty || name.contains(where: { $0.isWhitespace || $0 == ":" }) {
                    diagnostics.error("expected a header name such as event-type", at: node)
                } else {
                    subject = .header(name)
                }
            }
            subjects.append(("header", node, subject))
        }
        if let node = reader.value("json") {
            var subject: Subject?
            if let path = node.string(diagnostics) {
                let segments = path.split(separator: ".", omittingEmptySubsequences: false)
                if path.isEmpty || segments.contains(where: \.isEmpty) {
                    diagnostics.error("expected a dotted path such as data.object.status", at: node)
                } else {
                    subject = .json(path)
                }
            }
            subjects.append(("json", node, subject))
        }
        if let node = reader.value("message_key") {
            var subject: Subject?
            if let flag = node.bool(diagnostics) {
                if !flag {
                    diagnostics.error("write message_key: true to compare the Kafka message key", at: node)
                } else if isKafka == false {
                    diagnostics.error("message_key applies only to kafka routes", at: node)
                } else {
                    subject = .messageKey
                }
            }
            subjects.append(("message_key", node, subject))
        }
        let equals = reader.string("equals", required: true)
        reader.finish()

        if subjects.isEmpty {
            diagnostics.error("set one of header, json or message_key", path: reader.path, position: reader.position)
        } else if subjects.count > 1 {
            diagnostics.error("set only one of header, json or message_key", at: subjects[1].node)
        }
        guard !context.hasErrors(since: mark), subjects.count == 1, let subject = subjects[0].subject, let equals else {
            return nil
        }
        return RouteCondition(subject: subject, equals: equals)
    }
}
