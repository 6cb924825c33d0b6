"""The admin API: health, reset, clock, usage, limits, users, request log, admin token (the dashboard: test_dashboard)."""

from __future__ import annotations

import asyncio
import datetime as dt

import httpx

from mkto.emulator import Emulator

from .conftest import Api, areas, assert_marketo_error, assert_success

ECHO = "/rest/v1/probe/echo.json"
ROWS = "/rest/v1/probe/rows.json"


def test_health(api: Api) -> None:
    assert api.admin("GET", "/health").json() == {"status": "ok"}


def test_reset_wipes_data_counters_faults_and_log_but_keeps_users_and_kept_tables(api: Api) -> None:
    user = api.admin("POST", "/users", json={"email": "kept@mkto.local"}).json()
    assert_success(api.call("POST", ROWS, json={"names": ["gone"]}))
    assert_success(api.call("POST", "/rest/v1/probe/kept.json", params={"name": "schema"}))
    api.fault(code="611", path="/nowhere")
    assert api.usage()["daily"]["calls"] == 2
    api.admin("POST", "/reset")
    assert api.usage()["daily"]["calls"] == 0
    assert api.admin("GET", "/faults").json() == {"faults": []}
    assert api.admin("GET", "/requests").json() == {"requests": []}
    token = api.token(user["client_id"], user["client_secret"])
    body = assert_success(api.call("GET", ROWS, token=token))
    assert body["result"] == []
    assert body["warnings"] == ["kept:schema"]


def test_clock_get_set_advance(api: Api) -> None:
    now = dt.datetime.fromisoformat(api.admin("GET", "/clock").json()["now"])
    assert abs((now - dt.datetime.now(dt.UTC)).total_seconds()) < 60
    moved = api.admin("POST", "/clock", json={"set": "2031-06-01T12:00:00Z"}).json()["now"]
    assert moved.startswith("2031-06-01T12:00:0")
    later = dt.datetime.fromisoformat(api.admin("POST", "/clock", json={"advance": 86400}).json()["now"])
    assert later.date() == dt.date(2031, 6, 2)
    assert api.http.post("/_mkto/clock", json={"advance": "soon"}).status_code == 400


def test_limits_read_and_change(api: Api) -> None:
    limits = api.admin("GET", "/limits").json()
    assert limits == {
        "rate_calls": 100, "rate_seconds": 20, "concurrency": 10, "daily_quota": 50000, "token_ttl": 3600,
        "max_body_bytes": 1048576, "max_import_bytes": 10485760, "max_uri_bytes": 8192,
        "export_daily_bytes": 524288000,
    }
    changed = api.admin("PUT", "/limits", json={"rate_calls": 5, "rate_seconds": 2.5}).json()
    assert changed["rate_calls"] == 5 and changed["rate_seconds"] == 2.5
    for bad in ({"rate_calls": 0}, {"nope": 1}, {"concurrency": 1.5}, {"daily_quota": "x"}):
        assert api.http.put("/_mkto/limits", json=bad).status_code == 400, bad
    assert api.admin("GET", "/limits").json()["rate_calls"] == 5


def test_usage_reports_window_in_flight_daily_and_export(api: Api) -> None:
    assert_success(api.call("GET", ECHO))
    usage = api.usage()
    assert usage["rate_window"] == {"calls": 1, "limit": 100, "seconds": 20}
    assert usage["in_flight"] == {"calls": 0, "limit": 10}
    assert usage["daily"]["calls"] == 1 and usage["daily"]["quota"] == 50000
    assert usage["export_bytes_today"] == {"bytes": 0, "limit": 524288000}


def test_users_with_given_and_generated_credentials(api: Api) -> None:
    given = api.admin("POST", "/users", json={"client_id": "svc-1", "client_secret": "s3cret", "email": "svc@x.com",
                                              "permissions": ["Read-Only Lead"], "partitions": ["Default"]}).json()
    assert given["client_id"] == "svc-1"
    generated = api.admin("POST", "/users", json={}).json()
    assert generated["client_id"] and generated["client_secret"]
    listed = {u["client_id"] for u in api.admin("GET", "/users").json()["users"]}
    assert {"svc-1", generated["client_id"], api.emu.client_id} <= listed
    token = api.token("svc-1", "s3cret")
    assert assert_success(api.call("GET", ECHO, token=token))["result"][0]["user"] == "svc@x.com"
    api.admin("DELETE", "/users/svc-1")
    assert_marketo_error(api.call("GET", ECHO, token=token), "601")
    assert api.identity(client_id="svc-1", client_secret="s3cret").status_code == 401
    assert api.http.post("/_mkto/users", json={"ip_allowlist": ["not-an-ip"]}).status_code == 400


def test_request_log_newest_first_with_codes(api: Api) -> None:
    assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("GET", "/rest/v1/nothing.json"), "610")
    entries = api.admin("GET", "/requests", params={"limit": 4}).json()["requests"]
    entries = [e for e in entries if e["path"] != "/identity/oauth/token"]  # Api.call fetches its token first
    assert [e["path"] for e in entries] == ["/rest/v1/nothing.json", ECHO]
    assert entries[0]["code"] == "610" and entries[1]["code"] is None
    assert set(entries[0]) == {"id", "time", "method", "path", "status", "code", "requestId", "latency_ms", "fault", "user"}
    assert entries[0]["status"] == 200 and entries[0]["requestId"]
    assert entries[0]["fault"] is None and entries[1]["fault"] is None


def test_request_log_marks_the_fault_plan_that_answered(api: Api) -> None:
    token = api.token()
    plan = api.fault(code="611", times=1, path=ECHO)
    latency = api.fault(latency_ms=1, times=1, path=ROWS)  # a plan without a code never answers: no mark
    assert_marketo_error(api.call("GET", ECHO, token=token), "611")
    assert_success(api.call("GET", ECHO, token=token))
    assert_success(api.call("GET", ROWS, token=token))
    entries = api.admin("GET", "/requests", params={"limit": 3}).json()["requests"]
    assert [(e["path"], e["code"], e["fault"]) for e in entries] == [
        (ROWS, None, None), (ECHO, None, None), (ECHO, "611", plan),
    ]  # fmt: skip
    assert latency != plan


def test_request_log_is_bounded_and_drops_the_oldest() -> None:
    with Emulator(areas=areas(), request_log_size=5) as emu:
        api = Api(emu)
        try:
            token = api.token()
            for n in range(8):
                assert_marketo_error(api.call("GET", f"/rest/v1/nothing{n}.json", token=token), "610")
            entries = api.admin("GET", "/requests", params={"limit": 100}).json()["requests"]
        finally:
            api.close()
    assert [e["path"] for e in entries] == [f"/rest/v1/nothing{n}.json" for n in (7, 6, 5, 4, 3)]


def test_request_log_keeps_1000_entries_by_default(api: Api) -> None:
    assert api.emu.emulation.request_log.maxlen == 1000


def test_openapi_document_lists_every_operation(api: Api) -> None:
    doc = api.admin("GET", "/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert doc["paths"]["/identity/oauth/token"]["get"]["operationId"] == "identityUsingGET"
    assert doc["paths"]["/rest/v1/probe/echo.json"]["post"]["operationId"] == "probeEchoPost"
    operations = sum(len(ops) for ops in doc["paths"].values())
    assert operations == len(api.emu.emulation.router.endpoints) + 2


def test_admin_token_is_required_when_set() -> None:
    with Emulator(areas=areas(), admin_token="let-me-in") as emu, httpx.Client(base_url=emu.base_url) as http:
        assert http.get("/_mkto/health").status_code == 401
        assert http.get("/_mkto/health", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = http.get("/_mkto/health", headers={"Authorization": "Bearer let-me-in"})
        assert ok.json() == {"status": "ok"}


def test_admin_is_loopback_only_without_token(api: Api) -> None:
    # In-process ASGI calls that claim a client address: no traffic leaves the machine.
    async def status(client: tuple[str, int]) -> int:
        transport = httpx.ASGITransport(app=api.emu.app, client=client)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as http:
            return (await http.get("/_mkto/health")).status_code

    assert asyncio.run(status(("203.0.113.9", 5000))) == 403
    assert asyncio.run(status(("127.0.0.1", 5000))) == 200
    assert asyncio.run(status(("::1", 5000))) == 200
