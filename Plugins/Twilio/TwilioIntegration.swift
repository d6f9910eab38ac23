import SwitchboardCore

/// Twilio messaging webhooks into live conversations: verifies `X-Twilio-Signature`, answers with empty TwiML,
/// and takes the id from the webhook URL's `cid` query parameter (a status callback URL the agent set when it sent
/// the SMS), a form field, or the message text.
///
/// ```yaml
/// plugin: twilio
/// options:
///   signing_secret: "${TWILIO_AUTH_TOKEN}"       # the account's auth token; a list during rotation
///   public_url: https://hooks.example.com/hooks/twilio   # when behind a proxy: the URL Twilio calls
///   event_id: { from: form, path: Body, pattern: 'REF-([A-Z0-9]+)' }   # default: { from: query, path: cid }
///   body: { fields: [From, Body, MessageStatus] }
/// ```
public struct TwilioIntegration: Integration {
    /// Where the id is by default: the `cid` query parameter of the webhook URL.
    public static let defaultEventID = EventIDSelector(source: .query, path: "cid")
    /// The sources `event_id.from` may name.
    public static let allowedSources: [EventIDSelector.Source] = [.query, .form, .header]
    /// The signature header.
    public static let signatureHeader = "X-Twilio-Signature"
    /// The reply Twilio expects from a messaging webhook: TwiML that sends nothing back.
    public static let emptyTwiML = #"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#

    /// The auth tokens.
    public var secrets: SigningSecrets
    /// Where the external event id is.
    public var eventID: EventIDSelector
    /// What is posted: the form as received, or selected form fields.
    public var body: BodySelector
    /// The URL Twilio signs.
    public var publicURL: PublicURL

    /// Makes the integration.
    public init(
        secrets: SigningSecrets,
        eventID: EventIDSelector = TwilioIntegration.defaultEventID,
        body: BodySelector = .passthrough,
        publicURL: PublicURL = PublicURL()
    ) {
        self.secrets = secrets
        self.eventID = eventID
        self.body = body
        self.publicURL = publicURL
    }

    /// Reads the `options:` block strictly; nil (with issues reported) when it is wrong.
    public init?(options: ConfigReader) {
        let errorsBefore = options.diagnostics.errorCount
        let secrets = SigningSecrets.read(options, what: "auth token")
        let eventID = EventIDSelector.read(options, allowed: Self.allowedSources, default: Self.defaultEventID)
        let body = BodySelector.read(options)
        let publicURL = PublicURL.read(options)
        guard options.diagnostics.errorCount == errorsBefore, let secrets, let eventID, let body, let publicURL else { return nil }
        self.init(secrets: secrets, eventID: eventID, body: body, publicURL: publicURL)
    }

    /// Registers `twilio` in a plugin registry (Twilio signs no timestamp, so no clock is needed).
    public static func register(in registry: inout IntegrationRegistry) {
        registry.register("twilio") { options, _ in TwilioIntegration(options: options) }
    }

    /// Checks the HMAC-SHA1 over the signed URL and its sorted form parameters. When the signed URL carries
    /// `bodySHA256` (Twilio's JSON webhooks), only the URL is signed and the body must hash to it — whatever
    /// Content-Type the caller claims.
    public func verify(_ event: InboundEvent) -> Verification {
        guard let signature = event.headers.first(named: Self.signatureHeader) else {
            return .rejected(reason: "missing \(Self.signatureHeader) header")
        }
        guard let given = SignatureText.base64(signature), !given.isEmpty else {
            return .rejected(reason: "\(Self.signatureHeader) is not base64")
        }
        guard let url = publicURL.signedURL(for: event) else {
            return .rejected(reason: "the request URL is unknown (no Host header); set options.public_url")
        }
        let declaredHash = TwilioSignature.bodySHA256(in: url)
        let matched = TwilioSignature.signedTexts(url: url, parameters: signedParameters(event, url: url)).contains { text in
            secrets.matches(message: text, signatures: [given], digest: .sha1)
        }
        guard matched else {
            return .rejected(reason: "Twilio signature matches none of the \(secrets.count) auth token(s) for the signed URL (check options.public_url)")
        }
        if let declaredHash {
            guard let expected = SignatureText.hex(declaredHash), ConstantTime.equals(HMACDigest.sha256(event.body), expected) else {
                return .rejected(reason: "body does not match the bodySHA256 of its signed URL")
            }
        }
        return .accepted
    }

    /// The POST parameters Twilio signed: none when the URL carries `bodySHA256`, otherwise the form body.
    func signedParameters(_ event: InboundEvent, url: String) -> [Header] {
        TwilioSignature.bodySHA256(in: url) == nil ? FormBody.parse(event.body) : []
    }

    /// One External Event per request: the form as received or the selected fields.
    public func map(_ event: InboundEvent) throws(MappingFailure) -> [ExternalEvent] {
        try PluginKit.checkSize(event.body)
        let form = FormBody.parse(event.body)
        let id = try eventID.eventID(in: event, form: form)
        let outgoing = body.outboundForm(for: event, pairs: form)
        return [ExternalEvent(
            eventID: id,
            idLocation: eventID.location(posting: body, from: .form),
            body: outgoing.body,
            contentType: outgoing.contentType,
            deliveryID: deliveryID(for: event)
        )]
    }

    /// Empty TwiML, so Twilio sends no reply message.
    public func acknowledgement(for event: InboundEvent) -> WebhookReply? {
        WebhookReply(status: 200, contentType: "text/xml", body: Array(Self.emptyTwiML.utf8))
    }

    /// A fingerprint of exactly what Twilio signed (the URL and the sorted parameters, or the URL with its
    /// `bodySHA256`): a re-sent callback repeats it, and no unsigned detail of the request can change it. Moving a
    /// boundary between a name and a value leaves the signed text, and so the identity, the same.
    public func deliveryID(for event: InboundEvent) -> String? {
        guard let url = publicURL.signedURL(for: event) else { return nil }
        let signed = TwilioSignature.signedTexts(url: url, parameters: signedParameters(event, url: url))
        return signed.first.map { PluginKit.fingerprint("twilio", of: $0) }
    }
}

extension TwilioIntegration {
    /// The signature headers `verify(_:)` reads: never written to the journal or a dead letter.
    public var credentialHeaders: [String] { [Self.signatureHeader] }
}
