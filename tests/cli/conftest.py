"""The `mkto` command run as a user runs it: a real process, against a real emulator over real HTTP.

`Cli` starts `python -m mkto.cli` with the emulator's credentials in the environment (or none, for the tests of
where credentials come from); `Clock` moves the emulator's virtual clock while a command runs, so that bulk
jobs (which take a virtual minute or more) finish in a real second.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from mkto.client import Client, Limits
from mkto.emulator import Emulator
from tests.client.conftest import running


class Emu:
    def __init__(self, server: Emulator) -> None:
        self.server = server
        self.base_url: str = server.base_url
        self.client_id: str = server.client_id
        self.client_secret: str = server.client_secret
        self.admin = httpx.Client(base_url=server.base_url.rstrip("/") + "/_mkto", timeout=30)

    def env(self) -> dict[str, str]:
        return {
            "MKTO_BASE_URL": self.base_url,
            "MKTO_CLIENT_ID": self.client_id,
            "MKTO_CLIENT_SECRET": self.client_secret,
        }

    def client(self) -> Client:
        return Client(base_url=self.base_url, client_id=self.client_id, client_secret=self.client_secret,
                      limits=Limits(rate_calls=100_000, concurrency=10))  # fmt: skip

    def now(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.admin.get("/clock").json()["now"])

    def advance(self, seconds: float) -> None:
        self.admin.post("/clock", json={"advance": seconds}).raise_for_status()

    def fault(self, **plan: Any) -> None:
        self.admin.post("/faults", json=plan).raise_for_status()

    def clear_faults(self) -> None:
        self.admin.delete("/faults").raise_for_status()

    def limits(self, **changes: Any) -> None:
        self.admin.put("/limits", json=changes).raise_for_status()

    def requests(self) -> list[dict[str, Any]]:
        """The request log, oldest first."""
        entries: list[dict[str, Any]] = self.admin.get("/requests", params={"limit": 10_000}).json()["requests"]
        return list(reversed(entries))

    def paths(self, suffix: str) -> list[dict[str, Any]]:
        return [r for r in self.requests() if str(r.get("path", "")).endswith(suffix)]

    @contextlib.contextmanager
    def clock_running(self, step_s: float = 15.0, every_s: float = 0.05) -> Iterator[None]:
        """Move the virtual clock `step_s` every `every_s` real seconds while the block runs."""
        done = threading.Event()

        def push() -> None:
            while not done.wait(every_s):
                with contextlib.suppress(httpx.HTTPError):
                    self.advance(step_s)

        thread = threading.Thread(target=push, daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join()


@pytest.fixture(scope="session")
def emu_session() -> Iterator[Emu]:
    with running(Emu) as emu:
        yield emu


@pytest.fixture
def emu(emu_session: Emu) -> Emu:
    emu_session.server.reset()
    return emu_session


def cli_env(extra: Mapping[str, str] | None = None, *, config: Path | None = None) -> dict[str, str]:
    """The test process's environment without any MKTO_* setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MKTO_")}
    env["PYTHONIOENCODING"] = "utf-8"
    env["MKTO_CONFIG"] = str(config) if config else os.devnull + ".absent.toml"
    env.update(extra or {})
    return env


def mkto(
    *args: str, env: Mapping[str, str], cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkto.cli", *args], capture_output=True, text=True, env=dict(env), cwd=cwd,
        timeout=timeout, check=False,
    )  # fmt: skip


def start(*args: str, env: Mapping[str, str], cwd: Path | None = None) -> subprocess.Popen[str]:
    """The command running, with SIGINT as a terminal delivers it even when this test process ignores it (a
    suite started in the background by a shell without job control does, and a child inherits an ignored
    signal: the CLI would never see the Ctrl+C a test sends it)."""
    ignored = signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    if ignored:  # a handler set here is reset to the default in the child when it starts Python
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "mkto.cli", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(env), cwd=cwd,
        )  # fmt: skip
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def seed_leads(emu: Emu, count: int, prefix: str = "lead") -> None:
    rows = [{"email": f"{prefix}{i}@example.com", "firstName": f"F{i}", "lastName": "Seeded"} for i in range(count)]
    with emu.client() as client:
        outcomes = client.leads.sync(rows)
    assert all(o.ok for o in outcomes)


def export_range(emu: Emu) -> list[str]:
    now = emu.now()
    return ["--since", (now - dt.timedelta(days=1)).isoformat(), "--until", (now + dt.timedelta(days=29)).isoformat()]


class SlowProxy:
    """A TCP relay in front of the emulator that sends its answers on at `bytes_per_s`: a slow network, so
    that a test can stop a command in the middle of a download. Real HTTP passes through it untouched."""

    def __init__(self, target: str, bytes_per_s: int) -> None:
        parsed = httpx.URL(target)
        self.target = (parsed.host, parsed.port or 80)
        self.bytes_per_s = bytes_per_s
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.closed = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                downstream, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(downstream, upstream, None), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, downstream, self.bytes_per_s), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, rate: int | None) -> None:
        piece = max((rate or 65_536) // 20, 1)
        try:
            while data := source.recv(piece):
                sink.sendall(data)
                if rate:
                    time.sleep(len(data) / rate)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def close(self) -> None:
        self.closed.set()
        self.listener.close()
