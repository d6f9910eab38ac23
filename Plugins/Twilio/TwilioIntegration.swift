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

    /// Checks the HMAC-SHA1 over the signed URL and sorted parameters (or `bodySHA256` for JSON).
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
        let isJSON = BodyKind(mediaType: event.mediaType) == .json
        let parameters = isJSON ? [] : FormBody.parse(event.body)
        let matched = TwilioSignature.signedTexts(url: url, parameters: parameters).contains { text in
            secrets.matches(message: text, signatures: [given], digest: .sha1)
        }
        guard matched else {
            return .rejected(reason: "Twilio signature matches none of the \(secrets.count) auth token(s) for the signed URL (check options.public_url)")
        }
        if isJSON {
            guard let declared = TwilioSignature.bodySHA256(in: url), let expected = SignatureText.hex(declared) else {
                return .rejected(reason: "JSON body without a bodySHA256 query parameter")
            }
            guard ConstantTime.equals(HMACDigest.sha256(event.body), expected) else {
                return .rejected(reason: "body does not match its signed bodySHA256")
            }
        }
        return .accepted
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
            deliveryID: Self.deliveryID(form)
        )]
    }

    /// Empty TwiML, so Twilio sends no reply message.
    public func acknowledgement(for event: InboundEvent) -> WebhookReply? {
        WebhookReply(status: 200, contentType: "text/xml", body: Array(Self.emptyTwiML.utf8))
    }

    /// The `MessageSid`, with the `MessageStatus` when present: each status callback of a message is its own
    /// delivery, while a re-sent callback repeats both.
    public func deliveryID(for event: InboundEvent) -> String? {
        Self.deliveryID(FormBody.parse(event.body))
    }

    static func deliveryID(_ form: [Header]) -> String? {
        guard let sid = form.first(exactly: "MessageSid") ?? form.first(exactly: "SmsSid"), !sid.isEmpty else { return nil }
        guard let status = form.first(exactly: "MessageStatus") ?? form.first(exactly: "SmsStatus"), !status.isEmpty else { return sid }
        return sid + ":" + status
    }
}
