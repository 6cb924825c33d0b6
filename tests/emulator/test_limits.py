"""Daily quota (607), sliding rate window (606), concurrency (615), and which answers count."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
from collections.abc import Callable
from zoneinfo import ZoneInfo

import httpx
import pytest

from mkto import errors
from mkto.emulator._limits import Counters, Limits, Slot

from .conftest import Api, assert_marketo_error, assert_success, server_date

ECHO = "/rest/v1/probe/echo.json"
CHICAGO = ZoneInfo("America/Chicago")


# -- 607 daily quota -------------------------------------------------------------------------------------------
def test_daily_quota_is_607_until_midnight_chicago(api: Api) -> None:
    api.admin("POST", "/clock", json={"set": "2030-03-10T20:00:00-05:00"})  # 8 pm in Chicago (CDT)
    api.limits(daily_quota=3)
    for _ in range(3):
        assert_success(api.call("GET", ECHO))
    response = api.call("GET", ECHO)
    assert_marketo_error(response, "607")
    # The Date header tells a client when the quota resets: the next midnight in Chicago.
    assert errors.next_reset(server_date(response)) == dt.datetime(2030, 3, 11, tzinfo=CHICAGO)
    assert api.usage()["daily"]["resets_at"] == "2030-03-11T00:00:00-05:00"
    api.advance(3 * 3600 + 59 * 60)  # 23:59 in Chicago: same day
    assert_marketo_error(api.call("GET", ECHO), "607")
    api.advance(61)  # 00:00 in Chicago: a new day
    assert_success(api.call("GET", ECHO))


def test_daily_quota_does_not_reset_at_utc_midnight(api: Api) -> None:
    api.admin("POST", "/clock", json={"set": "2030-01-15T23:30:00Z"})  # 17:30 in Chicago (CST)
    api.limits(daily_quota=1)
    assert_success(api.call("GET", ECHO))
    api.advance(3600)  # 00:30 UTC, 18:30 Chicago
    assert_marketo_error(api.call("GET", ECHO), "607")
    api.advance(5.5 * 3600)  # 06:00 UTC = 00:00 Chicago
    assert_success(api.call("GET", ECHO))


# -- 606 sliding window ---------------------------------------------------------------------------------------
def test_rate_window_is_606_with_the_limits_in_the_message(api: Api) -> None:
    api.limits(rate_calls=3, rate_seconds=20)
    for _ in range(3):
        assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("GET", ECHO), "606", "Max rate limit '3' exceeded with in '20' secs")
    assert_marketo_error(api.call("GET", ECHO), "606", errors.get("606").format(3, 20))


def test_rate_window_slides(api: Api) -> None:
    api.limits(rate_calls=3, rate_seconds=20)
    assert_success(api.call("GET", ECHO))
    assert_success(api.call("GET", ECHO))  # two calls at t=0
    api.advance(10)
    assert_success(api.call("GET", ECHO))  # one at t=10
    assert_marketo_error(api.call("GET", ECHO), "606", None, 3, 20)
    api.advance(10.5)  # t=20.5: the two t=0 calls left the window, the t=10 call did not
    assert_success(api.call("GET", ECHO))
    assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("GET", ECHO), "606", None, 3, 20)
    api.advance(10)  # t=30.5: the t=10 call left
    assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("GET", ECHO), "606", None, 3, 20)


def test_606_default_message_is_100_in_20(api: Api) -> None:
    api.fault(code="606", times=1)
    assert_marketo_error(api.call("GET", ECHO), "606", "Max rate limit '100' exceeded with in '20' secs")


# -- 615 concurrency ---------------------------------------------------------------------------------------------
def test_more_calls_in_flight_than_concurrency_is_615(api: Api) -> None:
    api.limits(concurrency=2)
    api.fault(latency_ms=3000, path="/rest/v1/probe/echo.json", times=2)
    token = api.token()

    def slow_call() -> httpx.Response:
        with httpx.Client(base_url=api.emu.base_url, timeout=30) as client:
            return client.get(ECHO, headers={"Authorization": f"Bearer {token}"})

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        held = [pool.submit(slow_call) for _ in range(2)]
        while api.usage()["in_flight"]["calls"] < 2:  # wait (bounded by the fault's latency) for both to be held
            assert not any(f.done() for f in held)
        response = api.call("GET", "/rest/v1/probe/rows.json")
        assert_marketo_error(response, "615", "Concurrent access limit '2' reached")
        for future in held:
            assert_success(future.result())
    assert api.usage()["in_flight"]["calls"] == 0
    assert_success(api.call("GET", ECHO))


# -- counting ----------------------------------------------------------------------------------------------------
def _expire(api: Api) -> str:
    api.admin("PUT", "/limits", json={"token_ttl": 1})
    token = api.token()
    api.advance(5)
    return token


NOT_COUNTED: dict[str, Callable[[Api], httpx.Response]] = {
    "601": lambda api: api.call("GET", ECHO, auth=False),
    "602": lambda api: api.call("GET", ECHO, token=_expire(api)),
    "604": lambda api: (api.fault(code="604", times=1), api.call("GET", ECHO))[1],
    "605": lambda api: api.call("PUT", ECHO),
    "608": lambda api: (api.fault(code="608", times=1), api.call("GET", ECHO))[1],
    "611": lambda api: api.call("GET", "/rest/v1/probe/crash.json"),
    "610": lambda api: api.call("GET", "/rest/v1/nothing.json"),
    "413": lambda api: api.call("POST", ECHO, content=b"x" * 1_048_577, headers={"Content-Type": "application/json"}),
    "414": lambda api: api.call("GET", ECHO, params={"q": "x" * 9000}),
}


@pytest.mark.parametrize("code", sorted(NOT_COUNTED))
def test_answers_that_do_not_count(api: Api, code: str) -> None:
    response = NOT_COUNTED[code](api)
    if code in ("413", "414"):
        assert response.status_code == int(code)
    else:
        assert response.json()["errors"][0]["code"] == code
    usage = api.usage()
    assert usage["rate_window"]["calls"] == 0
    assert usage["daily"]["calls"] == 0


def test_rejections_by_606_607_615_do_not_count(api: Api) -> None:
    api.limits(rate_calls=2)
    for _ in range(2):
        assert_success(api.call("GET", ECHO))
    for _ in range(5):
        assert_marketo_error(api.call("GET", ECHO), "606", None, 2, 20)
    assert api.usage()["rate_window"]["calls"] == 2
    assert api.usage()["daily"]["calls"] == 2
    api.limits(daily_quota=2, rate_calls=100)
    for _ in range(3):
        assert_marketo_error(api.call("GET", ECHO), "607")
    assert api.usage()["daily"]["calls"] == 2


COUNTED: dict[str, Callable[[Api], httpx.Response]] = {
    "success": lambda api: api.call("GET", ECHO),
    "603": lambda api: api.call(
        "GET", "/rest/asset/v1/probe.json",
        token=api.token(*_limited_user(api)),
    ),
    "609": lambda api: api.call("POST", ECHO, content=b"{", headers={"Content-Type": "application/json"}),
    "612": lambda api: api.call("POST", ECHO, content=b"{}", headers={"Content-Type": "text/plain"}),
    "613": lambda api: api.call("POST", "/bulk/v1/probe/import.json", content=b"x",
                                headers={"Content-Type": "multipart/form-data; boundary=b"}),
    "701": lambda api: api.call("POST", "/rest/v1/probe/rows.json", json={"names": []}),
    "614": lambda api: (api.fault(code="614", times=1), api.call("GET", ECHO))[1],
    "http:502": lambda api: (api.fault(code="http:502", times=1), api.call("GET", ECHO))[1],
}


def _limited_user(api: Api) -> tuple[str, str]:
    user = api.admin("POST", "/users", json={"permissions": ["Read-Only Lead"]}).json()
    return user["client_id"], user["client_secret"]


@pytest.mark.parametrize("code", sorted(COUNTED))
def test_answers_that_count(api: Api, code: str) -> None:
    response = COUNTED[code](api)
    if code == "success":
        assert_success(response)
    elif code.startswith("http:"):
        assert response.status_code == 502
    else:
        assert json.loads(response.text)["errors"][0]["code"] == code
    usage = api.usage()
    assert usage["rate_window"]["calls"] == 1
    assert usage["daily"]["calls"] == 1


def test_admin_calls_are_never_counted(api: Api) -> None:
    api.limits(rate_calls=1)
    for _ in range(5):
        api.usage()
        api.admin("GET", "/limits")
    assert api.usage()["rate_window"]["calls"] == 0


def test_rate_window_follows_the_clock_backwards_too(api: Api) -> None:
    api.limits(rate_calls=2, rate_seconds=20)
    api.admin("POST", "/clock", json={"set": "2030-01-01T00:01:00Z"})
    assert_success(api.call("GET", ECHO))
    api.admin("POST", "/clock", json={"set": "2030-01-01T00:00:00Z"})  # a minute earlier: that call is "later"
    assert_success(api.call("GET", ECHO))
    assert_success(api.call("GET", ECHO))
    assert_marketo_error(api.call("GET", ECHO), "606", None, 2, 20)
    api.admin("POST", "/clock", json={"set": "2030-01-01T00:00:30Z"})  # both t=0 calls left; t=60 is ahead
    assert_success(api.call("GET", ECHO))


def test_counters_window_with_given_back_slots_and_a_clock_that_goes_back() -> None:
    """The window's bookkeeping itself: a given-back slot leaves at once, calls ahead of the clock wait."""
    counters = Counters()
    limits = Limits(rate_calls=3, rate_seconds=20)
    t0 = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)

    def window(at: dt.datetime) -> int:
        return int(counters.snapshot(at, limits)["rate_window"]["calls"])

    slots = [counters.admit(t0, limits, "u") for _ in range(3)]
    assert all(isinstance(slot, Slot) for slot in slots)
    assert counters.admit(t0, limits, "u") == "606"
    for slot, code in zip(slots, [None, "611", None], strict=True):  # a 611 does not count: its slot is given back
        assert isinstance(slot, Slot)
        counters.finish(slot, code)
    assert window(t0) == 2
    earlier = t0 - dt.timedelta(seconds=10)
    assert window(earlier) == 0  # both calls are ahead of the clock
    slot = counters.admit(earlier, limits, "u")
    assert isinstance(slot, Slot)
    counters.finish(slot, None)
    assert window(earlier) == 1
    assert window(t0) == 3
    assert window(t0 + dt.timedelta(seconds=15)) == 2  # the earlier call has left the window, the t0 ones remain
    assert window(t0 + dt.timedelta(seconds=20)) == 0


@pytest.mark.parametrize("seed", range(6))
def test_counters_window_matches_a_plain_list_of_calls(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compact window against the plainest model: every call kept with its time, a given-back one removed,
    one at or before the horizon gone for good, the count those at or before the clock. Random calls and answers,
    the clock mostly forward, sometimes set back, with the arrays cut down often."""
    import random

    from mkto.emulator import _limits

    monkeypatch.setattr(_limits._Window, "_COMPACT_AFTER", 4)
    rng = random.Random(seed)
    counters = Counters()
    limits = Limits(rate_calls=1_000_000, rate_seconds=5, concurrency=1_000_000)
    t0 = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    model: dict[int, float] = {}  # call number -> epoch s
    held: list[tuple[Slot, int]] = []
    clock = 0.0
    for number in range(600):
        step = rng.random()
        clock += rng.choice([0.0, 0.0, 0.1, 0.5, 1.5]) if step > 0.05 else -rng.uniform(0.5, 8.0)
        at = t0 + dt.timedelta(seconds=clock)
        horizon = at.timestamp() - limits.rate_seconds
        for gone in [n for n, t in model.items() if t <= horizon]:
            del model[gone]
        slot = counters.admit(at, limits, "u")
        assert isinstance(slot, Slot)
        model[number] = at.timestamp()
        held.append((slot, number))
        while held and rng.random() < 0.6:
            done, done_number = held.pop(rng.randrange(len(held)))
            code = rng.choice([None, None, "611", "604"])
            counters.finish(done, code)
            if code is not None:
                model.pop(done_number, None)
        expected = sum(1 for t in model.values() if t <= at.timestamp())
        assert counters.snapshot(at, limits)["rate_window"]["calls"] == expected, number
