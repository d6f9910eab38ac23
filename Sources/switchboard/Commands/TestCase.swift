import SwitchboardCore

/// One test of a test file: a request or Kafka message, and what Switchboard should make of it.
struct TestCase {
    /// The test's name, as printed.
    var name: String
    /// What is sent.
    var request: TestRequest
    /// What should come of it.
    var expectation: TestExpectation

    /// Reads one element of `tests:`; nil (with issues) when it is wrong.
    static func read(_ node: ConfigNode, _ context: TestFile.Context) -> TestCase? {
        let diagnostics = context.diagnostics
        let errorsBefore = diagnostics.errorCount
        let reader = ConfigReader(node: node, diagnostics: diagnostics)
        let name = reader.string("name", required: true)
        let request = reader.value("request", required: true).flatMap { TestRequest.read($0, context) }
        let expectation = reader.value("expect", required: true).flatMap { TestExpectation.read($0, context) }
        reader.finish()
        if case .kafka = request, let expectation, expectation.reply != nil, let node = reader.child("expect") {
            diagnostics.error("reply: is for webhook requests; a Kafka message gets no reply", at: node)
        }
        guard diagnostics.errorCount == errorsBefore, let name, let request, let expectation else { return nil }
        return TestCase(name: name, request: request, expectation: expectation)
    }
}
