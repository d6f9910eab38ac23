@testable import SwitchboardKafka
import Testing

@Suite("Secret option values never leak through librdkafka's messages")
struct RdKafkaConfTests {
    @Test("values of password, secret and key options are masked in any librdkafka text")
    func secretValuesAreMasked() throws {
        let conf = try RdKafkaConf(settings: [
            ("sasl.password", "hunter2-password"),
            ("ssl.key.password", "hunter2-keypass"),
            ("client.id", "bridge-visible"),
        ])
        let text = conf.redact("login failed for hunter2-password / hunter2-keypass as bridge-visible")
        #expect(text == "login failed for **** / **** as bridge-visible")
    }
}
