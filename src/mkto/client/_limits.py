"""Client-side limits: an exact sliding-window rate limiter, a concurrency gate and a daily budget.

One interface, three backends, all exact (a log of places, never a bucket that can burst):

    InProcessLimiterBackend()                 threads and tasks of one process (default)
    SqliteLimiterBackend("/tmp/mkto.db")      several processes on one host
    RedisLimiterBackend("redis://host/0")     many hosts

A backend only answers `try_acquire(quota)` (a `Grant`, or a `Denied` saying how long to wait) and
`release(lease_id)`; it never sleeps: the core decides to wait.

Every grant takes a place in the rate window. The place lasts from the grant until `quota.window_s`
(`rate_seconds`, plus `window_margin_s` if one is set) after its release, and the core releases a call the
moment its answer (or its failure) arrives; a call in flight, granted and not yet released, always holds
its place. Marketo counts a call when it arrives, which is between its send and its answer, so whatever the
latency no `rate_seconds` window at the server ever holds more than `rate_calls` calls, and on a fast
network nearly the whole limit is usable. A denial's `wait_s` is exact: the earliest moment enough places
can have lapsed (a place in flight lapses `window_s` after a release that has not come yet, so no sooner
than `window_s` from now).

Concurrency slots are the places in flight. Across processes they are leases that expire after
`lease_ttl_s`: a crashed holder's lease, and its place in the window with it, lapses then, so it cannot keep
a slot forever.

The core never calls a backend: it yields `Acquire(quota)` and `Release(grant)`, and the shells perform
them. `Client` calls the backend (`LimiterBackend`, blocking) through `Limiter`; `AsyncClient` calls its
async variant (`AsyncLimiterBackend`: the same two methods awaited, plus `aclose`) through `AsyncLimiter`,
so its event loop never blocks: the in-process backend is called directly (its lock guards a few dict
operations, never I/O), Redis through `redis.asyncio` with the same Lua scripts, SQLite (and any other
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
    """The numbers a backend enforces, as it receives them on every call.

    `window_s` is how long a call's place stays in the window after its release: `rate_seconds`, plus
    `window_margin_s` if one is set. `lease_ttl_s` bounds a place in flight across processes.
    """

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


def _rate_wait(now: float, earliest_lapses: list[float], rate_calls: int) -> float:
    """Seconds until enough places can have lapsed for one more call (never less than a millisecond).

    `earliest_lapses` holds, for every place in the window, the soonest it can lapse: its end if its call was
    released, and for a call in flight the sooner of its lease's expiry and now + its `window_s`."""
    need = len(earliest_lapses) - rate_calls + 1
    return max(sorted(earliest_lapses)[need - 1] - now, 0.001)


@dataclass(slots=True)
class _Place:
    ends: float  # in flight: never (in-process) or its lease's expiry; released: its release + window_s
    window_s: float  # how long it stays after its release
    in_flight: bool

    def earliest_lapse(self, now: float) -> float:
        return min(self.ends, now + self.window_s) if self.in_flight else self.ends


class InProcessLimiterBackend:
    """Shared by every thread and task of this process (a lock guards a few dict operations, never I/O)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._places: dict[str, _Place] = {}
        self._day = ""
        self._day_count = 0

    def try_acquire(self, quota: Quota) -> Grant | Denied:
        with self._lock:
            now = self._clock()
            lapsed = [lease for lease, place in self._places.items() if place.ends <= now]
            for lease in lapsed:
                del self._places[lease]
            if quota.daily_budget is not None:
                day = _marketo_day(now)
                if day != self._day:
                    self._day, self._day_count = day, 0
                if self._day_count >= quota.daily_budget:
                    return Denied(math.inf, "daily")
            if sum(place.in_flight for place in self._places.values()) >= quota.concurrency:
                return Denied(CONCURRENCY_POLL_S, "concurrency")
            if len(self._places) >= quota.rate_calls:
                lapses = [place.earliest_lapse(now) for place in self._places.values()]
                return Denied(_rate_wait(now, lapses, quota.rate_calls), "rate")
            self._day_count += 1
            lease = uuid.uuid4().hex
            # In one process a holder cannot crash without its process: its place lasts until its release.
            self._places[lease] = _Place(math.inf, quota.window_s, in_flight=True)
            return Grant(lease, now)

    @property
    def _leases(self) -> frozenset[str]:
        """The leases in flight (tests look at them to see a slot given back)."""
        with self._lock:
            return frozenset(lease for lease, place in self._places.items() if place.in_flight)

    def release(self, lease_id: str) -> None:
        with self._lock:
            place = self._places.get(lease_id)
            if place is not None and place.in_flight:
                place.ends, place.in_flight = self._clock() + place.window_s, False

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
        # One row per place: `ends` is its lease's expiry while in flight, its release + `window_s` after.
        self._conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS mkto_places (
                id TEXT PRIMARY KEY, ends REAL NOT NULL, window_s REAL NOT NULL, in_flight INTEGER NOT NULL
            );
            CREATE INDEX IF NOT EXISTS mkto_places_ends ON mkto_places (ends);
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
        # The clock is read inside the write lock, so places are taken in the order they are granted.
        now = self._clock()
        cur.execute("DELETE FROM mkto_places WHERE ends <= ?", (now,))
        day = _marketo_day(now)
        if quota.daily_budget is not None:
            row = cur.execute("SELECT n FROM mkto_daily WHERE day = ?", (day,)).fetchone()
            if row is not None and row[0] >= quota.daily_budget:
                return Denied(math.inf, "daily")
        count, in_flight = cur.execute("SELECT COUNT(*), COALESCE(SUM(in_flight), 0) FROM mkto_places").fetchone()
        if in_flight >= quota.concurrency:
            return Denied(CONCURRENCY_POLL_S * 2, "concurrency")
        if count >= quota.rate_calls:
            rows = cur.execute(
                "SELECT CASE WHEN in_flight THEN MIN(ends, ? + window_s) ELSE ends END FROM mkto_places", (now,)
            ).fetchall()
            return Denied(_rate_wait(now, [lapse for (lapse,) in rows], quota.rate_calls), "rate")
        lease = uuid.uuid4().hex
        cur.execute(
            "INSERT INTO mkto_places (id, ends, window_s, in_flight) VALUES (?, ?, ?, 1)",
            (lease, now + quota.lease_ttl_s, quota.window_s),
        )
        if quota.daily_budget is not None:
            cur.execute(
                "INSERT INTO mkto_daily (day, n) VALUES (?, 1) ON CONFLICT(day) DO UPDATE SET n = n + 1", (day,)
            )
        return Grant(lease, now)

    def release(self, lease_id: str) -> None:
        with self._lock:  # one statement: atomic without a transaction of its own
            self._conn.execute(
                "UPDATE mkto_places SET ends = ? + window_s, in_flight = 0 WHERE id = ? AND in_flight = 1",
                (self._clock(), lease_id),
            )

    def close(self) -> None:
        self._conn.close()

    def async_variant(self) -> AsyncLimiterBackend:
        # BEGIN IMMEDIATE may wait up to the busy timeout for another process: never on the event loop.
        return _Threaded(self)


# KEYS: places zset (score: when the place ends), leases zset (places in flight; score: the lease's expiry),
# windows hash (lease -> its window_s, while in flight), daily counter prefix. Time is the Redis server's, so
# hosts with skewed clocks still agree. `keep` lengthens a key's expiry, never shortens it.
_REDIS_KEEP = """
local function keep(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

# ARGV: rate_calls, window_s, concurrency, daily_budget (-1 none), lease_ttl_s, lease id, Marketo's day.
_ACQUIRE_LUA = """
local rate_calls = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local concurrency = tonumber(ARGV[3])
local budget = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
for _, dead in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do
  redis.call('HDEL', KEYS[3], dead)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local daykey = KEYS[4] .. ARGV[7]
if budget >= 0 then
  local used = tonumber(redis.call('GET', daykey) or '0')
  if used >= budget then return {'daily', '-1'} end
end
if redis.call('ZCARD', KEYS[2]) >= concurrency then return {'concurrency', '0.02'} end
local count = redis.call('ZCARD', KEYS[1])
if count >= rate_calls then
  local places = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
  local lapses = {}
  for i = 1, #places, 2 do
    local lapse = tonumber(places[i + 1])
    local held = redis.call('HGET', KEYS[3], places[i])
    if held then lapse = math.min(lapse, now + tonumber(held)) end
    lapses[#lapses + 1] = lapse
  end
  table.sort(lapses)
  local wait = lapses[count - rate_calls + 1] - now
  if wait < 0.001 then wait = 0.001 end
  return {'rate', string.format('%.6f', wait)}
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[6])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[6])
redis.call('HSET', KEYS[3], ARGV[6], ARGV[2])
local life = math.ceil((ttl + window + 1) * 1000)
keep(KEYS[1], life)
keep(KEYS[2], life)
keep(KEYS[3], life)
if budget >= 0 then
  redis.call('INCR', daykey)
  redis.call('EXPIRE', daykey, 172800)
end
return {'ok', string.format('%.6f', now)}
"""

# ARGV: lease id. A lease already released, or lapsed and swept, changes nothing.
_RELEASE_LUA = """
local held = redis.call('HGET', KEYS[3], ARGV[1])
if not held then return 0 end
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(held), ARGV[1])
keep(KEYS[1], math.ceil((tonumber(held) + 1) * 1000))
return 1
"""
_REDIS_ACQUIRE = _REDIS_KEEP + _ACQUIRE_LUA
_REDIS_RELEASE = _REDIS_KEEP + _RELEASE_LUA


class RedisLimiterBackend:
    """Many hosts share one Redis; Lua scripts make each decision atomic (needs the `redis` extra)."""

    def __init__(self, url: str, *, prefix: str = "mkto:limits:", client: Any | None = None) -> None:
        if client is None:
            import redis

            client = redis.Redis.from_url(url)
        self.url = url
        self._redis = client
        self._prefix = prefix
        self._acquire = client.register_script(_REDIS_ACQUIRE)
        self._release = client.register_script(_REDIS_RELEASE)

    def try_acquire(self, quota: Quota) -> Grant | Denied:
        lease = uuid.uuid4().hex
        return _redis_verdict(lease, self._acquire(keys=_redis_keys(self._prefix), args=_redis_args(quota, lease)))

    def release(self, lease_id: str) -> None:
        self._release(keys=_redis_keys(self._prefix), args=[lease_id])

    def async_variant(self) -> AsyncLimiterBackend:
        if not self.url:  # built around a given sync client: no URL to open an async one with
            return _Threaded(self)
        return AsyncRedisLimiterBackend(self.url, prefix=self._prefix)

    def clear(self) -> None:
        """Forget every place, lease and daily count under this prefix."""
        daily = list(self._redis.scan_iter(match=self._prefix + "daily:*"))
        self._redis.delete(*_redis_keys(self._prefix)[:3], *daily)


class AsyncRedisLimiterBackend:
    """`RedisLimiterBackend` for asyncio (`redis.asyncio`), deciding with the very same Lua scripts."""

    def __init__(self, url: str, *, prefix: str = "mkto:limits:") -> None:
        import redis.asyncio

        self._redis = redis.asyncio.Redis.from_url(url)
        self._prefix = prefix
        self._acquire = self._redis.register_script(_REDIS_ACQUIRE)
        self._release = self._redis.register_script(_REDIS_RELEASE)

    async def try_acquire(self, quota: Quota) -> Grant | Denied:
        lease = uuid.uuid4().hex
        answer = await self._acquire(keys=_redis_keys(self._prefix), args=_redis_args(quota, lease))
        return _redis_verdict(lease, answer)

    async def release(self, lease_id: str) -> None:
        await self._release(keys=_redis_keys(self._prefix), args=[lease_id])

    async def aclose(self) -> None:
        await self._redis.aclose()


def _redis_keys(prefix: str) -> list[str]:
    return [prefix + "places", prefix + "leases", prefix + "windows", prefix + "daily:"]


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
    """The numbers the backend enforces: a place lasts `rate_seconds` (plus the optional margin) after its release."""
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
