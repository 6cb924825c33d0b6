"""What the benchmark scripts share to run a server beside them: a free loopback port, `mkto serve` on a SQLite
file (or any `--db`, with `--state` and `--workers`) with known credentials, waiting until it answers, and stopping
it (Ctrl+C first, as a user would, then a kill if it does not go)."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx

STARTUP_DEADLINE_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], deadline_s: float = STARTUP_DEADLINE_S) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early: {process.args!r}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"server did not start: {process.args!r}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve_emulator(
    db: Path | str,
    client_id: str,
    client_secret: str,
    *,
    limits: Mapping[str, Any] | None = None,
    new_session: bool = False,
    state: str | None = None,
    workers: int = 1,
) -> tuple[subprocess.Popen[bytes], str]:
    """`mkto serve` on `db` with these credentials on a free port, ready (limits changed first when given);
    (process, base URL). `new_session`: its own process group, for a caller that stops the whole group.
    `state` and `workers` are `--state` and `--workers`."""
    port = free_port()
    mkto = Path(sys.executable).with_name("mkto")
    shared = ["--state", state, "--workers", str(workers)] if state is not None else []
    process = subprocess.Popen(
        [str(mkto), "serve", "--port", str(port), "--db", str(db), "--client-id", client_id,
         "--client-secret", client_secret, "--log-level", "warning", *shared],
        stdout=subprocess.DEVNULL, start_new_session=new_session,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/_mkto/health", process)
        if limits is not None:
            httpx.put(f"{base}/_mkto/limits", json=dict(limits)).raise_for_status()
    except BaseException:
        stop(process)
        raise
    return process, base
