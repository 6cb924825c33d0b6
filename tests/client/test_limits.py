"""The limiter backends, exact under contention: threads in-process, processes on SQLite and Redis."""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from mkto.client import (
    AsyncClient,
    Client,
    Denied,
    Grant,
    InProcessLimiterBackend,
    LimiterBackend,
    Limits,
    Quota,
    RedisLimiterBackend,
    SqliteLimiterBackend,
)
from mkto.client._limits import AsyncLimiter, AsyncRedisLimiterBackend
from mkto.errors import MarketoError
from tests.conftest import skip_or_fail

from ._limit_workers import hammer
from .conftest import Emu

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
    return redis_url_or_skip()


def redis_url_or_skip() -> str:
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


class ManualClock:
    """An injectable clock that moves only when the test says so."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> float:
        with self._lock:
            self.now += seconds
            return self.now


def backends(tmp_path: Path, clock: ManualClock | None = None) -> list[LimiterBackend]:
    if clock is None:
        return [InProcessLimiterBackend(), SqliteLimiterBackend(str(tmp_path / "limits.db"))]
    return [InProcessLimiterBackend(clock=clock), SqliteLimiterBackend(str(tmp_path / "clocked.db"), clock=clock)]


def test_rate_window_is_exact_then_frees(tmp_path: Path) -> None:
    clock = ManualClock()
    for backend in backends(tmp_path, clock):
        quota = Quota(rate_calls=3, window_s=0.3, concurrency=10, daily_budget=None, lease_ttl_s=30)
        grants = [backend.try_acquire(quota) for _ in range(3)]
        assert all(isinstance(g, Grant) for g in grants)
        for g in grants:
            assert isinstance(g, Grant)
            backend.release(g.lease_id)
        clock.advance(0.1)
        denied = backend.try_acquire(quota)
        assert isinstance(denied, Denied)
        assert denied.reason == "rate"
        assert denied.wait_s == pytest.approx(0.2)  # the window opened 0.1 s ago on the test's clock
        clock.advance(0.19)
        assert isinstance(backend.try_acquire(quota), Denied)  # not a moment early
        clock.advance(0.02)
        assert isinstance(backend.try_acquire(quota), Grant)
        clock.advance(1.0)  # the next backend starts on an empty window


def test_a_place_lasts_until_window_s_after_its_release(tmp_path: Path) -> None:
    clock = ManualClock()
    for backend in backends(tmp_path, clock):
        quota = Quota(rate_calls=1, window_s=0.3, concurrency=10, daily_budget=None, lease_ttl_s=30)
        grant = backend.try_acquire(quota)
        assert isinstance(grant, Grant)
        clock.advance(5.0)  # a slow call: its place is held all along
        held = backend.try_acquire(quota)
        assert isinstance(held, Denied)
        assert held.reason == "rate"
        assert held.wait_s == pytest.approx(0.3)  # no sooner than window_s after a release yet to come
        backend.release(grant.lease_id)
        clock.advance(0.29)
        denied = backend.try_acquire(quota)
        assert isinstance(denied, Denied)
        assert denied.wait_s == pytest.approx(0.01)
        clock.advance(0.02)
        again = backend.try_acquire(quota)
        assert isinstance(again, Grant)
        backend.release(again.lease_id)
        backend.release(again.lease_id)  # a second release changes nothing
        clock.advance(0.1)
        assert isinstance(backend.try_acquire(quota), Denied)
        clock.advance(1.0)


def test_the_wait_is_until_the_oldest_blocking_place_lapses(tmp_path: Path) -> None:
    clock = ManualClock()
    for backend in backends(tmp_path, clock):
        quota = Quota(rate_calls=3, window_s=1.0, concurrency=10, daily_budget=None, lease_ttl_s=30)
        first, second, third = (backend.try_acquire(quota) for _ in range(3))
        assert isinstance(first, Grant)
        assert isinstance(second, Grant)
        assert isinstance(third, Grant)
        backend.release(second.lease_id)  # lapses at +1.0
        clock.advance(0.5)
        backend.release(third.lease_id)  # lapses at +1.5; `first` stays in flight
        denied = backend.try_acquire(quota)
        assert isinstance(denied, Denied)
        assert denied.wait_s == pytest.approx(0.5)
        clock.advance(0.5)
        assert isinstance(backend.try_acquire(quota), Grant)
        backend.release(first.lease_id)
        clock.advance(2.0)


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
    clock = ManualClock()
    backend = SqliteLimiterBackend(str(tmp_path / "limits.db"), clock=clock)
    quota = Quota(rate_calls=100, window_s=1, concurrency=1, daily_budget=None, lease_ttl_s=0.2)
    assert isinstance(backend.try_acquire(quota), Grant)  # never released: its holder "died"
    clock.advance(0.19)
    assert isinstance(backend.try_acquire(quota), Denied)
    clock.advance(0.02)
    assert isinstance(backend.try_acquire(quota), Grant)


def test_in_process_threads_never_exceed_the_window() -> None:
    """Eight real threads contend for the backend; time is the test's clock, moved by the workers themselves
    (a held call "lasts" 3 ms, a denied one waits at most 5 ms), so a loaded machine cannot starve the run."""
    clock = ManualClock()
    backend = InProcessLimiterBackend(clock=clock)
    held: list[tuple[float, float]] = []
    lock = threading.Lock()
    stop = clock() + 1.2

    def worker() -> None:
        while clock() < stop:
            verdict = backend.try_acquire(QUOTA)
            if isinstance(verdict, Grant):
                end = clock.advance(0.003)
                with lock:
                    held.append((verdict.started_at, end))
                backend.release(verdict.lease_id)
            else:
                clock.advance(min(verdict.wait_s, 0.005))

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
    # Redis keeps time with its own server clock (no injectable clock): the window is long enough that no stall
    # of a loaded machine can let it pass, and the lease expiry is polled for instead of slept for.
    quota = Quota(rate_calls=2, window_s=600, concurrency=10, daily_budget=None, lease_ttl_s=30)
    for _ in range(2):
        grant = redis_backend.try_acquire(quota)
        assert isinstance(grant, Grant)
        redis_backend.release(grant.lease_id)
    denied = redis_backend.try_acquire(quota)
    assert isinstance(denied, Denied)
    assert denied.reason == "rate"
    assert 590 < denied.wait_s <= 600  # window_s after the releases
    redis_backend.clear()
    for _ in range(2):  # never released: the places in flight lapse with their leases, 30 s from now
        assert isinstance(redis_backend.try_acquire(quota), Grant)
    in_flight = redis_backend.try_acquire(quota)
    assert isinstance(in_flight, Denied)
    assert in_flight.reason == "rate"
    assert 20 < in_flight.wait_s <= 30
    redis_backend.clear()
    gate = Quota(rate_calls=100, window_s=600, concurrency=1, daily_budget=None, lease_ttl_s=1.0)
    taken = time.monotonic()
    assert isinstance(redis_backend.try_acquire(gate), Grant)  # never released
    blocked = redis_backend.try_acquire(gate)
    assert isinstance(blocked, Denied)
    assert blocked.reason == "concurrency"
    deadline = taken + 30
    while not isinstance(redis_backend.try_acquire(gate), Grant):  # the dead holder's lease expires
        assert time.monotonic() < deadline, "the lease never expired"
        time.sleep(0.05)
    assert time.monotonic() - taken >= 0.9  # and not before its ttl


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


# --- the async shell's side: never blocking its event loop ---------------------------------------------


def test_a_task_waiting_on_a_contended_sqlite_limiter_does_not_block_the_event_loop(emu: Emu, tmp_path: Path) -> None:
    hold_s = 1.0
    path = tmp_path / "limits.db"
    backend = SqliteLimiterBackend(str(path))  # tables made before the lock is taken
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    limits = Limits(rate_calls=100_000, rate_seconds=20, concurrency=10, backend=backend)

    async def main() -> tuple[list[float], float, float]:
        ticks: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            while not done.is_set():
                ticks.append(time.monotonic())
                await asyncio.sleep(0.01)

        async with AsyncClient(**emu.client_kwargs(limits=limits)) as client:
            await client.usage.stats()  # the token is fetched and the connection opened before the lock
            task = asyncio.create_task(ticker())
            await asyncio.sleep(0.05)
            holder.execute("BEGIN IMMEDIATE")  # another process holding the write lock: decisions must wait
            # Released from a thread, so the test ends in about `hold_s` even if the loop were blocked.
            threading.Timer(hold_s, holder.execute, args=("COMMIT",)).start()
            started = time.monotonic()
            await client.usage.stats()
            finished = time.monotonic()
            done.set()
            await task
        return ticks, started, finished

    try:
        ticks, started, finished = asyncio.run(main())
    finally:
        holder.close()
        backend.close()
    assert finished - started >= hold_s * 0.8, f"the call waited {finished - started:.3f} s, not for the lock"
    during = [t for t in ticks if started <= t <= finished]
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(during) >= 10, "the other task should have kept running while the call waited"
    assert max(gaps) < hold_s / 2, f"the event loop stalled for {max(gaps):.3f} s"


def test_async_redis_variant_shares_the_window_and_the_script(redis_url: str) -> None:
    prefix = f"mkto-test:{uuid.uuid4().hex}:"
    sync = RedisLimiterBackend(redis_url, prefix=prefix)
    quota = Quota(rate_calls=2, window_s=5, concurrency=10, daily_budget=None, lease_ttl_s=30)

    async def main() -> tuple[Grant | Denied, Grant | Denied]:
        variant = sync.async_variant()
        assert isinstance(variant, AsyncRedisLimiterBackend)
        try:
            first = await variant.try_acquire(quota)
            assert isinstance(first, Grant)
            await variant.release(first.lease_id)
            return first, await variant.try_acquire(quota)
        finally:
            await variant.aclose()

    try:
        _, second = asyncio.run(main())
        assert isinstance(second, Grant)
        third = sync.try_acquire(quota)  # the sync backend sees the async variant's two starts
        assert isinstance(third, Denied)
        assert third.reason == "rate"
    finally:
        sync.clear()


def test_async_variants_of_each_backend(tmp_path: Path) -> None:
    quota = Quota(rate_calls=100, window_s=1, concurrency=1, daily_budget=None, lease_ttl_s=30)

    class OnlySync:
        """A custom backend without an async variant: awaited through a worker thread."""

        def __init__(self) -> None:
            self.inner = InProcessLimiterBackend()
            self.threads: set[str] = set()

        def try_acquire(self, quota: Quota) -> Grant | Denied:
            self.threads.add(threading.current_thread().name)
            return self.inner.try_acquire(quota)

        def release(self, lease_id: str) -> None:
            self.inner.release(lease_id)

    custom = OnlySync()
    sqlite_backend = SqliteLimiterBackend(str(tmp_path / "limits.db"))

    async def main() -> None:
        for backend in (InProcessLimiterBackend(), sqlite_backend, custom):
            limiter = AsyncLimiter(backend)
            grant = await limiter.try_acquire(quota)
            assert isinstance(grant, Grant)
            assert isinstance(await limiter.try_acquire(quota), Denied)  # the one slot is taken
            await limiter.release(grant)
            assert isinstance(await limiter.try_acquire(quota), Grant)
            await limiter.aclose()

    asyncio.run(main())
    sqlite_backend.close()
    assert threading.main_thread().name not in custom.threads


# --- the shells release each call's place as soon as its answer or its failure is in -------------------


class Recording(InProcessLimiterBackend):
    """The in-process backend, noting each lease's grant and release on the wall clock."""

    def __init__(self) -> None:
        super().__init__()
        self.granted: dict[str, float] = {}
        self.released: dict[str, float] = {}

    def try_acquire(self, quota: Quota) -> Grant | Denied:
        verdict = super().try_acquire(quota)
        if isinstance(verdict, Grant):
            self.granted[verdict.lease_id] = time.time()
        return verdict

    def release(self, lease_id: str) -> None:
        self.released[lease_id] = time.time()
        super().release(lease_id)

    def held(self) -> set[str]:
        return set(self.granted) - set(self.released)


@pytest.mark.parametrize(
    ("plan", "raises", "attempts"),
    [
        ({"latency_ms": 30}, None, 1),  # success
        ({"code": "603", "times": 1}, "603", 1),  # a Marketo error raised to the caller
        ({"code": "611", "times": 1}, None, 2),  # a Marketo error retried
        ({"truncate_after_bytes": 5, "times": 1}, None, 2),  # a dropped connection, retried
        ({"code": "604", "after_commit": True, "times": 1}, None, 2),  # a lost answer, resent
    ],
)
def test_every_path_releases_its_place_before_the_call_returns(
    emu: Emu, plan: dict[str, object], raises: str | None, attempts: int
) -> None:
    backend = Recording()
    emu.fault(**plan)
    with Client(**emu.client_kwargs(limits=Limits(rate_calls=1000, concurrency=4, backend=backend))) as client:
        if raises is None:
            client.usage.stats()
        else:
            with pytest.raises(MarketoError) as info:
                client.usage.stats()
            assert info.value.code == raises
        returned = time.time()
    assert len(backend.granted) == attempts
    assert backend.held() == set()
    assert all(at <= returned for at in backend.released.values())


def test_a_cancelled_call_releases_its_place(emu: Emu) -> None:
    backend = Recording()
    emu.fault(latency_ms=5000)

    async def main() -> None:
        async with AsyncClient(**emu.client_kwargs(limits=Limits(rate_calls=1000, backend=backend))) as client:
            task = asyncio.create_task(client.usage.stats())
            while not backend.granted:  # the call is in flight
                await asyncio.sleep(0.005)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert backend.held() == set()  # given back as the cancellation went through the flow

    asyncio.run(main())
    assert len(backend.released) == 1
