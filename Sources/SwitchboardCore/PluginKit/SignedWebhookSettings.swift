/// The options every signed JSON webhook integration shares: `signing_secret`, `tolerance`, `event_id`, `body`
/// and `events`, read strictly in that order.
///
/// ```swift
/// guard let settings = SignedWebhookSettings.read(options, clock: clock, defaultEventID: Self.defaultEventID,
///                                                 allowedSources: Self.allowedSources) else { return nil }
/// ```
public struct SignedWebhookSettings: Sendable {
    /// The provider's signing secrets.
    public var secrets: SigningSecrets
    /// How far the signed timestamp may be from now.
    public var window: TimestampWindow
    /// Where the external event id is.
    public var eventID: EventIDSelector
    /// What is posted.
    public var body: BodySelector
    /// Which event types are passed on.
    public var events: EventTypeFilter

    /// Holds these settings.
    public init(secrets: SigningSecrets, window: TimestampWindow, eventID: EventIDSelector, body: BodySelector, events: EventTypeFilter) {
        self.secrets = secrets
        self.window = window
        self.eventID = eventID
        self.body = body
        self.events = events
    }

    /// Reads the five shared options; nil (with every issue reported) when any of them is wrong.
    /// `secretName` is what the provider calls its secret, for messages ("client secret").
    public static func read(
        _ options: ConfigReader,
        clock: any DeliveryClock,
        defaultEventID: EventIDSelector,
        allowedSources: [EventIDSelector.Source],
        secretName: String = "signing secret"
    ) -> SignedWebhookSettings? {
        let errorsBefore = options.diagnostics.errorCount
        let secrets = SigningSecrets.read(options, what: secretName)
        let window = TimestampWindow.read(options, clock: clock)
        let eventID = EventIDSelector.read(options, allowed: allowedSources, default: defaultEventID)
        let body = BodySelector.read(options)
        let events = EventTypeFilter.read(options)
        guard options.diagnostics.errorCount == errorsBefore, let secrets, let window, let eventID, let body, let events else { return nil }
        return SignedWebhookSettings(secrets: secrets, window: window, eventID: eventID, body: body, events: events)
    }
}
