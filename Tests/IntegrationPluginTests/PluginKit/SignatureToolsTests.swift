import Testing
import SwitchboardCore

@Suite("PluginKit: HMACs, signature texts, secrets")
struct SignatureToolsTests {
    @Test("HMAC-SHA256 and HMAC-SHA1 match the RFC 4231 and RFC 2202 test vectors")
    func rfcVectors() {
        let key = Array("Jefe".utf8), message = Array("what do ya want for nothing?".utf8)
        #expect(SignatureText.hexText(HMACDigest.sha256.code(key: key, message: message))
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(SignatureText.hexText(HMACDigest.sha1.code(key: key, message: message))
            == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(SignatureText.hexText(HMACDigest.sha256(Array("abc".utf8)))
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("base64 (standard, URL-safe, unpadded) and hex decode; anything else is refused")
    func signatureTexts() {
        #expect(SignatureText.base64("aGVsbG8=") == Array("hello".utf8))
        #expect(SignatureText.base64("aGVsbG8") == Array("hello".utf8))
        #expect(SignatureText.base64("-_8=") == [0xFB, 0xFF])
        #expect(SignatureText.base64("+/8=") == [0xFB, 0xFF])
        #expect(SignatureText.base64("a") == nil)
        #expect(SignatureText.base64("ab=c") == nil)
        #expect(SignatureText.base64("a b") == nil)
        #expect(SignatureText.base64Text(Array("hello".utf8)) == "aGVsbG8=")
        #expect(SignatureText.hex("0aFf") == [0x0A, 0xFF])
        #expect(SignatureText.hex("0g") == nil)
        #expect(SignatureText.hex("abc") == nil)
    }

    @Test("constant-time comparison tells equal from different bytes and lengths")
    func constantTime() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
    }

    @Test("any of several secrets matches; none of them shows in a description or dump")
    func secretsRotationAndSecrecy() throws {
        let secrets = try #require(SigningSecrets(["old-secret-value", "new-secret-value"]))
        let message = Array("payload".utf8)
        let byNew = HMACDigest.sha256.code(key: Array("new-secret-value".utf8), message: message)
        let byOther = HMACDigest.sha256.code(key: Array("other".utf8), message: message)
        #expect(secrets.matches(message: message, signatures: [byNew], digest: .sha256))
        #expect(secrets.matches(message: message, signatures: [byOther, byNew], digest: .sha256))
        #expect(!secrets.matches(message: message, signatures: [byOther], digest: .sha256))
        #expect(!secrets.matches(message: message, signatures: [], digest: .sha256))

        var dumped = ""
        dump(secrets, to: &dumped)
        for shown in [String(describing: secrets), String(reflecting: secrets), dumped] {
            #expect(!shown.contains("secret-value"))
        }
        #expect(SigningSecrets([]) == nil)
        #expect(SigningSecrets(["ok", ""]) == nil)
    }
}
