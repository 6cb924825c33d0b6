"""Read-only admin views for the dashboard: one request-log entry in full (its headers and bodies decoded and
redacted only now, when it is read), and the instance's leads, static lists and bulk jobs.

    curl -s localhost:8080/_mkto/requests/42                      # one entry, secrets redacted
    curl -s 'localhost:8080/_mkto/browse/leads?offset=0&limit=20'
    curl -s localhost:8080/_mkto/browse/bulk

Leads and lists are read from the shared floor's tables. Bulk jobs are read through the bulk area's own
endpoints (the handlers its `ENDPOINTS` table names), run as each job's API user, so a job's state is the one
a poll would see: the area replays its queue on the virtual clock first. Marketo has no call that lists
import jobs, so their batch ids (only) are read from the store's `bulk_imports` table, by name; a public
listing in the bulk area would replace that. No view is counted or logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ._api import ApiError, ApiUser, Call, Reply
from ._common.tables import leads, list_members, static_lists
from ._instance import LOGGED_BODY_BYTES, redact_body, redact_headers, redact_query
from ._requestlog import entry_time
from ._store import metadata

if TYPE_CHECKING:
    from ._admin import AdminHandler
    from ._instance import Emulation

BROWSE_DEFAULT_LIMIT = 50
BROWSE_MAX_LIMIT = 300
BULK_JOBS_SHOWN = 50
LEAD_FIELDS_SHOWN = ("email", "firstName", "lastName", "company")
EXPORT_KINDS = ("leads", "activities", "program/members")  # custom object extracts need a type name


def public_entry(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A request-log entry as the admin API lists it: its time in ISO 8601, without the recorded wire bytes."""
    shown = {k: v for k, v in entry.items() if k != "_wire"}
    shown["time"] = entry_time(entry)
    return shown


def log_page(entries: Iterable[Mapping[str, Any]], limit: int, code: str = "", user: str = "") -> list[dict[str, Any]]:
    """The first `limit` entries answered `code` ("ok": success, "error": any code, "": any answer) for the
    API user whose client id is `user` ("": anyone)."""
    shown: list[dict[str, Any]] = []
    for entry in entries:
        if len(shown) >= limit:
            break
        answered = entry["code"]
        if code == "ok":
            wanted = answered is None
        elif code == "error":
            wanted = answered is not None
        else:
            wanted = not code or answered == code
        if wanted and (not user or entry["user"] == user):
            shown.append(public_entry(entry))
    return shown


def entry_detail(entry: Mapping[str, Any]) -> dict[str, Any]:
    """One entry with its request and response: headers, query and bodies as text, every secret redacted."""
    request_headers, query, request_body, request_size, response_headers, response_body, response_size = entry["_wire"]
    sent = redact_headers(request_headers)
    answered = redact_headers(response_headers)
    if response_body is None:  # streamed: its length was decided as it was sent, not when it was logged
        answered = [(name, value) for name, value in answered if name != "content-length"]
    return {
        **public_entry(entry),
        "request": {
            "query": redact_query(query) if query else "",
            "headers": sent,
            **_body(request_body, request_size, _content_type(sent)),
        },
        "response": {
            "headers": answered,
            **_body(response_body, response_size, _content_type(answered)),
        },
    }


def _content_type(headers: Iterable[tuple[str, str]]) -> str:
    return next((value for name, value in headers if name == "content-type"), "")


def _body(data: bytes | None, size: int | None, content_type: str) -> dict[str, Any]:
    if data is None:
        return {"body": None, "bytes": None, "truncated": False}  # streamed (an export file): not kept
    return {"body": redact_body(bytes(data), content_type), "bytes": size, "truncated": (size or 0) > LOGGED_BODY_BYTES}


def _page(request: Request) -> tuple[int, int]:
    def number(name: str, default: int) -> int:
        raw = request.query_params.get(name, str(default))
        if not raw.isdigit():
            raise ValueError(f"{name} must be a non-negative integer")
        return int(raw)

    return number("offset", 0), min(number("limit", BROWSE_DEFAULT_LIMIT), BROWSE_MAX_LIMIT)


def browse_leads(emu: Emulation, offset: int, limit: int) -> dict[str, Any]:
    with emu.store.snapshot() as db:
        total = db.execute(sa.select(sa.func.count()).select_from(leads)).scalar_one()
        rows = db.execute(sa.select(leads).order_by(leads.c.id).offset(offset).limit(limit)).all()
    shown = [
        {
            "id": row.id,
            **{name: (row.data or {}).get(name) for name in LEAD_FIELDS_SHOWN},
            "leadPartitionId": row.partition_id,
            "createdAt": row.created_at,
            "updatedAt": row.updated_at,
        }
        for row in rows
    ]
    return {"total": total, "offset": offset, "limit": limit, "leads": shown}


def browse_lists(emu: Emulation, offset: int, limit: int) -> dict[str, Any]:
    members = (
        sa.select(list_members.c.list_id, sa.func.count().label("members")).group_by(list_members.c.list_id).subquery()
    )
    query = (
        sa.select(static_lists, sa.func.coalesce(members.c.members, 0).label("members"))
        .outerjoin(members, members.c.list_id == static_lists.c.id)
        .order_by(static_lists.c.id)
    )
    with emu.store.snapshot() as db:
        total = db.execute(sa.select(sa.func.count()).select_from(static_lists)).scalar_one()
        rows = db.execute(query.offset(offset).limit(limit)).all()
    shown = [
        {
            "id": row.id,
            "name": row.name,
            "programName": row.program_name,
            "workspaceName": row.workspace_name,
            "members": int(row.members),
            "createdAt": row.created_at,
            "updatedAt": row.updated_at,
        }
        for row in rows
    ]
    return {"total": total, "offset": offset, "limit": limit, "lists": shown}


def _run(emu: Emulation, user: ApiUser, path: str, params: Mapping[str, Sequence[str]]) -> list[Any]:
    """The result of the GET endpoint at `path`, called as `user` outside the pipeline (never counted)."""
    match = emu.router.match("GET", path)
    if match is None or match.endpoint is None:
        return []
    try:
        with emu.store.transaction() as db:
            reply = match.endpoint.handler(
                Call(
                    method="GET", path=path, path_params=match.path_params, params=params, json=None, files={},
                    user=user, now=emu.clock.now(), db=db, request_id="", instance=emu,
                    settings={**emu.settings, "munchkin_id": emu.munchkin_id},
                )
            )  # fmt: skip
    except ApiError:
        return []  # the job's user or type is gone
    return list(reply.result or []) if isinstance(reply, Reply) else []


def browse_bulk(emu: Emulation) -> dict[str, Any]:
    users = {user.client_id: user for user in emu.users.all()}
    exports = []
    for user in users.values():
        for kind in EXPORT_KINDS:
            for job in _run(emu, user, f"/bulk/v1/{kind}/export.json", {"batchSize": ["300"]}):
                exports.append({"object": kind, "clientId": user.client_id, **job})
    exports.sort(key=lambda job: str(job.get("createdAt", "")), reverse=True)
    # The import area lists no jobs: the batch ids come from its table, each state from its status endpoint.
    table = metadata.tables.get("bulk_imports")
    if table is None:  # an emulator built without the bulk area
        return {"imports": [], "exports": exports[:BULK_JOBS_SHOWN]}
    with emu.store.snapshot() as db:
        batches = db.execute(
            sa.select(table.c.id, table.c.object, table.c.client_id).order_by(table.c.id.desc()).limit(BULK_JOBS_SHOWN)
        ).all()
    imports = []
    for batch in batches:
        owner = users.get(batch.client_id)
        if owner is None:
            continue
        path = (
            f"/bulk/v1/leads/batch/{batch.id}.json"
            if batch.object == "leads"
            else f"/bulk/v1/customobjects/{batch.object}/import/{batch.id}/status.json"
        )
        for job in _run(emu, owner, path, {}):
            imports.append({"object": batch.object, "clientId": owner.client_id, **job})
    return {"imports": imports, "exports": exports[:BULK_JOBS_SHOWN]}


def handlers(emu: Emulation) -> list[tuple[str, AdminHandler, list[str]]]:
    """The admin routes of these views, for `_admin.routes` to guard and serve."""

    async def instance(_: Request) -> Response:
        return JSONResponse({"munchkinId": emu.munchkin_id, "database": emu.store.url})

    async def request_entry(request: Request) -> Response:
        wanted = request.path_params["entry_id"]
        entry = next((e for e in list(emu.request_log) if e["id"] == wanted), None)
        if entry is None:
            return JSONResponse({"error": "no such request in the log (it keeps the newest entries only)"}, 404)
        return JSONResponse(await run_in_threadpool(entry_detail, entry))

    async def lead_page(request: Request) -> Response:
        offset, limit = _page(request)
        return JSONResponse(await run_in_threadpool(browse_leads, emu, offset, limit))

    async def list_page(request: Request) -> Response:
        offset, limit = _page(request)
        return JSONResponse(await run_in_threadpool(browse_lists, emu, offset, limit))

    async def bulk_jobs(_: Request) -> Response:
        return JSONResponse(await run_in_threadpool(browse_bulk, emu))

    return [
        ("/_mkto/requests/{entry_id:int}", request_entry, ["GET"]),
        ("/_mkto/browse/instance", instance, ["GET"]),
        ("/_mkto/browse/leads", lead_page, ["GET"]),
        ("/_mkto/browse/lists", list_page, ["GET"]),
        ("/_mkto/browse/bulk", bulk_jobs, ["GET"]),
    ]


__all__ = ["browse_bulk", "browse_leads", "browse_lists", "entry_detail", "handlers", "log_page", "public_entry"]
