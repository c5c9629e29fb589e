import Foundation
import LedgerCrypto
import Testing

@Suite struct Ed25519Tests {
    /// RFC 8032 §7.1 tests 1–3: secret seed, public key, message, signature.
    static let vectors: [(seed: String, publicKey: String, message: String, signature: String)] = [
        (
            "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ),
        (
            "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
            "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"
        ),
        (
            "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
            "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"
        ),
    ]

    @Test(arguments: 0..<3) func rfc8032Vector(_ number: Int) throws {
        let vector = Self.vectors[number]
        let key = try Ed25519.PrivateKey(seed: hex(vector.seed))
        #expect(key.publicKey.rawRepresentation == hex(vector.publicKey))
        let signature = try key.signature(for: hex(vector.message))
        #expect(signature == hex(vector.signature))
        #expect(key.publicKey.isValidSignature(signature, for: hex(vector.message)))
        var flipped = signature
        flipped[7] ^= 0x01
        #expect(!key.publicKey.isValidSignature(flipped, for: hex(vector.message)))
        #expect(!key.publicKey.isValidSignature(signature, for: hex(vector.message) + [0]))
    }

    @Test func pemRoundTrip() throws {
        let key = try Ed25519.PrivateKey.generate()
        let pem = try key.pemRepresentation()
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        let reread = try Ed25519.PrivateKey(pem: pem)
        #expect(reread.seed == key.seed)
        let publicPEM = try key.publicKey.pemRepresentation()
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        #expect(try Ed25519.PublicKey(pem: publicPEM) == key.publicKey)
        #expect(try Ed25519.publicKey(fromPEM: pem) == key.publicKey)
    }

    /// A key made by the `openssl` command line reads unchanged, and its public half matches
    /// `openssl pkey -pubout`.
    @Test func opensslCommandLineKey() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "prov-openssl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let privatePath = directory.appendingPathComponent("k.pem").path
        let publicPath = directory.appendingPathComponent("k.pub.pem").path
        try run("/usr/bin/openssl", ["genpkey", "-algorithm", "ed25519", "-out", privatePath])
        try run("/usr/bin/openssl", ["pkey", "-in", privatePath, "-pubout", "-out", publicPath])
        let key = try Ed25519.PrivateKey(pem: String(contentsOfFile: privatePath, encoding: .utf8))
        let publicKey = try Ed25519.PublicKey(pem: String(contentsOfFile: publicPath, encoding: .utf8))
        #expect(key.publicKey == publicKey)
        // OpenSSL verifies what we sign.
        let message = Array("signed by Provenance".utf8)
        let messagePath = directory.appendingPathComponent("m").path
        let signaturePath = directory.appendingPathComponent("s").path
        try Data(message).write(to: URL(fileURLWithPath: messagePath))
        try Data(key.signature(for: message)).write(to: URL(fileURLWithPath: signaturePath))
        try run(
            "/usr/bin/openssl",
            [
                "pkeyutl", "-verify", "-pubin", "-inkey", publicPath, "-rawin", "-in", messagePath, "-sigfile",
                signaturePath,
            ])
    }

    @Test func rejectsNonEd25519AndGarbage() throws {
        #expect(throws: CryptoError.self) { try Ed25519.PrivateKey(pem: "not a key") }
        #expect(throws: CryptoError.self) { try Ed25519.PrivateKey(seed: [1, 2, 3]) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prov-ec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("ec.pem").path
        try run(
            "/usr/bin/openssl", ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path])
        do {
            _ = try Ed25519.PrivateKey(pem: String(contentsOfFile: path, encoding: .utf8))
            Issue.record("an EC key was accepted as Ed25519")
        } catch let error as CryptoError {
            #expect(error.code == .unsupportedKeyType)
        }
    }

    @Test func sha256AndHMACKnownAnswers() {
        #expect(
            SHA256.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hash(parts: [Array("a".utf8), Array("bc".utf8)]) == SHA256.hash(Array("abc".utf8)))
        // RFC 4231 test case 2.
        #expect(
            SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8)).hex
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        // RFC 4231 test case 6: a key longer than the block is hashed first.
        #expect(
            SHA256.hmac(
                key: [UInt8](repeating: 0xAA, count: 131),
                message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)
            ).hex == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    }

    private func hex(_ text: String) -> [UInt8] {
        var bytes = [UInt8]()
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16) ?? 0)
            index = next
        }
        return bytes
    }

    private func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "\(tool) \(arguments.joined(separator: " ")) failed")
    }
}
