"""Noisy neighbours over real HTTP: their share of the rate window, the concurrency slots and the daily quota
is exact, on the virtual clock, and `/_mkto/usage` shows it apart from the caller's own use."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import Api, assert_marketo_error, assert_success, beside_a_slow_call
from .test_scenarios import run_guide_section

ECHO = "/rest/v1/probe/echo.json"
ZERO = {"calls_per_window": 0, "in_flight": 0, "daily_calls": 0}


def neighbours(api: Api, **share: int) -> dict[str, Any]:
    return dict(api.admin("PUT", "/neighbours", json=share).json())


def successes_before(api: Api, code: str, token: str, most: int = 100) -> int:
    """How many calls succeed before the first `code`."""
    for count in range(most):
        response = api.call("GET", ECHO, token=token)
        if response.json()["success"] is False:
            assert [e["code"] for e in response.json()["errors"]] == [code], response.text
            return count
    raise AssertionError(f"no {code} in {most} calls")


def test_neighbours_fill_the_rate_window_exactly(api: Api) -> None:
    api.limits(rate_calls=20, rate_seconds=20)
    assert neighbours(api, calls_per_window=15) == {**ZERO, "calls_per_window": 15}
    token = api.token()
    assert successes_before(api, "606", token) == 5
    assert api.usage()["rate_window"]["calls"] == 5  # the caller's own calls: a rejected 606 is not counted


def test_the_window_slides_on_the_virtual_clock_and_neighbours_stay(api: Api) -> None:
    api.limits(rate_calls=20, rate_seconds=20)
    neighbours(api, calls_per_window=15)
    token = api.token()
    assert successes_before(api, "606", token) == 5
    api.advance(19)
    assert_marketo_error(api.call("GET", ECHO, token=token), "606", None, 20, 20)
    api.advance(1)  # the caller's calls left the window; the neighbours' share never does
    assert successes_before(api, "606", token) == 5
    api.advance(3600 * 5)
    assert successes_before(api, "606", api.token()) == 5


def test_a_full_window_of_neighbours_leaves_nothing(api: Api) -> None:
    api.limits(rate_calls=20)
    neighbours(api, calls_per_window=20)
    assert_marketo_error(api.call("GET", ECHO), "606", None, 20, 20)


def test_neighbours_hold_concurrency_slots(api: Api) -> None:
    api.limits(concurrency=10)
    neighbours(api, in_flight=9)
    api.fault(latency_ms=1500, path=ECHO, times=1)
    token = api.token()

    slow, second = beside_a_slow_call(api, token, ECHO)
    assert_success(slow)
    assert_marketo_error(second, "615", "Concurrent access limit '10' reached")
    assert_success(api.call("GET", ECHO, token=token))  # one at a time still fits beside the nine


def test_neighbours_daily_calls_bring_607(api: Api) -> None:
    api.limits(daily_quota=100)
    neighbours(api, daily_calls=97)
    token = api.token()
    assert successes_before(api, "607", token) == 3
    usage = api.usage()
    assert usage["daily"]["calls"] == 3
    assert usage["neighbours"]["daily_calls"] == 97


def test_usage_shows_the_neighbours_apart(api: Api) -> None:
    neighbours(api, calls_per_window=40, in_flight=3, daily_calls=1000)
    assert_success(api.call("GET", ECHO))
    usage = api.usage()
    assert usage["neighbours"] == {"calls_per_window": 40, "in_flight": 3, "daily_calls": 1000}
    assert usage["rate_window"]["calls"] == 1
    assert usage["in_flight"]["calls"] == 0
    assert usage["daily"]["calls"] == 1


def test_get_delete_zeros_and_reset_stop_them(api: Api) -> None:
    assert api.admin("GET", "/neighbours").json() == ZERO
    api.limits(rate_calls=5)
    neighbours(api, calls_per_window=5)
    assert api.admin("GET", "/neighbours").json() == {**ZERO, "calls_per_window": 5}
    token = api.token()
    assert_marketo_error(api.call("GET", ECHO, token=token), "606", None, 5, 20)
    assert api.admin("DELETE", "/neighbours").json() == ZERO
    assert_success(api.call("GET", ECHO, token=token))
    neighbours(api, calls_per_window=5)
    neighbours(api, calls_per_window=0)
    assert_success(api.call("GET", ECHO, token=token))
    neighbours(api, daily_calls=10)
    api.admin("POST", "/reset")
    assert api.admin("GET", "/neighbours").json() == ZERO


def test_put_replaces_the_whole_share(api: Api) -> None:
    neighbours(api, calls_per_window=5, in_flight=2)
    assert neighbours(api, daily_calls=7) == {**ZERO, "daily_calls": 7}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"calls_per_window": -1}, "calls_per_window"),
        ({"in_flight": 1.5}, "in_flight"),
        ({"daily_calls": True}, "daily_calls"),
        ({"daily_calls": "10"}, "daily_calls"),
        ({"calls": 3}, "calls"),
        ([3], "calls_per_window"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api: Api, body: Any, field: str) -> None:
    response = api.http.put("/_mkto/neighbours", json=body)
    assert response.status_code == 400
    assert field in response.json()["error"]
    assert api.admin("GET", "/neighbours").json() == ZERO


def test_the_guide_example_runs_as_written() -> None:
    run_guide_section("Noisy neighbours")


def test_scenarios_and_neighbours_belong_to_their_instance(api: Api) -> None:
    instance = api.emu.create_instance(munchkin_id="333-SCN-444")
    try:
        admin = httpx.Client(base_url=instance.admin_url)
        admin.put("/limits", json={"rate_calls": 3}).raise_for_status()
        admin.put("/neighbours", json={"calls_per_window": 3}).raise_for_status()
        admin.post("/scenarios", json={"steps": [{"answer": "604"}]}).raise_for_status()
        token = httpx.get(f"{instance.identity_url}/oauth/token", params={"grant_type": "client_credentials",
                          "client_id": instance.client_id, "client_secret": instance.client_secret}).json()["access_token"]  # fmt: skip
        there = httpx.get(f"{instance.base_url}{ECHO}", headers={"Authorization": f"Bearer {token}"})
        assert [e["code"] for e in there.json()["errors"]] == ["604"]  # the instance's scenario first
        there = httpx.get(f"{instance.base_url}{ECHO}", headers={"Authorization": f"Bearer {token}"})
        assert [e["code"] for e in there.json()["errors"]] == ["606"]  # then its neighbours fill its window
        assert api.admin("GET", "/neighbours").json() == ZERO
        assert api.admin("GET", "/scenarios").json() == {"scenarios": []}
        assert_success(api.call("GET", ECHO))
        admin.close()
    finally:
        api.emu.drop_instance(instance.munchkin_id)


def test_the_stats_endpoints_count_only_the_callers_calls(api: Api) -> None:
    neighbours(api, calls_per_window=10, daily_calls=500)
    token = api.token()
    for _ in range(2):
        assert_success(api.call("GET", ECHO, token=token))
    (today,) = assert_success(api.call("GET", "/rest/v1/stats/usage.json", token=token))["result"]
    assert today["total"] == 2  # the two reads; the stats call itself is counted after its answer
    assert [u["count"] for u in today["users"]] == [2]
