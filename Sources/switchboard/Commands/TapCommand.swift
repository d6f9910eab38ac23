import ArgumentParser
import Foundation
import SwitchboardCore

/// `switchboard tap`: one line per event stage as events pass a running Switchboard (`GET /-/tap` on its admin
/// listener), for "where did my event go?".
struct TapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tap",
        abstract: "Follow events as they pass a running switchboard: received, mapped, each attempt, delivered or dead-lettered.",
        discussion: """
            One line per stage: time, integration, route, external event id, stage, e.g.
              2026-12-02T01:02:03.456Z bookings /hooks/bookings evt_123 attempt 2 503 41ms
            Bodies only with --bodies; headers (keys, signatures) never. Ctrl-C stops (exit 0); exit 1 when the admin
            listener cannot be reached or refuses the token.
            """
    )

    @Option(help: "The admin listener (admin: in the configuration), HOST:PORT.")
    var admin: String = "127.0.0.1:9090"

    @Option(help: "The admin token (admin.token), when the listener has one.")
    var token: String?

    @Option(help: "Only this integration's events.")
    var integration: String?

    @Option(help: "Only this route's events: its name as in the logs (webhook:/hooks/bookings), or a webhook path or topic.")
    var route: String?

    @Flag(help: "Include bodies (the inbound body when received, the External Event's body when mapped).")
    var bodies = false

    @Flag(help: "Print the stream's JSON objects as they come, one a line.")
    var json = false

    func run() throws {
        var stderr = StandardError()
        guard let address = HostPort.parse(admin), address.port > 0 else {
            stderr.write("switchboard tap: --admin expects HOST:PORT, such as 127.0.0.1:9090\n")
            throw ExitCode(1)
        }
        if let token, token.isEmpty || token.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) {
            stderr.write("switchboard tap: --token cannot be empty or hold spaces or control characters\n")
            throw ExitCode(1)
        }
        // Ctrl-C is how a tap ends: exit 0 (every line printed so far was already flushed).
        signal(SIGINT) { _ in _exit(0) }
        do throws(TapConnection.Failure) {
            let connection = try TapConnection(address: address, target: target, token: token)
            let chunked = try connection.readHead()
            try connection.readEvents(chunked: chunked, opened: {
                FileHandle.standardError.write(Data("switchboard tap: following events at \(address) (Ctrl-C stops)\n".utf8))
            }) { payload in
                let line = json ? TapLine.raw(payload) : TapLine.format(payload)
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
            stderr.write("switchboard tap: the admin listener closed the stream (it stopped or reloaded)\n")
        } catch {
            stderr.write("switchboard tap: \(error.message)\n")
        }
        throw ExitCode(1)
    }

    /// `/-/tap` with the filters, percent-encoded.
    private var target: String {
        var query: [String] = []
        if let integration { query.append("integration=" + Self.encoded(integration)) }
        if let route { query.append("route=" + Self.encoded(route)) }
        if bodies { query.append("bodies=1") }
        return "/-/tap" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
    }

    /// Every byte but unreserved ones (`A–Z a–z 0–9 - . _ ~`) and `/` as `%XX`.
    static func encoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            }
        }
        return out
    }
}
