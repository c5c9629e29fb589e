"""schemathesis hooks for scripts/api-conformance.sh: log in as the demo network's participants.

Each authenticated operation is called with the token of a participant who may use it: the compliance officer for
flags, reviews, reports and /v1/auth/me; the producer farm-gh for batches and EPCIS captures. Tokens come from
scripts/prov_client.py's login and are fetched again every 10 minutes.

Environment: PROVENANCE_API_URL (the server's base URL), PROVENANCE_API_KEYS (the folder of DEMO-ONLY-*.pem keys).
"""
import os
import sys

import schemathesis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import prov_client  # noqa: E402

BASE = os.environ["PROVENANCE_API_URL"]
KEYS = os.environ["PROVENANCE_API_KEYS"]


def login(participant):
    return prov_client.login(BASE, KEYS, participant)


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


@schemathesis.auth(refresh_interval=600).apply_to(path_regex=r"^/(v1/batches|epcis/capture)")
class Producer(BearerLogin):
    participant = "farm-gh"
