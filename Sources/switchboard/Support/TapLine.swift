import Foundation
import SwitchboardCore

/// One line of `switchboard tap`, from a `data:` payload of `GET /-/tap`:
/// `2026-12-02T01:02:03.456Z bookings /hooks/bookings evt_123 attempt 2 503 41ms`. Every field from the stream is
/// escaped for the terminal (`TextEscaping.printable`).
enum TapLine {
    /// The printed line for one payload; the payload itself (escaped) when it is not an object of the tap.
    static func format(_ payload: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) as? [String: Any],
              let stage = object["stage"] as? String
        else { return TextEscaping.printable(payload) }
        func text(_ key: String) -> String? { (object[key] as? String).map(TextEscaping.printable) }
        func number(_ key: String) -> Int? { (object[key] as? NSNumber)?.intValue }
        if stage == "dropped" {
            return "… \(number("count") ?? 0) lines dropped: this reader fell behind"
        }
        var words = [text("time") ?? "-", text("integration") ?? "-", text("route") ?? "-", text("event_id") ?? "-"]
        switch stage {
        case "mapped":
            words.append("mapped")
            if let events = number("events"), events != 1 { words.append("(\(events) events)") }
        case "attempt":
            words.append("attempt \(number("attempt") ?? 0)")
            words.append(number("status").map(String.init) ?? "error")
            words.append("\(number("latency_ms") ?? 0)ms")
        case "delivered":
            words.append("delivered")
            if let status = number("status") { words.append(String(status)) }
            if let attempts = number("attempts") { words.append("after \(attempts) attempt\(attempts == 1 ? "" : "s")") }
        case "dead_lettered":
            words.append("dead-lettered \(text("reason") ?? "-")")
        default:
            words.append(TextEscaping.printable(stage))
        }
        var line = words.joined(separator: " ")
        if let error = text("error") { line += ": " + error }
        if let body = text("body") { line += " body=" + body }
        return line
    }

    /// The payload as it came (`--json`), unless it holds a character that could act on the terminal; then escaped.
    static func raw(_ payload: String) -> String {
        let unsafe = payload.unicodeScalars.contains { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x2028...0x202E).contains(scalar.value)
                || (0x2066...0x2069).contains(scalar.value)
        }
        return unsafe ? TextEscaping.printable(payload) : payload
    }
}
