"""The emulator's ASGI app: `create_app` builds one instance's state and its route table.

    app = create_app(db="sqlite:///./emulator.sqlite3", seed=0)

The routes, in the order Starlette tries them: the admin API under `/_mkto/` (`_admin.py`), the identity
endpoint (`_identity.py`), then every other path into the REST pipeline (`_gates.py`), which also answers
what Starlette's routes cannot match. The instance's state is `_instance.Emulation`.
"""

from __future__ import annotations

import dataclasses
import functools
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from . import _admin
from ._gates import Pipeline
from ._identity import IDENTITY_PATH, Identity
from ._instance import DEFAULT_MUNCHKIN_ID, Emulation
from ._instances import (
    MUNCHKIN_ID,
    PREFIX,
    Instances,
    admin_handlers,
    instance_scope,
    refusal_handlers,
    split_instance_path,
)
from ._limits import Limits
from ._router import AREAS, load_endpoints
from ._state import SharedState, StateUnavailable, clear_namespace, is_shared, namespace_for, open_state
from ._store import Store
from ._users import user_from_dict

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class _EmulatorApp(Starlette):
    """Starlette for the admin API and the identity endpoint; every other HTTP request goes straight to the
    REST pipeline, which answers every path and catches every error itself, so it skips Starlette's routing
    and middleware (a fifth of a short call's time)."""

    rest: ASGIApp
    instances: Instances | None = None  # the root's registry; None in an instance's own app
    emulation: Emulation

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            if self.emulation.shared is not None:
                self.emulation.sync(_bearer(scope))  # several workers: the clock, what another one changed
            path: str = scope["path"]
            if self.instances is not None and path.startswith(PREFIX):
                await self._to_instance(self.instances, scope, receive, send)
                return
            if not path.startswith("/_mkto") and path != IDENTITY_PATH:
                scope["app"] = self
                await self.rest(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    async def _to_instance(self, registry: Instances, scope: Scope, receive: Receive, send: Send) -> None:
        split = split_instance_path(scope["path"])
        assert split is not None
        munchkin_id, rest = split
        app = registry.app(munchkin_id) if MUNCHKIN_ID.fullmatch(munchkin_id) else None
        if app is None:
            await JSONResponse({"error": f"no instance {munchkin_id} on this server"}, 404)(scope, receive, send)
            return
        await app(instance_scope(scope, munchkin_id, rest), receive, send)


def _bearer(scope: Scope) -> str | None:
    """The token of an `Authorization: Bearer` header, if the call has one."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() or None if scheme.lower() == "bearer" else None
    return None


def default_db_path() -> Path:
    return Path(".mkto") / "emulator.sqlite3"


def create_app(
    *,
    db: str | Path | None = None,
    seed: int = 0,
    limits: Limits | Mapping[str, Any] | None = None,
    allow_query_token: bool = False,
    admin_token: str | None = None,
    munchkin_id: str = DEFAULT_MUNCHKIN_ID,
    client_id: str | None = None,
    client_secret: str | None = None,
    areas: Sequence[str] = AREAS,
    db_schema: str | None = None,
    hosts_instances: bool = True,
    state: str | None = None,
    reset_state: bool = False,
    settings: Mapping[str, Any] | None = None,
    shared_state: SharedState | None = None,
) -> Starlette:
    """The emulator as an ASGI app; `app.state.emulation` is its state, `app.state.default_user` its API user.

        uvicorn.run(create_app(db="sqlite:///./e.sqlite3"), server_header=False, date_header=False)
        create_app(db="postgresql://db/mkto", state="redis://127.0.0.1:6379/0")   # one of several workers

    `state`: where the instance's state lives (`_state`): None for this process, a `redis://` URL for several
    workers (or hosts) given the same `db`, which then are one emulator; `reset_state` clears what an earlier
    run left there (the server's first process does, before it starts its workers). StateUnavailable says
    why a state URL cannot be used. `settings`: instance settings beside the defaults.

    The root app also hosts instances (`app.state.instances`, `_instances.py`); `db_schema`,
    `hosts_instances=False` and `shared_state` are how it builds one.
    """
    if state and not is_shared(state) and state != "memory":
        raise StateUnavailable(f"unsupported state URL {state!r}: use redis://HOST:PORT/DB, or leave it out")
    if isinstance(limits, Limits):
        the_limits = dataclasses.replace(limits)
    else:
        the_limits = Limits()
        the_limits.update(limits or {})
    endpoints = load_endpoints(areas)  # import the areas first: their tables join `metadata` before create_all
    store = Store.open(db if db is not None else default_db_path(), schema=db_schema)
    shared = shared_state
    if shared is None and is_shared(state):
        assert state is not None
        namespace = namespace_for(store.url, db_schema, munchkin_id)
        try:
            if reset_state:
                clear_namespace(state, namespace)
            shared = open_state(state, namespace)
        except StateUnavailable:
            store.close()
            raise
    store.shared = shared
    emulation = Emulation(
        store=store,
        endpoints=endpoints,
        areas=areas,
        seed=seed,
        limits=the_limits,
        munchkin_id=munchkin_id,
        allow_query_token=allow_query_token,
        admin_token=admin_token,
        shared=shared,
        settings=settings,
    )
    default = user_from_dict(
        {"client_id": client_id, "client_secret": client_secret, "email": "api@mkto.local"},
        random.Random(f"default-user-{seed}"),
    )
    emulation.users.add(default)
    pipeline = Pipeline(emulation)
    registry = None
    if hosts_instances:
        build = functools.partial(create_app, areas=areas, hosts_instances=False)
        registry = Instances(emulation, build, seed)
    app = _EmulatorApp(
        routes=[
            *_admin.routes(emulation, admin_handlers(registry) if registry is not None else refusal_handlers()),
            Route(IDENTITY_PATH, Identity(emulation).endpoint, methods=["GET", "POST"]),
            Route("/{path:path}", pipeline.rest, methods=ALL_METHODS),
        ],
    )
    # Paths Starlette's routes cannot match (a newline in a segment) still get Marketo's answer, not "Not Found".
    app.router.default = pipeline.asgi
    app.rest = pipeline.asgi
    app.emulation = emulation
    app.instances = registry
    app.state.instances = registry
    app.state.emulation = emulation
    app.state.default_user = default
    return app


__all__ = ["ALL_METHODS", "create_app", "default_db_path"]
