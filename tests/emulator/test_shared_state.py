"""The Redis state backend: two workers of one emulator (two apps on one PostgreSQL schema and one Redis
namespace, each on its own port) share limits, tokens, clock, faults, scenarios, settings, neighbours, the
request log and the list of instances. The same checks against `mkto serve --workers 4` are
tests/emulator/test_workers.py; these run in this process, so they can also kill a worker's lease."""

from __future__ import annotations

import concurrent.futures
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from mkto.emulator import Emulator
from mkto.emulator._state import StateUnavailable, clear_namespace, namespace_for
from tests._served import fresh_schema, postgres_url, schema_url
from tests._served import redis_url as served_redis_url

from .conftest import Api, assert_marketo_error, assert_success


@pytest.fixture
def redis_url() -> str:
    return served_redis_url()


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = postgres_url()
    with fresh_schema(url) as schema:
        yield schema_url(url, schema)


@pytest.fixture
def workers(pg_url: str, redis_url: str) -> Iterator[tuple[Api, Api]]:
    """Two workers of one emulator; the first clears what an earlier run left in the namespace."""
    first = Emulator(db=pg_url, state=redis_url, reset_state=True).start()
    second = Emulator(db=pg_url, state=redis_url).start()
    a, b = Api(first), Api(second)
    try:
        yield a, b
    finally:
        a.close()
        b.close()
        first.stop()
        second.stop()
        clear_namespace(redis_url, first.emulation.shared.namespace)


def lead_path(api: Api) -> str:
    created = assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": [{"email": "w@example.com"}]}))
    return f"/rest/v1/lead/{created['result'][0]['id']}.json"


def fire(calls: list[tuple[Api, str, str]]) -> list[httpx.Response]:
    """Each call (worker, path, token) at once, from its own thread and connection."""
    def one(call: tuple[Api, str, str]) -> httpx.Response:
        api, path, token = call
        with httpx.Client(base_url=api.emu.base_url, timeout=60) as http:
            return http.get(path, headers={"Authorization": f"Bearer {token}"})

    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(one, calls))


def codes(responses: list[httpx.Response]) -> list[str | None]:
    out = []
    for r in responses:
        body = r.json()
        out.append(None if body.get("success") else body["errors"][0]["code"])
    return out


def test_the_rate_window_is_one_across_workers(workers: tuple[Api, Api]) -> None:
    a, b = workers
    path, token = lead_path(a), a.token()
    a.limits(rate_calls=10, rate_seconds=20, concurrency=100)
    got = codes(fire([(a if i % 2 else b, path, token) for i in range(24)]))
    # the lead's creation is in the window too: 9 places were left for these
    assert got.count(None) == 9 and got.count("606") == 15, got
    usage = b.admin("GET", "/usage").json()
    assert usage["rate_window"]["calls"] == 10 and usage["rate_window"]["limit"] == 10


def test_concurrency_is_one_gate_across_workers(workers: tuple[Api, Api]) -> None:
    a, b = workers
    path, token = lead_path(a), a.token()
    b.limits(concurrency=3)
    a.admin("POST", "/faults", json={"latency_ms": 3000, "path": "/rest/v1/lead/*"})
    got = codes(fire([(a if i % 2 else b, path, token) for i in range(8)]))
    assert got.count(None) == 3 and got.count("615") == 5, got
    assert a.admin("GET", "/usage").json()["in_flight"]["calls"] == 0


def test_a_times_one_fault_fires_once_on_all_workers(workers: tuple[Api, Api]) -> None:
    a, b = workers
    path, token = lead_path(a), a.token()
    a.limits(concurrency=100)  # 12 at once: past the default 10 some would get 615
    a.admin("POST", "/faults", json={"code": "611", "times": 1, "path": "/rest/v1/lead/*"})
    got = codes(fire([(a if i % 2 else b, path, token) for i in range(12)]))
    assert got.count("611") == 1 and got.count(None) == 11, got
    assert b.admin("GET", "/faults").json()["faults"] == []


def test_tokens_clock_and_users_are_shared(workers: tuple[Api, Api]) -> None:
    a, b = workers
    user = a.admin("POST", "/users", json={"client_id": "shared-user", "client_secret": "s3"}).json()
    token = b.token(user["client_id"], "s3")  # the user made through A logs in through B
    assert b.token(user["client_id"], "s3") == token == a.token(user["client_id"], "s3")
    assert_success(a.call("GET", "/rest/v1/leads.json", token=token, params={"filterType": "id", "filterValues": "1"}))
    a.admin("POST", "/clock", json={"advance": 3601})
    expired = b.call("GET", "/rest/v1/leads.json", token=token, params={"filterType": "id", "filterValues": "1"})
    assert_marketo_error(expired, "602")
    fresh = b.token(user["client_id"], "s3")
    assert fresh != token
    assert_success(a.call("GET", "/rest/v1/leads.json", token=fresh, params={"filterType": "id", "filterValues": "1"}))


def test_the_clock_moves_on_every_worker(workers: tuple[Api, Api]) -> None:
    a, b = workers
    before = b.admin("GET", "/clock").json()["now"]
    a.admin("POST", "/clock", json={"set": "2031-05-04T10:00:00Z"})
    after = b.admin("GET", "/clock").json()["now"]
    assert before < "2031" <= after < "2031-05-04T10:01"


def test_settings_limits_and_neighbours_are_shared(workers: tuple[Api, Api]) -> None:
    a, b = workers
    a.admin("PUT", "/settings", json={"custom_objects_enabled": False})
    assert_marketo_error(b.call("GET", "/rest/v1/customobjects.json"), "1026")
    a.admin("PUT", "/neighbours", json={"calls_per_window": 7})
    assert b.admin("GET", "/neighbours").json()["calls_per_window"] == 7
    a.limits(daily_quota=1234)
    assert b.admin("GET", "/limits").json()["daily_quota"] == 1234


def test_scenarios_step_through_calls_on_both_workers(workers: tuple[Api, Api]) -> None:
    a, b = workers
    path, token = lead_path(a), a.token()
    made = a.admin("POST", "/scenarios", json={"path": "/rest/v1/lead/*", "steps": [
        {"answer": "606"}, {"answer": "pass"}, {"answer": "611"}]}).json()
    answered = [codes([api.call("GET", path, token=token)])[0] for api in (b, a, b, a)]
    assert answered == ["606", None, "611", None]
    record = a.admin("GET", f"/scenarios/{made['id']}").json()
    assert [c["answered"] for c in record["calls"]] == ["606", "200", "611", "200"]
    assert record["steps_left"] == 0


def test_one_request_log_with_the_serving_worker(workers: tuple[Api, Api]) -> None:
    a, b = workers
    token = a.token()
    for api in (a, b, a):
        api.call("GET", "/rest/v1/leads.json", token=token, params={"filterType": "email", "filterValues": "x@y.z"})
    from_a = a.admin("GET", "/requests").json()["requests"]
    from_b = b.admin("GET", "/requests").json()["requests"]
    assert [e["id"] for e in from_a] == [e["id"] for e in from_b]
    ids = [e["id"] for e in from_a]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids) >= 3
    assert all(e["worker"] == os.getpid() for e in from_a)
    detail = b.admin("GET", f"/requests/{ids[0]}").json()  # headers and bodies kept as bytes, read back
    assert detail["id"] == ids[0] and "x%40y.z" in str(detail)


def test_a_reset_on_one_worker_resets_both(workers: tuple[Api, Api]) -> None:
    a, b = workers
    lead_path(a)
    a.admin("POST", "/faults", json={"code": "611"})
    b.admin("POST", "/reset")
    assert a.admin("GET", "/faults").json()["faults"] == []
    assert a.admin("GET", "/usage").json()["rate_window"]["calls"] == 0
    assert a.admin("GET", "/requests").json()["requests"] == []


def test_instances_made_on_one_worker_serve_on_the_other(workers: tuple[Api, Api]) -> None:
    a, b = workers
    made = a.emu.create_instance(limits={"rate_calls": 3})
    prefix = f"/i/{made.munchkin_id}"
    token = b.http.get(f"{prefix}/identity/oauth/token", params={
        "grant_type": "client_credentials", "client_id": made.client_id, "client_secret": made.client_secret,
    }).json()["access_token"]
    got = [a.http.get(f"{prefix}/rest/v1/leads.json", params={"filterType": "id", "filterValues": "1"},
                      headers={"Authorization": f"Bearer {token}"}).json() for _ in range(4)]
    assert [g.get("success") for g in got] == [True, True, True, False]
    assert got[3]["errors"][0]["code"] == "606"
    # the root's own window saw none of it
    assert b.admin("GET", "/usage").json()["rate_window"]["calls"] == 0
    a.emu.drop_instance(made.munchkin_id)
    assert b.http.get(f"{prefix}/_mkto/health").status_code == 404


def test_a_dead_workers_in_flight_place_lapses(workers: tuple[Api, Api], pg_url: str, redis_url: str) -> None:
    a, _ = workers
    a.limits(concurrency=1)
    token = a.token()
    path = "/rest/v1/leads.json?filterType=id&filterValues=1"
    # A third worker takes the one place and dies (kill -9 of itself) before answering.
    script = (
        "import os, datetime as dt\n"
        "from mkto.emulator import _state\n"
        "from mkto.emulator._state import _counters\n"
        "_counters.IN_FLIGHT_LEASE_S = 1.0\n"
        "from mkto.emulator._app import create_app\n"
        f"app = create_app(db={pg_url!r}, state={redis_url!r})\n"
        "emu = app.state.emulation\n"
        "slot = emu.counters.admit(emu.clock.now(), emu.limits, 'dead')\n"
        "assert not isinstance(slot, str), slot\n"
        "print('held', flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=60)
    assert "held" in done.stdout, done.stderr
    assert_marketo_error(a.http.get(path, headers={"Authorization": f"Bearer {token}"}), "615", None, 1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if a.http.get(path, headers={"Authorization": f"Bearer {token}"}).json().get("success"):
            break
        time.sleep(0.2)
    else:
        pytest.fail("the dead worker's in-flight place never lapsed")


def test_a_state_url_that_cannot_be_used_is_one_clear_error(pg_url: str) -> None:
    with pytest.raises(StateUnavailable, match=r"cannot reach Redis at redis://127\.0\.0\.1:1/0"):
        Emulator(db=pg_url, state="redis://127.0.0.1:1/0")
    with pytest.raises(StateUnavailable, match="unsupported state URL"):
        Emulator(db=pg_url, state="memcached://127.0.0.1:11211")


def test_namespaces_follow_the_database() -> None:
    one = namespace_for("postgresql://db/a", None, "123-ABC-456")
    assert one == namespace_for("postgresql://db/a", None, "123-ABC-456")
    assert one != namespace_for("postgresql://db/b", None, "123-ABC-456")
    assert one != namespace_for("postgresql://db/a", "s1", "123-ABC-456")


def test_a_background_extract_is_written_by_one_worker(
    workers: tuple[Api, Api], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both workers see the job end and hand its file to their background writer; the claim in Redis lets
    one write it (two would interleave their chunks)."""
    from mkto.emulator.bulk._model import _extracts
    from tests.emulator.bulk.conftest import PAST_EVERYTHING_S, export_call, export_job, export_ok, lead_export, sync
    from tests.emulator.bulk.test_background import Gate

    a, b = workers
    sync(a, [{"email": f"w{n}@example.com", "firstName": f"W{n}"} for n in range(30)])
    inline_id = export_ok(a, lead_export(["id", "email", "firstName"]))
    export_job(a, inline_id, "enqueue")
    a.advance(PAST_EVERYTHING_S)
    inline = export_job(b, inline_id)
    assert inline["status"] == "Completed"

    gate = Gate(monkeypatch)
    monkeypatch.setattr(_extracts, "INLINE_RECORDS", 0)
    export_id = export_ok(a, lead_export(["id", "email", "firstName"]))
    export_job(a, export_id, "enqueue")
    a.advance(PAST_EVERYTHING_S)
    assert export_job(a, export_id)["status"] == "Processing"  # A's writer is held at the gate
    assert gate.entered.wait(30)
    for _ in range(3):
        assert export_job(b, export_id)["status"] == "Processing"  # B hands the file over too: refused
    gate.open()
    deadline = time.monotonic() + 30
    job = export_job(b, export_id)
    while job["status"] != "Completed" and time.monotonic() < deadline:
        time.sleep(0.05)
        job = export_job(b, export_id)
    assert (job["numberOfRecords"], job["fileSize"], job["fileChecksum"]) == (
        inline["numberOfRecords"], inline["fileSize"], inline["fileChecksum"],
    )  # fmt: skip
    assert export_call(b, export_id, "file").content == export_call(a, inline_id, "file").content
