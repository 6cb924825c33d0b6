"""Properties of the limiter backends under random arrival and latency patterns (hypothesis).

A call holds its place from its grant until `window_s` after its release, which the client makes when the
answer (or the failure) is in. Marketo counts a call when it arrives, so what must hold is at the server: no
trailing window of `rate_seconds` by arrival time ever holds more than `rate_calls` calls, and never more
than `concurrency` are in flight. Each test records send, arrival and answer of every call on one clock and
checks exactly that: on the backend's own injected clock in a discrete-event run (in-process, SQLite), and in
real time with small windows across threads (in-process, SQLite, Redis) and across processes (SQLite, Redis).
"""

from __future__ import annotations

import heapq
import multiprocessing
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from multiprocessing.pool import Pool
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkto.client import (
    Grant,
    InProcessLimiterBackend,
    LimiterBackend,
    Limits,
    RedisLimiterBackend,
    SqliteLimiterBackend,
)
from mkto.client._limits import quota_of

from ._limit_workers import Call, Record, open_backend, planned_calls, run_calls
from .test_limits import ManualClock, max_in_any_window, max_overlap, redis_url_or_skip

FATES = st.sampled_from(["ok", "ok", "ok", "error", "lost", "unsent"])


def check_at_the_server(records: list[Record], limits: Limits) -> None:
    arrivals = [arrived for _, arrived, _ in records if arrived is not None]
    assert max_in_any_window(arrivals, limits.rate_seconds) <= limits.rate_calls
    assert max_overlap([(sent, answered) for sent, _, answered in records]) <= limits.concurrency


# --- on the backend's clock: a discrete-event run -------------------------------------------------------

# A planned call here: when its caller first asks, then the delays and fate of `Call`.
Timed = tuple[float, float, float, str]
seconds = st.integers(0, 1500).map(lambda ms: ms / 1000)
timed_calls = st.lists(st.tuples(st.integers(0, 3000).map(lambda ms: ms / 1000), seconds, seconds, FATES),
                       min_size=1, max_size=30)  # fmt: skip
small_limits = st.builds(
    Limits,
    rate_calls=st.integers(1, 6),
    rate_seconds=st.sampled_from([0.5, 1.0, 2.0]),
    concurrency=st.integers(1, 4),
    window_margin_s=st.sampled_from([0.0, 0.0, 0.25]),
)


def simulate(backend: LimiterBackend, clock: ManualClock, limits: Limits, calls: list[Timed]) -> list[Record]:
    """Run `calls` on the backend's clock, each step at the moment it happens; return what happened."""
    quota = quota_of(limits)
    start = clock()
    events: list[tuple[float, int, str, int]] = [(start + ready, i, "ask", i) for i, (ready, *_) in enumerate(calls)]
    heapq.heapify(events)
    grants: dict[int, Grant] = {}
    sent: dict[int, float] = {}
    arrived: dict[int, float | None] = {}
    records: list[Record] = []
    order = len(calls)
    for _ in range(100_000):
        if not events:
            return records
        when, _, step, i = heapq.heappop(events)
        clock.now = when
        _, to_server, to_answer, fate = calls[i]
        if step == "ask":
            verdict = backend.try_acquire(quota)
            if isinstance(verdict, Grant):
                grants[i], sent[i] = verdict, when
                after, step = (to_server, "fail") if fate == "unsent" else (to_server, "arrive")
            else:
                after = verdict.wait_s
        elif step == "arrive":
            arrived[i] = when
            after, step = to_answer, "answer"
        else:  # "answer" or "fail": the client releases at once
            records.append((sent[i], arrived.get(i), when))
            backend.release(grants.pop(i).lease_id)
            continue
        order += 1
        heapq.heappush(events, (when + after, order, step, i))
    raise AssertionError("the calls never all finished")


@settings(max_examples=60, deadline=None)
@given(limits=small_limits, calls=timed_calls)
def test_on_its_clock_no_server_window_is_ever_over_the_limit(limits: Limits, calls: list[Timed]) -> None:
    with tempfile.TemporaryDirectory() as where:
        for make in (InProcessLimiterBackend, lambda clock: SqliteLimiterBackend(str(Path(where) / "l.db"), clock)):
            clock = ManualClock()
            records = simulate(make(clock), clock, limits, calls)
            assert len(records) == len(calls)
            check_at_the_server(records, limits)


def admitted_back_to_back(backend: LimiterBackend, clock: ManualClock, limits: Limits, windows: int) -> int:
    """Calls answered at once, taken as fast as the backend allows during `windows` rate windows."""
    quota, stop, admitted = quota_of(limits), clock() + windows * limits.rate_seconds, 0
    while clock() < stop:
        verdict = backend.try_acquire(quota)
        if isinstance(verdict, Grant):
            backend.release(verdict.lease_id)
            admitted += 1
        else:
            clock.advance(verdict.wait_s)
    return admitted


def test_instant_answers_get_the_whole_limit_back(tmp_path: Path) -> None:
    exact = Limits(rate_calls=10, rate_seconds=2.0, concurrency=10)
    margined = Limits(rate_calls=10, rate_seconds=2.0, concurrency=10, window_margin_s=1.0)  # the old default
    makers: list[Callable[[ManualClock, str], LimiterBackend]] = [
        lambda clock, _: InProcessLimiterBackend(clock),
        lambda clock, name: SqliteLimiterBackend(str(tmp_path / name), clock),
    ]
    for make in makers:
        clock = ManualClock()
        assert admitted_back_to_back(make(clock, "exact.db"), clock, exact, windows=10) == 10 * 10
        clock = ManualClock()
        assert admitted_back_to_back(make(clock, "margined.db"), clock, margined, windows=10) == 7 * 10


def test_redis_admits_the_limit_then_waits_rate_seconds(redis_url: str) -> None:
    backend = RedisLimiterBackend(redis_url, prefix=f"mkto-test:{uuid.uuid4().hex}:")
    quota = quota_of(Limits(rate_calls=10, rate_seconds=600, concurrency=10))
    try:
        for _ in range(10):
            grant = backend.try_acquire(quota)
            assert isinstance(grant, Grant)
            backend.release(grant.lease_id)
        denied = backend.try_acquire(quota)
        assert not isinstance(denied, Grant)
        assert 590 < denied.wait_s <= 600  # rate_seconds after the releases, no margin on top
    finally:
        backend.clear()


# --- in real time, small windows: threads and processes -------------------------------------------------

REAL = Limits(rate_calls=8, rate_seconds=0.25, concurrency=3)
delays = st.integers(0, 40).map(lambda ms: ms / 1000)
plans = st.lists(st.lists(st.tuples(delays, delays, FATES), min_size=3, max_size=6), min_size=4, max_size=4)
REAL_TIME = settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def redis_url() -> str:
    return redis_url_or_skip()


@pytest.fixture(scope="module")
def pool() -> Iterator[Pool]:
    with multiprocessing.get_context("spawn").Pool(4) as workers:
        yield workers


def in_threads(backend: LimiterBackend, plan: list[list[Call]]) -> list[Record]:
    quota, records, lock = quota_of(REAL), [], threading.Lock()

    def caller(calls: list[Call]) -> None:
        mine = run_calls(backend, quota, calls)
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=caller, args=(calls,)) for calls in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return records


@REAL_TIME
@given(plan=plans)
def test_threads_in_process_and_on_sqlite(tmp_path: Path, plan: list[list[Call]]) -> None:
    for backend in (InProcessLimiterBackend(), SqliteLimiterBackend(str(tmp_path / f"{uuid.uuid4().hex}.db"))):
        records = in_threads(backend, plan)
        assert len(records) == sum(map(len, plan))
        check_at_the_server(records, REAL)


@REAL_TIME
@given(plan=plans)
def test_threads_on_redis(redis_url: str, plan: list[list[Call]]) -> None:
    backend = RedisLimiterBackend(redis_url, prefix=f"mkto-test:{uuid.uuid4().hex}:")
    try:
        records = in_threads(backend, plan)
    finally:
        backend.clear()
    assert len(records) == sum(map(len, plan))
    check_at_the_server(records, REAL)


def in_processes(pool: Pool, kind: str, where: str, prefix: str, plan: list[list[Call]]) -> list[Record]:
    parts = pool.map(planned_calls, [(kind, where, prefix, quota_of(REAL), calls) for calls in plan])
    return [record for part in parts for record in part]


@REAL_TIME
@given(plan=plans)
def test_processes_on_sqlite(pool: Pool, tmp_path: Path, plan: list[list[Call]]) -> None:
    path = str(tmp_path / f"{uuid.uuid4().hex}.db")
    SqliteLimiterBackend(path).close()  # the tables exist before the processes race to make them
    records = in_processes(pool, "sqlite", path, "", plan)
    assert len(records) == sum(map(len, plan))
    check_at_the_server(records, REAL)


@REAL_TIME
@given(plan=plans)
def test_processes_on_redis(pool: Pool, redis_url: str, plan: list[list[Call]]) -> None:
    prefix = f"mkto-test:{uuid.uuid4().hex}:"
    try:
        records = in_processes(pool, "redis", redis_url, prefix, plan)
    finally:
        open_backend("redis", redis_url, prefix).clear()  # type: ignore[attr-defined]
    assert len(records) == sum(map(len, plan))
    check_at_the_server(records, REAL)
