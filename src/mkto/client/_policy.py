"""The retry decision: one pure function of (error, attempt, elapsed, idempotency, policy) -> what to do.

Nothing here sleeps, reads a clock or draws a random number of its own: the backoff function and its
random source are arguments, so tests pin them.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable
from dataclasses import dataclass

from mkto.errors import AmbiguousOutcome, Disposition, MarketoError, NetworkError

from ._config import RetryPolicy


class Action(enum.StrEnum):
    RETRY = "retry"
    REAUTHENTICATE = "reauthenticate"
    SPLIT = "split"
    OVERRIDE = "override"
    RAISE = "raise"


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    wait_s: float = 0.0
    error: BaseException | None = None  # what to raise, for Action.RAISE


Backoff = Callable[[int], float]


def full_jitter(attempt: int, *, base_s: float, cap_s: float, rng: random.Random | None = None) -> float:
    """AWS-style full jitter: uniform(0, min(cap, base * 2**(attempt-1))) for attempt >= 1."""
    ceiling = min(cap_s, base_s * (2 ** max(attempt - 1, 0)))
    return (rng or random).uniform(0.0, ceiling)


def is_ambiguous(error: BaseException) -> bool:
    """A lost response: the call may have run. 6xx codes mean "not executed" and are never ambiguous."""
    if isinstance(error, NetworkError):
        return error.maybe_sent
    if isinstance(error, MarketoError):
        if error.spec is not None and error.spec.maybe_executed:
            return True
        return error.code is None and error.http_status is not None and error.http_status >= 500
    return False


def decide(
    error: MarketoError,
    *,
    attempt: int,
    elapsed_s: float,
    idempotent: bool,
    policy: RetryPolicy,
    backoff: Backoff,
    reauthentications: int = 0,
    rate_window_s: float = 20.0,
    can_split: bool = False,
    overridden: bool = False,
    resolvable: bool = False,
    few_tries: int | None = None,
) -> Decision:
    """What to do after `attempt` (1-based) failed with `error`, `elapsed_s` into the call.

    `few_tries`: how many of the call's failures so far (this one included) had a code the catalogue gives
    few tries (611); only those count against `few_tries_attempts` (None: every attempt does), so a 611
    after a 502 still gets its second send.

    `resolvable`: a non-idempotent write whose records can be read back. Any transient failure of it
    (a lost answer, or a 604 that may have come after the write committed) is handed back as
    `AmbiguousOutcome` to be resolved by reading back: checking costs one read, resending blind may
    write twice.
    """
    disposition = error.disposition

    if disposition is Disposition.REAUTHENTICATE:
        if reauthentications >= policy.max_reauthentications:
            return Decision(Action.RAISE, error=error)
        return Decision(Action.REAUTHENTICATE)
    if disposition is Disposition.SPLIT_PAYLOAD:
        return Decision(Action.SPLIT) if can_split else Decision(Action.RAISE, error=error)
    if disposition is Disposition.METHOD_OVERRIDE:
        return Decision(Action.RAISE, error=error) if overridden else Decision(Action.OVERRIDE)
    if disposition not in {Disposition.BACKOFF, Disposition.WAIT_RATE_WINDOW, Disposition.WAIT_CONCURRENCY}:
        # quota_exhausted, caller_error, bad_credentials, queue_full (bulk waits for it itself), ...
        return Decision(Action.RAISE, error=error)

    never_sent = isinstance(error, NetworkError) and not error.maybe_sent
    if resolvable and not idempotent and disposition is Disposition.BACKOFF and not never_sent:
        return Decision(Action.RAISE, error=_ambiguous(error))
    if is_ambiguous(error) and not idempotent and not policy.retry_ambiguous:
        return Decision(Action.RAISE, error=_ambiguous(error))

    if error.code in policy.few_tries_codes:
        tried = attempt if few_tries is None else few_tries
        if tried >= policy.few_tries_attempts:
            return Decision(Action.RAISE, error=error)
    if attempt >= policy.max_attempts:
        return Decision(Action.RAISE, error=error)

    if disposition is Disposition.WAIT_RATE_WINDOW:
        # The window is Marketo's, not ours (another process may share the instance): wait it out whole.
        wait = rate_window_s + backoff(1) * 0.1
    elif disposition is Disposition.WAIT_CONCURRENCY:
        wait = policy.concurrency_wait_s + backoff(attempt) * 0.1
    else:
        wait = backoff(attempt)
    if elapsed_s + wait > policy.deadline_s:
        return Decision(Action.RAISE, error=error)
    return Decision(Action.RETRY, wait_s=wait)


def _ambiguous(cause: MarketoError) -> AmbiguousOutcome:
    err = AmbiguousOutcome(
        f"The response was lost and the call is not idempotent; it may or may not have run ({cause.message})",
        code=cause.code,
        request_id=cause.request_id,
        http_status=cause.http_status,
        body=cause.body,
    )
    err.__cause__ = cause
    return err
