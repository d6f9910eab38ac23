import SwitchboardBridge
import SwitchboardCore

/// Compares what became of a test's request with what the test expects, as lines a person can read.
enum TestComparison {
    /// The differences, one finding per entry (each may span lines); empty when the outcome is as expected.
    static func differences(_ outcome: OfflineOutcome, _ expected: TestExpectation) -> [String] {
        var found: [String] = []
        if let status = expected.reply {
            let actual = outcome.reply?.status
            if actual != status {
                var line = "reply: expected \(status), got \(actual.map(String.init) ?? "no reply")"
                if let reply = outcome.reply, reply.status >= 300, !reply.body.isEmpty { line += "\n  reply body: " + raw(reply.body) }
                found.append(line)
            }
        }
        if let reason = expected.deadLetter, outcome.deadLetter?.reason != reason {
            found.append("dead_letter: expected \(quoted(reason)), got " + (outcome.deadLetter.map { quoted($0.reason) + " (\(TextEscaping.printable($0.message)))" } ?? "none"))
        }
        if let events = expected.events {
            found += differences(outcome.events, events)
        }
        if !found.isEmpty { found += context(outcome, expected) }
        return found
    }

    private static func differences(_ actual: [ExternalEvent], _ expected: [ExpectedEvent]) -> [String] {
        guard actual.count == expected.count else {
            var line = "events: expected \(expected.count) event\(expected.count == 1 ? "" : "s"), got \(actual.count)"
            for (index, event) in actual.enumerated() { line += "\n  events[\(index)]: " + summary(event) }
            return [line]
        }
        var found: [String] = []
        for (index, (event, expectation)) in zip(actual, expected).enumerated() {
            let at = "events[\(index)]"
            func compare(_ field: String, _ wanted: String?, _ got: String?) {
                guard let wanted, wanted != got else { return }
                found.append("\(at).\(field): expected \(quoted(wanted)), got \(got.map(quoted) ?? "none")")
            }
            compare("event_id", expectation.eventID, event.eventID)
            compare("content_type", expectation.contentType, event.contentType)
            compare("event_id_location", expectation.idLocation, event.idLocation.locationName)
            compare("event_id_path", expectation.idPath, event.idLocation.path)
            compare("ordering_key", expectation.orderingKey, event.laneKey)
            compare("delivery_id", expectation.deliveryID, event.deliveryID)
            if let body = expectation.body, body != event.body {
                var line = "\(at).body:\n  expected: \(raw(body))\n  actual:   \(raw(event.body))"
                if let wanted = TestJSON.parse(body), wanted == TestJSON.parse(event.body) {
                    line += "\n  (the same JSON in other bytes: key order or spacing; body_json: compares JSON values)"
                }
                found.append(line)
            }
            if let subset = expectation.bodyJSON {
                guard let document = TestJSON.parse(event.body) else {
                    found.append("\(at).body_json: the body is not JSON: \(shown(event.body))")
                    continue
                }
                let mismatches = subset.mismatches(in: document, at: "\(at).body_json")
                if !mismatches.isEmpty {
                    found += mismatches
                    found.append("\(at) body, as posted:\n" + indented(document.pretty, by: "  "))
                }
            }
        }
        return found
    }

    /// What helps to see why: the refusal reason, the URL a signature was checked against, the dead letter.
    private static func context(_ outcome: OfflineOutcome, _ expected: TestExpectation) -> [String] {
        var lines: [String] = []
        if let note = outcome.note { lines.append("note: " + TextEscaping.printable(note)) }
        if let rejection = outcome.rejection {
            var line = "note: integration '\(outcome.integration ?? "")' refused the request: \(TextEscaping.printable(rejection))"
            if let url = outcome.requestURL { line += "\n  (the request URL as the listener saw it: \(TextEscaping.printable(url)))" }
            lines.append(line)
        }
        if expected.deadLetter == nil, let failure = outcome.deadLetter {
            lines.append("note: dead-lettered as \(quoted(failure.reason)): \(TextEscaping.printable(failure.message))")
        }
        return lines
    }

    /// One line about an event: its id, content type and body.
    private static func summary(_ event: ExternalEvent) -> String {
        "event_id \(quoted(event.eventID)), \(event.contentType), body \(shown(event.body))"
    }

    /// A body for a terminal: JSON on one line with sorted keys, other text escaped, long bodies shortened.
    static func shown(_ body: [UInt8]) -> String {
        if let document = TestJSON.parse(body), body.first.map({ $0 == UInt8(ascii: "{") || $0 == UInt8(ascii: "[") }) == true {
            return document.compact
        }
        return TextEscaping.quoted(String(decoding: body, as: UTF8.self), limit: 200)
    }

    /// The bytes as they are, escaped for a terminal, shortened past 1,000 characters.
    private static func raw(_ body: [UInt8]) -> String {
        TextEscaping.quoted(String(decoding: body, as: UTF8.self), limit: 1_000)
    }

    private static func quoted(_ text: String) -> String {
        "\"" + TextEscaping.printable(text) + "\""
    }

    private static func indented(_ text: String, by prefix: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { prefix + $0 }.joined(separator: "\n")
    }
}
