"""What `mkto serve` prints: with `--access-log`, one line per API call with every secret redacted; without
it, nothing per request. A browser's own requests (the tab icon) are not API calls: not logged, not counted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from .conftest import Api, assert_success
from .test_durability import _free_port, _wait_healthy

CLIENT_ID = "log-test"
SECRET = "S3cret-never-printed"
TIMEOUT_S = 120


def _serve(tmp_path: Path, *flags: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    mkto = Path(sys.executable).with_name("mkto")
    command = [str(mkto)] if mkto.exists() else [sys.executable, "-m", "mkto.cli"]
    process = subprocess.Popen(
        [*command, "serve", "--port", str(port), "--db", str(tmp_path / "e.sqlite3"), "--client-id", CLIENT_ID,
         "--client-secret", SECRET, "--allow-query-token", "--log-level", "info", *flags],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    _wait_healthy(base, process)
    return process, base


def _calls(base: str) -> str:
    """Identity with the secret in the query and in a form, REST with the token in the query, a form and a header."""
    with httpx.Client(base_url=base, timeout=60) as http:
        query = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": SECRET}
        token = str(http.get("/identity/oauth/token", params=query).json()["access_token"])
        assert http.post("/identity/oauth/token", data=query).status_code == 200
        assert_success(http.get("/rest/v1/leads.json", params={"filterType": "email", "filterValues": "a@b.c",
                                                                "access_token": token}))  # fmt: skip
        assert_success(http.post("/rest/v1/leads.json", params={"_method": "GET"},
                                 data={"filterType": "email", "filterValues": "a@b.c", "access_token": token}))  # fmt: skip
        assert_success(http.get("/rest/v1/stats/usage.json", headers={"Authorization": f"Bearer {token}"}))
        http.get("/rest/v1/stats/usage.json", headers={"Authorization": "Bearer not-a-live-token"})
    return token


def _stop(process: subprocess.Popen[bytes]) -> tuple[str, str]:
    os.kill(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=TIMEOUT_S)
    return out.decode(), err.decode()


def test_access_log_prints_one_redacted_line_per_call(tmp_path: Path) -> None:
    process, base = _serve(tmp_path, "--access-log")
    try:
        token = _calls(base)
    finally:
        out, err = _stop(process)
    printed = out + err
    for secret in (SECRET, token, "not-a-live-token"):
        assert secret not in printed, printed
    lines = [line for line in out.splitlines() if " /identity/" in line or " /rest/" in line]
    assert len(lines) == 6, out
    assert sum("client_secret=<redacted>" in line for line in lines) == 1, lines  # the form body is never printed
    assert sum("access_token=<redacted>" in line for line in lines) == 1, lines
    get_line = next(line for line in lines if "filterType=email" in line)
    assert " GET /rest/v1/leads.json?" in get_line and " 200 " in get_line and "requestId=" in get_line
    assert "code=601" in lines[-1], lines  # the dead token: its code is logged, the token is not
    assert "uvicorn" not in printed.lower() or '" 200' not in printed  # uvicorn's own access log is off


def test_without_access_log_nothing_per_request(tmp_path: Path) -> None:
    process, base = _serve(tmp_path)
    try:
        token = _calls(base)
    finally:
        out, err = _stop(process)
    printed = out + err
    for secret in (SECRET, token):
        assert secret not in printed, printed
    assert "/rest/v1/" not in printed, printed
    assert "oauth/token?grant_type" in out  # only the banner's curl line names the identity path
    assert sum("/identity/oauth/token" in line for line in printed.splitlines()) == 1, printed


def test_browser_requests_are_not_api_calls(api: Api) -> None:
    before = api.usage()
    for path in ("/favicon.ico", "/apple-touch-icon.png", "/apple-touch-icon-precomposed.png"):
        response = api.http.get(path)
        assert response.status_code == 404, (path, response.text)
        assert response.content == b""
    logged = api.admin("GET", "/requests").json()["requests"]
    assert not [r for r in logged if "icon" in r["path"]], logged
    assert api.usage() == before
    # An unknown API path is still Marketo's 610, logged as such.
    assert api.call("GET", "/rest/v1/no_such_thing.json").json()["errors"][0]["code"] == "610"
    assert api.admin("GET", "/requests").json()["requests"][0]["code"] == "610"
