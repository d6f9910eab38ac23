import Testing
@testable import SwitchboardCore

@Suite("Config: admin, an address or { listen, token }")
struct AdminConfigTests {
    @Test("an address as before, or a mapping with listen and a token from the environment")
    func forms() throws {
        let plain = ConfigFixture.load(ConfigFixture.minimal + "\nadmin: 127.0.0.1:9191\n")
        #expect(plain.issues.isEmpty, "\(plain.printed)")
        #expect(try #require(plain.config).admin == AdminConfig(listen: HostPort(host: "127.0.0.1", port: 9191)))

        let mapped = ConfigFixture.load(
            ConfigFixture.minimal + "\nadmin: { listen: 127.0.0.1:9292, token: \"${ADMIN_TOKEN}\" }\n",
            environment: ["ADMIN_TOKEN": "s3cret-admin-token"]
        )
        #expect(mapped.issues.isEmpty, "\(mapped.printed)")
        let admin = try #require(mapped.config).admin
        #expect(admin.listen == HostPort(host: "127.0.0.1", port: 9292))
        #expect(admin.token == "s3cret-admin-token")
        #expect(admin.description == "127.0.0.1:9292 (token set)")

        let defaults = ConfigFixture.load(ConfigFixture.minimal + "\nadmin: { token: t0ken }\n")
        #expect(try #require(defaults.config).admin.listen == SwitchboardConfig.defaultAdmin)
    }

    @Test("a non-loopback admin listener without a token is a warning; with one it is not")
    func exposedWithoutToken() throws {
        let exposed = ConfigFixture.load(ConfigFixture.minimal + "\nadmin: 0.0.0.0:9090\n")
        #expect(exposed.config != nil)
        #expect(exposed.printed.contains { $0.contains("warning: admin: the admin listener (0.0.0.0:9090) is not on loopback and has no token") })
        let guarded = ConfigFixture.load(ConfigFixture.minimal + "\nadmin: { listen: \":9090\", token: t0ken-1 }\n")
        #expect(guarded.issues.isEmpty, "\(guarded.printed)")
    }

    @Test("an empty token, a token with spaces, an unknown key and a list are errors with their positions")
    func errors() {
        let empty = ConfigFixture.load(ConfigFixture.minimal + "\nadmin: { token: \"\" }\n")
        #expect(empty.config == nil)
        #expect(empty.printed.contains { $0.contains("admin.token: must not be empty") })
        let spaced = ConfigFixture.load(ConfigFixture.minimal + "\nadmin: { token: \"a b\" }\n")
        #expect(spaced.printed.contains { $0.contains("admin.token: must not contain spaces or control characters") })
        let unknown = ConfigFixture.load(ConfigFixture.minimal + "\nadmin: { listen: 127.0.0.1:9090, tokn: x }\n")
        #expect(unknown.printed.contains { $0.contains("admin.tokn: unknown key 'tokn' (did you mean 'token'?)") })
        let list = ConfigFixture.load(ConfigFixture.minimal + "\nadmin: [127.0.0.1:9090]\n")
        #expect(list.printed.contains { $0.contains("admin: expected host:port, or a mapping with listen and token") })
        #expect(!empty.printed.joined().contains("s3cret"))
    }
}
