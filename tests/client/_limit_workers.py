"""Worker processes for the cross-process limiter tests (imported by spawned children)."""

from __future__ import annotations

import time

from mkto.client import Grant, Quota, RedisLimiterBackend, SqliteLimiterBackend


def hammer(kind: str, where: str, prefix: str, quota: Quota, seconds: float) -> list[tuple[float, float]]:
    """Take slots as fast as allowed for `seconds`; return (start, end) of every call held."""
    backend: SqliteLimiterBackend | RedisLimiterBackend
    backend = SqliteLimiterBackend(where) if kind == "sqlite" else RedisLimiterBackend(where, prefix=prefix)
    held: list[tuple[float, float]] = []
    stop = time.time() + seconds
    while time.time() < stop:
        verdict = backend.try_acquire(quota)
        if isinstance(verdict, Grant):
            time.sleep(0.003)  # the "call"
            held.append((verdict.started_at, time.time()))
            backend.release(verdict.lease_id)
        else:
            time.sleep(min(verdict.wait_s, 0.005))
    return held
