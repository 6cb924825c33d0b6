"""Helpers for the lists, campaigns and activities tests: leads, static lists and activities over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import httpx

from tests.emulator.conftest import Api, assert_success

EPOCH = "2000-01-01T00:00:00Z"


def leads(api: Api, count: int) -> list[int]:
    records = [{"email": f"lead{i}@example.com", "firstName": f"F{i}"} for i in range(count)]
    result = assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": records}))["result"]
    return [int(r["id"]) for r in result]


def create_list(api: Api, name: str, folder: dict[str, Any] | None = None) -> httpx.Response:
    folder = folder or {"type": "Folder", "id": 12}
    return api.call("POST", "/rest/asset/v1/staticLists.json", data={"name": name, "folder": json.dumps(folder)})


def new_list(api: Api, name: str = "High Value", folder: dict[str, Any] | None = None) -> int:
    body = assert_asset_success(create_list(api, name, folder))
    return int(body["result"][0]["id"])


def add(api: Api, list_id: int, lead_ids: Sequence[int]) -> list[dict[str, Any]]:
    body = {"input": [{"id": i} for i in lead_ids]}
    return list(assert_success(api.call("POST", f"/rest/v1/lists/{list_id}/leads.json", json=body))["result"])


def assert_asset_success(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert list(body) == ["success", "errors", "requestId", "warnings", "result"], body
    assert body["success"] is True and body["errors"] == [], body
    return body


def now(api: Api) -> dt.datetime:
    return dt.datetime.fromisoformat(api.admin("GET", "/clock").json()["now"])


def paging_token(api: Api, since: str = EPOCH) -> str:
    body = assert_success(api.call("GET", "/rest/v1/activities/pagingtoken.json", params={"sinceDatetime": since}))
    return str(body["nextPageToken"])


def activities(api: Api, type_ids: Sequence[int], **params: Any) -> list[dict[str, Any]]:
    """Every activity of these types since 2000, following nextPageToken until moreResult is false."""
    token = paging_token(api)
    out: list[dict[str, Any]] = []
    while True:
        query = {"nextPageToken": token, "activityTypeIds": ",".join(map(str, type_ids)), **params}
        body = assert_success(api.call("GET", "/rest/v1/activities.json", params=query))
        out.extend(body.get("result", []))
        assert "nextPageToken" in body and "moreResult" in body, body
        if not body["moreResult"]:
            return out
        token = body["nextPageToken"]
