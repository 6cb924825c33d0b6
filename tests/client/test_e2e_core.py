"""The client against the real emulator over real HTTP: auth, retry by disposition, limits, 414, 607.

These use `/rest/v1/stats/usage.json`, the cheapest real endpoint; fault plans and the virtual clock
make every disposition happen on demand.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from typing import Any

import pytest

from mkto.client import AsyncClient, Client, Limits, RetryPolicy
from mkto.errors import MARKETO_TZ, AmbiguousOutcome, BadCredentials, MarketoError, QuotaExhausted

from .conftest import FAST_RETRY, Emu

USAGE = "/rest/v1/stats/usage.json"


def rest_log(emu: Emu) -> list[dict[str, Any]]:
    return [r for r in emu.requests() if r["path"].startswith("/rest/")]


def week(emu: Emu) -> list[str]:
    """The last seven Marketo days (Central time) on the emulator's clock, today first."""
    today = emu.now().astimezone(MARKETO_TZ).date()
    return [(today - dt.timedelta(days=n)).isoformat() for n in range(7)]


def test_round_trip_sync_and_async(emu: Emu) -> None:
    today, *before = week(emu)
    quiet_days = [{"date": day, "total": 0, "users": []} for day in before]
    no_errors = [{"date": day, "total": 0, "errors": []} for day in before]
    one_610 = {"date": today, "total": 1, "errors": [{"errorCode": "610", "count": 1}]}
    with Client(**emu.client_kwargs()) as client:
        assert client.usage.stats() == [{"date": today, "total": 0, "users": []}]  # the calls before this one
        assert client.usage.last_7_days() == [
            {"date": today, "total": 1, "users": [{"userId": "api@mkto.local", "count": 1}]}, *quiet_days
        ]
        with pytest.raises(MarketoError) as info:
            client.request("GET", "/rest/v1/nothing.json")
        assert info.value.code == "610"
        assert client.usage.errors() == [one_610]
        assert client.usage.errors_last_7_days() == [one_610, *no_errors]
        assert client.request("GET", USAGE).request_id
    emu.reset()

    async def main() -> list[Any]:
        async with AsyncClient(**emu.client_kwargs()) as client:
            return [
                await client.usage.last_7_days(),
                await client.usage.errors(),
                await client.usage.errors_last_7_days(),
                await client.usage.stats(),
            ]

    assert asyncio.run(main()) == [
        [{"date": today, "total": 0, "users": []}, *quiet_days],
        [{"date": today, "total": 0, "errors": []}],
        [{"date": today, "total": 0, "errors": []}, *no_errors],
        [{"date": today, "total": 3, "users": [{"userId": "api@mkto.local", "count": 3}]}],
    ]


def test_token_expiring_mid_run_is_replaced(emu: Emu) -> None:
    with Client(**emu.client_kwargs()) as client:
        client.usage.stats()
        emu.advance(3601)  # the emulator's token is now expired; the client's cache still trusts it
        client.usage.stats()
        assert client._core.tokens.fetches == 2
    codes = [r["code"] for r in rest_log(emu)]
    assert codes == [None, "602", None]


def test_601_forces_a_fresh_fetch(emu: Emu) -> None:
    emu.fault(code="601", times=1)
    with Client(**emu.client_kwargs()) as client:
        client.usage.stats()
        assert client._core.tokens.fetches == 2


def test_a_token_with_seconds_left_is_waited_out(emu: Emu) -> None:
    with Client(**emu.client_kwargs()) as first:
        first.usage.stats()
    emu.advance(3600 - 3)  # the instance's token has 3 s to live
    sleep = emu.virtual_sleep()
    with Client(**emu.client_kwargs(sleep=sleep)) as client:
        client.usage.stats()
        assert client._core.tokens.fetches == 2
    assert any(2 <= s <= 4 for s in sleep.slept)  # type: ignore[attr-defined]
    assert [r["code"] for r in rest_log(emu)] == [None, None]  # never sent with the dying token


def test_bad_credentials_raise_at_once(emu: Emu) -> None:
    with Client(**emu.client_kwargs(client_secret="wrong")) as client, pytest.raises(BadCredentials):
        client.usage.stats()
    with Client(**emu.client_kwargs(client_id="nobody")) as client, pytest.raises(BadCredentials) as info:
        client.usage.stats()
    assert "nobody" in str(info.value)
    assert rest_log(emu) == []


def test_token_fetch_is_single_flight_across_threads(emu: Emu) -> None:
    with Client(**emu.client_kwargs()) as client:
        threads = [threading.Thread(target=client.usage.stats) for _ in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert client._core.tokens.fetches == 1
    assert len(rest_log(emu)) == 10


def test_token_fetch_is_single_flight_across_tasks(emu: Emu) -> None:
    async def main() -> int:
        async with AsyncClient(**emu.client_kwargs()) as client:
            await asyncio.gather(*(client.usage.stats() for _ in range(10)))
            return client._core.tokens.fetches

    assert asyncio.run(main()) == 1


@pytest.mark.parametrize("code", ["604", "608", "611", "713", "http:502", "http:503"])
def test_transient_faults_are_retried(emu: Emu, code: str) -> None:
    emu.fault(code=code, times=1)
    with Client(**emu.client_kwargs()) as client:
        client.usage.stats()
    assert len(rest_log(emu)) == 2


def test_611_gets_few_tries_then_raises(emu: Emu) -> None:
    emu.fault(code="611", times=5)
    sleep = emu.virtual_sleep()
    with Client(**emu.client_kwargs(sleep=sleep)) as client, pytest.raises(MarketoError) as info:
        client.usage.stats()
    assert info.value.code == "611"
    tries = FAST_RETRY.few_tries_attempts
    assert tries < 5  # the plan outlasts the tries: the raise is the client's decision
    assert [(r["path"], r["code"]) for r in rest_log(emu)] == [(USAGE, "611")] * tries
    slept = sleep.slept  # type: ignore[attr-defined]
    assert len(slept) == tries - 1 and all(0 < s <= FAST_RETRY.max_delay_s for s in slept)  # a backoff between


def test_attempts_are_bounded(emu: Emu) -> None:
    emu.fault(code="604")
    retry = RetryPolicy(max_attempts=3, base_delay_s=0.001)
    sleep = emu.virtual_sleep()
    with Client(**emu.client_kwargs(retry=retry, sleep=sleep)) as client, pytest.raises(MarketoError) as info:
        client.usage.stats()
    assert info.value.code == "604"
    assert [(r["path"], r["code"]) for r in rest_log(emu)] == [(USAGE, "604")] * 3
    assert len(sleep.slept) == 2 and all(s > 0 for s in sleep.slept)  # type: ignore[attr-defined]


def test_lost_response_on_a_non_idempotent_call_is_ambiguous(emu: Emu) -> None:
    emu.fault(code="http:502", times=1)
    with Client(**emu.client_kwargs()) as client, pytest.raises(AmbiguousOutcome) as info:
        client.request("GET", USAGE, idempotent=False)
    assert isinstance(info.value.__cause__, MarketoError)
    assert info.value.__cause__.http_status == 502
    assert len(rest_log(emu)) == 1
    emu.fault(code="http:502", times=1)
    opted_in = RetryPolicy(retry_ambiguous=True, base_delay_s=0.001)
    with Client(**emu.client_kwargs(retry=opted_in)) as client:
        client.request("GET", USAGE, idempotent=False)


def test_606_waits_out_the_window(emu: Emu) -> None:
    emu.fault(code="606", times=1)
    sleep = emu.virtual_sleep()
    with Client(**emu.client_kwargs(sleep=sleep)) as client:
        client.usage.stats()
    slept = sleep.slept  # type: ignore[attr-defined]
    assert len(slept) == 1
    assert 20 <= slept[0] < 20.5  # the 20 s window, plus at most a small jitter so workers do not wake together
    assert [r["code"] for r in rest_log(emu)] == ["606", None]


def test_615_waits_for_a_slot(emu: Emu) -> None:
    emu.fault(code="615", times=2)
    with Client(**emu.client_kwargs()) as client:
        client.usage.stats()
    assert [r["code"] for r in rest_log(emu)] == ["615", "615", None]


def test_607_raises_at_once_with_the_reset_time(emu: Emu) -> None:
    emu.set_clock("2026-03-10T15:00:00+00:00")
    emu.limits(daily_quota=2)
    with Client(**emu.client_kwargs()) as client:
        client.usage.stats()
        client.usage.stats()
        with pytest.raises(QuotaExhausted) as info:
            client.usage.stats()
    assert info.value.code == "607"
    assert info.value.resets_at == dt.datetime(2026, 3, 11, tzinfo=MARKETO_TZ)
    assert [r["code"] for r in rest_log(emu)] == [None, None, "607"]


def test_client_daily_budget_raises_before_sending(emu: Emu) -> None:
    with Client(**emu.client_kwargs(limits=Limits(daily_budget=1))) as client:
        client.usage.stats()
        with pytest.raises(QuotaExhausted) as info:
            client.usage.stats()
    assert info.value.resets_at is not None
    assert len(rest_log(emu)) == 1


def test_414_falls_back_to_post_with_method_get(emu: Emu) -> None:
    emu.limits(max_uri_bytes=1000)
    with Client(**emu.client_kwargs()) as client:
        response = client.request("GET", USAGE, params={"padding": "x" * 2000})
    assert response.result == [{"date": week(emu)[0], "total": 0, "users": []}]  # the usage before this call
    log = rest_log(emu)
    assert [(r["method"], r["status"]) for r in log] == [("GET", 414), ("POST", 200)]


def test_long_get_is_sent_as_post_before_any_414(emu: Emu) -> None:
    with Client(**emu.client_kwargs()) as client:
        client.request("GET", USAGE, params={"padding": "x" * 9000})
    assert [(r["method"], r["status"]) for r in rest_log(emu)] == [("POST", 200)]


def test_client_following_its_limiter_never_gets_606_or_615(emu: Emu) -> None:
    emu.limits(rate_calls=10, rate_seconds=1, concurrency=3)
    emu.fault(latency_ms=30)  # calls overlap, so the concurrency gate matters
    limits = Limits(rate_calls=10, rate_seconds=1, concurrency=3, window_margin_s=0.1)
    with Client(**emu.client_kwargs(limits=limits)) as client:

        def work() -> None:
            for _ in range(5):
                client.usage.stats()

        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    codes = [r["code"] for r in rest_log(emu)]
    assert len(codes) == 40
    assert "606" not in codes
    assert "615" not in codes


def test_async_client_following_its_limiter_never_gets_606_or_615(emu: Emu) -> None:
    emu.limits(rate_calls=10, rate_seconds=1, concurrency=3)
    emu.fault(latency_ms=30)
    limits = Limits(rate_calls=10, rate_seconds=1, concurrency=3, window_margin_s=0.1)

    async def main() -> None:
        async with AsyncClient(**emu.client_kwargs(limits=limits)) as client:
            await asyncio.gather(*(client.usage.stats() for _ in range(30)))

    asyncio.run(main())
    codes = [r["code"] for r in rest_log(emu)]
    assert len(codes) == 30
    assert "606" not in codes
    assert "615" not in codes
