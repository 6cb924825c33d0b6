"""`Emulator`: the emulator server in a background thread, on a free loopback port.

    with Emulator() as emu:
        httpx.get(f"{emu.identity_url}/oauth/token", params={...})

A test session can watch every answer of every harness emulator (the session fixtures and those a test makes):
`watch(listener)` registers a request-log listener that each `Emulator` made afterwards calls with each entry
(its `code` and `fault` mark) and the response.
"""

from __future__ import annotations

import dataclasses
import gc
import shutil
import socket
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from ._app import create_app
from ._instance import DEFAULT_MUNCHKIN_ID, Emulation, RequestListener
from ._limits import Limits
from ._router import AREAS

STARTUP_TIMEOUT_S = 30.0
_WATCHERS: list[RequestListener] = []


def watch(listener: RequestListener) -> None:
    """Call `listener(entry, response)` for every request any `Emulator` made from now on answers."""
    _WATCHERS.append(listener)


def unwatch(listener: RequestListener) -> None:
    if listener in _WATCHERS:
        _WATCHERS.remove(listener)


# The event loop shares the interpreter with the emulator's background threads (bulk files). A thread that
# wants the GIL back waits up to the switch interval (5 ms by default) for the holder to let go, and a call takes
# it back many times (each socket and SQLite operation): a shorter interval keeps calls from queueing behind the
# background work, at a small cost in switches.
SWITCH_INTERVAL_S = 0.0005
GC_GEN0_OBJECTS = 50_000  # allocations between collections of the youngest generation while serving


def share_interpreter_fairly() -> None:
    """Set the interpreter up for serving (process-wide; the server's entry points call it once the app is built).

    The thread switch interval, so background work hands the interpreter back quickly. And the cyclic garbage
    collector: what exists once the app is built (modules, tables, compiled statements) lives as long as the
    process, so it is frozen out of every later collection, and the youngest generation is collected after
    GC_GEN0_OBJECTS allocations instead of 700, so short calls, which leave no cycles, rarely pay for a pass.
    What an earlier call froze (an emulator since stopped, in a test process) is thawed first, so a later
    collection can free it (no collection here: a test process starts many emulators).
    """
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    gc.unfreeze()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(GC_GEN0_OBJECTS, older, oldest)


def uvicorn_config(app: Any, *, host: str, port: int, log_level: str = "warning", access_log: bool = False) -> uvicorn.Config:
    """Marketo sets its own `Date` and `Server`; uvicorn must not add a second pair."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        server_header=False,
        date_header=False,
        lifespan="off",
        timeout_graceful_shutdown=2,
    )


@dataclasses.dataclass(frozen=True)
class Instance:
    """An instance the server hosts beside its default one (`Emulator.create_instance`)."""

    munchkin_id: str
    client_id: str
    client_secret: str
    base_url: str  # what a client's base URL takes: http://HOST:PORT/i/{munchkin_id}
    identity_url: str
    admin_url: str


class Emulator:
    """A running emulator for tests and scripts; a context manager.

        with Emulator(seed=1, limits={"rate_calls": 5}) as emu:
            emu.base_url, emu.client_id, emu.client_secret

    `request_log_size` caps the request log (`GET /_mkto/requests`) below its default of 1,000 entries.
    `state` (a `redis://` URL) keeps the instance's state there: two `Emulator`s given the same `db` and
    `state` are two workers of one emulator.
    """

    def __init__(
        self,
        *,
        db: str | Path | None = None,
        seed: int = 0,
        limits: Limits | Mapping[str, Any] | None = None,
        allow_query_token: bool = False,
        munchkin_id: str = DEFAULT_MUNCHKIN_ID,
        admin_token: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        host: str = "127.0.0.1",
        areas: tuple[str, ...] = AREAS,
        request_log_size: int | None = None,
        state: str | None = None,
        reset_state: bool = False,
    ) -> None:
        self._tempdir: str | None = None
        if db is None:
            self._tempdir = tempfile.mkdtemp(prefix="mkto-emulator-")
            db = Path(self._tempdir) / "emulator.sqlite3"
        self.app = create_app(
            db=db,
            seed=seed,
            limits=limits,
            allow_query_token=allow_query_token,
            admin_token=admin_token,
            munchkin_id=munchkin_id,
            client_id=client_id,
            client_secret=client_secret,
            areas=areas,
            state=state,
            reset_state=reset_state,
        )
        self.emulation: Emulation = self.app.state.emulation
        if request_log_size is not None:
            self.emulation.resize_request_log(request_log_size)
        self.emulation.request_listeners.extend(_WATCHERS)
        self._initial_limits = self.emulation.limits.as_dict()
        self.host = host
        self.port = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The host root: REST at `/rest/v1/...`, bulk at `/bulk/v1/...`."""
        return f"http://{self.host}:{self.port}"

    @property
    def identity_url(self) -> str:
        return f"{self.base_url}/identity"

    @property
    def admin_url(self) -> str:
        return f"{self.base_url}/_mkto"

    @property
    def client_id(self) -> str:
        return str(self.app.state.default_user.client_id)

    @property
    def client_secret(self) -> str:
        return str(self.app.state.default_user.client_secret)

    @property
    def db_url(self) -> str:
        return self.emulation.store.url

    def start(self) -> Emulator:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self.port = sock.getsockname()[1]
        share_interpreter_fairly()
        self._server = uvicorn.Server(uvicorn_config(self.app, host=self.host, port=self.port))
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="mkto-emulator", daemon=True
        )
        self._thread.start()
        started = threading.Event()
        for _ in range(int(STARTUP_TIMEOUT_S * 20)):
            if self._server.started:
                started.set()
                break
            if not self._thread.is_alive():
                break
            started.wait(0.05)
        if not started.is_set():
            self.stop()
            raise RuntimeError("the emulator did not start")
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None
        if self.app.state.instances is not None:
            self.app.state.instances.close()
        self.emulation.store.close()
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- conveniences over the admin API (same process, no HTTP needed) ------------------------------
    def token(self) -> str:
        """A live access token for the default user, fetched over HTTP like a client would."""
        response = httpx.get(
            f"{self.identity_url}/oauth/token",
            params={"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret},
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def create_instance(self, **settings: Any) -> Instance:
        """A new isolated instance on this server (`POST /_mkto/instances`: munchkin_id, limits, settings,
        client_id, client_secret are all optional)."""
        response = httpx.post(f"{self.admin_url}/instances", json=settings, headers=self._admin_headers())
        if response.status_code != 201:
            raise ValueError(f"the emulator refused the instance: {response.text}")
        return Instance(**response.json())

    def drop_instance(self, munchkin_id: str) -> None:
        """Remove an instance and its data (`DELETE /_mkto/instances/{munchkin_id}`)."""
        response = httpx.delete(f"{self.admin_url}/instances/{munchkin_id}", headers=self._admin_headers())
        if response.status_code not in (200, 404):
            response.raise_for_status()

    def _admin_headers(self) -> dict[str, str]:
        token = self.emulation.admin_token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def reset(self, *, limits: bool = True, clock: bool = True) -> None:
        """Wipe data, jobs, counters and faults; by default also restore the starting limits and the real clock."""
        self.emulation.reset()
        if limits:
            self.emulation.change_limits(self._initial_limits)
        if clock:
            self.emulation.clock.reset()
