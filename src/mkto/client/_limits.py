"""Client-side limits: an exact sliding-window rate limiter, a concurrency gate and a daily budget.

One interface, three backends, all exact (a log of start times, never a bucket that can burst):

    InProcessLimiterBackend()                 threads and tasks of one process (default)
    SqliteLimiterBackend("/tmp/mkto.db")      several processes on one host
    RedisLimiterBackend("redis://host/0")     many hosts

A backend only answers `try_acquire(quota)` (a `Grant`, or a `Denied` saying how long to wait) and
`release(lease_id)`; it never sleeps: the core decides to wait. Never more than `rate_calls` starts fall in
any `window_s` seconds. Cross-process concurrency slots are leases that expire, so a crashed holder cannot
keep a slot forever.

The core never calls a backend: it yields `Acquire(quota)` and `Release(grant)`, and the shells perform
them. `Client` calls the backend (`LimiterBackend`, blocking) through `Limiter`; `AsyncClient` calls its
async variant (`AsyncLimiterBackend`: the same two methods awaited, plus `aclose`) through `AsyncLimiter`,
so its event loop never blocks: the in-process backend is called directly (its lock guards a few list
operations, never I/O), Redis through `redis.asyncio` with the same Lua script, SQLite (and any other
backend without an async variant) in a worker thread. A backend offers its async variant with
`async_variant()`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import sqlite3
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol, runtime_checkable

from mkto.errors import MARKETO_TZ

from ._config import Limits

CONCURRENCY_POLL_S = 0.01


@dataclass(frozen=True, slots=True)
class Grant:
    lease_id: str
    started_at: float  # the backend's clock, seconds


@dataclass(frozen=True, slots=True)
class Denied:
    wait_s: float
    reason: Literal["rate", "concurrency", "daily"]


@dataclass(frozen=True, slots=True)
class Quota:
    """The numbers a backend enforces, as it receives them on every call."""

    rate_calls: int
    window_s: float
    concurrency: int
    daily_budget: int | None
    lease_ttl_s: float


@runtime_checkable
class LimiterBackend(Protocol):
    """What `Client` calls (blocking): `Limits(backend=...)` takes one of these."""

    def try_acquire(self, quota: Quota) -> Grant | Denied: ...

    def release(self, lease_id: str) -> None: ...


class AsyncLimiterBackend(Protocol):
    """What `AsyncClient` awaits: a backend's async variant (`backend.async_variant()`)."""

    async def try_acquire(self, quota: Quota) -> Grant | Denied: ...

    async def release(self, lease_id: str) -> None: ...

    async def aclose(self) -> None:
        """Free what the variant itself opened (never the backend it wraps, which its owner may share)."""


def _marketo_day(epoch_s: float) -> str:
    return dt.datetime.fromtimestamp(epoch_s, dt.UTC).astimezone(MARKETO_TZ).date().isoformat()


class InProcessLimiterBackend:
    """Shared by every thread and task of this process (a lock guards a few list operations, never I/O)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._starts: deque[float] = deque()
        self._leases: set[str] = set()
        self._day = ""
        self._day_count = 0

    def try_acquire(self, quota: Quota) -> Grant | Denied:
        with self._lock:
            now = self._clock()
            while self._starts and self._starts[0] <= now - quota.window_s:
                self._starts.popleft()
            if quota.daily_budget is not None:
                day = _marketo_day(now)
                if day != self._day:
                    self._day, self._day_count = day, 0
                if self._day_count >= quota.daily_budget:
                    return Denied(math.inf, "daily")
            if len(self._leases) >= quota.concurrency:
                return Denied(CONCURRENCY_POLL_S, "concurrency")
            if len(self._starts) >= quota.rate_calls:
                oldest = self._starts[len(self._starts) - quota.rate_calls]
                return Denied(max(oldest + quota.window_s - now, 0.001), "rate")
            self._starts.append(now)
            self._day_count += 1
            lease = uuid.uuid4().hex
            self._leases.add(lease)
            return Grant(lease, now)

    def release(self, lease_id: str) -> None:
        with self._lock:
            self._leases.discard(lease_id)

    def async_variant(self) -> AsyncLimiterBackend:
        return _Direct(self)


class SqliteLimiterBackend:
    """Several processes on one host share one SQLite file; `BEGIN IMMEDIATE` makes each decision atomic."""

    def __init__(self, path: str, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self._clock = clock
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        self._conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS mkto_starts (ts REAL NOT NULL);
            CREATE INDEX IF NOT EXISTS mkto_starts_ts ON mkto_starts (ts);
            CREATE TABLE IF NOT EXISTS mkto_leases (id TEXT PRIMARY KEY, expires REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS mkto_daily (day TEXT PRIMARY KEY, n INTEGER NOT NULL);
            """
        )

    def try_acquire(self, quota: Quota) -> Grant | Denied:
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                result = self._decide(cur, quota)
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
            return result

    def _decide(self, cur: sqlite3.Cursor, quota: Quota) -> Grant | Denied:
        # The clock is read inside the write lock, so start times are recorded in the order they are granted.
        now = self._clock()
        cur.execute("DELETE FROM mkto_starts WHERE ts <= ?", (now - quota.window_s,))
        cur.execute("DELETE FROM mkto_leases WHERE expires <= ?", (now,))
        day = _marketo_day(now)
        if quota.daily_budget is not None:
            row = cur.execute("SELECT n FROM mkto_daily WHERE day = ?", (day,)).fetchone()
            if row is not None and row[0] >= quota.daily_budget:
                return Denied(math.inf, "daily")
        (in_flight,) = cur.execute("SELECT COUNT(*) FROM mkto_leases").fetchone()
        if in_flight >= quota.concurrency:
            return Denied(CONCURRENCY_POLL_S * 2, "concurrency")
        (count,) = cur.execute("SELECT COUNT(*) FROM mkto_starts").fetchone()
        if count >= quota.rate_calls:
            (oldest,) = cur.execute(
                "SELECT ts FROM mkto_starts ORDER BY ts DESC LIMIT 1 OFFSET ?", (quota.rate_calls - 1,)
            ).fetchone()
            return Denied(max(oldest + quota.window_s - now, 0.001), "rate")
        lease = uuid.uuid4().hex
        cur.execute("INSERT INTO mkto_starts (ts) VALUES (?)", (now,))
        cur.execute("INSERT INTO mkto_leases (id, expires) VALUES (?, ?)", (lease, now + quota.lease_ttl_s))
        if quota.daily_budget is not None:
            cur.execute(
                "INSERT INTO mkto_daily (day, n) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET n = n + 1", (day,)
            )
        return Grant(lease, now)

    def release(self, lease_id: str) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM mkto_leases WHERE id = ?", (lease_id,))

    def close(self) -> None:
        self._conn.close()

    def async_variant(self) -> AsyncLimiterBackend:
        # BEGIN IMMEDIATE may wait up to the busy timeout for another process: never on the event loop.
        return _Threaded(self)


# KEYS: starts zset, leases zset, daily counter prefix. ARGV: rate_calls, window_s, concurrency, daily_budget
# (-1 none), lease_ttl_s, lease id. Time is the Redis server's, so hosts with skewed clocks still agree.
_REDIS_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local rate_calls = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local concurrency = tonumber(ARGV[3])
local budget = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local daykey = KEYS[3] .. ARGV[7]
if budget >= 0 then
  local used = tonumber(redis.call('GET', daykey) or '0')
  if used >= budget then return {'daily', '-1'} end
end
if redis.call('ZCARD', KEYS[2]) >= concurrency then return {'concurrency', '0.02'} end
local count = redis.call('ZCARD', KEYS[1])
if count >= rate_calls then
  local oldest = redis.call('ZRANGE', KEYS[1], count - rate_calls, count - rate_calls, 'WITHSCORES')
  local wait = tonumber(oldest[2]) + window - now
  if wait < 0.001 then wait = 0.001 end
  return {'rate', string.format('%.6f', wait)}
end
redis.call('ZADD', KEYS[1], now, ARGV[6])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[6])
redis.call('PEXPIRE', KEYS[1], math.ceil((window + 1) * 1000))
redis.call('PEXPIRE', KEYS[2], math.ceil((ttl + 1) * 1000))
if budget >= 0 then
  redis.call('INCR', daykey)
  redis.call('EXPIRE', daykey, 172800)
end
return {'ok', string.format('%.6f', now)}
"""


class RedisLimiterBackend:
    """Many hosts share one Redis; a Lua script makes each decision atomic (needs the `redis` extra)."""

    def __init__(self, url: str, *, prefix: str = "mkto:limits:", client: Any | None = None) -> None:
        if client is None:
            import redis

            client = redis.Redis.from_url(url)
        self.url = url
        self._redis = client
        self._prefix = prefix
        self._script = client.register_script(_REDIS_ACQUIRE)

    def try_acquire(self, quota: Quota) -> Grant | Denied:
        lease = uuid.uuid4().hex
        return _redis_verdict(lease, self._script(keys=_redis_keys(self._prefix), args=_redis_args(quota, lease)))

    def release(self, lease_id: str) -> None:
        self._redis.zrem(self._prefix + "leases", lease_id)

    def async_variant(self) -> AsyncLimiterBackend:
        if not self.url:  # built around a given sync client: no URL to open an async one with
            return _Threaded(self)
        return AsyncRedisLimiterBackend(self.url, prefix=self._prefix)

    def clear(self) -> None:
        """Forget every start, lease and daily count under this prefix."""
        daily = list(self._redis.scan_iter(match=self._prefix + "daily:*"))
        self._redis.delete(self._prefix + "starts", self._prefix + "leases", *daily)


class AsyncRedisLimiterBackend:
    """`RedisLimiterBackend` for asyncio (`redis.asyncio`), deciding with the very same Lua script."""

    def __init__(self, url: str, *, prefix: str = "mkto:limits:") -> None:
        import redis.asyncio

        self._redis = redis.asyncio.Redis.from_url(url)
        self._prefix = prefix
        self._script = self._redis.register_script(_REDIS_ACQUIRE)

    async def try_acquire(self, quota: Quota) -> Grant | Denied:
        lease = uuid.uuid4().hex
        answer = await self._script(keys=_redis_keys(self._prefix), args=_redis_args(quota, lease))
        return _redis_verdict(lease, answer)

    async def release(self, lease_id: str) -> None:
        await self._redis.zrem(self._prefix + "leases", lease_id)

    async def aclose(self) -> None:
        await self._redis.aclose()


def _redis_keys(prefix: str) -> list[str]:
    return [prefix + "starts", prefix + "leases", prefix + "daily:"]


def _redis_args(quota: Quota, lease: str) -> list[str | int | float]:
    budget = -1 if quota.daily_budget is None else quota.daily_budget
    return [quota.rate_calls, quota.window_s, quota.concurrency, budget, quota.lease_ttl_s, lease,
            _marketo_day(time.time())]  # fmt: skip


def _redis_verdict(lease: str, answer: Any) -> Grant | Denied:
    verdict, value = answer
    verdict = verdict.decode() if isinstance(verdict, bytes) else str(verdict)
    number = float(value.decode() if isinstance(value, bytes) else value)
    if verdict == "ok":
        return Grant(lease, number)
    if verdict == "daily":
        return Denied(math.inf, "daily")
    return Denied(number, "rate" if verdict == "rate" else "concurrency")


class _Direct:
    """An in-memory backend awaited: its calls take microseconds and never wait on I/O."""

    def __init__(self, backend: LimiterBackend) -> None:
        self._backend = backend

    async def try_acquire(self, quota: Quota) -> Grant | Denied:
        return self._backend.try_acquire(quota)

    async def release(self, lease_id: str) -> None:
        self._backend.release(lease_id)

    async def aclose(self) -> None:
        return None


class _Threaded(_Direct):
    """A blocking backend awaited through a worker thread, so the event loop keeps running meanwhile."""

    async def try_acquire(self, quota: Quota) -> Grant | Denied:
        return await asyncio.to_thread(self._backend.try_acquire, quota)

    async def release(self, lease_id: str) -> None:
        await asyncio.to_thread(self._backend.release, lease_id)


def backend_of(limits: Limits) -> LimiterBackend:
    backend = limits.backend if limits.backend is not None else InProcessLimiterBackend()
    if not isinstance(backend, LimiterBackend):  # runtime_checkable: catches a wrong object early
        raise TypeError(f"limits.backend must be a LimiterBackend, got {type(backend).__name__}")
    return backend


def quota_of(limits: Limits) -> Quota:
    """The numbers the backend enforces: the window is widened by the margin (network jitter)."""
    return Quota(
        rate_calls=limits.rate_calls,
        window_s=limits.rate_seconds + limits.window_margin_s,
        concurrency=limits.concurrency,
        daily_budget=limits.daily_budget,
        lease_ttl_s=limits.lease_ttl_s,
    )


class Limiter:
    """How `Client` performs the core's `Acquire` and `Release`: the backend, called directly."""

    def __init__(self, backend: LimiterBackend) -> None:
        self.backend = backend

    def try_acquire(self, quota: Quota) -> Grant | Denied:
        return self.backend.try_acquire(quota)

    def release(self, grant: Grant) -> None:
        self.backend.release(grant.lease_id)

    def close(self) -> None:
        """Nothing of its own to free: the backend belongs to whoever built the `Limits`."""


class AsyncLimiter:
    """How `AsyncClient` performs `Acquire` and `Release`: the backend's async variant, awaited."""

    def __init__(self, backend: LimiterBackend) -> None:
        self.backend = backend
        make = getattr(backend, "async_variant", None)
        self._variant: AsyncLimiterBackend = make() if callable(make) else _Threaded(backend)

    async def try_acquire(self, quota: Quota) -> Grant | Denied:
        return await self._variant.try_acquire(quota)

    async def release(self, grant: Grant) -> None:
        await self._variant.release(grant.lease_id)

    async def aclose(self) -> None:
        await self._variant.aclose()
