"""The limiter backends, exact under contention: threads in-process, processes on SQLite and Redis."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mkto.client import (
    Denied,
    Grant,
    InProcessLimiterBackend,
    LimiterBackend,
    Quota,
    RedisLimiterBackend,
    SqliteLimiterBackend,
)
from tests.conftest import skip_or_fail

from ._limit_workers import hammer

QUOTA = Quota(rate_calls=15, window_s=0.4, concurrency=3, daily_budget=None, lease_ttl_s=30.0)


def max_in_any_window(starts: list[float], window_s: float) -> int:
    starts = sorted(starts)
    best, lo = 0, 0
    for hi, t in enumerate(starts):
        while starts[lo] <= t - window_s:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def max_overlap(intervals: list[tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals], key=lambda x: (x[0], x[1]))
    best = now = 0
    for _, delta in events:
        now += delta
        best = max(best, now)
    return best


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("MKTO_TEST_REDIS_URL")
    if not url:
        skip_or_fail("MKTO_TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15)")
    assert url is not None
    try:
        import redis

        redis.Redis.from_url(url).ping()
    except Exception as exc:
        skip_or_fail(f"Redis at {url} is not reachable: {exc}")
    return url


@pytest.fixture
def redis_backend(redis_url: str) -> Iterator[RedisLimiterBackend]:
    backend = RedisLimiterBackend(redis_url, prefix=f"mkto-test:{uuid.uuid4().hex}:")
    yield backend
    backend.clear()


def backends(tmp_path: Path) -> list[LimiterBackend]:
    return [InProcessLimiterBackend(), SqliteLimiterBackend(str(tmp_path / "limits.db"))]


def test_rate_window_is_exact_then_frees(tmp_path: Path) -> None:
    for backend in backends(tmp_path):
        quota = Quota(rate_calls=3, window_s=0.3, concurrency=10, daily_budget=None, lease_ttl_s=30)
        grants = [backend.try_acquire(quota) for _ in range(3)]
        assert all(isinstance(g, Grant) for g in grants)
        for g in grants:
            assert isinstance(g, Grant)
            backend.release(g.lease_id)
        denied = backend.try_acquire(quota)
        assert isinstance(denied, Denied)
        assert denied.reason == "rate"
        assert 0 < denied.wait_s <= 0.3
        time.sleep(denied.wait_s + 0.01)
        assert isinstance(backend.try_acquire(quota), Grant)


def test_concurrency_gate_and_release(tmp_path: Path) -> None:
    for backend in backends(tmp_path):
        quota = Quota(rate_calls=100, window_s=1, concurrency=2, daily_budget=None, lease_ttl_s=30)
        a, b = backend.try_acquire(quota), backend.try_acquire(quota)
        assert isinstance(a, Grant)
        assert isinstance(b, Grant)
        third = backend.try_acquire(quota)
        assert isinstance(third, Denied)
        assert third.reason == "concurrency"
        backend.release(a.lease_id)
        assert isinstance(backend.try_acquire(quota), Grant)


def test_daily_budget(tmp_path: Path) -> None:
    for backend in backends(tmp_path):
        quota = Quota(rate_calls=100, window_s=1, concurrency=10, daily_budget=2, lease_ttl_s=30)
        for _ in range(2):
            g = backend.try_acquire(quota)
            assert isinstance(g, Grant)
            backend.release(g.lease_id)
        over = backend.try_acquire(quota)
        assert isinstance(over, Denied)
        assert over.reason == "daily"


def test_sqlite_lease_of_a_crashed_holder_expires(tmp_path: Path) -> None:
    backend = SqliteLimiterBackend(str(tmp_path / "limits.db"))
    quota = Quota(rate_calls=100, window_s=1, concurrency=1, daily_budget=None, lease_ttl_s=0.2)
    assert isinstance(backend.try_acquire(quota), Grant)  # never released: its holder "died"
    assert isinstance(backend.try_acquire(quota), Denied)
    time.sleep(0.25)
    assert isinstance(backend.try_acquire(quota), Grant)


def test_in_process_threads_never_exceed_the_window() -> None:
    backend = InProcessLimiterBackend()
    held: list[tuple[float, float]] = []
    lock = threading.Lock()
    stop = time.time() + 1.2

    def worker() -> None:
        while time.time() < stop:
            verdict = backend.try_acquire(QUOTA)
            if isinstance(verdict, Grant):
                time.sleep(0.003)
                with lock:
                    held.append((verdict.started_at, time.time()))
                backend.release(verdict.lease_id)
            else:
                time.sleep(min(verdict.wait_s, 0.005))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(held) >= 2 * QUOTA.rate_calls
    assert max_in_any_window([s for s, _ in held], QUOTA.window_s) <= QUOTA.rate_calls
    assert max_overlap(held) <= QUOTA.concurrency


def run_processes(kind: str, where: str, prefix: str) -> list[tuple[float, float]]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(4) as pool:
        parts = pool.starmap(hammer, [(kind, where, prefix, QUOTA, 1.5)] * 4)
    return [interval for part in parts for interval in part]


def check_shared(held: list[tuple[float, float]]) -> None:
    assert len(held) >= 2 * QUOTA.rate_calls, "the processes should have filled several windows"
    assert max_in_any_window([s for s, _ in held], QUOTA.window_s) <= QUOTA.rate_calls
    assert max_overlap(held) <= QUOTA.concurrency


def test_sqlite_processes_share_one_exact_window(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    SqliteLimiterBackend(path).close()
    check_shared(run_processes("sqlite", path, ""))


def test_redis_basics(redis_backend: RedisLimiterBackend) -> None:
    quota = Quota(rate_calls=2, window_s=0.3, concurrency=10, daily_budget=None, lease_ttl_s=30)
    assert isinstance(redis_backend.try_acquire(quota), Grant)
    assert isinstance(redis_backend.try_acquire(quota), Grant)
    denied = redis_backend.try_acquire(quota)
    assert isinstance(denied, Denied)
    assert denied.reason == "rate"
    gate = Quota(rate_calls=100, window_s=0.3, concurrency=1, daily_budget=None, lease_ttl_s=0.2)
    time.sleep(0.35)
    redis_backend.clear()
    assert isinstance(redis_backend.try_acquire(gate), Grant)  # never released
    blocked = redis_backend.try_acquire(gate)
    assert isinstance(blocked, Denied)
    assert blocked.reason == "concurrency"
    time.sleep(0.25)
    assert isinstance(redis_backend.try_acquire(gate), Grant)  # the dead holder's lease expired


def test_redis_processes_share_one_exact_window(redis_url: str) -> None:
    prefix = f"mkto-test:{uuid.uuid4().hex}:"
    try:
        check_shared(run_processes("redis", redis_url, prefix))
    finally:
        RedisLimiterBackend(redis_url, prefix=prefix).clear()


def test_redis_daily_budget(redis_backend: RedisLimiterBackend) -> None:
    quota = Quota(rate_calls=100, window_s=1, concurrency=10, daily_budget=2, lease_ttl_s=30)
    for _ in range(2):
        grant = redis_backend.try_acquire(quota)
        assert isinstance(grant, Grant)
        redis_backend.release(grant.lease_id)
    over = redis_backend.try_acquire(quota)
    assert isinstance(over, Denied)
    assert over.reason == "daily"
