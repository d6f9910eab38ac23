import Foundation
import Spawn

/// Drives the webhook listener with `wrk` (a separate, efficient load generator) when it is installed.
enum WrkLoad {
    /// The `wrk` executable, if on the PATH.
    static var executable: String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let path = "\(directory)/wrk"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Posts 1 KB JSON webhooks over 64 connections for `seconds`, spreading them over 5,000 conversations;
    /// returns how many requests completed.
    static func post(to url: String, seconds: Int, wrk: String) throws -> Int {
        let script = NSTemporaryDirectory() + "switchboard-wrk-\(UUID().uuidString).lua"
        try """
        local pad = string.rep("x", 990)
        local counter = 0
        request = function()
          counter = counter + 1
          local body = '{"cid":"conv-' .. (counter % 5000) .. '","seq":' .. counter .. ',"pad":"' .. pad .. '"}'
          return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
        end
        """.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let process = try SpawnedProcess(executable: wrk, arguments: ["-t1", "-c64", "-d\(seconds)s", "-s", script, url], output: .separate)
        let termination = process.waitUntilExit()
        let text = String(decoding: process.standardOutput, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.contains("requests in") }),
              let count = Int(line.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "")
        else {
            let errors = String(decoding: process.standardError, as: UTF8.self)
            throw BenchError("could not read wrk's output (\(termination)): \(text)\(errors)")
        }
        if let errors = text.split(separator: "\n").first(where: { $0.contains("Non-2xx") }) {
            throw BenchError("webhooks refused during the run: \(errors)")
        }
        return count
    }
}
