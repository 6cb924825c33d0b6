"""An acknowledged write survives kill -9 of a real `mkto serve` process."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests._code_proof import record_served

from .conftest import assert_success

STARTUP_DEADLINE_S = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    mkto = Path(sys.executable).with_name("mkto")
    command = [str(mkto)] if mkto.exists() else [sys.executable, "-m", "mkto.cli"]
    return subprocess.Popen(
        [*command, "serve", "--port", str(port), "--db", str(db), "--client-id", "durable",
         "--client-secret", "secret", "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_healthy(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            pytest.fail(f"mkto serve exited early:\n{output}")
        try:
            if httpx.get(f"{base}/_mkto/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail("mkto serve did not answer /_mkto/health")


def _token(base: str) -> str:
    response = httpx.get(f"{base}/identity/oauth/token", params={
        "grant_type": "client_credentials", "client_id": "durable", "client_secret": "secret"})
    return str(response.json()["access_token"])


def _kill(process: subprocess.Popen[bytes]) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    if process.stdout:
        process.stdout.close()


def test_acknowledged_write_survives_kill_9(tmp_path: Path) -> None:
    db = tmp_path / "durable.sqlite3"
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = _serve(db, port)
    try:
        _wait_healthy(base, process)
        headers = {"Authorization": f"Bearer {_token(base)}"}
        records = [{"email": f"durable-{i}@example.com", "firstName": f"D{i}"} for i in range(20)]
        response = httpx.post(f"{base}/rest/v1/leads.json", json={"input": records}, headers=headers)
        ids = [r["id"] for r in assert_success(response)["result"]]
        assert len(ids) == 20
        record_served(base)  # the run-time code check reads what the subprocess answered
    finally:
        _kill(process)
    assert process.returncode == -signal.SIGKILL

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    process = _serve(db, port)
    try:
        _wait_healthy(base, process)
        headers = {"Authorization": f"Bearer {_token(base)}"}
        for lead_id, record in zip(ids, records, strict=True):
            response = httpx.get(f"{base}/rest/v1/lead/{lead_id}.json", headers=headers,
                                 params={"fields": "email,firstName"})
            result = assert_success(response)["result"]
            assert result == [{"id": lead_id, "email": record["email"], "firstName": record["firstName"]}]
        record_served(base)
    finally:
        _kill(process)
