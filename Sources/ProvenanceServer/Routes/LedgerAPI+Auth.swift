import Hummingbird
import LedgerCore
import LedgerCrypto
import Provenance

/// Login by key: a challenge, its Ed25519 signature by the participant's registered key, a token.
extension LedgerAPI {
    /// Most bytes in a login request's body: a participant ID, a challenge and a signature fit in far less.
    static let loginBodyLimit = 4096

    func registerAuth(on router: RecordingRouter<ProvenanceRequestContext>) {
        router.post("/v1/auth/challenge") { request, context in
            let participant = try await request.jsonObject(
                context: context, allowing: ["participant"], limit: Self.loginBodyLimit
            ).requiredString("participant")
            guard try await ledger.participants().contains(where: { $0.id == participant && $0.isActive }) else {
                throw APIError(.notFound, code: "not_found", "no active participant '\(Echo.short(participant))'")
            }
            let challenge = try await challenges.issue(participant: participant, now: clock())
            return Response.json(["challenge": .string(challenge.text), "expires_at": .integer(Int(challenge.expires))])
        }
        router.post("/v1/auth/token") { request, context in
            let body = try await request.jsonObject(
                context: context, allowing: ["participant", "challenge", "signature"], limit: Self.loginBodyLimit)
            let participantID = try body.requiredString("participant")
            let challenge = try body.requiredString("challenge")
            guard let signature = Base64.decode(try body.requiredString("signature")) else {
                throw APIError.badRequest(
                    "signature must be base64 (the 64-byte Ed25519 signature of the challenge text)")
            }
            guard let nonce = await challenges.check(text: challenge, participant: participantID, now: clock()) else {
                throw APIError(
                    .unauthorized, code: "unauthenticated",
                    "the challenge is unknown, expired or for another participant; ask for a new one")
            }
            guard let participant = try await ledger.participants().first(where: { $0.id == participantID }),
                participant.isActive,
                participant.publicKey.isValidSignature(signature, for: Array(challenge.utf8))
            else {
                throw APIError(
                    .unauthorized, code: "unauthenticated",
                    "the signature does not verify under \(Echo.short(participantID))'s registered key")
            }
            try await challenges.redeem(nonce: nonce, participant: participant.id, now: clock())
            let token = tokens.issue(participant: participant.id, now: clock())
            return Response.json([
                "token": .string(token.token), "expires_at": .integer(Int(token.expires)),
                "participant": .string(participant.id), "role": .string(participant.role.rawValue),
            ])
        }
        router.get("/v1/auth/me") { _, context in
            let caller = try context.requireCaller()
            return Response.json([
                "participant": .string(caller.id), "name": .string(caller.name), "role": .string(caller.role.rawValue),
            ])
        }
    }
}
