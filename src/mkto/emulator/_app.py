"""The emulator's ASGI app: `create_app` builds one instance's state and its route table.

    app = create_app(db="sqlite:///./emulator.sqlite3", seed=0)

The routes, in the order Starlette tries them: the admin API under `/_mkto/` (`_admin.py`), the identity
endpoint (`_identity.py`), then every other path into the REST pipeline (`_gates.py`), which also answers
what Starlette's routes cannot match. The instance's state is `_instance.Emulation`.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from . import _admin
from ._gates import Pipeline
from ._identity import IDENTITY_PATH, Identity
from ._instance import DEFAULT_MUNCHKIN_ID, Emulation
from ._limits import Limits
from ._router import AREAS, load_endpoints
from ._store import Store
from ._users import user_from_dict

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


class _EmulatorApp(Starlette):
    """Starlette for the admin API and the identity endpoint; every other HTTP request goes straight to the
    REST pipeline, which answers every path and catches every error itself, so it skips Starlette's routing
    and middleware (a fifth of a short call's time)."""

    rest: ASGIApp

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope["path"]
            if not path.startswith("/_mkto") and path != IDENTITY_PATH:
                scope["app"] = self
                await self.rest(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


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
) -> Starlette:
    """The emulator as an ASGI app; `app.state.emulation` is its state, `app.state.default_user` its API user.

        uvicorn.run(create_app(db="sqlite:///./e.sqlite3"), server_header=False, date_header=False)
    """
    if isinstance(limits, Limits):
        the_limits = dataclasses.replace(limits)
    else:
        the_limits = Limits()
        the_limits.update(limits or {})
    endpoints = load_endpoints(areas)  # import the areas first: their tables join `metadata` before create_all
    store = Store.open(db if db is not None else default_db_path())
    emulation = Emulation(
        store=store,
        endpoints=endpoints,
        areas=areas,
        seed=seed,
        limits=the_limits,
        munchkin_id=munchkin_id,
        allow_query_token=allow_query_token,
        admin_token=admin_token,
    )
    default = user_from_dict(
        {"client_id": client_id, "client_secret": client_secret, "email": "api@mkto.local"},
        random.Random(f"default-user-{seed}"),
    )
    emulation.users.add(default)
    pipeline = Pipeline(emulation)
    app = _EmulatorApp(
        routes=[
            *_admin.routes(emulation),
            Route(IDENTITY_PATH, Identity(emulation).endpoint, methods=["GET", "POST"]),
            Route("/{path:path}", pipeline.rest, methods=ALL_METHODS),
        ],
    )
    # Paths Starlette's routes cannot match (a newline in a segment) still get Marketo's answer, not "Not Found".
    app.router.default = pipeline.asgi
    app.rest = pipeline.asgi
    app.state.emulation = emulation
    app.state.default_user = default
    return app


__all__ = ["ALL_METHODS", "create_app", "default_db_path"]
