"""A minimal client of `prov serve` for the test scripts: JSON requests and a participant's login.

A token is obtained the way any client obtains one (docs: `prov serve --help`): POST /v1/auth/challenge, sign the
challenge text with the participant's Ed25519 key (here with `openssl pkeyutl`, outside the server), POST
/v1/auth/token. Tokens are valid 15 minutes.
"""
import base64
import json
import os
import subprocess
import tempfile
import urllib.request


def post(base, path, body):
    request = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def login(base, keys, participant):
    """A token for `participant`, signed with DEMO-ONLY-<participant>.pem from the folder `keys`."""
    challenge = post(base, "/v1/auth/challenge", {"participant": participant})["challenge"]
    with tempfile.NamedTemporaryFile() as message:
        message.write(challenge.encode())
        message.flush()
        signature = subprocess.run(
            ["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", os.path.join(keys, f"DEMO-ONLY-{participant}.pem"),
             "-in", message.name],
            check=True, capture_output=True,
        ).stdout
    token = post(
        base,
        "/v1/auth/token",
        {"participant": participant, "challenge": challenge, "signature": base64.b64encode(signature).decode()},
    )
    return token["token"]
