import Foundation
import Hummingbird

extension SandboxResponder {
    /// `POST /v1/external-events/webhook`: faults first, then the checks PolyAI makes, then the event is stored.
    func webhook(_ request: Request, context: Context) async -> Response {
        let (decision, latency) = faults.decide()
        if latency > 0 {
            try? await Task.sleep(for: .milliseconds(latency))
        }
        switch decision {
        case .none:
            break
        case .drop:
            store.countDrop()
            await context.dropConnection()
            // The connection is closed: this answer is never written.
            return Response(status: .internalServerError)
        case .serverError:
            store.countRefusal(status: 500)
            return Self.refusal(.serverError)
        case .throttle(let retryAfter):
            store.countRefusal(status: 429)
            var response = Self.refusal(.throttled)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }
        do {
            try await accept(request)
            return Response(status: .created)
        } catch {
            store.countRefusal(status: Int(error.status.code))
            return Self.refusal(error)
        }
    }

    /// Runs PolyAI's checks in order and stores the event; throws the first refusal.
    private func accept(_ request: Request) async throws(WebhookRejection) {
        let now = now()
        let key = try keyring.authenticate(request.headers[.apiKey], now: now).get()
        let query = try WebhookQuery.parse(request.uri.query).get()
        if let refusal = SandboxKeyring.authorize(key, accountID: query.accountID, projectID: query.projectID) {
            throw refusal
        }
        guard let contentType = request.headers[.contentType] else {
            throw .missingContentType
        }
        guard let kind = ContentKind(contentType: contentType) else {
            throw .unsupportedContentType(String(ContentKind.mediaType(of: contentType).prefix(100)))
        }
        let data = try await readBody(request)
        guard let eventID = eventID(in: request, query: query, kind: kind, data: data), !eventID.isEmpty else {
            throw .idNotFound
        }
        if let refusal = store.accept(
            eventID: eventID, accountID: query.accountID, projectID: query.projectID, data: data,
            contentType: contentType, now: now)
        {
            throw refusal
        }
    }

    /// Reads the body as text, refusing more than `maxBodyBytes`.
    private func readBody(_ request: Request) async throws(WebhookRejection) -> String {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
            throw .bodyTooLarge(limit: maxBodyBytes)
        }
        var body: ByteBuffer?
        var total = 0
        do {
            for try await chunk in request.body {
                total += chunk.readableBytes
                guard total <= maxBodyBytes else {
                    throw WebhookRejection.bodyTooLarge(limit: maxBodyBytes)
                }
                if body == nil {
                    body = chunk
                } else {
                    body?.writeImmutableBuffer(chunk)
                }
            }
        } catch let rejection as WebhookRejection {
            throw rejection
        } catch {
            throw WebhookRejection(status: .badRequest, message: "The request body could not be read")
        }
        guard let body else {
            return ""
        }
        return String(decoding: body.readableBytesView, as: UTF8.self)
    }

    /// The external event id at the place the query names, or nil.
    private func eventID(in request: Request, query: WebhookQuery, kind: ContentKind, data: String) -> String? {
        switch query.location {
        case .headers:
            guard let name = HeaderName(query.path) else {
                return nil
            }
            return request.headers[name]?.trimmingCharacters(in: .whitespaces)
        case .querystring:
            return FormFields.value(named: query.path, in: query.rawQuery)
        case .payload:
            let segments = query.path.split(separator: ".", omittingEmptySubsequences: false)
            switch kind {
            case .json:
                return JSONPathFinder.value(at: segments, in: data)
            case .form:
                return FormFields.value(named: query.path, in: Substring(data))
            case .xml:
                return XMLPathFinder.value(at: segments, in: data, maxBytes: maxBodyBytes)
            case .text:
                // Plain text has no structure of its own: read it as JSON when it looks like JSON, else as a form.
                let start = data.first { !$0.isWhitespace }
                if start == "{" || start == "[" {
                    return JSONPathFinder.value(at: segments, in: data)
                }
                return FormFields.value(named: query.path, in: Substring(data))
            }
        }
    }
}
