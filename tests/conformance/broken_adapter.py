"""A deliberately wrong client for the conformance protocol: it reads a token once, and on any error answer
resends at once, at most three times: with the token left out (marketorestpython's retry bug), or with
`BROKEN_ADAPTER_MODE=blind` with it, whatever the call was. The suite must fail it wherever a retry matters.

    python broken_adapter.py sync_leads '{"action": "createOrUpdate"}' < leads.jsonl
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import httpx


def main() -> int:
    operation, options = sys.argv[1], json.loads(sys.argv[2] if len(sys.argv) > 2 else "{}")
    records = [json.loads(line) for line in sys.stdin if line.strip()]
    base = os.environ["MKTO_BASE_URL"]
    with httpx.Client(base_url=base, timeout=30) as http:
        answer = http.post(
            "/identity/oauth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": os.environ["MKTO_CLIENT_ID"],
                "client_secret": os.environ["MKTO_CLIENT_SECRET"],
            },
        )
        if answer.status_code == 401:
            print(json.dumps({"error": {"code": "401", "message": "refused"}}))
            return 1
        headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        if operation != "sync_leads":
            print(json.dumps({"error": {"code": None, "message": f"unknown operation {operation}"}}))
            return 1
        body = {"action": options.get("action", "createOrUpdate"), "input": records}
        for _ in range(3):
            reply = http.post("/rest/v1/leads.json", json=body, headers=headers)
            envelope: dict[str, Any] = (
                reply.json() if "json" in reply.headers.get("content-type", "") else {"success": False}
            )
            if envelope.get("success", True):
                for index, outcome in enumerate(envelope["result"]):
                    print(json.dumps({"index": index, **outcome}))
                return 0
            if os.environ.get("BROKEN_ADAPTER_MODE") != "blind":
                headers = {}
        code = (envelope.get("errors") or [{}])[0].get("code")
        print(json.dumps({"error": {"code": code, "message": "gave up"}}))
        return 1


if __name__ == "__main__":
    sys.exit(main())
