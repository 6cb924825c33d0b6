"""A test-only emulator area: small endpoints that let the gate tests drive every body kind, a write
that can be read back (after_commit, kill -9), an asset envelope and a handler that crashes (611)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Integer, String, Table, select

from mkto.emulator._api import ApiError, Call, Endpoint, Reply
from mkto.emulator._store import metadata

probe_rows = Table(
    "probe_rows",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
)

probe_kept = Table(
    "probe_kept",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    info={"keep_on_reset": True},
)


def echo(call: Call) -> Reply:
    params = {k: list(v) for k, v in call.params.items()}
    return Reply(result=[{"method": call.method, "params": params, "json": call.json, "user": call.user.email}])


def upload(call: Call) -> Reply:
    files = {name: f.filename for name, f in call.files.items()}
    return Reply(result=[{"files": files, "params": {k: list(v) for k, v in call.params.items()}}])


def write(call: Call) -> Reply:
    body: Any = call.json or {}
    names = [str(n) for n in body.get("names", [])] if isinstance(body, dict) else []
    if not names:
        raise ApiError("701", "names")
    ids = [call.db.execute(probe_rows.insert().values(name=n)).inserted_primary_key[0] for n in names]
    return Reply(result=[{"id": i, "status": "created"} for i in ids])


def keep(call: Call) -> Reply:
    call.db.execute(probe_kept.insert().values(name=call.param("name", "kept")))
    return Reply(result=[])


def rows(call: Call) -> Reply:
    found = call.db.execute(select(probe_rows.c.id, probe_rows.c.name).order_by(probe_rows.c.id)).all()
    kept = call.db.execute(select(probe_kept.c.name).order_by(probe_kept.c.id)).scalars().all()
    return Reply(result=[{"id": r.id, "name": r.name} for r in found], warnings=[f"kept:{k}" for k in kept])


def crash(call: Call) -> Reply:
    raise RuntimeError("a bug in a handler")


def page(call: Call) -> Reply:
    return Reply(result=[{"id": 1}], next_page_token="GIYDAOBNGEYS2===", more_result=True, warnings=["w"])


def asset(call: Call) -> Reply:
    return Reply(result=[{"id": 1, "name": "probe"}], envelope="asset")


ENDPOINTS = [
    Endpoint("GET", "/rest/v1/probe/echo.json", echo, permission="Read-Only Lead", operation_id="probeEchoGet"),
    Endpoint("POST", "/rest/v1/probe/echo.json", echo, body="json", permission="Read-Write Lead",
             operation_id="probeEchoPost"),
    Endpoint("POST", "/rest/v1/probe/form.json", echo, body="form", operation_id="probeForm"),
    Endpoint("POST", "/bulk/v1/probe/import.json", upload, body="multipart", large_body=True,
             operation_id="probeImport"),
    Endpoint("POST", "/rest/v1/probe/rows.json", write, body="json", operation_id="probeWrite"),
    Endpoint("POST", "/rest/v1/probe/kept.json", keep, operation_id="probeKeep"),
    Endpoint("GET", "/rest/v1/probe/rows.json", rows, operation_id="probeRows"),
    Endpoint("GET", "/rest/v1/probe/crash.json", crash, operation_id="probeCrash"),
    Endpoint("GET", "/rest/v1/probe/page.json", page, operation_id="probePage"),
    Endpoint("GET", "/rest/asset/v1/probe.json", asset, permission="Read-Only Asset", envelope="asset",
             operation_id="probeAsset"),
]
