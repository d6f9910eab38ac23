import Foundation

/// Reads PolyAI's error body `{"error_message": "…"}`.
public enum PolyAIErrorBody {
    /// The `error_message`, or the start of a non-JSON body; nil for an empty body. Cut to 500 characters.
    public static func message(from body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        if body.count <= 64 << 10, JSONBody.depthWithinLimit(body, limit: 16),
           let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
           let message = object["error_message"] as? String {
            return String(message.prefix(500))
        }
        return String(decoding: body.prefix(500), as: UTF8.self)
    }
}
