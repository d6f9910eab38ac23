import Foundation
import Glibc
import Spawn

/// Debian's `chromium` in headless mode, for tests that look at a page as a person would: it loads the URL, runs
/// the page's scripts (its fetches included) for a budget of virtual time, and prints the DOM as it then stands.
///
/// Each load gets a fresh `--user-data-dir` (no cookies carried between loads) and runs in a session of its own
/// (`setsid`), so every process Chromium starts is killed with it at the end, whatever happened.
enum HeadlessChromium {
    /// Where Debian installs it (`scripts/install-deps.sh` does).
    static let candidates = ["/usr/bin/chromium", "/usr/lib/chromium/chromium", "/usr/bin/chromium-browser"]

    /// The browser, or a failure that says how to install it (a missing browser fails the test, never skips it).
    static func executable() throws -> String {
        guard let path = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw TestFailure(
                "headless Chromium is needed for the status page test and is not installed: run scripts/install-deps.sh "
                    + "(it installs Debian's chromium package), or apt-get install chromium"
            )
        }
        return path
    }

    /// The DOM of `url` after its scripts ran for `budgetMillis` of virtual time.
    static func dumpDOM(_ url: String, budgetMillis: Int = 5000) async throws -> String {
        let browser = try executable()
        let profile = NSTemporaryDirectory() + "switchboard-chromium-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: profile, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let arguments = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking", "--disable-sync",
            "--no-proxy-server", "--user-data-dir=\(profile)", "--virtual-time-budget=\(budgetMillis)", "--dump-dom", url,
        ]
        // Waiting blocks, so it runs on a thread of its own, never on one of the few cooperative threads the admin
        // listener needs to answer the page's requests.
        let (termination, output, errors) = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = try SpawnedProcess(
                        executable: "/usr/bin/setsid", arguments: arguments,
                        environment: .inherited(overriding: ["HOME": profile]), output: .separate
                    )
                    let deadline = ContinuousClock.now + .seconds(90)
                    while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
                    let timedOut = process.isRunning
                    // setsid made the browser the leader of its own process group: end every process of it.
                    kill(-process.processIdentifier, SIGKILL)
                    let gone = ContinuousClock.now + .seconds(10)
                    while kill(-process.processIdentifier, 0) == 0, ContinuousClock.now < gone { usleep(10_000) }
                    let termination = process.waitUntilExit()
                    if timedOut { throw TestFailure("chromium did not finish loading \(url) within 90 s") }
                    return (termination, process.standardOutput, process.standardError)
                })
            }
        }
        let dom = String(decoding: output, as: UTF8.self)
        guard termination == .exited(0), dom.contains("</html>") else {
            throw TestFailure("chromium ended with \(termination) and printed no page: \(String(decoding: errors.suffix(2000), as: UTF8.self))")
        }
        return dom
    }
}
