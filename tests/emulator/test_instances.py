"""Many isolated instances in one server: created, listed and dropped through the admin API, served under
`/i/{munchkin_id}/` with the default instance's paths, and sharing nothing with each other or the root."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from mkto import Client
from mkto.emulator import Emulator, Instance
from mkto.emulator._store import normalize_url

from .test_postgres import postgres_url  # noqa: F401  (the fixture)


def token(instance: Instance) -> str:
    answer = httpx.get(
        f"{instance.identity_url}/oauth/token",
        params={"grant_type": "client_credentials", "client_id": instance.client_id,
                "client_secret": instance.client_secret},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def client(instance: Instance) -> Client:
    return Client(base_url=instance.base_url, client_id=instance.client_id, client_secret=instance.client_secret)


def emails(instance: Instance) -> list[str]:
    found = httpx.get(
        f"{instance.base_url}/rest/v1/leads.json",
        params={"filterType": "email", "filterValues": "a@example.com,b@example.com,c@example.com"},
        headers={"Authorization": f"Bearer {token(instance)}"},
    ).json()
    return sorted(lead["email"] for lead in found["result"])


def root_of(emu: Emulator) -> Instance:
    return Instance(emu.emulation.munchkin_id, emu.client_id, emu.client_secret, emu.base_url, emu.identity_url,
                    emu.admin_url)  # fmt: skip


def test_create_answers_credentials_and_urls_a_client_uses_unchanged() -> None:
    with Emulator() as emu:
        answer = httpx.post(f"{emu.admin_url}/instances", json={"munchkin_id": "111-AAA-222"})
        assert answer.status_code == 201
        body = answer.json()
        assert set(body) == {"munchkin_id", "client_id", "client_secret", "base_url", "identity_url", "admin_url"}
        assert body["munchkin_id"] == "111-AAA-222"
        assert body["base_url"] == f"{emu.base_url}/i/111-AAA-222"
        assert body["identity_url"] == f"{body['base_url']}/identity"
        assert body["admin_url"] == f"{body['base_url']}/_mkto"
        instance = Instance(**body)
        with client(instance) as mkto:
            [outcome] = mkto.leads.sync([{"email": "a@example.com", "firstName": "Ada"}])
            assert outcome.status == "created"
            [lead] = mkto.leads.get_by_filter("email", ["a@example.com"])
        assert lead["firstName"] == "Ada"
        # The instance's own admin API and dashboard answer under its prefix.
        log = httpx.get(f"{instance.admin_url}/requests").json()["requests"]
        assert {entry["path"] for entry in log} >= {"/rest/v1/leads.json", "/identity/oauth/token"}
        assert httpx.get(f"{instance.admin_url}/").status_code == 200
        # Its only API user is its own (instances start from one blank file, which holds no user).
        users = httpx.get(f"{instance.admin_url}/users").json()
        assert [u["client_id"] for u in users["users"]] == [instance.client_id]
        # A generated id has Marketo's form.
        generated = emu.create_instance()
        assert re.fullmatch(r"\d{3}-[A-Z]{3}-\d{3}", generated.munchkin_id)
        assert generated.client_secret != instance.client_secret


def test_instances_share_nothing() -> None:
    with Emulator() as emu:
        a = emu.create_instance(limits={"rate_calls": 3})
        b = emu.create_instance()
        root = root_of(emu)
        with client(a) as mkto:
            mkto.leads.sync([{"email": "a@example.com"}])
        with client(b) as mkto:
            mkto.leads.sync([{"email": "b@example.com"}])
        assert emails(a) == ["a@example.com"]
        assert emails(b) == ["b@example.com"]
        assert emails(root) == []
        # API users: another instance's credentials are unknown here.
        refused = httpx.get(f"{b.identity_url}/oauth/token", params={
            "grant_type": "client_credentials", "client_id": a.client_id, "client_secret": a.client_secret})  # fmt: skip
        assert refused.status_code == 401
        # Tokens: one instance's token means nothing to another.
        wrong = httpx.get(f"{b.base_url}/rest/v1/lead/1.json", headers={"Authorization": f"Bearer {token(a)}"})
        assert wrong.json()["errors"][0]["code"] == "601"
        # Limits: a's window is 3 calls; b and the root keep 100.
        assert httpx.get(f"{a.admin_url}/limits").json()["rate_calls"] == 3
        assert httpx.get(f"{b.admin_url}/limits").json()["rate_calls"] == 100
        a_auth = {"Authorization": f"Bearer {token(a)}"}  # a's sync and token above used 2 of its 3
        codes = [httpx.get(f"{a.base_url}/rest/v1/lead/1.json", headers=a_auth).json().get("errors", [{}])[0].get("code")
                 for _ in range(3)]  # fmt: skip
        assert codes[-1] == "606"
        assert httpx.get(f"{b.base_url}/rest/v1/lead/1.json",
                         headers={"Authorization": f"Bearer {token(b)}"}).json()["success"] is True  # fmt: skip
        # Clock: moving a's clock expires a's tokens only.
        b_token = token(b)
        httpx.post(f"{a.admin_url}/clock", json={"advance": 7200}).raise_for_status()
        assert httpx.get(f"{b.base_url}/rest/v1/lead/1.json",
                         headers={"Authorization": f"Bearer {b_token}"}).json()["success"] is True  # fmt: skip
        assert httpx.get(f"{b.admin_url}/clock").json()["now"] < httpx.get(f"{a.admin_url}/clock").json()["now"]
        # Faults and settings: armed on b, felt on b only.
        httpx.post(f"{b.admin_url}/faults", json={"code": "611"}).raise_for_status()
        httpx.put(f"{b.admin_url}/settings", json=_a_setting_flipped(b)).raise_for_status()
        assert httpx.get(f"{b.base_url}/rest/v1/lead/1.json",
                         headers={"Authorization": f"Bearer {b_token}"}).json()["errors"][0]["code"] == "611"  # fmt: skip
        assert httpx.get(f"{root.base_url}/rest/v1/lead/1.json",
                         headers={"Authorization": f"Bearer {emu.token()}"}).json()["success"] is True  # fmt: skip
        assert httpx.get(f"{root.admin_url}/settings").json() != httpx.get(f"{b.admin_url}/settings").json()
        assert httpx.get(f"{root.admin_url}/faults").json() == httpx.get(f"{a.admin_url}/faults").json()
        # Request logs: each instance logs only its own calls.
        root_paths = [e["path"] for e in httpx.get(f"{root.admin_url}/requests?limit=1000").json()["requests"]]
        assert root_paths == [  # newest first: only the calls this test made to the root itself
            "/rest/v1/lead/1.json", "/identity/oauth/token", "/rest/v1/leads.json", "/identity/oauth/token"]
        # A reset of one instance leaves the others' data.
        httpx.post(f"{b.admin_url}/reset").raise_for_status()
        assert emails(b) == []
        assert emails(a) == ["a@example.com"]


def _a_setting_flipped(instance: Instance) -> dict[str, bool]:
    current = httpx.get(f"{instance.admin_url}/settings").json()
    name = next(k for k, v in current.items() if isinstance(v, bool))
    return {name: not current[name]}


def test_list_and_drop(tmp_path: Path) -> None:
    with Emulator(db=tmp_path / "root.sqlite3") as emu:
        a = emu.create_instance(munchkin_id="222-BBB-333")
        b = emu.create_instance(munchkin_id="111-AAA-444")
        listed = httpx.get(f"{emu.admin_url}/instances").json()["instances"]
        assert [i["munchkin_id"] for i in listed] == ["111-AAA-444", "222-BBB-333"]
        assert listed[1] == {**a.__dict__}
        with client(a) as mkto:
            mkto.leads.sync([{"email": "a@example.com"}])
        data = tmp_path / "root.sqlite3.instances" / "222-BBB-333.sqlite3"
        assert data.exists()
        assert httpx.delete(f"{emu.admin_url}/instances/222-BBB-333").json() == {"deleted": "222-BBB-333"}
        assert not data.exists()
        gone = httpx.get(f"{a.base_url}/rest/v1/lead/1.json")
        assert gone.status_code == 404
        assert "no instance 222-BBB-333" in gone.json()["error"]
        assert httpx.delete(f"{emu.admin_url}/instances/222-BBB-333").status_code == 404
        assert [i["munchkin_id"] for i in httpx.get(f"{emu.admin_url}/instances").json()["instances"]] == [
            b.munchkin_id
        ]
        # Created again under the same id, it starts empty.
        again = emu.create_instance(munchkin_id="222-BBB-333")
        assert emails(again) == []


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"munchkin": "x"}, 400, "unknown instance field"),
        ({"munchkin_id": "123-abc-456"}, 400, "123-ABC-456"),
        ({"munchkin_id": "123-ABC-4567"}, 400, "123-ABC-456"),
        ({"limits": {"rate_calls": 0}}, 400, "rate_calls"),
        ({"limits": {"speed": 1}}, 400, "speed"),
        ({"settings": {"no_such_setting": True}}, 400, "no_such_setting"),
        ({"limits": [1]}, 400, "JSON objects"),
        ({"client_secret": ""}, 400, "client_secret"),
        ({"munchkin_id": "123-ABC-456"}, 409, "exists already"),  # the root's own id
    ],
)
def test_bad_requests_get_a_clear_answer_and_create_nothing(body: dict[str, object], status: int, says: str) -> None:
    with Emulator() as emu:
        answer = httpx.post(f"{emu.admin_url}/instances", json=body)
        assert answer.status_code == status
        assert says in answer.json()["error"]
        assert httpx.get(f"{emu.admin_url}/instances").json() == {"instances": []}
        assert httpx.post(f"{emu.admin_url}/instances", content=b"{not json").status_code == 400


def test_a_taken_id_is_refused_and_the_instance_kept() -> None:
    with Emulator() as emu:
        first = emu.create_instance(munchkin_id="555-EEE-666")
        with client(first) as mkto:
            mkto.leads.sync([{"email": "a@example.com"}])
        answer = httpx.post(f"{emu.admin_url}/instances", json={"munchkin_id": "555-EEE-666"})
        assert answer.status_code == 409
        assert emails(first) == ["a@example.com"]


def test_instances_and_their_data_survive_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "root.sqlite3"
    with Emulator(db=db) as emu:
        instance = emu.create_instance(munchkin_id="777-GGG-888", limits={"rate_calls": 7})
        with client(instance) as mkto:
            mkto.leads.sync([{"email": "c@example.com"}])
    with Emulator(db=db) as emu:
        again = Instance(**httpx.get(f"{emu.admin_url}/instances").json()["instances"][0])
        assert (again.munchkin_id, again.client_id, again.client_secret) == (
            instance.munchkin_id, instance.client_id, instance.client_secret)  # fmt: skip
        assert again.base_url == f"{emu.base_url}/i/777-GGG-888"
        assert emails(again) == ["c@example.com"]
        assert httpx.get(f"{again.admin_url}/limits").json()["rate_calls"] == 7


def test_an_unknown_or_malformed_instance_path_is_a_clear_404() -> None:
    with Emulator() as emu:
        for path in ("/i/999-ZZZ-999/rest/v1/lead/1.json", "/i/nope/rest/v1/lead/1.json", "/i/"):
            answer = httpx.get(f"{emu.base_url}{path}")
            assert answer.status_code == 404
            assert answer.json()["error"].startswith("no instance")
        # Instances are made on the root: an instance's admin API has no /instances of its own.
        inner = emu.create_instance()
        refused = httpx.post(f"{inner.admin_url}/instances", json={})
        assert refused.status_code == 404
        assert "root" in refused.json()["error"]


def test_the_fixture_gives_each_test_its_own_instance(mkto_instance: Instance, mkto_emulator_session: Emulator) -> None:
    assert mkto_instance.base_url.startswith(f"{mkto_emulator_session.base_url}/i/")
    with client(mkto_instance) as mkto:
        mkto.leads.sync([{"email": "a@example.com"}])
    assert emails(mkto_instance) == ["a@example.com"]
    assert emails(root_of(mkto_emulator_session)) == []


def test_on_postgresql_an_instance_lives_in_its_own_schema(postgres_url: str) -> None:  # noqa: F811
    root_schema = postgres_url.rsplit("search_path%3D", 1)[1]
    expected = f"{root_schema}_i_321_pgs_654"  # named after the root's schema: parallel runs never collide
    engine = sa.create_engine(normalize_url(postgres_url.split("?", maxsplit=1)[0]))
    query = "SELECT count(*) FROM information_schema.schemata WHERE schema_name = %s"
    try:
        with Emulator(db=postgres_url) as emu:
            instance = emu.create_instance(munchkin_id="321-PGS-654")
            try:
                with client(instance) as mkto:
                    mkto.leads.sync([{"email": "a@example.com"}])
                assert emails(instance) == ["a@example.com"]
                assert emails(root_of(emu)) == []
                with engine.connect() as conn:
                    assert conn.exec_driver_sql(query, (expected,)).scalar() == 1
            finally:
                emu.drop_instance("321-PGS-654")
        with engine.connect() as conn:
            assert conn.exec_driver_sql(query, (expected,)).scalar() == 0
    finally:
        engine.dispose()
