"""Scripted scenarios over real HTTP: step order, times, pass, after_commit, latency, per-user isolation,
the record of what each call carried (token or not, valid or not), the identity endpoint, bad input, reset."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from mkto.emulator import Emulator
from mkto.emulator._scenarios import CALLS_KEPT

from .conftest import Api, areas, assert_marketo_error, assert_nginx_page, assert_success, beside_a_slow_call

ECHO = "/rest/v1/probe/echo.json"
ROWS = "/rest/v1/probe/rows.json"
IDENTITY = "/identity/oauth/token"


def arm(api: Api, **scenario: Any) -> int:
    response = api.admin("POST", "/scenarios", json=scenario)
    assert response.status_code == 201
    assert set(response.json()) == {"id"}
    return int(response.json()["id"])


def record(api: Api, scenario_id: int) -> dict[str, Any]:
    return dict(api.admin("GET", f"/scenarios/{scenario_id}").json())


def other_user(api: Api) -> tuple[str, str]:
    user = api.admin("POST", "/users", json={"email": "other@example.com"}).json()
    return str(user["client_id"]), str(user["client_secret"])


def test_steps_answer_in_order_then_calls_pass(api: Api) -> None:
    sid = arm(api, steps=[{"answer": "606"}, {"answer": "http:502"}, {"answer": "pass"}, {"answer": "611"}])
    assert_marketo_error(api.call("GET", ECHO), "606", "Max rate limit '100' exceeded with in '20' secs")
    assert_nginx_page(api.call("GET", ECHO), 502, "Bad Gateway")
    assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("GET", ECHO), "611")
    assert_success(api.call("GET", ECHO))  # spent: the real answer again, and still recorded
    found = record(api, sid)
    assert found["id"] == sid
    assert found["steps_left"] == 0
    calls = found["calls"]
    assert [(c["answered"], c["step"]) for c in calls] == [("606", 0), ("http:502", 1), ("200", 2), ("611", 3), ("200", None)]
    assert {c["method"] for c in calls} == {"GET"} and {c["path"] for c in calls} == {ECHO}
    assert all(c["had_token"] and c["token_valid"] for c in calls)
    assert all(c["time"] for c in calls)


def test_times_answers_that_many_calls(api: Api) -> None:
    sid = arm(api, steps=[{"answer": "604", "times": 3}, {"answer": "pass", "times": 2}, {"answer": "608"}])
    assert record(api, sid)["steps_left"] == 3
    for _ in range(3):
        assert_marketo_error(api.call("GET", ECHO), "604")
    assert record(api, sid)["steps_left"] == 2
    assert_success(api.call("GET", ECHO))
    step = record(api, sid)["steps"][1]
    assert (step["answer"], step["times"], step["left"]) == ("pass", 2, 1)
    assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("GET", ECHO), "608")
    assert [c["step"] for c in record(api, sid)["calls"]] == [0, 0, 0, 1, 1, 2]


def test_args_and_variant_fill_the_message(api: Api) -> None:
    arm(api, steps=[{"answer": "1029", "variant": "export_quota", "args": [500]}, {"answer": "701", "args": ["name"]}])
    assert_marketo_error(api.call("GET", ECHO), "1029", "Export daily quota 500MB exceeded.")
    assert_marketo_error(api.call("GET", ECHO), "701", "name cannot be blank")


def test_method_and_path_glob_select_calls(api: Api) -> None:
    sid = arm(api, method="post", path="/rest/v1/probe/r*", steps=[{"answer": "611"}])
    assert_success(api.call("GET", ECHO))
    assert_success(api.call("GET", ROWS))
    assert_success(api.call("POST", ECHO, json={}))
    assert_marketo_error(api.call("POST", ROWS, json={"names": ["never"]}), "611")
    assert assert_success(api.call("GET", ROWS))["result"] == []  # the step answered before the handler ran
    assert [(c["method"], c["path"]) for c in record(api, sid)["calls"]] == [("POST", ROWS)]


def test_after_commit_runs_the_call_and_loses_its_answer(api: Api) -> None:
    sid = arm(api, path=ROWS, method="POST", steps=[{"answer": "http:502", "after_commit": True}])
    assert_nginx_page(api.call("POST", ROWS, json={"names": ["written"]}), 502, "Bad Gateway")
    assert [r["name"] for r in assert_success(api.call("GET", ROWS))["result"]] == ["written"]
    assert record(api, sid)["calls"][0]["answered"] == "http:502"
    assert api.usage()["daily"]["calls"] == 2  # a lost answer's call ran, and counts


def test_latency_delays_the_answer(api: Api) -> None:
    arm(api, steps=[{"answer": "pass", "latency_ms": 400}, {"answer": "604", "latency_ms": 400}])
    token = api.token()
    for check in (assert_success, lambda r: assert_marketo_error(r, "604")):
        started = time.perf_counter()
        check(api.call("GET", ECHO, token=token))
        assert time.perf_counter() - started >= 0.4


def test_a_pass_steps_latency_holds_a_concurrency_slot(api: Api) -> None:
    api.limits(concurrency=1)
    sid = arm(api, path=ECHO, steps=[{"answer": "pass", "latency_ms": 1500}])
    token = api.token()

    slow, second = beside_a_slow_call(api, token, ECHO)
    assert_success(slow)
    assert_marketo_error(second, "615", "Concurrent access limit '1' reached")
    assert [(c["step"], c["answered"]) for c in record(api, sid)["calls"]] == [(0, "200"), (None, "615")]


def test_a_step_answered_through_method_override_is_recorded_as_the_call_it_names(api: Api) -> None:
    sid = arm(api, method="GET", steps=[{"answer": "604"}])
    assert_marketo_error(api.call("POST", ECHO, params={"_method": "GET"}), "604")
    assert [(c["method"], c["path"]) for c in record(api, sid)["calls"]] == [("GET", ECHO)]


def test_a_step_answers_before_limits_and_fault_plans(api: Api) -> None:
    plan = api.fault(code="608")  # would answer every call
    sid = arm(api, steps=[{"answer": "pass"}, {"answer": "615"}])
    assert_success(api.call("GET", ECHO))  # pass: the real answer, no fault plan
    assert_marketo_error(api.call("GET", ECHO), "615", "Concurrent access limit '10' reached")
    assert_marketo_error(api.call("GET", ECHO), "608")  # spent: the fault plan again
    log = [e for e in api.admin("GET", "/requests").json()["requests"] if e["path"] == ECHO]
    assert [e["fault"] for e in log] == [plan, f"scenario:{sid}", None]  # newest first
    assert log[1]["user"] == api.emu.client_id  # named from its token, though the step answered before the token gate
    assert api.usage()["daily"]["calls"] == 1  # the pass; a step's answer comes before the limits, 608 never counts


def test_client_id_binds_the_scenario_to_one_api_user(api: Api) -> None:
    other_id, other_secret = other_user(api)
    sid = arm(api, client_id=api.emu.client_id, steps=[{"answer": "606"}, {"answer": "pass"}])
    other = api.token(other_id, other_secret)
    for _ in range(3):
        assert_success(api.call("GET", ECHO, token=other))  # another user's calls neither consume nor record
    assert record(api, sid)["calls"] == []
    assert_marketo_error(api.call("GET", ECHO), "606", None, 100, 20)
    assert_success(api.call("GET", ECHO))
    assert [c["step"] for c in record(api, sid)["calls"]] == [0, 1]
    assert_marketo_error(api.call("GET", ECHO, auth=False), "601")  # no token names no API user: not its call
    assert_marketo_error(api.call("GET", ECHO, token="made-up:int"), "601")
    assert len(record(api, sid)["calls"]) == 2


def test_the_record_says_whether_the_call_had_a_valid_token(api: Api) -> None:
    sid = arm(api, steps=[{"answer": "pass", "times": 4}])
    assert_marketo_error(api.call("GET", ECHO, auth=False), "601")
    assert_marketo_error(api.call("GET", ECHO, token="made-up:int"), "601")
    token = api.token()
    assert_success(api.call("GET", ECHO, token=token))
    api.advance(3601)
    assert_marketo_error(api.call("GET", ECHO, token=token), "602")
    calls = record(api, sid)["calls"]
    assert [(c["had_token"], c["token_valid"], c["answered"]) for c in calls] == [
        (False, False, "601"),
        (True, False, "601"),
        (True, True, "200"),
        (True, False, "602"),
    ]


def test_an_expired_token_still_names_its_api_user(api: Api) -> None:
    other_id, other_secret = other_user(api)
    mine = arm(api, client_id=api.emu.client_id, steps=[{"answer": "pass"}])
    theirs = arm(api, client_id=other_id, steps=[{"answer": "pass"}])
    token = api.token(other_id, other_secret)
    api.advance(3601)
    assert_marketo_error(api.call("GET", ECHO, token=token), "602")
    assert record(api, mine)["calls"] == []
    assert [(c["token_valid"], c["answered"]) for c in record(api, theirs)["calls"]] == [(False, "602")]


def test_a_step_answers_a_call_without_a_token(api: Api) -> None:
    sid = arm(api, steps=[{"answer": "604"}])
    assert_marketo_error(api.call("GET", ECHO, auth=False), "604")
    assert record(api, sid)["calls"][0]["had_token"] is False


def test_oldest_scenario_with_steps_left_takes_the_call_and_every_match_records_it(api: Api) -> None:
    first = arm(api, steps=[{"answer": "604"}])
    second = arm(api, steps=[{"answer": "608"}])
    assert_marketo_error(api.call("GET", ECHO), "604")
    assert_marketo_error(api.call("GET", ECHO), "608")
    assert [c["step"] for c in record(api, first)["calls"]] == [0, None]
    assert [c["step"] for c in record(api, second)["calls"]] == [None, 0]


def test_identity_scenarios_answer_the_token_endpoint(api: Api) -> None:
    sid = arm(
        api,
        client_id=api.emu.client_id,
        path=IDENTITY,
        steps=[{"answer": "http:502"}, {"answer": "401"}, {"answer": "pass"}],
    )
    creds = {"client_id": api.emu.client_id, "client_secret": api.emu.client_secret}
    assert_nginx_page(api.identity(**creds), 502, "Bad Gateway")
    refused = api.identity(**creds)
    assert refused.status_code == 401
    assert refused.json() == {"error": "invalid_client", "error_description": "Bad client credentials"}
    assert api.identity(**creds).status_code == 200
    calls = record(api, sid)["calls"]
    assert [(c["path"], c["answered"], c["step"]) for c in calls] == [
        (IDENTITY, "http:502", 0),
        (IDENTITY, "401", 1),
        (IDENTITY, "200", 2),
    ]
    assert all(c["had_token"] is False and c["token_valid"] is None for c in calls)  # identity calls carry none
    assert_success(api.call("GET", ECHO))  # its token call is recorded (spent: passed), the REST call is not
    assert [c["path"] for c in record(api, sid)["calls"]] == [IDENTITY] * 4


def test_identity_scenario_matches_the_client_id_of_a_form_body(api: Api) -> None:
    other_id, other_secret = other_user(api)
    arm(api, client_id=other_id, path="/identity/*", steps=[{"answer": "401", "variant": "unknown_client", "args": [other_id]}])
    mine = api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret)
    assert mine.status_code == 200
    form = {"grant_type": "client_credentials", "client_id": other_id, "client_secret": other_secret}
    refused = api.http.post(IDENTITY, data=form)
    assert refused.status_code == 401
    assert refused.json() == {"error": "unauthorized", "error_description": f"No client with requested id: {other_id}"}


def test_an_identity_step_after_commit_issues_the_token_and_loses_the_answer(api: Api) -> None:
    api.advance(3601)  # no live token left from earlier calls: the lost answer's call issues a new one
    arm(api, path=IDENTITY, steps=[{"answer": "http:504", "after_commit": True}])
    creds = {"client_id": api.emu.client_id, "client_secret": api.emu.client_secret}
    assert_nginx_page(api.identity(**creds), 504, "Gateway Timeout")
    api.advance(100)
    again = api.identity(**creds).json()
    assert 3499 <= again["expires_in"] <= 3500  # the token the lost answer carried, issued 100 s ago
    assert_success(api.call("GET", ECHO, token=again["access_token"]))


def test_a_scenario_without_a_path_never_answers_the_identity_endpoint(api: Api) -> None:
    sid = arm(api, steps=[{"answer": "http:503"}])
    assert api.identity(client_id=api.emu.client_id, client_secret=api.emu.client_secret).status_code == 200
    assert record(api, sid)["calls"] == []


def test_the_record_keeps_the_last_calls(api: Api) -> None:
    sid = arm(api, steps=[{"answer": "608"}, {"answer": "604", "times": CALLS_KEPT}])
    token = api.token()
    for _ in range(CALLS_KEPT + 1):
        api.call("GET", ECHO, token=token)
    calls = record(api, sid)["calls"]
    assert len(calls) == CALLS_KEPT
    assert {c["answered"] for c in calls} == {"604"}  # the first call's 608 has gone


def test_list_delete_one_delete_all_and_reset(api: Api) -> None:
    first = arm(api, steps=[{"answer": "604"}])
    second = arm(api, path="/rest/v1/other*", steps=[{"answer": "pass"}])
    listed = api.admin("GET", "/scenarios").json()["scenarios"]
    assert [s["id"] for s in listed] == [first, second]
    assert api.admin("DELETE", f"/scenarios/{first}").json() == {"deleted": first}
    assert api.http.get(f"/_mkto/scenarios/{first}").status_code == 404
    assert api.http.delete(f"/_mkto/scenarios/{first}").status_code == 404
    assert_success(api.call("GET", ECHO))
    api.admin("DELETE", "/scenarios")
    assert api.admin("GET", "/scenarios").json() == {"scenarios": []}
    arm(api, steps=[{"answer": "604"}])
    api.admin("POST", "/reset")
    assert api.admin("GET", "/scenarios").json() == {"scenarios": []}
    assert_success(api.call("GET", ECHO))


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "steps"),
        ({"steps": []}, "steps"),
        ({"steps": [{"answer": "9999"}]}, "steps[0]"),
        ({"steps": [{"answer": "pass"}, {"answer": "http:200"}]}, "steps[1]"),
        ({"steps": [{"answer": "606", "times": 0}]}, "times"),
        ({"steps": [{"answer": "606", "latency_ms": -1}]}, "latency_ms"),
        ({"steps": [{"answer": "pass", "after_commit": True}]}, "after_commit"),
        ({"steps": [{"answer": "701"}]}, "args"),
        ({"steps": [{"answer": "1029", "variant": "nope"}]}, "variant"),
        ({"steps": [{"answer": "606", "probability": 0.5}]}, "probability"),
        ({"steps": [{}]}, "steps[0].answer"),
        ({"steps": ["606"]}, "steps[0]"),
        ({"steps": [{"answer": "606"}], "client": "x"}, "client"),
        ({"steps": [{"answer": "606"}], "path": 3}, "path"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    response = api.http.post("/_mkto/scenarios", json=body)
    assert response.status_code == 400
    assert field in response.json()["error"]
    assert api.admin("GET", "/scenarios").json() == {"scenarios": []}


def test_a_body_that_is_not_an_object_is_a_400(api: Api) -> None:
    assert api.http.post("/_mkto/scenarios", json=[1]).status_code == 400
    assert api.http.post("/_mkto/scenarios", content=b"{").status_code == 400


# -- the guide's examples ---------------------------------------------------------------------------------------
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"


def guide_blocks(section: str) -> list[str]:
    """The `sh` blocks of one section of docs/emulator.md."""
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index(f"\n## {section}\n")
    end = text.find("\n## ", start + 1)
    return re.findall(r"```sh\n(.*?)```", text[start:end], flags=re.DOTALL)


def run_guide_section(section: str) -> None:
    """Run each block as written against a fresh emulator (its ids start at 1, as after `mkto serve`); the
    lines it prints are the block's `# ...` comments, in order."""
    blocks = guide_blocks(section)
    assert blocks, section
    with Emulator(areas=areas()) as emu:
        env = {**os.environ, "BASE": emu.base_url, "ID": emu.client_id, "SECRET": emu.client_secret}
        for block in blocks:
            done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block], env=env, capture_output=True,
                                  text=True, timeout=120, check=False)  # fmt: skip
            assert done.returncode == 0, f"{block}\n{done.stdout}\n{done.stderr}"
            printed = [line.strip() for line in done.stdout.splitlines() if line.strip()]
            expected = [line[2:].strip() for line in block.splitlines() if line.startswith("# ")]
            assert printed == expected, block


def test_the_guide_examples_run_as_written() -> None:
    run_guide_section("Scripted scenarios")
