"""The retry decision, table by table: one pure function, pinned with a fixed backoff."""

from __future__ import annotations

import random
from typing import Any

import pytest

from mkto.client import Action, Decision, NetworkError, RetryPolicy, decide, full_jitter
from mkto.errors import AmbiguousOutcome, Level, MarketoError, QuotaExhausted, error_from_code, parse_response

POLICY = RetryPolicy(max_attempts=5, deadline_s=60.0)


def fixed(_: int) -> float:
    return 1.0


def err(code: str, message: str = "") -> MarketoError:
    return error_from_code(code, message, level=Level.RESPONSE, request_id="1#1", http_status=200, body=b"", headers={})


def gateway(status: int) -> MarketoError:
    try:
        parse_response(status, {"content-type": "text/html"}, b"<html><body>Bad Gateway</body></html>")
    except MarketoError as exc:
        return exc
    raise AssertionError("parse_response accepted an HTML error page")


def run(error: MarketoError, **kw: Any) -> Decision:
    args: dict[str, Any] = {"attempt": 1, "elapsed_s": 0.0, "idempotent": True, "policy": POLICY, "backoff": fixed}
    args.update(kw)
    return decide(error, **args)


@pytest.mark.parametrize("code", ["601", "602"])
def test_auth_codes_reauthenticate_then_give_up(code: str) -> None:
    assert run(err(code)).action is Action.REAUTHENTICATE
    final = run(err(code), reauthentications=POLICY.max_reauthentications)
    assert final.action is Action.RAISE


def test_606_waits_out_the_whole_window() -> None:
    decision = run(err("606", "Max rate limit '100' exceeded with in '20' secs"), rate_window_s=20.0)
    assert decision.action is Action.RETRY
    assert 20.0 <= decision.wait_s <= 20.2


def test_615_waits_for_a_slot() -> None:
    decision = run(err("615"))
    assert decision.action is Action.RETRY
    assert decision.wait_s == pytest.approx(POLICY.concurrency_wait_s + 0.1)


@pytest.mark.parametrize("code", ["604", "608", "713", "719", "614"])
def test_transient_codes_back_off_until_attempts_run_out(code: str) -> None:
    assert run(err(code), attempt=1).action is Action.RETRY
    assert run(err(code), attempt=POLICY.max_attempts).action is Action.RAISE


def test_611_gets_few_tries() -> None:
    assert run(err("611"), attempt=1).action is Action.RETRY
    assert run(err("611"), attempt=POLICY.few_tries_attempts).action is Action.RAISE


def test_611_counts_only_its_own_tries() -> None:
    # a 502, then a 611: the 611's first failure, so it gets its second send (all attempts still bound it)
    assert run(err("611"), attempt=2, few_tries=1).action is Action.RETRY
    assert run(err("611"), attempt=3, few_tries=POLICY.few_tries_attempts).action is Action.RAISE
    assert run(err("611"), attempt=POLICY.max_attempts, few_tries=1).action is Action.RAISE


def test_a_611_after_a_gateway_error_is_sent_again_end_to_end() -> None:
    from mkto.client import Client
    from mkto.emulator import Emulator

    with Emulator() as emu, Client(base_url=emu.base_url, client_id=emu.client_id,
                                   client_secret=emu.client_secret, retry=RetryPolicy(base_delay_s=0.01)) as client:
        made = client.leads.sync([{"email": "after-502@example.com"}])
        emu.emulation.scenarios.add({"path": "/rest/v1/lead/*", "steps": [{"answer": "http:502"}, {"answer": "611"}]})
        lead = client.leads.get(made[0].id)
        record = emu.emulation.scenarios.list()[0]
    assert lead is not None and lead["email"] == "after-502@example.com"
    assert [c["answered"] for c in record["calls"]] == ["http:502", "611", "200"]


def test_deadline_bounds_the_wait() -> None:
    decision = run(err("604"), elapsed_s=59.5)
    assert decision.action is Action.RAISE


@pytest.mark.parametrize("code", ["607", "603", "609", "610", "1003"])
def test_quota_and_caller_errors_raise_at_once(code: str) -> None:
    decision = run(err(code))
    assert decision.action is Action.RAISE
    assert isinstance(decision.error, MarketoError)
    assert decision.error.code == code


def test_export_quota_variant_raises_with_reset() -> None:
    error = err("1029", "Export daily quota 500MB exceeded.")
    assert isinstance(error, QuotaExhausted)
    assert error.resets_at is not None
    assert run(error).action is Action.RAISE


def test_413_splits_when_it_can_and_414_overrides_once() -> None:
    too_large = gateway(413)
    assert run(too_large, can_split=True).action is Action.SPLIT
    assert run(too_large, can_split=False).action is Action.RAISE
    too_long = gateway(414)
    assert run(too_long).action is Action.OVERRIDE
    assert run(too_long, overridden=True).action is Action.RAISE


@pytest.mark.parametrize("lost", [gateway(502), gateway(503), err("502"), NetworkError("reset", maybe_sent=True)])
def test_lost_responses_retry_only_when_idempotent(lost: MarketoError) -> None:
    assert run(lost, idempotent=True).action is Action.RETRY
    decision = run(lost, idempotent=False)
    assert decision.action is Action.RAISE
    assert isinstance(decision.error, AmbiguousOutcome)
    assert decision.error.__cause__ is lost
    opted_in = RetryPolicy(retry_ambiguous=True)
    assert run(lost, idempotent=False, policy=opted_in).action is Action.RETRY


def test_6xx_is_never_ambiguous() -> None:
    # "not executed": a non-idempotent call may be resent after 604/608/611.
    assert run(err("604"), idempotent=False).action is Action.RETRY
    refused = NetworkError("connect refused", maybe_sent=False)
    assert run(refused, idempotent=False).action is Action.RETRY


def test_full_jitter_is_bounded_and_grows() -> None:
    rng = random.Random(0)
    draws = [full_jitter(n, base_s=0.5, cap_s=8.0, rng=rng) for n in range(1, 10) for _ in range(50)]
    assert all(0.0 <= d <= 8.0 for d in draws)
    assert max(full_jitter(1, base_s=0.5, cap_s=8.0, rng=rng) for _ in range(200)) <= 0.5
    assert max(full_jitter(6, base_s=0.5, cap_s=8.0, rng=rng) for _ in range(200)) > 4.0
