"""One emulator per client test session, over real HTTP; every test gets it reset.

The end-to-end modules (`test_e2e_*.py`) run each test that takes `emu` twice, by the `server` parameter:
`sqlite` (one in-process worker on SQLite, the `Emulator`) and `pg-redis-4` (`mkto serve --workers 4` on
PostgreSQL + Redis, `tests/_served.py`), each started once per session and reset between tests through its
admin API. So they talk to the emulator only over HTTP: none reaches into the in-process one (`emu.server`'s
internals), or it could not run against the served one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

import httpx
import pytest

from mkto.client import Limits, RetryPolicy
from mkto.emulator import Emulator
from tests._code_proof import record_served
from tests._served import served

FAST_RETRY = RetryPolicy(max_attempts=6, deadline_s=600.0, base_delay_s=0.005, max_delay_s=0.05)
SERVERS = ("sqlite", "pg-redis-4")


class Emu:
    """The running emulator plus its admin API, as tests use it."""

    def __init__(self, server: Any) -> None:
        self.server = server
        self.base_url: str = server.base_url
        self.client_id: str = server.client_id
        self.client_secret: str = server.client_secret
        self.admin = httpx.Client(base_url=server.base_url.rstrip("/") + "/_mkto")

    def reset(self) -> None:
        """Data, jobs, counters and faults wiped; the starting limits and the real clock back."""
        self.server.reset()

    def limits(self, **changes: Any) -> dict[str, Any]:
        r = self.admin.put("/limits", json=changes)
        r.raise_for_status()
        data: dict[str, Any] = r.json()
        return data

    def fault(self, **plan: Any) -> None:
        # Aimed at REST, so that token fetches never draw from a test's plan.
        plan.setdefault("path", "/rest/*")
        self.admin.post("/faults", json=plan).raise_for_status()

    def advance(self, seconds: float) -> None:
        self.admin.post("/clock", json={"advance": seconds}).raise_for_status()

    def set_clock(self, when: str) -> None:
        self.admin.post("/clock", json={"set": when}).raise_for_status()

    def now(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.admin.get("/clock").json()["now"])

    def requests(self, limit: int = 10_000) -> list[dict[str, Any]]:
        """The request log, oldest first."""
        entries: list[dict[str, Any]] = self.admin.get("/requests", params={"limit": limit}).json()["requests"]
        return list(reversed(entries))

    def usage(self) -> dict[str, Any]:
        data: dict[str, Any] = self.admin.get("/usage").json()
        return data

    def virtual_sleep(self) -> Callable[[float], None]:
        """A client `sleep` that moves the emulator's clock instead of waiting: 606 windows pass at once."""
        slept: list[float] = []

        def sleep(seconds: float) -> None:
            slept.append(seconds)
            if seconds > 0:
                self.advance(seconds)

        sleep.slept = slept  # type: ignore[attr-defined]
        return sleep

    def client_kwargs(self, **overrides: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "base_url": self.base_url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "retry": FAST_RETRY,
            "limits": Limits(rate_calls=100_000, rate_seconds=20, concurrency=10),
        }
        kwargs.update(overrides)
        return kwargs


class _WithAdmin(Protocol):
    admin: httpx.Client


E = TypeVar("E", bound=_WithAdmin)


@contextlib.contextmanager
def running(make: Callable[[Emulator], E]) -> Iterator[E]:
    """A started emulator wrapped by `make` (a test area's `Emu`), stopped with its admin client."""
    server = Emulator(seed=0)
    server.start()
    emu = make(server)
    try:
        yield emu
    finally:
        emu.admin.close()
        server.stop()


@pytest.fixture(scope="session")
def emu_session() -> Iterator[Emu]:
    with running(Emu) as emu:
        yield emu


@pytest.fixture(scope="session")
def served_session() -> Iterator[Emu]:
    with served(workers=4) as server:
        emu = Emu(server)
        try:
            yield emu
        finally:
            emu.admin.close()


@pytest.hookimpl(trylast=True)  # after the tests' own parameters: `test[604-sqlite]`, as the code table names them
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The end-to-end modules run against both servers."""
    if metafunc.module.__name__.rpartition(".")[2].startswith("test_e2e_") and "emu" in metafunc.fixturenames:
        metafunc.parametrize("server", SERVERS, indirect=True)


@pytest.fixture
def server(request: pytest.FixtureRequest) -> str:
    """Which emulator `emu` is: `sqlite` unless the test is parametrised (the end-to-end modules are)."""
    kind: str = getattr(request, "param", "sqlite")
    return kind


@pytest.fixture
def emu(server: str, request: pytest.FixtureRequest) -> Iterator[Emu]:
    session: Emu = request.getfixturevalue("emu_session" if server == "sqlite" else "served_session")
    session.reset()
    yield session
    if server != "sqlite":
        record_served(session.base_url)  # the run-time code check reads what the served emulator answered


@pytest.fixture
def leads_emu(emu: Emu) -> Emu:
    """The same reset emulator; the name says the test writes leads."""
    return emu
