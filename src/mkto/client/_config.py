"""Configuration objects: timeouts, the retry policy and the limits, each immutable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mkto.errors import all_specs
from mkto.errors.limits import CONCURRENCY, RATE_CALLS, RATE_SECONDS

if TYPE_CHECKING:
    from ._limits import LimiterBackend

FEW_TRIES_CODES = frozenset(spec.code for spec in all_specs() if spec.few_tries)  # the catalogue's (611)


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Per-attempt HTTP timeouts, in seconds.

    Client(..., timeouts=Timeouts(connect=5, read=90))
    """

    connect: float = 10.0
    read: float = 120.0
    write: float = 60.0
    pool: float = 30.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How the client retries: bounded by attempts and by a total deadline, never unbounded.

    Client(..., retry=RetryPolicy(max_attempts=8, deadline_s=300))
    Client(..., retry=RetryPolicy(retry_ambiguous=True))   # also resend non-idempotent calls
    """

    max_attempts: int = 6  # sends of one call, 601/602 re-authentications not counted
    deadline_s: float = 180.0  # total time one call may take, waits included
    base_delay_s: float = 0.5  # full-jitter backoff: uniform(0, min(max_delay, base * 2**n))
    max_delay_s: float = 30.0
    few_tries_codes: frozenset[str] = field(default_factory=lambda: FEW_TRIES_CODES)
    few_tries_attempts: int = 2
    max_reauthentications: int = 2  # per call: a second 601/602 right after a fresh token is not a token problem
    concurrency_wait_s: float = 0.5  # 615: roughly how long a call in flight takes to finish
    retry_ambiguous: bool = False  # resend non-idempotent calls after a lost response (may duplicate)
    lost_response_rounds: int = 3  # read-back-and-resend rounds after a sync's answer is lost (see _resolve)


@dataclass(frozen=True, slots=True)
class Limits:
    """What the client holds itself to, before Marketo has to say so.

        Client(..., limits=Limits(rate_calls=100, rate_seconds=20, concurrency=10, daily_budget=40_000))
        Client(..., limits=Limits(backend=SqliteLimiterBackend("/tmp/mkto-limits.db")))

    A call holds its place in the rate window from the moment it is let through until `rate_seconds` after
    its answer (or its failure) arrived, and always while it is in flight. Marketo counts a call when it
    arrives, which is between the two, so no window of Marketo's can hold more than `rate_calls` of them,
    whatever the latency. `window_margin_s` (default 0) is an optional extra: a place then lasts until
    `rate_seconds + window_margin_s` after the answer (for a server whose clock runs fast against this one).
    """

    rate_calls: int = RATE_CALLS
    rate_seconds: float = RATE_SECONDS
    window_margin_s: float = 0.0
    concurrency: int = CONCURRENCY
    daily_budget: int | None = None
    lease_ttl_s: float = 300.0  # a cross-process concurrency slot frees itself after this, even if its holder died
    backend: LimiterBackend | None = None  # None: in-process, this process only
