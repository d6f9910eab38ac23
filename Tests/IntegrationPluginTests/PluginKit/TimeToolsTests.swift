import Testing
import SwitchboardCore

@Suite("PluginKit: timestamps and the replay window")
struct TimeToolsTests {
    @Test("Unix seconds, milliseconds and ISO 8601 times read as milliseconds since 1970")
    func parsing() {
        #expect(Timestamps.unixSeconds("1800000000") == 1_800_000_000_000)
        #expect(Timestamps.unixMillis("1800000000123") == 1_800_000_000_123)
        #expect(Timestamps.unixSeconds("-5") == nil)
        #expect(Timestamps.unixSeconds("12a") == nil)
        #expect(Timestamps.unixSeconds("99999999999999999999") == nil)
        #expect(Timestamps.iso8601("2027-01-15T08:00:00Z") == 1_800_000_000_000)
        #expect(Timestamps.iso8601("2027-01-15T08:00:00.25Z") == 1_800_000_000_250)
        #expect(Timestamps.iso8601("2027-01-15T10:00:00+02:00") == 1_800_000_000_000)
        #expect(Timestamps.iso8601("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamps.iso8601("2024-02-29T00:00:00Z") == 1_709_164_800_000)
        #expect(Timestamps.iso8601("2023-02-29T00:00:00Z") == nil)
        #expect(Timestamps.iso8601("2027-01-15 08:00") == nil)
        #expect(Timestamps.iso8601("2027-01-15T08:00:00") == nil)
        #expect(Timestamps.iso8601("2027-01-15T08:00:00Zjunk") == nil)
    }

    @Test("a signed time is accepted within the tolerance either way and refused beyond it, by the injected clock")
    func window() {
        let clock = ManualClock(startMillis: testNowMillis)
        let window = TimestampWindow(tolerance: .seconds(300), clock: clock)
        #expect(window.rejection(signedAtMillis: testNowMillis) == nil)
        #expect(window.rejection(signedAtMillis: testNowMillis - 300_000) == nil)
        #expect(window.rejection(signedAtMillis: testNowMillis + 300_000) == nil)
        #expect(window.rejection(signedAtMillis: testNowMillis - 300_001)?.contains("old") == true)
        #expect(window.rejection(signedAtMillis: testNowMillis + 300_001)?.contains("future") == true)
        #expect(window.rejection(signedAtMillis: .min) != nil)
    }
}
