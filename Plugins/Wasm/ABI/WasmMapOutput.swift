import Foundation
import SwitchboardCore

/// What `sb_map` returned, read strictly: `{"events":[…]}` or `{"error":{"reason":…,"message":…}}`
/// (Plugins/Wasm/README.md). Anything else is the plugin's fault and reads as an `output` failure.
public enum WasmMapOutput {
    /// The most events one call may produce.
    public static let maxEvents = 1_000
    /// The longest `event_id`, `ordering_key` or `delivery_id` accepted, in bytes.
    public static let maxIDBytes = 1_024

    /// The mapped events, the plugin's own refusal (`no_event_id`, `bad_payload`), or why the output is unusable.
    public enum Reading {
        /// The events to deliver (none is fine).
        case events([ExternalEvent])
        /// The module's own `error`: dead-letter the event with this reason.
        case refused(MappingFailure)
        /// The output breaks the ABI; the text says how.
        case unusable(String)
    }

    /// Reads `output` strictly.
    public static func read(_ output: [UInt8]) -> Reading {
        let document: Any
        do {
            document = try JSONBody.parse(output)
        } catch {
            return .unusable("output is not JSON: \(error.message)")
        }
        guard let object = document as? [String: Any] else { return .unusable("output is not a JSON object") }
        if let error = object["error"] {
            guard object.count == 1 else { return .unusable("output has \"error\" and other keys") }
            return refusal(error)
        }
        guard let list = object["events"] else { return .unusable("output has neither \"events\" nor \"error\"") }
        guard object.count == 1 else {
            return .unusable("unknown key \(quoted(object.keys.first { $0 != "events" } ?? "")) in output")
        }
        guard let events = list as? [Any] else { return .unusable("\"events\" is not a list") }
        guard events.count <= maxEvents else { return .unusable("\(events.count) events in one output (at most \(maxEvents))") }
        var mapped: [ExternalEvent] = []
        mapped.reserveCapacity(events.count)
        for (index, item) in events.enumerated() {
            switch event(item) {
            case .success(let event): mapped.append(event)
            case .failure(let problem): return .unusable("events[\(index)]: \(problem.message)")
            }
        }
        return .events(mapped)
    }

    private struct Problem: Error {
        var message: String
    }

    private static let eventKeys: Set<String> = [
        "event_id", "content_type", "body", "body_base64", "id_location", "id_path", "delivery_id", "ordering_key",
    ]

    private static func event(_ item: Any) -> Swift.Result<ExternalEvent, Problem> {
        guard let fields = item as? [String: Any] else { return .failure(Problem(message: "not an object")) }
        if let unknown = fields.keys.sorted().first(where: { !eventKeys.contains($0) }) {
            return .failure(Problem(message: "unknown key \(quoted(unknown))"))
        }
        do {
            guard let eventID = try text(fields, "event_id"), !eventID.isEmpty else {
                throw Problem(message: "\"event_id\" is required (a non-empty string)")
            }
            guard let contentType = try text(fields, "content_type"), !contentType.isEmpty else {
                throw Problem(message: "\"content_type\" is required (a non-empty string)")
            }
            let body: [UInt8]
            switch (try text(fields, "body", isBody: true), try text(fields, "body_base64", isBody: true)) {
            case (let text?, nil):
                body = Array(text.utf8)
            case (nil, let encoded?):
                guard let data = Data(base64Encoded: encoded) else { throw Problem(message: "\"body_base64\" is not base64") }
                body = Array(data)
            case (.some, .some):
                throw Problem(message: "give \"body\" or \"body_base64\", not both")
            case (nil, nil):
                throw Problem(message: "\"body\" or \"body_base64\" is required")
            }
            let path = try text(fields, "id_path") ?? "cid"
            guard !path.isEmpty, path.utf8.allSatisfy(isNameByte) else {
                throw Problem(message: "\"id_path\" must be letters, digits, '_', '-' or '.'")
            }
            let location: EventIDLocation
            switch try text(fields, "id_location") ?? "querystring" {
            case "querystring": location = .query(path)
            case "headers": location = .header(path)
            case "payload": location = .payload(path)
            case let other: throw Problem(message: "\"id_location\" \(quoted(other)) is not payload, headers or querystring")
            }
            return .success(ExternalEvent(
                eventID: eventID, idLocation: location, body: body, contentType: contentType,
                orderingKey: try text(fields, "ordering_key"), deliveryID: try text(fields, "delivery_id")
            ))
        } catch let problem as Problem {
            return .failure(problem)
        } catch {
            return .failure(Problem(message: "\(error)"))
        }
    }

    /// A string field, nil when absent; an error when it is not a string, or (unless it `isBody`) too long or
    /// holding control characters, which could otherwise reach an HTTP header.
    private static func text(_ fields: [String: Any], _ key: String, isBody: Bool = false) throws -> String? {
        guard let value = fields[key] else { return nil }
        guard let string = value as? String else { throw Problem(message: "\(quoted(key)) is not a string") }
        if isBody { return string }
        guard string.utf8.count <= maxIDBytes else { throw Problem(message: "\(quoted(key)) is longer than \(maxIDBytes) bytes") }
        guard !string.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw Problem(message: "\(quoted(key)) holds control characters")
        }
        return string
    }

    private static func refusal(_ error: Any) -> Reading {
        guard let fields = error as? [String: Any], let reason = fields["reason"] as? String else {
            return .unusable("\"error\" must be an object with a \"reason\"")
        }
        if let unknown = fields.keys.sorted().first(where: { $0 != "reason" && $0 != "message" }) {
            return .unusable("unknown key \(quoted(unknown)) in \"error\"")
        }
        if let message = fields["message"], !(message is String) { return .unusable("\"error\".\"message\" is not a string") }
        let message = (fields["message"] as? String).map { String($0.prefix(500)) } ?? "the plugin refused the event"
        switch reason {
        case DeadLetterReason.noEventID.rawValue, DeadLetterReason.badPayload.rawValue:
            return .refused(MappingFailure(reason: reason, message: TextEscaping.printable(message)))
        default:
            return .unusable("error reason \(quoted(reason)) is not no_event_id or bad_payload")
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    private static func quoted(_ text: String) -> String {
        TextEscaping.quoted(text)
    }
}
