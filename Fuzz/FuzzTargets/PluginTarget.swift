import SwitchboardCore

/// One plugin under fuzz: its configuration variants, built once from YAML through a registry of every plugin.
///
/// Properties, for every request: `verify`, `deliveryID`, `acknowledgement` and `map` return; every id `map`
/// gives is a valid external event id; a request the harness signed correctly is accepted; and `map` gives the same
/// result after the event went through the journal (credential headers dropped, `InboundEventCodec` round trip),
/// as it does after a restart.
struct PluginTarget: Sendable {
    /// One configuration of the plugin and how to sign a request for it.
    struct Variant: Sendable {
        /// The integration as the YAML builds it.
        var integration: any Integration
        /// Signs the request as the provider would; returns whether `verify` must then accept it.
        var sign: @Sendable (_ request: inout FuzzRequest, _ path: String) -> Bool
    }

    /// The plugin name, also the target name.
    var name: String
    /// The configurations, chosen by the request's variant bits.
    var variants: [Variant]

    /// Runs one request.
    func run(_ bytes: [UInt8]) {
        var request = FuzzRequest(bytes)
        let variant = variants[request.variant % variants.count]
        let path = "/hooks/\(name)"
        let mustAccept = request.signs && variant.sign(&request, path)
        let event = request.event(path: path, receivedAtMillis: PluginSecrets.nowMillis)
        let integration = variant.integration

        let verification = integration.verify(event)
        FuzzCheck.require(!mustAccept || verification == .accepted, "\(name): a correctly signed request was refused: \(verification)")
        _ = integration.deliveryID(for: event)
        _ = integration.acknowledgement(for: event)

        let live = MapOutcome(integration, event)
        if case .events(let events) = live {
            FuzzCheck.require(events.count <= PluginKit.maxBatchEvents, "\(name): \(events.count) events from one request")
            for summary in events { FuzzCheck.requireValidID(summary.eventID, "\(name) map") }
        }
        let metadata = InboundEventCodec.encodeMetadata(event.storable(for: integration))
        guard let restored = InboundEventCodec.decode(route: event.route, metadata: metadata, body: event.body, receivedAtMillis: event.receivedAtMillis) else {
            FuzzCheck.require(false, "\(name): the journal could not read back the metadata it wrote")
            return
        }
        let replayed = MapOutcome(integration, restored)
        FuzzCheck.require(replayed == live, "\(name): map after the journal round trip gave \(replayed), live gave \(live)")
    }
}
