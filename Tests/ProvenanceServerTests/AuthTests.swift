import HummingbirdTesting
import LedgerCore
import LedgerCrypto
import Provenance
import Testing

/// Login by key challenge, and every way a request is refused.
@Suite struct AuthTests {
    @Test func aSignedChallengeGivesATokenThatNamesTheParticipant() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            let challenge = try await client.call(.post, "/v1/auth/challenge", json: ["participant": "compliance"])
            OpenAPIContract.expect(challenge, 200, "POST", "/v1/auth/challenge")
            let text = try #require(try challenge.json["challenge"]?.stringValue)
            #expect(
                text.hasPrefix("provenance-login/v1\norigin: demo.provenance.local/ledger\nparticipant: compliance\n"))
            let signature = try DemoNetwork.key("compliance").signature(for: Array(text.utf8))
            let request: JSONValue = [
                "participant": "compliance", "challenge": .string(text), "signature": .string(Base64.encode(signature)),
            ]
            let token = try await client.call(.post, "/v1/auth/token", json: request)
            OpenAPIContract.expect(token, 200, "POST", "/v1/auth/token")
            #expect(try token.json["role"] == "compliance")

            let me = try await client.call(
                .get, "/v1/auth/me", token: try #require(try token.json["token"]?.stringValue))
            OpenAPIContract.expect(me, 200, "GET", "/v1/auth/me")
            #expect(try me.json["participant"] == "compliance")

            // A challenge is good once.
            let again = try await client.call(.post, "/v1/auth/token", json: request)
            OpenAPIContract.expect(again, 401, "POST", "/v1/auth/token")
        }
    }

    @Test func badSignaturesTokensAndRolesAreRefused() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            // A challenge signed with another participant's key.
            let challenge = try await client.call(.post, "/v1/auth/challenge", json: ["participant": "compliance"])
            let text = try #require(try challenge.json["challenge"]?.stringValue)
            let forged = try DemoNetwork.key("farm-gh").signature(for: Array(text.utf8))
            let refused = try await client.call(
                .post, "/v1/auth/token",
                json: [
                    "participant": "compliance", "challenge": .string(text),
                    "signature": .string(Base64.encode(forged)),
                ])
            OpenAPIContract.expect(refused, 401, "POST", "/v1/auth/token")
            #expect(refused.errorCode == "unauthenticated")
            OpenAPIContract.expect(
                try await client.call(.post, "/v1/auth/challenge", json: ["participant": "nobody"]), 404, "POST",
                "/v1/auth/challenge")

            // No token, a garbled one, the wrong role.
            let anonymous = try await client.call(.get, "/v1/anomalies")
            OpenAPIContract.expect(anonymous, 401, "GET", "/v1/anomalies")
            #expect(anonymous.headers[.wwwAuthenticate] == "Bearer")
            #expect(try await client.call(.get, "/v1/anomalies", token: "v1.garbage.token").status == .unauthorized)
            let farm = try await client.login("farm-gh", key: try DemoNetwork.key("farm-gh"))
            let wrongRole = try await client.call(.get, "/v1/anomalies", token: farm)
            OpenAPIContract.expect(wrongRole, 403, "GET", "/v1/anomalies")
            #expect(wrongRole.errorCode == "forbidden")
            let tamperedToken = String(farm.dropLast()) + (farm.hasSuffix("A") ? "B" : "A")
            #expect(try await client.call(.get, "/v1/auth/me", token: tamperedToken).status == .unauthorized)

            // Tokens expire after 15 minutes.
            #expect(try await client.call(.get, "/v1/auth/me", token: farm).status == .ok)
            demo.now.advance(901)
            OpenAPIContract.expect(try await client.call(.get, "/v1/auth/me", token: farm), 401, "GET", "/v1/auth/me")
        }
    }

    @Test func aRevokedParticipantsTokenStopsWorking() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            let token = try await client.login("factory-de", key: try DemoNetwork.key("factory-de"))
            #expect(try await client.call(.get, "/v1/auth/me", token: token).status == .ok)
            _ = try await demo.ledger.revokeParticipant(id: "factory-de")
            #expect(try await client.call(.get, "/v1/auth/me", token: token).status == .unauthorized)
            #expect(
                try await client.call(.post, "/v1/auth/challenge", json: ["participant": "factory-de"]).status
                    == .notFound)
        }
    }

    @Test func theContractCheckSeesAResponseThatDoesNotMatch() async throws {
        let demo = try await DemoNetwork.make()
        defer { demo.remove() }
        try await demo.withServer { client in
            let health = try await client.call(.get, "/healthz")
            // A health answer is not a checkpoint, and no 201 is declared for it.
            #expect(!OpenAPIContract.problems(health, "GET", "/v1/checkpoint").isEmpty)
            #expect(OpenAPIContract.problems(health, "GET", "/healthz").isEmpty)
            #expect(!OpenAPIContract.problems(health, "POST", "/healthz").isEmpty)
        }
    }
}
