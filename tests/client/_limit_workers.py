"""Worker processes for the cross-process limiter tests (imported by spawned children)."""

from __future__ import annotations

import time

from mkto.client import (
    Grant,
    InProcessLimiterBackend,
    LimiterBackend,
    Quota,
    RedisLimiterBackend,
    SqliteLimiterBackend,
)


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


# One planned call: seconds from its send to its arrival at the server, from its arrival to its answer, and
# its fate: "ok", "error" (Marketo answers an error), "lost" (it arrives, its answer never comes back) or
# "unsent" (it fails before it reaches the server).
Call = tuple[float, float, str]
# What happened to it, on this host's clock: its send, its arrival at the server (None: it never arrived), and
# when its answer or its failure came back.
Record = tuple[float, float | None, float]


def open_backend(kind: str, where: str, prefix: str) -> LimiterBackend:
    if kind == "sqlite":
        return SqliteLimiterBackend(where)
    if kind == "redis":
        return RedisLimiterBackend(where, prefix=prefix)
    return InProcessLimiterBackend()


def run_calls(backend: LimiterBackend, quota: Quota, calls: list[Call]) -> list[Record]:
    """Make `calls` one after another in real time, each waiting for its grant as the backend says."""
    records: list[Record] = []
    for to_server, to_answer, fate in calls:
        while not isinstance(verdict := backend.try_acquire(quota), Grant):
            time.sleep(verdict.wait_s)
        sent = time.time()
        time.sleep(to_server)
        arrived = None if fate == "unsent" else time.time()
        if arrived is not None:
            time.sleep(to_answer)
        records.append((sent, arrived, time.time()))
        backend.release(verdict.lease_id)  # when the answer (or the failure) is in, as the client does
    return records


def planned_calls(job: tuple[str, str, str, Quota, list[Call]]) -> list[Record]:
    """`run_calls` in a spawned process, on its own connection to the shared backend."""
    kind, where, prefix, quota, calls = job
    return run_calls(open_backend(kind, where, prefix), quota, calls)
