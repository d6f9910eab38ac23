import Testing
import Mapping
import SwitchboardCore

@Suite("mapping verifies its callers")
struct MappingVerifyTests {
    static let secret = "crm-secret"
    static let body = #"{"cid":"EXT-1","status":"paid"}"#
    /// HMAC of `body` under `secret`, computed with `openssl dgst -<algorithm> -hmac crm-secret`.
    static let opensslHex: [String: String] = [
        "sha1": "a5e7910dfe833e2b860209254af244c711edfdda",
        "sha256": "140da67a95fa26fcb22612b9f8eb2f8c2bfa1dab3189863c289bfca343d5b84c",
        "sha512": "bdd565fa932fe84fa9a913a689727b68059dae26a73656459b10386f63f86e66bd1e459f4db2ae9589849e29c1cf7fe6cd706e3a0ade588980fbba3e6e9206be",
    ]
    /// The same SHA-256 code in base64 (`openssl dgst -sha256 -hmac crm-secret -binary | base64`).
    static let opensslBase64 = "FA2mepX6JvyyJhK5+OsvjCv6HasxiYY8KJv8o0PVuEw="

    let clock = ManualClock(startMillis: testNowMillis)

    /// A mapping built from YAML `options` (secrets through `${S}`, `${OLD}`, `${T}`, `${P}`).
    func mapping(_ options: String) throws -> any Integration {
        let built = build(plugin: "mapping", options: options, environment: [
            "S": Self.secret, "OLD": "crm-old", "T": "tok-123", "P": "pa:ss",
        ], clock: clock)
        #expect(built.errors.isEmpty, "\(built.errors)")
        return try #require(built.integration)
    }

    func request(_ headers: [Header], body: String = body, url: String? = nil) -> InboundEvent {
        inbound(body, headers: [Header("Content-Type", "application/json")] + headers, url: url)
    }

    @Test("hex with a prefix and base64 signatures made by openssl are accepted, and the event is still mapped")
    func hexAndBase64() throws {
        let hex = try mapping(#"verify: { hmac: { header: X-Signature, secret: "${S}", prefix: "sha256=" } }"#)
        let signed = request([Header("x-signature", "sha256=" + Self.opensslHex["sha256"]!)])
        #expect(hex.verify(signed) == .accepted)
        #expect(try hex.map(signed).first?.eventID == "EXT-1")
        #expect(hex.verify(request([Header("X-Signature", "SHA256=" + Self.opensslHex["sha256"]!.uppercased())])) == .accepted)
        #expect(hex.verify(request([Header("X-Signature", Self.opensslHex["sha256"]!)])).reason == "X-Signature header does not start with the configured prefix")
        #expect(hex.verify(request([Header("X-Signature", "sha256=zz")])).reason == "X-Signature header is not hex")

        let base64 = try mapping(#"verify: { hmac: { header: X-Signature, secret: "${S}", encoding: base64 } }"#)
        #expect(base64.verify(request([Header("X-Signature", Self.opensslBase64)])) == .accepted)
        #expect(base64.verify(request([Header("X-Signature", Self.opensslHex["sha256"]!)])) != .accepted)
    }

    @Test("each algorithm checks its own code", arguments: ["sha1", "sha256", "sha512"])
    func algorithms(_ algorithm: String) throws {
        let integration = try mapping(#"verify: { hmac: { header: X-Signature, secret: "${S}", algorithm: \#(algorithm) } }"#)
        #expect(integration.verify(request([Header("X-Signature", Self.opensslHex[algorithm]!)])) == .accepted)
        for other in Self.opensslHex.keys where other != algorithm {
            #expect(integration.verify(request([Header("X-Signature", Self.opensslHex[other]!)])).reason?.contains("matches none of the 1 secret(s)") == true)
        }
    }

    @Test("during rotation either secret is accepted, any other is not")
    func rotation() throws {
        let integration = try mapping(#"verify: { hmac: { header: X-Signature, secret: ["${OLD}", "${S}"] } }"#)
        #expect(integration.verify(request([Header("X-Signature", hexHMAC(.sha256, key: Self.secret, Self.body))])) == .accepted)
        #expect(integration.verify(request([Header("X-Signature", hexHMAC(.sha256, key: "crm-old", Self.body))])) == .accepted)
        #expect(integration.verify(request([Header("X-Signature", hexHMAC(.sha256, key: "crm-gone", Self.body))])).reason?.contains("none of the 2 secret(s)") == true)
    }

    @Test("a tampered body, a missing header and a wrong secret are rejected")
    func rejections() throws {
        let integration = try mapping(#"verify: { hmac: { header: X-Signature, secret: "${S}" } }"#)
        let signature = Header("X-Signature", Self.opensslHex["sha256"]!)
        #expect(integration.verify(request([signature])) == .accepted)
        #expect(integration.verify(request([signature], body: Self.body.replacingOccurrences(of: "EXT-1", with: "EXT-2"))) != .accepted)
        #expect(integration.verify(request([])).reason == "missing X-Signature header")
        #expect(integration.verify(request([Header("X-Signature", "")])).reason == "X-Signature header is not hex")
        #expect(integration.verify(request([Header("X-Signature", hexHMAC(.sha256, key: "guess", Self.body))])) != .accepted)
    }

    @Test("a signed timestamp is accepted inside the tolerance and refused outside it, by the injected clock")
    func timestampWindow() throws {
        let integration = try mapping("""
        verify:
          hmac:
            header: X-Signature
            secret: "${S}"
            timestamp: { header: X-Timestamp, tolerance: 5m }
            signed: "{timestamp}.{body}"
        """)
        let event = request([Header("X-Timestamp", "1800000000"), Header("X-Signature", "dedf8ed7ffd8174311077227aba5115136d666bf9c6ff967e8963ff69b46974f")])
        #expect(integration.verify(event) == .accepted)
        clock.advance(by: .seconds(300))
        #expect(integration.verify(event) == .accepted)
        clock.advance(by: .seconds(1))
        #expect(integration.verify(event).reason?.contains("301s old") == true)
        let future = "1800000700"
        #expect(integration.verify(request([
            Header("X-Timestamp", future), Header("X-Signature", hexHMAC(.sha256, key: Self.secret, future + "." + Self.body)),
        ])).reason?.contains("in the future") == true)
        var replayed = event
        replayed.headers = [Header("X-Timestamp", "1800000301"), Header("X-Signature", "dedf8ed7ffd8174311077227aba5115136d666bf9c6ff967e8963ff69b46974f")]
        #expect(integration.verify(replayed).reason?.contains("matches none") == true)
        #expect(integration.verify(request([event.headers[2]])).reason == "missing X-Timestamp header")
    }

    @Test("timestamps are read as unix seconds, unix milliseconds or RFC 3339", arguments: [
        ("unix", "1800000000"), ("unix_ms", "1800000000000"), ("rfc3339", "2027-01-15T08:00:00Z"),
    ])
    func timestampFormats(_ format: String, _ stamp: String) throws {
        let integration = try mapping("""
        verify:
          hmac: { header: X-Signature, secret: "${S}", signed: "{timestamp}:{body}", timestamp: { header: X-Timestamp, format: \(format) } }
        """)
        let signature = Header("X-Signature", hexHMAC(.sha256, key: Self.secret, stamp + ":" + Self.body))
        #expect(integration.verify(request([Header("X-Timestamp", stamp), signature])) == .accepted)
        let wrongForm = format == "rfc3339" ? "1800000000" : "2027-01-15T08:00:00Z"
        #expect(integration.verify(request([Header("X-Timestamp", wrongForm), signature])).reason?.hasPrefix("X-Timestamp is not") == true)
    }

    @Test("a template can sign the method, the URL as the caller used it and the path")
    func methodURLPath() throws {
        let integration = try mapping(#"verify: { hmac: { header: X-Signature, secret: "${S}", signed: "{method} {url}\n{path}\n{body}" } }"#)
        let url = "https://hooks.example.com/hooks/test?x=1"
        let signature = hexHMAC(.sha256, key: Self.secret, "PUT \(url)\n/hooks/test\n" + Self.body)
        var event = request([Header("X-Signature", signature)], url: url)
        event.method = "PUT"
        #expect(integration.verify(event) == .accepted)
        event.method = "POST"
        #expect(integration.verify(event) != .accepted)
        #expect(integration.verify(request([Header("X-Signature", signature)])).reason?.contains("set options.public_url") == true)

        let behindProxy = try mapping("""
        public_url: https://public.example.com/hooks/crm
        verify: { hmac: { header: X-Signature, secret: "${S}", signed: "{url}{body}" } }
        """)
        let proxied = request(
            [Header("X-Signature", hexHMAC(.sha256, key: Self.secret, "https://public.example.com/hooks/crm?x=1" + Self.body))],
            url: "http://10.0.0.5:8080/hooks/test?x=1"
        )
        #expect(behindProxy.verify(proxied) == .accepted)
    }

    @Test("a shared token: right, wrong, missing, and either during rotation")
    func token() throws {
        let integration = try mapping(#"verify: { token: { header: X-Webhook-Token, value: ["${T}", "tok-next"] } }"#)
        #expect(integration.verify(request([Header("x-webhook-token", "tok-123")])) == .accepted)
        #expect(integration.verify(request([Header("X-Webhook-Token", "tok-next")])) == .accepted)
        #expect(integration.verify(request([Header("X-Webhook-Token", "tok-12")])).reason == "X-Webhook-Token matches none of the 2 token(s)")
        #expect(integration.verify(request([Header("X-Webhook-Token", "tok-1234")])) != .accepted)
        #expect(integration.verify(request([])).reason == "missing X-Webhook-Token header")
    }

    @Test("basic authentication: right, wrong user or password, missing, malformed")
    func basic() throws {
        let integration = try mapping(#"verify: { basic: { username: crm, password: "${P}" } }"#)
        func authorization(_ credentials: String, scheme: String = "Basic") -> [Header] {
            [Header("Authorization", "\(scheme) " + SignatureText.base64Text(Array(credentials.utf8)))]
        }
        #expect(integration.verify(request(authorization("crm:pa:ss"))) == .accepted)
        #expect(integration.verify(request(authorization("crm:pa:ss", scheme: "basic"))) == .accepted)
        #expect(integration.verify(request(authorization("crm:pa:sx"))).reason == "Basic credentials do not match")
        #expect(integration.verify(request(authorization("crn:pa:ss"))).reason == "Basic credentials do not match")
        #expect(integration.verify(request(authorization("crm"))).reason == "Authorization header is not Basic credentials")
        #expect(integration.verify(request(authorization("crm:pa:ss", scheme: "Bearer"))).reason == "Authorization header is not Basic credentials")
        #expect(integration.verify(request([Header("Authorization", "Basic !!!")])).reason == "Authorization header is not Basic credentials")
        #expect(integration.verify(request([Header("Authorization", "Basic")])).reason == "Authorization header is not Basic credentials")
        #expect(integration.verify(request([])).reason == "missing Authorization header")
    }

    @Test("Kafka messages are accepted (Kafka authenticates its clients); without verify every request is")
    func kafkaAndUnverified() throws {
        let integration = try mapping(#"verify: { token: { header: X-Webhook-Token, value: "${T}" } }"#)
        let message = InboundEvent(source: .kafka(topic: "crm", partition: 0, offset: 7), route: "r", body: Array(Self.body.utf8), receivedAtMillis: testNowMillis)
        #expect(integration.verify(message) == .accepted)
        #expect(try mapping("body: passthrough").verify(request([])) == .accepted)
    }

    @Test("no secret shows in the integration's description or dump")
    func secretsHidden() throws {
        let integration = try mapping(#"verify: { hmac: { header: X-Signature, secret: ["${OLD}", "${S}"] } }"#)
        var dumped = ""
        dump(integration, to: &dumped)
        for shown in [String(describing: integration), String(reflecting: integration), dumped] {
            #expect(!shown.contains(Self.secret) && !shown.contains("crm-old"))
        }
    }
}
