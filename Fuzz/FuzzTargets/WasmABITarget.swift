import Foundation
import SwitchboardCore
import WasmABI

/// The Wasm plugin ABI's JSON: what a module answers (`sb_map`'s output) and what the host writes for it (the input).
enum WasmABITarget {
    /// First byte even: the bytes as `sb_map` output, which either reads as events that are safe to send or is
    /// refused with a reason. Odd: the bytes as a webhook body and header value, whose input is JSON that gives the
    /// body back exactly.
    @Sendable static func run(_ bytes: [UInt8]) {
        guard let mode = bytes.first else { return }
        let rest = Array(bytes.dropFirst())
        if mode % 2 == 0 {
            output(rest)
        } else {
            input(rest)
        }
    }

    private static func output(_ bytes: [UInt8]) {
        switch WasmMapOutput.read(bytes) {
        case .events(let events):
            FuzzCheck.require(events.count <= WasmMapOutput.maxEvents, "wasm-abi: more events than the limit were read")
            for event in events {
                FuzzCheck.require(!event.eventID.isEmpty && event.eventID.utf8.count <= WasmMapOutput.maxIDBytes, "wasm-abi: an empty or overlong event id was read")
                for text in [event.eventID, event.contentType, event.idLocation.path] + [event.orderingKey, event.deliveryID].compactMap({ $0 }) {
                    FuzzCheck.require(!text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "wasm-abi: a control character would reach a header or query")
                }
            }
        case .refused(let failure):
            FuzzCheck.require(["no_event_id", "bad_payload"].contains(failure.reason), "wasm-abi: a refusal with another reason was read")
        case .unusable(let problem):
            FuzzCheck.require(!problem.isEmpty, "wasm-abi: an unusable output without a reason")
        }
    }

    private static func input(_ bytes: [UInt8]) {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        let event = InboundEvent(
            source: .webhook(path: "/hooks/fuzz"), route: "/hooks/fuzz", headers: [Header("X-Fuzz", text)], query: [Header(text, text)],
            body: bytes, receivedAtMillis: 0, requestURL: "http://127.0.0.1/hooks/fuzz"
        )
        let json = WasmEventInput.encode(event, publicURL: PublicURL())
        guard let document = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            FuzzCheck.require(false, "wasm-abi: the input is not a JSON object")
            return
        }
        let encoded = document["body_base64"] as? String
        FuzzCheck.require(encoded.flatMap { Data(base64Encoded: $0) }.map(Array.init) == bytes, "wasm-abi: body_base64 does not give the body back")
        FuzzCheck.require((document["body"] != nil) == WasmEventInput.isUTF8(bytes), "wasm-abi: body present for a body that is not UTF-8, or missing for one that is")
        if let body = document["body"] as? String { FuzzCheck.require(Array(body.utf8) == bytes, "wasm-abi: body does not give the body back") }
        FuzzCheck.require(((document["headers"] as? [[String]])?.first?.last) == text, "wasm-abi: a header value did not survive")
    }
}
