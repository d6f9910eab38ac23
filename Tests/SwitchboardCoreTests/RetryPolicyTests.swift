import Testing
@testable import SwitchboardCore

@Suite("Retry policy and response classification")
struct RetryPolicyTests {
    @Test("backoff grows by the factor and stops at the cap")
    func ceilingGrowsAndCaps() {
        let policy = RetryPolicy(maxAttempts: 10, base: .milliseconds(100), factor: 2, cap: .seconds(1), deadline: .seconds(60))
        #expect(policy.ceiling(afterAttempt: 1) == .milliseconds(100))
        #expect(policy.ceiling(afterAttempt: 2) == .milliseconds(200))
        #expect(policy.ceiling(afterAttempt: 4) == .milliseconds(800))
        #expect(policy.ceiling(afterAttempt: 5) == .seconds(1))
        #expect(policy.ceiling(afterAttempt: 500) == .seconds(1))
    }

    @Test("full jitter stays within [0, ceiling]")
    func jitterWithinBounds() {
        let policy = RetryPolicy(base: .milliseconds(100), cap: .seconds(2))
        var random = SystemRandomNumberGenerator()
        for attempt in 1...12 {
            let wait = policy.backoff(afterAttempt: attempt, using: &random)
            #expect(wait >= .zero && wait <= policy.ceiling(afterAttempt: attempt))
        }
    }

    @Test("status codes map to delivered, retry, key problem or permanent", arguments: [
        (201, "delivered"), (200, "delivered"), (204, "delivered"),
        (500, "retry"), (502, "retry"), (503, "retry"), (429, "retry"), (408, "retry"), (425, "retry"),
        (401, "key"), (403, "key"),
        (400, "permanent"), (404, "permanent"), (410, "permanent"), (413, "permanent"), (415, "permanent"), (422, "permanent"), (302, "key"),
    ])
    func classification(status: Int, expected: String) {
        let verdict = AttemptVerdict.classify(status: status, retryAfterHeader: nil, nowMillis: 0)
        let label: String = switch verdict {
        case .delivered: "delivered"
        case .retry: "retry"
        case .keyRejected: "key"
        case .permanent: "permanent"
        }
        #expect(label == expected)
    }

    @Test("Retry-After is honoured on 429 and 503 only")
    func retryAfterOnlyWhereMeant() {
        #expect(AttemptVerdict.classify(status: 429, retryAfterHeader: "3", nowMillis: 0) == .retry(retryAfter: .seconds(3)))
        #expect(AttemptVerdict.classify(status: 503, retryAfterHeader: "4", nowMillis: 0) == .retry(retryAfter: .seconds(4)))
        #expect(AttemptVerdict.classify(status: 500, retryAfterHeader: "4", nowMillis: 0) == .retry(retryAfter: nil))
    }

    @Test("Retry-After accepts seconds and HTTP dates, and ignores garbage")
    func retryAfterParsing() {
        let now: Int64 = 1_800_000_000_000  // Fri, 15 Jan 2027 08:00:00 GMT
        #expect(RetryAfter.parse("120", nowMillis: now) == .seconds(120))
        #expect(RetryAfter.parse(" 2 ", nowMillis: now) == .seconds(2))
        #expect(RetryAfter.parse("Fri, 15 Jan 2027 08:01:30 GMT", nowMillis: now) == .seconds(90))
        #expect(RetryAfter.parse("Friday, 15-Jan-27 08:00:10 GMT", nowMillis: now) == .seconds(10))
        #expect(RetryAfter.parse("Thu, 14 Jan 2027 08:00:00 GMT", nowMillis: now) == .zero)
        #expect(RetryAfter.parse("soon", nowMillis: now) == nil)
        #expect(RetryAfter.parse("-5", nowMillis: now) == nil)
        #expect(RetryAfter.parse(nil, nowMillis: now) == nil)
        #expect(RetryAfter.parse("99999999999999999999", nowMillis: now) == RetryAfter.maximumWait)
    }

    @Test("no Retry-After value can trap: absurd dates and numbers are clamped to a day or unreadable")
    func retryAfterHostile() {
        let now: Int64 = 1_800_000_000_000
        #expect(RetryAfter.parse("Sun, 06 Nov 999999999 08:49:37 GMT", nowMillis: now) == nil)
        #expect(RetryAfter.parse("Sun, 06 Nov 9999 08:49:37 GMT", nowMillis: now) == RetryAfter.maximumWait)
        #expect(RetryAfter.parse("Sun, 99999999999999999999 Nov 2027 08:49:37 GMT", nowMillis: now) == nil)
        #expect(RetryAfter.parse("Sun, 06 Nov 2027 99999999999999999999:49:37 GMT", nowMillis: now) == nil)
        #expect(RetryAfter.parse("Sun, 06 Nov 1969 08:49:37 GMT", nowMillis: now) == nil)
        #expect(RetryAfter.parse("Sun, 06 Nov 10000 08:49:37 GMT", nowMillis: now) == nil)
        #expect(RetryAfter.parse("9223372036854775807", nowMillis: now) == RetryAfter.maximumWait)
        #expect(RetryAfter.parse("86401", nowMillis: now) == RetryAfter.maximumWait)
        #expect(RetryAfter.parse(String(repeating: "9", count: 10_000), nowMillis: now) == nil)
        #expect(RetryAfter.parse("Fri, 15 Jan 2027 08:01:30 GMT", nowMillis: .max) == .zero)
        #expect(RetryAfter.parse("Fri, 15 Jan 2027 08:01:30 GMT", nowMillis: .min) == RetryAfter.maximumWait)
        #expect(Duration.seconds(Int64.max).milliseconds == .max)
        #expect(Duration.seconds(Int64.min).milliseconds == .min)
    }
}
