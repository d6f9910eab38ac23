import Foundation
import Hummingbird
import Logging

/// Answers every request the sandbox receives: the External Events endpoint, the `/sandbox/...`
/// endpoints to mint ids, inspect and set faults, and the HTML page at `/`.
///
/// Every answer carries `X-PolyAI-Correlation-Id`, whatever its status.
struct SandboxResponder: HTTPResponder {
    typealias Context = SandboxRequestContext

    let keyring: SandboxKeyring
    let store: ConversationStore
    let faults: FaultInjector
    let maxBodyBytes: Int
    let now: @Sendable () -> Date
    let logger: Logger

    /// The path of PolyAI's External Events endpoint.
    static let webhookPath = "/v1/external-events/webhook"
    /// Largest body accepted by the `/sandbox/...` endpoints.
    static let maxControlBodyBytes = 64 * 1024

    func respond(to request: Request, context: Context) async throws -> Response {
        var response: Response
        do {
            response = try await route(request, context: context)
        } catch {
            logger.error("sandbox request failed", metadata: ["sandbox.error": "\(String(describing: type(of: error)))"])
            response = Self.refusal(.serverError)
        }
        response.headers[.polyAICorrelationID] = UUID().uuidString.lowercased()
        return response
    }

    private func route(_ request: Request, context: Context) async throws -> Response {
        var path = request.uri.path
        if path.count > 1, path.hasSuffix("/") {
            path.removeLast()
        }
        switch path {
        case Self.webhookPath:
            guard request.method == .post else {
                return Self.methodNotAllowed(allow: "POST")
            }
            return await webhook(request, context: context)
        case "/":
            guard request.method == .get || request.method == .head else {
                return Self.methodNotAllowed(allow: "GET")
            }
            return conversationPage()
        case "/sandbox/conversations":
            switch request.method {
            case .get: return Self.json(store.conversations())
            case .post: return await startConversation(request)
            case .delete:
                store.removeConversations()
                return Response(status: .noContent)
            default: return Self.methodNotAllowed(allow: "GET, POST, DELETE")
            }
        case "/sandbox/requests":
            switch request.method {
            case .get: return Self.json(store.counters())
            case .delete:
                store.resetCounters()
                return Response(status: .noContent)
            default: return Self.methodNotAllowed(allow: "GET, DELETE")
            }
        case "/sandbox/faults":
            switch request.method {
            case .get: return Self.json(faults.faults)
            case .put: return await replaceFaults(request)
            default: return Self.methodNotAllowed(allow: "GET, PUT")
            }
        default:
            return await conversationRoute(path: path, request: request)
        }
    }

    /// `/sandbox/conversations/{id}` and `/sandbox/conversations/{id}/external-event-ids`.
    private func conversationRoute(path: String, request: Request) async -> Response {
        let prefix = "/sandbox/conversations/"
        guard path.hasPrefix(prefix) else {
            return Self.notFound("No such endpoint: \(request.method) \(path)")
        }
        let parts = path.dropFirst(prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        let conversationID = FormFields.decode(parts[0])
        switch parts.count {
        case 1:
            guard request.method == .get else {
                return Self.methodNotAllowed(allow: "GET")
            }
            guard let conversation = store.conversation(id: conversationID) else {
                return Self.notFound("No such conversation: \(conversationID)")
            }
            return Self.json(conversation)
        case 2 where parts[1] == "external-event-ids":
            guard request.method == .post else {
                return Self.methodNotAllowed(allow: "POST")
            }
            return await mintID(conversationID: conversationID, request: request)
        default:
            return Self.notFound("No such endpoint: \(request.method) \(path)")
        }
    }

    // MARK: Answers

    /// A refusal with PolyAI's `{"error_message": ...}` body.
    static func refusal(_ rejection: WebhookRejection) -> Response {
        refusal(status: rejection.status, message: rejection.message)
    }

    static func refusal(status: HTTPResponse.Status, message: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: JSONText.errorBody(message)))
        )
    }

    static func notFound(_ message: String) -> Response {
        refusal(status: .notFound, message: message)
    }

    static func methodNotAllowed(allow: String) -> Response {
        var response = refusal(status: .methodNotAllowed, message: "Method not allowed; use \(allow)")
        response.headers[.allow] = allow
        return response
    }

    /// A JSON answer with status `status`.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        do {
            let data = try JSONText.encoder().encode(value)
            return Response(
                status: status,
                headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
            )
        } catch {
            return refusal(.serverError)
        }
    }
}

/// The name type of header fields (`HTTPField.Name`), reached through the `HTTPFields` that Hummingbird exports.
typealias HeaderName = HTTPFields.Element.Name

extension HeaderName {
    /// PolyAI's correlation id header, present on every answer.
    static let polyAICorrelationID = HeaderName("X-PolyAI-Correlation-Id")!
    /// The header carrying the API key (matched case-insensitively).
    static let apiKey = HeaderName("X-Api-Key")!
}
