import Foundation
import Hummingbird

/// What `POST /sandbox/conversations` and `.../external-event-ids` accept, as JSON or query parameters.
private struct MintRequest: Decodable {
    var accountID: String?
    var projectID: String?
    var sendToLLM: Bool?

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id"
        case projectID = "project_id"
        case sendToLLM = "send_to_llm"
    }
}

extension SandboxResponder {
    /// `POST /sandbox/conversations`: starts a conversation and mints its first id (`201`).
    func startConversation(_ request: Request) async -> Response {
        let mint: MintRequest
        switch await readMintRequest(request) {
        case .success(let value): mint = value
        case .failure(let refusal): return Self.refusal(refusal)
        }
        let minted = store.startConversation(
            accountID: mint.accountID, projectID: mint.projectID, sendToLLM: mint.sendToLLM ?? true, now: now())
        return Self.json(MintedView(minted), status: .created)
    }

    /// `POST /sandbox/conversations/{id}/external-event-ids`: mints another id for a conversation (`201`).
    func mintID(conversationID: String, request: Request) async -> Response {
        let mint: MintRequest
        switch await readMintRequest(request) {
        case .success(let value): mint = value
        case .failure(let refusal): return Self.refusal(refusal)
        }
        guard let minted = store.mintID(conversationID: conversationID, sendToLLM: mint.sendToLLM, now: now()) else {
            return Self.notFound("No such conversation: \(conversationID)")
        }
        return Self.json(MintedView(minted), status: .created)
    }

    /// `PUT /sandbox/faults`: replaces the faults in force; `{}` clears them.
    func replaceFaults(_ request: Request) async -> Response {
        let body: ByteBuffer
        switch await readControlBody(request) {
        case .success(let value): body = value
        case .failure(let refusal): return Self.refusal(refusal)
        }
        let newFaults: SandboxFaults
        do {
            newFaults = try JSONDecoder().decode(SandboxFaults.self, from: Data(body.readableBytesView))
        } catch {
            return Self.refusal(status: .badRequest, message: "Invalid faults: \(JSONText.describe(error))")
        }
        if let problem = newFaults.problem() {
            return Self.refusal(status: .badRequest, message: "Invalid faults: \(problem)")
        }
        faults.replace(with: newFaults)
        logger.notice(
            "sandbox faults changed",
            metadata: [
                "sandbox.error_rate": "\(newFaults.errorRate)", "sandbox.throttle_rate": "\(newFaults.throttleRate)",
                "sandbox.drop_rate": "\(newFaults.dropRate)", "sandbox.latency_ms": "\(newFaults.latencyMilliseconds)",
            ])
        return Self.json(newFaults)
    }

    /// `GET /`: the HTML page of conversations and their events.
    func conversationPage() -> Response {
        let recent = store.recentConversations(
            limit: ConversationPage.maxConversations, eventsEach: ConversationPage.maxEvents)
        let html = ConversationPage.render(
            conversations: recent.conversations, total: recent.total, counters: store.counters(),
            faults: faults.faults)
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html))
        )
    }

    /// Reads a mint request from a JSON body (optional) and query parameters (which win).
    private func readMintRequest(_ request: Request) async -> Result<MintRequest, WebhookRejection> {
        let body: ByteBuffer
        switch await readControlBody(request) {
        case .success(let value): body = value
        case .failure(let refusal): return .failure(refusal)
        }
        var mint = MintRequest()
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        if !text.allSatisfy(\.isWhitespace) {
            do {
                mint = try JSONDecoder().decode(MintRequest.self, from: Data(text.utf8))
            } catch {
                return .failure(WebhookRejection(status: .badRequest, message: "Invalid request: \(JSONText.describe(error))"))
            }
        }
        for (name, value) in FormFields.all(in: Substring(request.uri.query ?? "")) {
            switch name {
            case "account_id": mint.accountID = value
            case "project_id": mint.projectID = value
            case "send_to_llm":
                guard let flag = Bool(value.lowercased()) else {
                    return .failure(.invalidParameter("send_to_llm", "expected true or false"))
                }
                mint.sendToLLM = flag
            default: break
            }
        }
        if mint.accountID?.isEmpty == true {
            mint.accountID = nil
        }
        if mint.projectID?.isEmpty == true {
            mint.projectID = nil
        }
        return .success(mint)
    }

    /// Reads the small body of a `/sandbox/...` request.
    private func readControlBody(_ request: Request) async -> Result<ByteBuffer, WebhookRejection> {
        var body = ByteBuffer()
        do {
            for try await chunk in request.body {
                guard body.readableBytes + chunk.readableBytes <= Self.maxControlBodyBytes else {
                    return .failure(.bodyTooLarge(limit: Self.maxControlBodyBytes))
                }
                body.writeImmutableBuffer(chunk)
            }
        } catch {
            return .failure(WebhookRejection(status: .badRequest, message: "The request body could not be read"))
        }
        return .success(body)
    }
}
