"""The leads area on PostgreSQL: the JSON field filters, lookups, paging, merge and schema over real HTTP."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from mkto.emulator import Emulator
from mkto.emulator._common.tables import list_members, static_lists
from tests.conftest import skip_or_fail
from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import by_filter, created_ids, db, insert, one_reason, sync_ok

COOKIE = "id:287-GTJ-838&token:_mch-marketo.com-1396310362214-46169"
STAMP = "2021-11-23T22:57:18Z"


@pytest.fixture(scope="module")
def pg_emulator() -> Iterator[Emulator]:
    base = os.environ.get("MKTO_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
    url = sa.make_url(base.replace("postgresql://", "postgresql+psycopg://", 1))
    name = f"mkto_leads_{uuid.uuid4().hex[:10]}"
    try:
        admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as exc:  # any failure to reach the server means "no PostgreSQL here"
        skip_or_fail(f"PostgreSQL not reachable at {base}: {exc}")
    try:
        with Emulator(db=url.set(database=name).render_as_string(hide_password=False)) as emu:
            yield emu
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def pg(pg_emulator: Emulator) -> Iterator[Api]:
    pg_emulator.reset()
    client = Api(pg_emulator)
    client.limits(rate_calls=100_000, daily_quota=10_000_000)
    yield client
    client.close()


def test_sync_lookups_and_filters(pg: Api) -> None:
    a, b = created_ids(pg, [{"email": "A@example.com", "integer_field": 5, "email_field": "Shared@Example.com"},
                            {"email": "b@example.com", "integer_field": 6, "title": "CTO"}])  # fmt: skip
    assert sync_ok(pg, [{"email": "a@EXAMPLE.com", "firstName": "Ann"}]) == [{"id": a, "status": "updated"}]
    assert sync_ok(pg, [{"integer_field": 6, "lastName": "Bee"}], lookupField="integer_field") == [
        {"id": b, "status": "updated"}
    ]
    assert [r["id"] for r in assert_success(by_filter(pg, "integer_field", "5,6"))["result"]] == [a, b]
    assert [r["id"] for r in assert_success(by_filter(pg, "email_field", "shared@example.com"))["result"]] == [a]
    [lead] = assert_success(by_filter(pg, "id", str(b), fields="title,lastName,boolean_field"))["result"]
    assert lead == {"id": b, "title": "CTO", "lastName": "Bee", "boolean_field": False}
    created_ids(pg, [{"email": "b@example.com"}], action="createDuplicate")
    [twin] = sync_ok(pg, [{"email": "b@example.com", "firstName": "T"}])
    assert one_reason(twin)[0] == "1007"


def test_paging_and_too_many_results(pg: Api) -> None:
    for start in range(0, 1001, 300):
        created_ids(pg, [{"email": f"m{i}@example.com"} for i in range(start, min(start + 300, 1001))])
    assert_marketo_error(by_filter(pg, "leadPartitionId", "1"), "1003", "Too many results match the filter")
    emails = ",".join(f"m{i}@example.com" for i in range(250))
    first = assert_success(by_filter(pg, "email", emails, batchSize=200))
    second = assert_success(by_filter(pg, "email", emails, batchSize=200, nextPageToken=first["nextPageToken"]))
    assert len(first["result"]) == 200 and len(second["result"]) == 50 and "moreResult" not in second


def test_merge_moves_memberships_and_cookies(pg: Api, pg_emulator: Emulator) -> None:
    winner, loser = created_ids(pg, [{"email": "w@example.com"}, {"email": "l@example.com", "city": "Oslo"}])
    assert_success(pg.call("POST", f"/rest/v1/leads/{loser}/associate.json", params={"cookie": COOKIE}))
    with db(pg_emulator) as conn:
        shared = insert(conn, static_lists, name="Shared", created_at=STAMP, updated_at=STAMP)
        only_loser = insert(conn, static_lists, name="Loser", created_at=STAMP, updated_at=STAMP)
        for list_id, lead_id in ((shared, winner), (shared, loser), (only_loser, loser)):
            insert(conn, list_members, list_id=list_id, lead_id=lead_id, created_at=STAMP, updated_at=STAMP)
    assert_success(pg.call("POST", f"/rest/v1/leads/{winner}/merge.json", params={"leadId": str(loser)}))
    lists = assert_success(pg.call("GET", f"/rest/v1/leads/{winner}/listMembership.json"))["result"]
    assert sorted(m["listId"] for m in lists) == [shared, only_loser]
    assert [r["id"] for r in assert_success(by_filter(pg, "cookies", COOKIE, fields="city"))["result"]] == [winner]


def test_custom_fields_survive_reset(pg: Api, pg_emulator: Emulator) -> None:
    name = f"pg{uuid.uuid4().hex[:8]}"
    body = assert_success(pg.call("POST", "/rest/v1/leads/schema/fields.json",
                                  json={"input": [{"name": name, "displayName": f"Pg {name}", "dataType": "integer"}]}))  # fmt: skip
    assert body["result"] == [{"name": name, "status": "created"}]
    pg_emulator.reset()
    [lead_id] = created_ids(pg, [{"email": "c@example.com", name: "12"}])
    assert assert_success(by_filter(pg, name, "12", fields=name))["result"] == [{"id": lead_id, name: 12}]
