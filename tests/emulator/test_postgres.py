"""The PostgreSQL backend end to end: identity, a write, a read back, a reset that keeps users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mkto.emulator import Emulator
from tests._served import fresh_schema, schema_url
from tests._served import postgres_url as served_postgres_url

from .conftest import Api, areas, assert_success


@pytest.fixture
def postgres_url() -> Iterator[str]:
    url = served_postgres_url()
    with fresh_schema(url) as schema:
        yield schema_url(url, schema)


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
