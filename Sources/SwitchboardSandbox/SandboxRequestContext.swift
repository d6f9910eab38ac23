import Hummingbird

/// The per-request context: Hummingbird's core storage plus a way to drop the connection, for faults.
struct SandboxRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    var coreContext: CoreRequestContextStorage
    /// Closes the connection the request arrived on.
    private let closeConnection: @Sendable () async -> Void

    init(source: ApplicationRequestContextSource) {
        self.coreContext = CoreRequestContextStorage(source: source)
        self.closeConnection = { [channel = source.channel] in
            try? await channel.close()
        }
    }

    /// Closes the connection the request arrived on, without answering.
    func dropConnection() async {
        await closeConnection()
    }
}
