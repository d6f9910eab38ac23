import Hummingbird
import NIOCore
import SwitchboardCore

/// `GET /-/tap`: the events passing through, as server-sent events (`text/event-stream`), for `switchboard tap`.
///
/// The stream opens with the comment `: tap open` once the subscription is in place (every event after it is
/// seen), then carries one `data: {json}` per line of ``EventTap``, a `: heartbeat` comment every `heartbeat`,
/// and `data: {"stage":"dropped","count":N}` when a slow reader missed lines. Bodies only with `bodies=1`; headers
/// never (keys and signatures live there).
enum AdminTapStream {
    /// How often an idle stream says it is alive.
    static let heartbeat: Duration = .seconds(15)

    /// The filter in `?integration=NAME&route=PATH&bodies=1`.
    static func filter(_ request: Request) -> EventTap.Filter {
        let query = request.uri.queryParameters
        let integration = query["integration"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let route = query["route"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
        let bodies = query["bodies"].map { $0 == "1" || $0 == "true" } ?? false
        return EventTap.Filter(integration: integration, route: route, bodies: bodies)
    }

    /// The streaming response; it ends when the reader goes away or the tap closes (the listener shuts down).
    static func response(tap: EventTap, filter: EventTap.Filter) -> Response {
        let body = ResponseBody { writer in
            let subscription = tap.subscribe(filter)
            defer { subscription.cancel() }
            let beat = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: heartbeat)
                    subscription.heartbeat()
                }
            }
            defer { beat.cancel() }
            try await writer.write(ByteBuffer(string: ": tap open\n\n"))
            for await message in subscription.messages {
                switch message {
                case .entry(let entry):
                    try await writer.write(ByteBuffer(string: "data: " + entry.json(bodies: filter.bodies) + "\n\n"))
                case .heartbeat:
                    try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                }
                let dropped = subscription.takeDropped()
                if dropped > 0 {
                    try await writer.write(ByteBuffer(string: #"data: {"stage":"dropped","count":\#(dropped)}"# + "\n\n"))
                }
            }
            try await writer.finish(nil)
        }
        var response = Response(status: .ok, body: body)
        response.headers[.contentType] = "text/event-stream"
        response.headers[.cacheControl] = "no-store"
        response.headers[.xContentTypeOptions] = "nosniff"
        return response
    }
}
