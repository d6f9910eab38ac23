import Foundation
import Testing
@testable import SwitchboardCore

/// Helpers shared by the configuration tests.
enum ConfigFixture {
    /// The name test YAML is loaded under; positions print with it.
    static let file = "/srv/switchboard/q.yaml"

    /// A small valid configuration; tests append to it or replace parts of it.
    static let minimal = """
        polyai:
          region: us-1
          account_id: ws-fd112d8f
        integrations:
          payments:
            plugin: stripe
            project_id: PROJECT-58RP822I
            key: { env: POLYAI_KEY_PAYMENTS }
        routes:
          - from: { webhook: /hooks/stripe }
            to: payments
        """

    /// Loads YAML text as if it were the file `file`.
    static func load(_ yaml: String, environment: [String: String] = [:], file: String = file) -> ConfigLoadResult {
        ConfigLoader.load(yaml: yaml, file: file, environment: environment)
    }

    /// A fresh empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("switchboard-config-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension ConfigLoadResult {
    /// Every issue printed the way `switchboard validate` prints it.
    var printed: [String] {
        issues.map(\.description)
    }
}
