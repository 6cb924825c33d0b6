"""`mkto serve --workers N`: N uvicorn worker processes on one socket, one emulator through a shared state backend.

    arguments = AppArguments(db="postgresql://...", state="redis://127.0.0.1:6379/0")
    run(arguments, sock, workers=4, log_level="info")

The parent (`_serve.py`) validates the options, builds the app once with these arguments (so the tables are
created and the defaults seeded before any worker starts, and N workers never race on CREATE TABLE), closes it,
binds the socket and prints the banner. `run` then hands the socket to uvicorn's multiprocess supervisor, which
starts N workers, restarts one that dies and stops them all on Ctrl+C or SIGTERM. Each worker builds its own app
with the parent's arguments, which reach it through the environment (`worker_app` is the import-string factory
uvicorn calls in each worker): the workers share the store and the state backend, not memory.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import socket
import sys

from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from ._app import create_app
from ._instance import ACCESS_LOGGER, DEFAULT_MUNCHKIN_ID
from ._server import share_interpreter_fairly, uvicorn_config

ARGUMENTS_VARIABLE = "MKTO_SERVE_WORKER_ARGUMENTS"  # the parent's AppArguments, as JSON, for each worker
WORKER_FACTORY = "mkto.emulator._workers:worker_app"


@dataclasses.dataclass(frozen=True)
class AppArguments:
    """What `mkto serve` builds its app from: the same in the parent and in every worker."""

    db: str
    state: str | None = None
    seed: int = 0
    allow_query_token: bool = False
    admin_token: str | None = None
    munchkin_id: str = DEFAULT_MUNCHKIN_ID
    client_id: str | None = None
    client_secret: str | None = None
    access_log: bool = False

    def build(self, *, reset_state: bool = False) -> Starlette:
        """The app (`access_log` is for the process that serves it: `log_access`); `reset_state` clears what an
        earlier run left in the state backend (the parent does, before any worker starts). Raises what
        `create_app` raises for a store or a state backend it cannot open."""
        return create_app(
            db=self.db,
            state=self.state,
            reset_state=reset_state,
            seed=self.seed,
            allow_query_token=self.allow_query_token,
            admin_token=self.admin_token,
            munchkin_id=self.munchkin_id,
            client_id=self.client_id,
            client_secret=self.client_secret,
        )

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> AppArguments:
        return cls(**json.loads(text))


def log_access(app: Starlette) -> None:
    """One line per API call of `app` on stdout (each worker writes its lines to the stdout it inherited)."""
    app.state.emulation.access_log = True
    logger = logging.getLogger(ACCESS_LOGGER)
    if logger.handlers:
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def close(app: Starlette) -> None:
    """Let go of what the app holds open (the parent's app, once the tables are made)."""
    if app.state.instances is not None:
        app.state.instances.close()
    app.state.emulation.store.close()
    if app.state.emulation.shared is not None:
        app.state.emulation.shared.redis.close()


def worker_app() -> Starlette:
    """The factory uvicorn calls in each worker process: the parent's app, built again from its arguments."""
    arguments = AppArguments.from_json(os.environ[ARGUMENTS_VARIABLE])
    app = arguments.build()
    if arguments.access_log:
        log_access(app)
    share_interpreter_fairly()  # once the app is built: what it made is frozen out of the garbage collector
    return app


def run(arguments: AppArguments, sock: socket.socket, *, workers: int, log_level: str) -> None:
    """Serve `sock` with `workers` processes until Ctrl+C or SIGTERM; a worker that dies is replaced."""
    os.environ[ARGUMENTS_VARIABLE] = arguments.to_json()  # the workers are spawned with this environment
    host, port = sock.getsockname()[:2]
    config = uvicorn_config(WORKER_FACTORY, host=host, port=port, log_level=log_level, access_log=False)
    config.factory = True
    config.workers = workers
    Multiprocess(config, sockets=[sock]).run()


__all__ = ["ARGUMENTS_VARIABLE", "AppArguments", "close", "log_access", "run", "worker_app"]
