"""Fault plans: times, seeded probability, method/path matching, latency, after_commit, gateway pages."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from mkto.emulator import Emulator

from .conftest import Api, areas, assert_marketo_error, assert_nginx_page, assert_success

ECHO = "/rest/v1/probe/echo.json"
ROWS = "/rest/v1/probe/rows.json"


def test_times_counts_down_and_the_plan_is_spent(api: Api) -> None:
    api.fault(code="611", times=2)
    assert_marketo_error(api.call("GET", ECHO), "611")
    assert_marketo_error(api.call("GET", ECHO), "611")
    assert_success(api.call("GET", ECHO))
    assert api.admin("GET", "/faults").json() == {"faults": []}


def test_fault_without_times_stays_until_deleted(api: Api) -> None:
    plan = api.fault(code="608")
    for _ in range(3):
        assert_marketo_error(api.call("GET", ECHO), "608")
    api.admin("DELETE", f"/faults/{plan}")
    assert_success(api.call("GET", ECHO))


def test_delete_all_faults(api: Api) -> None:
    api.fault(code="608")
    api.fault(code="611", path="/rest/v1/other*")
    api.admin("DELETE", "/faults")
    assert api.admin("GET", "/faults").json() == {"faults": []}
    assert_success(api.call("GET", ECHO))


def test_method_and_path_glob_select_calls(api: Api) -> None:
    api.fault(code="604", method="POST", path="/rest/v1/probe/*")
    assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("POST", ECHO, json={}), "604")
    api.admin("DELETE", "/faults")
    api.fault(code="604", path="/rest/v1/probe/rows*")
    assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("GET", ROWS), "604")


def test_http_fault_answers_an_nginx_page(api: Api) -> None:
    api.fault(code="http:502", times=1)
    assert_nginx_page(api.call("GET", ECHO), 502, "Bad Gateway")
    api.fault(code="http:504", times=1)
    assert_nginx_page(api.call("GET", ECHO), 504, "Gateway Timeout")
    assert_success(api.call("GET", ECHO))


def test_response_level_502_is_an_envelope(api: Api) -> None:
    api.fault(code="502", times=1)
    assert_marketo_error(api.call("GET", ECHO), "502")


def _pattern(seed: int) -> list[bool]:
    with Emulator(areas=areas(), seed=seed) as emu:
        api = Api(emu)
        api.fault(code="611", probability=0.5)
        hits = [api.call("GET", ECHO).json()["success"] is False for _ in range(30)]
        api.close()
    return hits


def test_probability_is_reproducible_with_the_seed() -> None:
    first, again, other = _pattern(7), _pattern(7), _pattern(8)
    assert first == again
    assert 0 < sum(first) < 30
    assert first != other


def test_latency_only_delays_and_does_not_block_other_calls(api: Api) -> None:
    api.fault(latency_ms=3000, path="/rest/v1/probe/rows.json", times=1)
    token = api.token()

    async def scenario() -> tuple[httpx.Response, list[httpx.Response]]:
        async with httpx.AsyncClient(base_url=api.emu.base_url, timeout=30) as client:
            headers = {"Authorization": f"Bearer {token}"}
            slow = asyncio.create_task(client.get(ROWS, headers=headers))
            while api.usage()["in_flight"]["calls"] < 1:
                await asyncio.sleep(0.01)
            fast = [await client.get(ECHO, headers=headers) for _ in range(3)]
            assert not slow.done()  # the delayed call is still held while others were answered
            return await slow, fast

    slow, fast = asyncio.run(scenario())
    assert_success(slow)
    for response in fast:
        assert_success(response)
    entry = next(r for r in api.admin("GET", "/requests").json()["requests"] if r["path"] == ROWS)
    assert entry["latency_ms"] >= 3000


def test_after_commit_runs_the_call_and_loses_the_answer(api: Api) -> None:
    api.fault(code="604", after_commit=True, path=ROWS, method="POST", times=1)
    assert_marketo_error(api.call("POST", ROWS, json={"names": ["written"]}), "604")
    rows = assert_success(api.call("GET", ROWS))["result"]
    assert [r["name"] for r in rows] == ["written"]


def test_after_commit_with_a_gateway_page(api: Api) -> None:
    api.fault(code="http:502", after_commit=True, times=1)
    assert_nginx_page(api.call("POST", ROWS, json={"names": ["lost answer"]}), 502, "Bad Gateway")
    assert [r["name"] for r in assert_success(api.call("GET", ROWS))["result"]] == ["lost answer"]


def test_fault_before_the_handler_does_not_run_it(api: Api) -> None:
    api.fault(code="611", times=1, method="POST")
    assert_marketo_error(api.call("POST", ROWS, json={"names": ["never"]}), "611")
    assert assert_success(api.call("GET", ROWS))["result"] == []


def test_faults_come_after_auth_and_limits(api: Api) -> None:
    api.fault(code="611")
    assert_marketo_error(api.call("GET", ECHO, auth=False), "601")
    assert_marketo_error(api.call("GET", "/rest/v1/nothing.json"), "610")


def test_identity_takes_only_faults_aimed_at_it(api: Api) -> None:
    api.fault(code="http:502", times=1, path="/identity/*")
    response = api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret)
    assert_nginx_page(response, 502, "Bad Gateway")
    api.fault(code="611", times=1)
    assert api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret).status_code == 200
    assert_marketo_error(api.call("GET", ECHO), "611")


def test_bad_fault_plans_are_refused(api: Api) -> None:
    for plan in ({"code": "999"}, {"code": "http:200"}, {"times": 0, "code": "611"}, {"probability": 2, "code": "611"},
                 {}, {"code": "611", "colour": "red"}):
        response = api.http.post("/_mkto/faults", json=plan)
        assert response.status_code == 400, plan


def test_a_plan_fills_the_placeholders_of_the_code_it_injects(api: Api) -> None:
    api.fault(code="701", times=1, args=["name"])
    assert_marketo_error(api.call("GET", ECHO), "701", "name cannot be blank")
    api.fault(code="1029", times=1, variant="export_quota", args=[500])
    assert_marketo_error(api.call("GET", ECHO), "1029", "Export daily quota 500MB exceeded.")
    api.fault(code="1003", times=1, variant="too_many_results")
    assert_marketo_error(api.call("GET", ECHO), "1003", "Too many results match the filter")


def test_a_plan_that_cannot_fill_its_message_is_refused_with_the_reason(api: Api) -> None:
    missing = api.http.post("/_mkto/faults", json={"code": "701"})
    assert missing.status_code == 400
    assert "needs 1 value(s) in args" in missing.text
    unknown = api.http.post("/_mkto/faults", json={"code": "1029", "variant": "nope"})
    assert unknown.status_code == 400
    assert "export_quota" in unknown.text  # the variants it does have
    assert api.http.post("/_mkto/faults", json={"code": "http:502", "args": ["x"]}).status_code == 400
    assert api.admin("GET", "/faults").json() == {"faults": []}


def test_truncate_cuts_the_real_answer_and_drops_the_connection(api: Api) -> None:
    api.fault(truncate_after_bytes=40, times=1, path=ECHO)
    with pytest.raises(httpx.RemoteProtocolError, match="received 40 bytes"):
        api.call("GET", ECHO, params={"pad": "x" * 500})
    assert_success(api.call("GET", ECHO))  # the plan is spent and the server is fine
    logged = api.admin("GET", "/requests", params={"limit": 2}).json()["requests"]
    assert [r["status"] for r in logged] == [200, 200]  # the cut call ran: only its answer was lost
    refused = api.http.post("/_mkto/faults", json={"truncate_after_bytes": 10, "code": "611"})
    assert refused.status_code == 400
    assert "takes no code" in refused.text
