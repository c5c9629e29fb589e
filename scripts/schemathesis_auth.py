"""schemathesis hooks for scripts/api-conformance.sh: log in as the demo network's participants.

Each authenticated operation is called with the token of a participant who may use it: the compliance officer for
flags, reviews, reports and /v1/auth/me; the producer farm-gh for batches. A token is obtained the way any client
obtains one (docs: `prov serve --help`): POST /v1/auth/challenge, sign the challenge text with the participant's
Ed25519 key (here with `openssl pkeyutl`, outside the server), POST /v1/auth/token. Tokens are valid 15 minutes and
are fetched again every 10.

Environment: PROVENANCE_API_URL (the server's base URL), PROVENANCE_API_KEYS (the folder of DEMO-ONLY-*.pem keys).
"""
import base64
import json
import os
import subprocess
import tempfile
import urllib.request

import schemathesis

BASE = os.environ["PROVENANCE_API_URL"]
KEYS = os.environ["PROVENANCE_API_KEYS"]


def post(path, body):
    request = urllib.request.Request(
        BASE + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def login(participant):
    challenge = post("/v1/auth/challenge", {"participant": participant})["challenge"]
    with tempfile.NamedTemporaryFile() as message:
        message.write(challenge.encode())
        message.flush()
        signature = subprocess.run(
            ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", os.path.join(KEYS, f"DEMO-ONLY-{participant}.pem"),
             "-in", message.name],
            check=True, capture_output=True,
        ).stdout
    token = post(
        "/v1/auth/token",
        {"participant": participant, "challenge": challenge, "signature": base64.b64encode(signature).decode()},
    )
    return token["token"]


class BearerLogin:
    participant = None

    def get(self, case, context):
        return login(self.participant)

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


@schemathesis.auth(refresh_interval=600).apply_to(path_regex=r"^/v1/(anomalies|reports|auth/me)")
class ComplianceOfficer(BearerLogin):
    participant = "compliance"


@schemathesis.auth(refresh_interval=600).apply_to(path="/v1/batches")
class Producer(BearerLogin):
    participant = "farm-gh"
