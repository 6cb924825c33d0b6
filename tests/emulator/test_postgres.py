"""The PostgreSQL backend end to end: identity, a write, a read back, a reset that keeps users."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from mkto.emulator import Emulator
from mkto.emulator._store import normalize_url
from tests.conftest import skip_or_fail

from .conftest import Api, areas, assert_success


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = os.environ.get("MKTO_TEST_POSTGRES_URL")
    if not url:
        skip_or_fail("MKTO_TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
        return
    schema = f"mkto_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(normalize_url(url))
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        skip_or_fail(f"PostgreSQL at MKTO_TEST_POSTGRES_URL is not reachable: {exc}")
        return
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


def test_postgres_backend_end_to_end(postgres_url: str) -> None:
    with Emulator(db=postgres_url, areas=areas()) as emu:
        assert emu.db_url.startswith("postgresql+psycopg://")
        api = Api(emu)
        user = api.admin("POST", "/users", json={"client_id": "pg-user", "client_secret": "pg"}).json()
        created = assert_success(api.call("POST", "/rest/v1/leads.json", json={
            "input": [{"email": "pg-1@example.com", "firstName": "Pg"}, {"email": "pg-2@example.com"}]}))["result"]
        assert [r["status"] for r in created] == ["created", "created"]
        lead = assert_success(api.call("GET", f"/rest/v1/lead/{created[0]['id']}.json",
                                       params={"fields": "email,firstName"}))["result"]
        assert lead == [{"id": created[0]["id"], "email": "pg-1@example.com", "firstName": "Pg"}]
        assert_success(api.call("POST", "/rest/v1/probe/rows.json", json={"names": ["on postgres"]}))
        api.admin("POST", "/reset")
        assert assert_success(api.call("GET", "/rest/v1/probe/rows.json"))["result"] == []
        assert assert_success(api.call("GET", f"/rest/v1/lead/{created[0]['id']}.json"))["result"] == []
        assert api.token(user["client_id"], "pg")
        api.close()
