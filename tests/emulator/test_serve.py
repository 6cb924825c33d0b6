"""`mkto serve` with no flags: an embedded SQLite file under ./.mkto, a default API user, a printed banner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests._code_proof import record_served

from .conftest import assert_success
from .test_durability import _free_port, _wait_healthy


def test_serve_without_flags_prints_where_and_how(tmp_path: Path) -> None:
    port = _free_port()
    mkto = Path(sys.executable).with_name("mkto")
    # --port only because 8080 may be taken on a shared machine; everything else is the default.
    process = subprocess.Popen([str(mkto), "serve", "--port", str(port)], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, process)
    finally:
        os.kill(process.pid, signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    text = output.decode()
    db = (tmp_path / ".mkto" / "emulator.sqlite3").resolve()
    assert db.is_file()
    for expected in (f"REST base URL   {base}/rest", f"Identity URL    {base}/identity",
                     f"Dashboard       {base}/_mkto/", f"database        {db}"):
        assert expected in text, text
    client_id = next(line.split()[-1] for line in text.splitlines() if line.strip().startswith("client_id"))
    secret = next(line.split()[-1] for line in text.splitlines() if line.strip().startswith("client_secret"))

    # The printed credentials work (and are the same on the next start with the same seed).
    process = subprocess.Popen([str(mkto), "serve", "--port", str(port)], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        _wait_healthy(base, process)
        token = httpx.get(f"{base}/identity/oauth/token", params={
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}).json()["access_token"]
        assert_success(httpx.get(f"{base}/rest/v1/stats/usage.json", headers={"Authorization": f"Bearer {token}"}))
        record_served(base)  # the run-time code check reads what the subprocess answered
    finally:
        os.kill(process.pid, signal.SIGINT)
        process.communicate(timeout=30)
