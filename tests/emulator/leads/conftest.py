"""Leads test helpers: sync, read back and make API users over real HTTP against the session emulator."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator import Emulator
from tests.emulator.conftest import Api, assert_success

LEADS = "/rest/v1/leads.json"


def sync(api: Api, records: Sequence[Any], *, token: str | None = None, **options: Any) -> httpx.Response:
    return api.call("POST", LEADS, json={**options, "input": list(records)}, token=token)


def sync_ok(api: Api, records: Sequence[Any], **options: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = assert_success(sync(api, records, **options))["result"]
    return result


def created_ids(api: Api, records: Sequence[Any], **options: Any) -> list[int]:
    result = sync_ok(api, records, **options)
    assert all(r["status"] == "created" for r in result), result
    return [int(r["id"]) for r in result]


def by_filter(api: Api, filter_type: str, values: str, *, token: str | None = None, **params: Any) -> httpx.Response:
    return api.call("GET", LEADS, token=token, params={"filterType": filter_type, "filterValues": values, **params})


def one_reason(result: dict[str, Any]) -> tuple[str, str]:
    """The (code, message) of a skipped record, which carries no id."""
    assert result["status"] == "skipped", result
    assert "id" not in result, result
    [reason] = result["reasons"]
    return reason["code"], reason["message"]


def user_token(api: Api, **user: Any) -> str:
    """A token for a new API user (e.g. `partitions=["Default", "Europe"]`)."""
    created = api.admin("POST", "/users", json=user).json()
    return api.token(created["client_id"], created["client_secret"])


def db(emulator: Emulator) -> Any:
    """The emulator's own database, for setting up rows no implemented endpoint writes (programs, lists)."""
    return emulator.emulation.store.transaction()


def insert(connection: Connection, table: sa.Table, **values: Any) -> int:
    key = connection.execute(table.insert().values(**values)).inserted_primary_key
    assert key is not None
    return int(key[0])


@pytest.fixture
def lots(api: Api) -> Api:
    """An api whose limits allow many calls in a burst."""
    api.limits(rate_calls=100_000, daily_quota=10_000_000, concurrency=50)
    return api
