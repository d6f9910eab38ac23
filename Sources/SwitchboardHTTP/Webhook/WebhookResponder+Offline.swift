import Hummingbird
import NIOCore
import SwitchboardCore

extension WebhookResponder {
    /// A request that cannot be put on the wire as given (a method or header name HTTP does not allow).
    public struct UnsendableRequest: Error, Sendable, CustomStringConvertible {
        /// What is wrong, for the person who wrote the request.
        public var description: String
    }

    /// The listener's answer to a request given as plain values, read exactly as one from a connection would be
    /// (route, method, limits, body, then the receiver): `switchboard test` answers its requests here, offline.
    ///
    /// `authority` travels as `Host`; `target` is the path and query as sent.
    public func answer(
        method: String, scheme: String, authority: String, target: String, headers: [Header], body: [UInt8]
    ) async throws(UnsendableRequest) -> WebhookReply {
        guard let method = HTTPRequest.Method(method) else {
            throw UnsendableRequest(description: "'\(TextEscaping.printable(method))' is not an HTTP method")
        }
        var fields = HTTPFields()
        for header in headers {
            guard let name = HTTPFields.Element.Name(header.name) else {
                throw UnsendableRequest(description: "'\(TextEscaping.printable(header.name))' is not a valid HTTP header name")
            }
            fields.append(.init(name: name, value: header.value))
        }
        let head = HTTPRequest(method: method, scheme: scheme, authority: authority, path: target, headerFields: fields)
        let response = await answer(Request(head: head, body: RequestBody(buffer: ByteBuffer(bytes: body))))
        let collector = CollectedBody()
        try? await response.body.write(collector)
        return WebhookReply(
            status: response.status.code,
            contentType: response.headers[.contentType] ?? "",
            body: collector.bytes,
            retryAfterSeconds: response.headers[.retryAfter].flatMap { Int($0) }
        )
    }
}

/// Gathers a response body in memory.
private final class CollectedBody: ResponseBodyWriter {
    var bytes: [UInt8] = []

    func write(_ buffer: ByteBuffer) async throws {
        bytes += buffer.readableBytesView
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
