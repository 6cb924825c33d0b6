"""A served multi-worker emulator for tests: `mkto serve --workers N` on a fresh PostgreSQL schema and the test Redis.

    with served(workers=4) as emu:
        httpx.get(f"{emu.identity_url}/oauth/token", params={...})

The object it yields has the attributes tests use on `Emulator` (base_url, admin_url, identity_url, client_id,
client_secret, munchkin_id, db_url) and, over HTTP only, `token()`, `create_instance()` and `reset()`. On the way
out it stops the server's process group, drops the schema (and those of the instances made on it) and deletes the
Redis keys the server made. Without PostgreSQL or Redis it skips, or fails under MKTO_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import redis
import sqlalchemy as sa

from mkto.emulator._instance import DEFAULT_MUNCHKIN_ID
from mkto.emulator._server import Instance
from mkto.emulator._store import normalize_url
from tests.conftest import skip_or_fail

STARTUP_DEADLINE_S = 90.0
STOP_DEADLINE_S = 30.0
CLIENT_ID = "served-client"
CLIENT_SECRET = "served-secret"


def mkto_command() -> list[str]:
    mkto = Path(sys.executable).with_name("mkto")
    return [str(mkto)] if mkto.exists() else [sys.executable, "-m", "mkto.cli"]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_url() -> str:
    url = os.environ.get("MKTO_TEST_POSTGRES_URL")
    if not url:
        skip_or_fail("MKTO_TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    assert url is not None
    return url


def redis_url() -> str:
    url = os.environ.get("MKTO_TEST_REDIS_URL")
    if not url:
        skip_or_fail("MKTO_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    assert url is not None
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        skip_or_fail(f"Redis at MKTO_TEST_REDIS_URL is not reachable: {exc}")
    return url


@dataclasses.dataclass
class Served:
    """A running `mkto serve --workers N`: where it answers and how to log in."""

    base_url: str
    client_id: str
    client_secret: str
    db_url: str
    state_url: str
    workers: int
    munchkin_id: str = DEFAULT_MUNCHKIN_ID
    initial_limits: dict[str, Any] = dataclasses.field(default_factory=dict)
    output_file: IO[bytes] | None = None

    def output(self) -> str:
        """What the server has printed so far (stdout and stderr): the banner, and any error of a worker."""
        if self.output_file is None:
            return ""
        self.output_file.flush()
        return Path(self.output_file.name).read_text(errors="replace")

    @property
    def identity_url(self) -> str:
        return f"{self.base_url}/identity"

    @property
    def admin_url(self) -> str:
        return f"{self.base_url}/_mkto"

    def token(self) -> str:
        """A live access token for the default user, fetched over HTTP like a client would."""
        response = httpx.get(
            f"{self.identity_url}/oauth/token",
            params={"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret},
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def create_instance(self, **settings: Any) -> Instance:
        response = httpx.post(f"{self.admin_url}/instances", json=settings)
        if response.status_code != 201:
            raise ValueError(f"the emulator refused the instance: {response.text}")
        return Instance(**response.json())

    def reset(self, *, limits: bool = True, clock: bool = True) -> None:
        """What `Emulator.reset` does, through the admin API: data, jobs, counters and faults wiped; by default
        the starting limits and the real clock restored."""
        with httpx.Client(base_url=self.admin_url, timeout=60) as admin:
            reset = admin.post("/reset")
            assert reset.status_code == 200, (reset.text, self.output()[-3000:])
            if limits:
                admin.put("/limits", json=self.initial_limits).raise_for_status()
            if clock:
                admin.post("/clock", json={"reset": True}).raise_for_status()


def _wait_ready(base: str, process: subprocess.Popen[bytes], output: IO[bytes], workers: int) -> None:
    """Until the server answers and every worker has built its app (uvicorn says "Started server process" once
    it has), so that the calls of a test can reach every worker."""
    deadline = time.monotonic() + STARTUP_DEADLINE_S
    while time.monotonic() < deadline:
        output.flush()
        printed = Path(output.name).read_text(errors="replace")
        if process.poll() is not None:
            raise RuntimeError(f"mkto serve exited early ({process.returncode}):\n{printed}")
        try:
            answered = httpx.get(f"{base}/_mkto/health", timeout=1).status_code == 200
        except httpx.TransportError:
            answered = False
        if answered and printed.count("Started server process") >= workers:
            return
        time.sleep(0.1)
    raise RuntimeError("mkto serve did not answer /_mkto/health with every worker started")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_DEADLINE_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextlib.contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A new PostgreSQL schema; on the way out it is dropped with every instance schema named after it."""
    schema = f"mkto_served_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(normalize_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        skip_or_fail(f"PostgreSQL at MKTO_TEST_POSTGRES_URL is not reachable: {exc}")
    try:
        yield schema
    finally:
        with engine.begin() as conn:
            made = conn.execute(
                sa.text("SELECT nspname FROM pg_namespace WHERE nspname = :s OR nspname LIKE :i"),
                {"s": schema, "i": f"{schema}\\_i\\_%"},
            ).scalars()
            for name in list(made):
                conn.execute(sa.text(f'DROP SCHEMA "{name}" CASCADE'))
        engine.dispose()


def schema_url(url: str, schema: str) -> str:
    """The database URL whose connections keep their tables in `schema`."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def _redis_keys_made(url: str) -> Iterator[None]:
    """Delete, on the way out, the `mkto:*` keys that were not there on the way in."""
    connection = redis.Redis.from_url(url)
    before = set(connection.scan_iter(match="mkto:*", count=1000))
    try:
        yield
    finally:
        made = [key for key in connection.scan_iter(match="mkto:*", count=1000) if key not in before]
        for start in range(0, len(made), 500):
            connection.delete(*made[start : start + 500])
        connection.close()


@contextlib.contextmanager
def served(*, workers: int = 4, extra: tuple[str, ...] = ()) -> Iterator[Served]:
    """`mkto serve --workers N --db <fresh schema> --state $MKTO_TEST_REDIS_URL` on a free port, answering."""
    pg = postgres_url()
    state = redis_url()
    with fresh_schema(pg) as schema, _redis_keys_made(state), tempfile.NamedTemporaryFile() as output:
        db = schema_url(pg, schema)
        port = free_port()
        command = [*mkto_command(), "serve", "--workers", str(workers), "--port", str(port), "--db", db,
                   "--state", state, "--client-id", CLIENT_ID, "--client-secret", CLIENT_SECRET,
                   "--log-level", "info", *extra]  # fmt: skip
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(base, process, output, workers)
            limits = httpx.get(f"{base}/_mkto/limits", timeout=30).json()
            yield Served(base, CLIENT_ID, CLIENT_SECRET, db, state, workers, initial_limits=limits, output_file=output)
        finally:
            _stop(process)
