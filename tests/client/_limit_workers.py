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


def client_worker(job: tuple[str, str, str, str, str, str, int]) -> int:
    """A whole client in its own process, sharing limits with its siblings through `kind`'s backend."""
    base_url, client_id, client_secret, kind, where, prefix, calls = job
    from mkto.client import Client, Limits

    backend: SqliteLimiterBackend | RedisLimiterBackend
    backend = SqliteLimiterBackend(where) if kind == "sqlite" else RedisLimiterBackend(where, prefix=prefix)
    limits = Limits(rate_calls=10, rate_seconds=1, concurrency=3, backend=backend)  # no margin: the default
    with Client(base_url=base_url, client_id=client_id, client_secret=client_secret, limits=limits) as client:
        for _ in range(calls):
            client.usage.stats()
    return calls
