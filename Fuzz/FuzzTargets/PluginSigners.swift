import SwitchboardCore

/// Each provider's signature scheme, written from its documentation (not from the plugin's code), applied to a
/// fuzzed request. Each returns whether the plugin must then accept the request.
enum PluginSigners {
    /// Leaves the request as it is; nothing is promised.
    static let none: @Sendable (inout FuzzRequest, String) -> Bool = { _, _ in false }

    /// `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
    static let stripe: @Sendable (inout FuzzRequest, String) -> Bool = { request, _ in
        let t = PluginSecrets.nowSeconds
        let code = HMACDigest.sha256.code(key: PluginSecrets.key("STRIPE_SECRET"), message: Array("\(t).".utf8) + request.body)
        request.set("Stripe-Signature", "t=\(t),v1=\(SignatureText.hexText(code))")
        return true
    }

    /// HubSpot v3: base64 HMAC-SHA256 of `POST` + the URL called + body + `X-HubSpot-Request-Timestamp`.
    static let hubSpot: @Sendable (inout FuzzRequest, String) -> Bool = { request, path in
        let timestamp = PluginSecrets.nowMillisText
        let url = FuzzRequest.origin + path + (request.queryText.isEmpty ? "" : "?" + request.queryText)
        let code = HMACDigest.sha256.code(key: PluginSecrets.key("HUBSPOT_SECRET"), message: Array("POST\(url)".utf8) + request.body + Array(timestamp.utf8))
        request.set("X-HubSpot-Request-Timestamp", timestamp)
        request.set("X-HubSpot-Signature-v3", SignatureText.base64Text(code))
        return request.hasURL
    }

    /// Twilio: base64 HMAC-SHA1 of the URL followed by each POST parameter's name and value, sorted by name
    /// (then value). The alternative is Twilio's JSON scheme: the URL carries `bodySHA256` and only it is signed.
    static let twilio: @Sendable (inout FuzzRequest, String) -> Bool = { request, path in
        var query = request.queryPairs.filter { $0.name != "bodySHA256" }
        if request.alternative {
            query.append(Header("bodySHA256", SignatureText.hexText(HMACDigest.sha256(request.body))))
        }
        request.setQuery(query)
        var signed = Array((FuzzRequest.origin + path + (request.queryText.isEmpty ? "" : "?" + request.queryText)).utf8)
        if !request.alternative {
            let parameters = FormBody.parse(request.body).sorted { lhs, rhs in
                lhs.name != rhs.name ? lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8) : lhs.value.utf8.lexicographicallyPrecedes(rhs.value.utf8)
            }
            for parameter in parameters { signed += Array(parameter.name.utf8) + Array(parameter.value.utf8) }
        }
        let code = HMACDigest.sha1.code(key: PluginSecrets.key("TWILIO_TOKEN"), message: signed)
        request.set("X-Twilio-Signature", SignatureText.base64Text(code))
        return request.hasURL
    }

    /// Zendesk: base64 HMAC-SHA256 of the signature timestamp header followed by the body.
    static let zendesk: @Sendable (inout FuzzRequest, String) -> Bool = { request, _ in
        let timestamp = PluginSecrets.nowRFC3339
        let code = HMACDigest.sha256.code(key: PluginSecrets.key("ZENDESK_SECRET"), message: Array(timestamp.utf8) + request.body)
        request.set("X-Zendesk-Webhook-Signature-Timestamp", timestamp)
        request.set("X-Zendesk-Webhook-Signature", SignatureText.base64Text(code))
        return true
    }

    /// `mapping-json`: `X-Signature: sha256=<hex HMAC-SHA256 of the body>`.
    static let mappingHexHMAC: @Sendable (inout FuzzRequest, String) -> Bool = { request, _ in
        let code = HMACDigest.sha256.code(key: PluginSecrets.key("MAPPING_HMAC"), message: request.body)
        request.set("X-Signature", "sha256=" + SignatureText.hexText(code))
        return true
    }

    /// `mapping-form`: the shared token.
    static let mappingToken: @Sendable (inout FuzzRequest, String) -> Bool = { request, _ in
        request.set("X-Webhook-Token", String(decoding: PluginSecrets.key("MAPPING_TOKEN"), as: UTF8.self))
        return true
    }

    /// `mapping-xml`: HTTP basic authentication.
    static let mappingBasic: @Sendable (inout FuzzRequest, String) -> Bool = { request, _ in
        let credentials = Array("crm:".utf8) + PluginSecrets.key("MAPPING_PASSWORD")
        request.set("Authorization", "Basic " + SignatureText.base64Text(credentials))
        return true
    }

    /// `mapping-header`: base64 HMAC-SHA512 of `{timestamp}.{method}.{url}.{body}`.
    static let mappingTimestampedHMAC: @Sendable (inout FuzzRequest, String) -> Bool = { request, path in
        let timestamp = PluginSecrets.nowSeconds
        let url = FuzzRequest.origin + path + (request.queryText.isEmpty ? "" : "?" + request.queryText)
        let code = HMACDigest.sha512.code(key: PluginSecrets.key("MAPPING_HMAC_2"), message: Array("\(timestamp).POST.\(url).".utf8) + request.body)
        request.set("X-Timestamp", timestamp)
        request.set("X-Signature", SignatureText.base64Text(code))
        return request.hasURL
    }
}
