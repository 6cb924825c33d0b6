"""Many isolated instances in one server, as Marketo's pods host many subscriptions.

    POST   /_mkto/instances {"munchkin_id"?, "limits"?, "settings"?, "client_id"?, "client_secret"?}
    GET    /_mkto/instances
    DELETE /_mkto/instances/{munchkin_id}

An instance is a whole emulator app of its own (`create_app`): its data, API users, limits, settings, clock,
tokens, fault plans, request log and bulk queues. It is served under `/i/{munchkin_id}/` with the default
instance's paths (`/i/{m}/rest/...`, `/i/{m}/bulk/...`, `/i/{m}/identity/...`, `/i/{m}/_mkto/...`), so a client
given `http://HOST:PORT/i/{m}` as its base URL works unchanged.

Its data lives beside the root's: a SQLite file in the directory `<root file>.instances/`, or a schema of the
root's PostgreSQL database. The registry (`mkto_instances`, in the root's store) keeps what rebuilds each
instance, so instances come back after a restart; an app is built when its instance is first called.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import secrets
import shutil
import sqlite3
import threading
import uuid
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Column, String, Table, Text
from sqlalchemy.engine import make_url
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ._instance import Emulation
from ._limits import Limits
from ._store import api_users, metadata

PREFIX = "/i/"
MUNCHKIN_ID = re.compile(r"\d{3}-[A-Z]{3}-\d{3}")  # Marketo's form: 123-ABC-456
_FIELDS = frozenset({"munchkin_id", "limits", "settings", "client_id", "client_secret"})

instances = Table(
    "mkto_instances",
    metadata,
    Column("munchkin_id", String(16), primary_key=True),
    Column("data", Text, nullable=False),  # the creation request, credentials filled in, as JSON
    info={"keep_on_reset": True},  # a reset empties an instance's data, never the list of instances
)

AppFactory = Callable[..., Starlette]  # `create_app`, passed in: this module builds apps, it does not import them


class Instances:
    """The root's registry of instances and their apps."""

    def __init__(self, root: Emulation, factory: AppFactory, seed: int) -> None:
        self._root = root
        self._factory = factory
        self._seed = seed
        self._apps: dict[str, Starlette] = {}
        self._lock = threading.Lock()
        self._schema_prefix = "mkto"  # PostgreSQL: instance schemas are named after the root's own schema
        root.on_reload.append(self.refresh)
        if not root.store.is_sqlite:
            with root.store.transaction() as db:
                current = db.exec_driver_sql("SELECT current_schema()").scalar()
            if current and current != "public":
                self._schema_prefix = str(current)

    # -- the registry ---------------------------------------------------------------------------------
    def create(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """Create one; ValueError says what is wrong with the request, KeyError that the id is taken."""
        unknown = set(body) - _FIELDS
        if unknown:
            raise ValueError(f"unknown instance field(s): {', '.join(sorted(unknown))}")
        munchkin_id = body.get("munchkin_id") or self._new_munchkin_id()
        if not isinstance(munchkin_id, str) or not MUNCHKIN_ID.fullmatch(munchkin_id):
            raise ValueError("munchkin_id must look like 123-ABC-456")
        limits, settings = body.get("limits") or {}, body.get("settings") or {}
        if not isinstance(limits, dict) or not isinstance(settings, dict):
            raise ValueError("limits and settings must be JSON objects")
        Limits().update(limits)  # ValueError names a bad limit before anything is created
        self._root.check_settings(settings)
        for name in ("client_id", "client_secret"):
            if body.get(name) is not None and (not isinstance(body[name], str) or not body[name].strip()):
                raise ValueError(f"{name} must be a non-empty string")
        record = {
            "munchkin_id": munchkin_id,
            "client_id": body.get("client_id") or str(uuid.uuid4()),
            "client_secret": body.get("client_secret") or secrets.token_hex(16),
            "limits": limits,
            "settings": settings,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        with self._lock:
            if munchkin_id == self._root.munchkin_id or self._record(munchkin_id) is not None:
                raise KeyError(munchkin_id)
            self._drop_data(munchkin_id)  # a file or schema an earlier instance of this id left behind
            self._start_from_blank(munchkin_id)
            app = self._build(record)
            with self._root.store.transaction() as db:
                db.execute(instances.insert().values(munchkin_id=munchkin_id, data=json.dumps(record)))
            self._apps[munchkin_id] = app
        if self._root.shared is not None:
            self._root.shared.bump()  # the other workers look again
        return record

    def list(self) -> list[dict[str, Any]]:
        with self._root.store.transaction() as db:
            rows = db.execute(sa.select(instances.c.data).order_by(instances.c.munchkin_id)).scalars().all()
        return [json.loads(row) for row in rows]

    def drop(self, munchkin_id: str) -> bool:
        """Remove an instance with its data; False when there is none of that id."""
        with self._lock:
            record = self._record(munchkin_id)
            if record is None:
                return False
            app = self._apps.pop(munchkin_id, None)
            if app is not None:
                app.state.emulation.store.close()
            self._drop_data(munchkin_id)
            with self._root.store.transaction() as db:
                db.execute(instances.delete().where(instances.c.munchkin_id == munchkin_id))
        shared = self._root.shared
        if shared is not None:
            child = shared.child(munchkin_id)
            child.delete(child.keys_like("*"))  # its limits, tokens, faults, log...
            shared.bump()  # the other workers let go of their app
        return True

    def refresh(self) -> None:
        """Shared state: another worker created or dropped an instance; let go of apps no longer listed."""
        with self._root.store.transaction() as db:
            listed = set(db.execute(sa.select(instances.c.munchkin_id)).scalars().all())
        with self._lock:
            for munchkin_id in [m for m in self._apps if m not in listed]:
                self._apps.pop(munchkin_id).state.emulation.store.close()

    def app(self, munchkin_id: str) -> Starlette | None:
        """The instance's app, built on first use after a restart; None when there is no such instance."""
        app = self._apps.get(munchkin_id)
        if app is not None:
            return app
        with self._lock:
            app = self._apps.get(munchkin_id)
            if app is None:
                record = self._record(munchkin_id)
                if record is None:
                    return None
                app = self._apps[munchkin_id] = self._build(record)
        return app

    def close(self) -> None:
        with self._lock:
            for app in self._apps.values():
                app.state.emulation.store.close()
            self._apps.clear()

    # -- building ------------------------------------------------------------------------------------
    def _record(self, munchkin_id: str) -> dict[str, Any] | None:
        with self._root.store.transaction() as db:
            data = db.execute(sa.select(instances.c.data).where(instances.c.munchkin_id == munchkin_id)).scalar()
        return json.loads(data) if data is not None else None

    def _build(self, record: Mapping[str, Any]) -> Starlette:
        db, schema = self._location(str(record["munchkin_id"]))
        app = self._factory(
            db=db,
            db_schema=schema,
            # Its own random stream (tokens, request ids, generated ids): another instance's token means nothing.
            seed=zlib.crc32(f"{self._seed}:{record['munchkin_id']}".encode()),
            limits=record["limits"],
            munchkin_id=record["munchkin_id"],
            client_id=record["client_id"],
            client_secret=record["client_secret"],
            admin_token=self._root.admin_token,
            allow_query_token=self._root.allow_query_token,
            settings=record["settings"],
            shared_state=self._root.shared.child(record["munchkin_id"]) if self._root.shared is not None else None,
        )
        return app

    def _start_from_blank(self, munchkin_id: str) -> None:
        """SQLite: begin the instance's file as a copy of a blank one (every table created, every area's seed
        data in, no API user), built once per schema: creating the tables and seeding them cost ten times
        the copy. The blank file's name carries a fingerprint of the tables, so a new version builds its own."""
        if not self._root.store.is_sqlite:
            return
        url, _ = self._location(munchkin_id)
        target = Path(make_url(url).database or "")
        target.parent.mkdir(parents=True, exist_ok=True)
        blank = target.parent / f".blank-{_fingerprint()}.sqlite3"
        if not blank.exists():
            building = blank.with_name(blank.name + ".building")
            app = self._factory(db=f"sqlite:///{building}", seed=self._seed)
            app.state.emulation.store.close()  # the last connection checkpoints the WAL into the file
            with contextlib.closing(sqlite3.connect(building)) as raw, raw:
                raw.execute(f"DELETE FROM {api_users.name}")  # the builder's default user belongs to no instance
            building.replace(blank)
        shutil.copyfile(blank, target)

    def _location(self, munchkin_id: str) -> tuple[str, str | None]:
        """Where the instance's data lives: (database URL, PostgreSQL schema or None)."""
        url = self._root.store.engine.url
        if self._root.store.is_sqlite:
            root_file = Path(str(url.database))
            folder = root_file.with_name(root_file.name + ".instances")
            return f"sqlite:///{folder / (munchkin_id + '.sqlite3')}", None
        return url.render_as_string(hide_password=False), self._schema_name(munchkin_id)

    def _drop_data(self, munchkin_id: str) -> None:
        if self._root.store.is_sqlite:
            url, _ = self._location(munchkin_id)
            path = Path(make_url(url).database or "")
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            with self._root.store.transaction() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{self._schema_name(munchkin_id)}" CASCADE')

    def _schema_name(self, munchkin_id: str) -> str:
        return f"{self._schema_prefix}_i_{munchkin_id.lower().replace('-', '_')}"

    def _new_munchkin_id(self) -> str:
        while True:
            letters = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(3))
            candidate = f"{secrets.randbelow(1000):03d}-{letters}-{secrets.randbelow(1000):03d}"
            if candidate != self._root.munchkin_id and self._record(candidate) is None:
                return candidate


def _fingerprint() -> str:
    """What the tables look like (names, columns, indexes): a blank file of another shape is not reused."""
    shape = sorted(
        (t.name, tuple(c.name for c in t.c), tuple(sorted(str(i.name) for i in t.indexes)))
        for t in metadata.tables.values()
    )
    return hashlib.sha256(repr(shape).encode()).hexdigest()[:16]


# -- serving ---------------------------------------------------------------------------------------------
def split_instance_path(path: str) -> tuple[str, str] | None:
    """`/i/123-ABC-456/rest/v1/x.json` -> ("123-ABC-456", "/rest/v1/x.json"); None outside `/i/`."""
    if not path.startswith(PREFIX):
        return None
    munchkin_id, slash, rest = path[len(PREFIX) :].partition("/")
    return munchkin_id, slash + rest if slash else "/"


def instance_scope(scope: Mapping[str, Any], munchkin_id: str, rest: str) -> dict[str, Any]:
    """The request as the instance's app sees it: its own paths, the prefix as the root path."""
    prefix = f"{PREFIX}{munchkin_id}"
    inner = dict(scope)
    inner["path"] = rest
    raw = scope.get("raw_path")
    if isinstance(raw, bytes) and raw.startswith(prefix.encode()):
        inner["raw_path"] = raw[len(prefix) :] or b"/"
    inner["root_path"] = scope.get("root_path", "") + prefix
    return inner


def admin_handlers(registry: Instances) -> list[tuple[str, Callable[[Request], Any], list[str]]]:
    """The root's `/_mkto/instances` routes, for the admin API to guard and serve."""

    def described(request: Request, record: Mapping[str, Any]) -> dict[str, Any]:
        root = f"{request.url.scheme}://{request.url.netloc}{PREFIX}{record['munchkin_id']}"
        return {
            "munchkin_id": record["munchkin_id"],
            "client_id": record["client_id"],
            "client_secret": record["client_secret"],
            "base_url": root,
            "identity_url": f"{root}/identity",
            "admin_url": f"{root}/_mkto",
        }

    async def collection(request: Request) -> Response:
        if request.method == "POST":
            raw = await request.body()
            try:
                body = json.loads(raw) if raw.strip() else {}
            except ValueError as exc:
                raise ValueError(f"body is not JSON: {exc}") from exc
            if not isinstance(body, dict):
                raise ValueError("send a JSON object")
            try:
                record = registry.create(body)
            except KeyError:
                return JSONResponse({"error": f"instance {body.get('munchkin_id')} exists already"}, 409)
            return JSONResponse(described(request, record), 201)
        return JSONResponse({"instances": [described(request, r) for r in registry.list()]})

    async def one(request: Request) -> Response:
        munchkin_id = request.path_params["munchkin_id"]
        if not registry.drop(munchkin_id):
            return JSONResponse({"error": f"no instance {munchkin_id}"}, 404)
        return JSONResponse({"deleted": munchkin_id})

    return [
        ("/_mkto/instances", collection, ["GET", "POST"]),
        ("/_mkto/instances/{munchkin_id}", one, ["DELETE"]),
    ]


def refusal_handlers() -> list[tuple[str, Callable[[Request], Any], list[str]]]:
    """An instance's own `/_mkto/instances`: instances are made on the root, never inside one another."""

    async def refuse(_: Request) -> Response:
        return JSONResponse({"error": "instances are created on the root server's admin API: POST /_mkto/instances"}, 404)

    return [
        ("/_mkto/instances", refuse, ["GET", "POST"]),
        ("/_mkto/instances/{munchkin_id}", refuse, ["DELETE"]),
    ]


__all__ = [
    "PREFIX",
    "Instances",
    "admin_handlers",
    "instance_scope",
    "instances",
    "refusal_handlers",
    "split_instance_path",
]
