import SwitchboardCore

/// What a test expects of its request: any of the External Events it becomes, the reply, the dead letter reason.
struct TestExpectation {
    /// The External Events, in order (exactly these many); nil when not checked.
    var events: [ExpectedEvent]?
    /// The HTTP status the listener answers; nil when not checked.
    var reply: Int?
    /// The dead letter reason (`no_event_id`); nil when not checked.
    var deadLetter: String?

    /// Reads a test's `expect:`; nil (with issues) when it is wrong.
    static func read(_ node: ConfigNode, _ context: TestFile.Context) -> TestExpectation? {
        let diagnostics = context.diagnostics
        let errorsBefore = diagnostics.errorCount
        let reader = ConfigReader(node: node, diagnostics: diagnostics)
        defer { reader.finish() }
        var expectation = TestExpectation()
        if let list = reader.list("events") {
            expectation.events = list.compactMap { ExpectedEvent.read($0, context) }
        }
        expectation.reply = reader.int("reply", range: 100...599)
        expectation.deadLetter = reader.string("dead_letter")
        guard diagnostics.errorCount == errorsBefore else { return nil }
        if expectation.events == nil, expectation.reply == nil, expectation.deadLetter == nil {
            diagnostics.error("expected at least one of events, reply, dead_letter", at: node)
            return nil
        }
        return expectation
    }
}
