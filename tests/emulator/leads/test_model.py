"""The model without HTTP: LeadDatabase on a bare SQLite connection, as another area (lists, bulk) would use it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._api import ApiError, ApiUser
from mkto.emulator._store import metadata
from mkto.emulator.leads import LeadDatabase, setup

NOW = dt.datetime(2021, 11, 23, 22, 57, 8, tzinfo=dt.UTC)


@pytest.fixture
def conn() -> Iterator[Connection]:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        setup(connection)
        yield connection
    engine.dispose()


def model(conn: Connection, partitions: frozenset[str] | None = None) -> LeadDatabase:
    return LeadDatabase(conn, ApiUser("id", "secret", partitions=partitions), NOW)


def test_sync_and_read_without_http(conn: Connection) -> None:
    leads = model(conn)
    [created] = leads.sync([{"email": "a@example.com"}], action="createOnly", lookup_field="email", partition_name=None)
    assert created == {"id": created["id"], "status": "created"}
    page = leads.get_by_filter("email", ["A@EXAMPLE.COM"], None, 300, None)
    assert page.result == [{"id": created["id"], "firstName": None, "lastName": None, "email": "a@example.com",
                            "updatedAt": "2021-11-23T22:57:08Z", "createdAt": "2021-11-23T22:57:08Z"}]  # fmt: skip
    with pytest.raises(ApiError) as info:
        leads.get_by_filter("firstName", ["x"], None, 300, None)
    assert (info.value.code, info.value.message) == ("1011", "Field 'firstName' not supported")


def test_non_ascii_email_is_rejected(conn: Connection) -> None:
    [result] = model(conn).sync([{"email": "josé@example.com"}], action="createOrUpdate", lookup_field="email",
                                partition_name=None)  # fmt: skip
    assert result["reasons"] == [{"code": "1003", "message": "Invalid value for field 'email' and value 'josé@example.com'"}]


def test_partitions_list_and_move(conn: Connection) -> None:
    admin = model(conn, frozenset({"Default", "Europe"}))
    assert [p["name"] for p in admin.list_partitions()] == ["Default", "Europe"]
    [created] = admin.sync([{"email": "m@example.com"}], action="createOnly", lookup_field="email",
                           partition_name="Default")  # fmt: skip
    moved = admin.update_partitions([{"id": created["id"], "partitionName": "Europe"}, {"id": 999, "partitionName": "Europe"},
                                     {"id": created["id"], "partitionName": "Asia"}])  # fmt: skip
    assert moved[0] == {"id": created["id"], "status": "updated"}
    assert moved[1]["reasons"][0]["code"] == "1004"
    assert moved[2]["reasons"] == [{"code": "1008", "message": "Access denied to partition 'Asia'"}]
    default_only = model(conn, frozenset({"Default"}))
    assert [p["name"] for p in default_only.list_partitions()] == ["Default"]
    assert default_only.get_by_id(created["id"], None) == []
