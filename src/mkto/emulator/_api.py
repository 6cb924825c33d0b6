"""The contract between the request pipeline and the API areas (leads, lists, bulk, ...).

An area module exposes `ENDPOINTS: list[Endpoint]` and defines its tables on `mkto.emulator._store.metadata`.
The pipeline (gates 414 ... 609) runs before a handler; a handler is a plain function of a `Call` that
returns a `Reply` (rendered in Marketo's envelope) or a Starlette `Response` (files, CSV), and raises
`ApiError` for a response-level error. Handlers run inside one database transaction (`call.db`), which
commits when the handler returns and rolls back when it raises; an endpoint marked `reads_only` runs its
handler through `Store.read` instead (one consistent view, no BEGIN/COMMIT of its own; a write there is an error).

An area may also define `setup(db: Connection) -> None`: called once at startup (after `create_all`) and
after every `POST /_mkto/reset`, inside a transaction, to seed defaults (e.g. the standard lead schema).
`call.instance` gives a handler the instance-wide services: the seeded random generator, the limits,
usage and error statistics, and the export byte counter.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from sqlalchemy.engine import Connection
from starlette.datastructures import UploadFile
from starlette.responses import Response

from mkto import errors

BodyKind = Literal["none", "json", "form", "multipart", "json_or_form"]
Envelope = Literal["leaddb", "asset"]


class ApiError(Exception):
    """A response-level error answered with the catalogue's code and message.

        raise ApiError("1003", variant="too_many_results")
        raise ApiError("701", "name")          # "name cannot be blank"
    """

    def __init__(self, code: str, *args: object, variant: str | None = None, message: str | None = None) -> None:
        spec = errors.get(code)
        self.code = code
        self.message = message if message is not None else spec.format(*args, variant=variant)
        super().__init__(f"{code} {self.message}")


def reason(code: str, *args: object, variant: str | None = None) -> dict[str, str]:
    """One record-level reason: `{"code": "1005", "message": "Lead already exists"}`."""
    return {"code": code, "message": errors.get(code).format(*args, variant=variant)}


def skipped(code: str, *args: object, variant: str | None = None, **extra: Any) -> dict[str, Any]:
    """A skipped record result in input order: `skipped("1004")` or `skipped("1036", seq=2)`."""
    return {**extra, "status": "skipped", "reasons": [reason(code, *args, variant=variant)]}


@dataclass(frozen=True, slots=True)
class ApiUser:
    """An API-only user and the custom service its credentials belong to."""

    client_id: str
    client_secret: str
    email: str = "api@mkto.local"
    permissions: frozenset[str] | None = None  # None: every permission
    workspaces: frozenset[str] | None = None  # None: every workspace
    partitions: frozenset[str] | None = None  # None: every lead partition
    ip_allowlist: frozenset[str] | None = None  # None: any address


class Instance(Protocol):
    """The emulator instance as a handler sees it (`call.instance`)."""

    @property
    def rng(self) -> random.Random:
        """The one seeded generator: use it for every random choice so `--seed` reproduces a run."""
        ...

    def limit(self, name: str) -> float:
        """A current limit by its admin name: `call.instance.limit("export_daily_bytes")`."""
        ...

    def usage_days(self, now: dt.datetime, days: int) -> list[dict[str, Any]]:
        """`/stats/usage.json` rows (date, total, users) for the last `days` days, newest first."""
        ...

    def error_days(self, now: dt.datetime, days: int) -> list[dict[str, Any]]:
        """`/stats/errors.json` rows (date, total, errors) for the last `days` days, newest first."""
        ...

    def export_bytes_today(self, now: dt.datetime) -> int: ...

    def add_export_bytes(self, now: dt.datetime, count: int) -> None: ...


@dataclass(slots=True)
class Call:
    """One REST call after the gates: what a handler reads."""

    method: str  # the effective method, after any _method override
    path: str
    path_params: Mapping[str, Any]
    params: Mapping[str, Sequence[str]]  # query string, plus form fields when the body is a form
    json: Any  # parsed JSON body, or None
    files: Mapping[str, UploadFile]
    user: ApiUser
    now: dt.datetime  # the virtual clock, aware UTC
    db: Connection
    request_id: str
    settings: Mapping[str, Any] = field(default_factory=dict)  # instance settings (e.g. native CRM sync)
    instance: Instance | None = None  # set by the pipeline; None in a handler's unit test

    def param(self, name: str, default: str | None = None) -> str | None:
        values = self.params.get(name)
        return values[-1] if values else default

    def param_list(self, name: str) -> list[str]:
        """All values of a parameter, repeated (`id=1&id=2`) or comma-separated (`id=1,2`)."""
        out: list[str] = []
        for value in self.params.get(name, ()):
            out.extend(v.strip() for v in value.split(",") if v.strip())
        return out


@dataclass(slots=True)
class Reply:
    """A successful answer. `result=None` omits the key (Merge, Associate)."""

    result: list[Any] | None = None
    next_page_token: str | None = None
    more_result: bool | None = None
    warnings: list[Any] = field(default_factory=list)
    envelope: Envelope = "leaddb"


Handler = Callable[[Call], Reply | Response]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One operation: `Endpoint("POST", "/rest/v1/leads.json", sync_leads, body="json", permission="Read-Write Lead")`."""

    method: str
    path: str  # Starlette path syntax: "/rest/v1/lead/{lead_id:int}.json"
    handler: Handler
    body: BodyKind = "none"
    permission: str | None = None
    large_body: bool = False  # bulk import: max_import_bytes instead of max_body_bytes
    operation_id: str = ""
    summary: str = ""
    # OpenAPI operation fragment (parameters, requestBody) for /_mkto/openapi.json and the schemathesis fuzz
    openapi: Mapping[str, Any] = field(default_factory=dict)
    envelope: Envelope = "leaddb"  # how the pipeline's own errors (601, 606, ...) look for this endpoint
    feature: str | None = None  # an instance setting that must be on (e.g. "abm_enabled"); off answers 703
    reads_only: bool = False  # the handler never writes: `Store.read` instead of a transaction
