"""Bulk test helpers: import files, create/enqueue/poll extracts and move the virtual clock, over real HTTP."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from tests.emulator.conftest import Api, assert_success

IMPORT = "/bulk/v1/leads.json"
EXPORT = "/bulk/v1/leads/export"
PAST_EVERYTHING_S = 3_600  # an hour of virtual time finishes any small job in these tests
WIDE_RANGE = {"startAt": "2000-01-01T00:00:00Z", "endAt": "2000-01-31T00:00:00Z"}


def csv_file(rows: Sequence[Sequence[str]], *, delimiter: str = ",") -> bytes:
    return "".join(delimiter.join(row) + "\n" for row in rows).encode()


def import_file(api: Api, data: bytes, *, token: str | None = None, **params: Any) -> httpx.Response:
    params.setdefault("format", "csv")
    files = {"file": ("leads.csv", data, "text/csv")}
    return api.call("POST", IMPORT, params=params, files=files, token=token)


def import_ok(api: Api, data: bytes, **params: Any) -> int:
    [job] = assert_success(import_file(api, data, **params))["result"]
    assert job["status"] == "Queued", job
    return int(job["batchId"])


def import_status(api: Api, batch_id: int) -> dict[str, Any]:
    [job] = assert_success(api.call("GET", f"/bulk/v1/leads/batch/{batch_id}.json"))["result"]
    return dict(job)


def create_export(api: Api, body: dict[str, Any], *, token: str | None = None) -> httpx.Response:
    return api.call("POST", f"{EXPORT}/create.json", json=body, token=token)


def lead_export(fields: Sequence[str] = ("id", "email"), **filter_: Any) -> dict[str, Any]:
    return {"fields": list(fields), "filter": filter_ or {"createdAt": today_range()}}


def today_range() -> dict[str, str]:
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    start = (now - dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (now + dt.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"startAt": start, "endAt": end}


def export_ok(api: Api, body: dict[str, Any], *, token: str | None = None) -> str:
    [job] = assert_success(create_export(api, body, token=token))["result"]
    assert job["status"] == "Created", job
    return str(job["exportId"])


def export_call(api: Api, export_id: str, action: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
    method = "GET" if action in ("status", "file") else "POST"
    return api.call(method, f"{EXPORT}/{export_id}/{action}.json", token=token, **kwargs)


def export_job(api: Api, export_id: str, action: str = "status", **kwargs: Any) -> dict[str, Any]:
    [job] = assert_success(export_call(api, export_id, action, **kwargs))["result"]
    return dict(job)


def completed_export(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    export_id = export_ok(api, body)
    assert export_job(api, export_id, "enqueue")["status"] == "Queued"
    api.advance(PAST_EVERYTHING_S)
    job = export_job(api, export_id)
    assert job["status"] == "Completed", job
    return job


def sync(api: Api, records: Sequence[dict[str, Any]]) -> list[int]:
    result = assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": list(records)}))["result"]
    return [int(r["id"]) for r in result]
