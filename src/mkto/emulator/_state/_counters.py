"""The limits' counters in Redis: `SharedCounters` is `_limits.Counters` for many workers.

Each admission is one Lua script, so no two workers can both take the last place: it reads the Redis server's
clock (plus the instance's virtual offset) and, in order, refuses with 607 (the day's count), 606 (calls in
the trailing window, a sorted set by virtual time) or 615 (calls in flight), or takes a place in all three.

An in-flight place is a lease: its score is when it lapses (Redis time + IN_FLIGHT_LEASE_S), and every
worker renews the leases of its own calls every RENEW_EVERY_S from one background thread. A worker that dies
holding places stops renewing them, so they lapse within the lease and the instance is never wedged.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from typing import Any

from mkto import errors

from .._limits import Limits, Neighbours, Slot, chicago_day, counts_against_limits
from ._redis import SharedState

IN_FLIGHT_LEASE_S = 10.0
RENEW_EVERY_S = 2.0

# KEYS: window, in-flight, daily, stamp sequence, clock offset.
# ARGV: day, rate_calls, rate_seconds, concurrency, daily_quota, neighbours' calls, in-flight, daily, lease.
_ADMIT = """
local t = redis.call('TIME')
local real = tonumber(t[1]) + tonumber(t[2]) / 1000000
local now = real + tonumber(redis.call('GET', KEYS[5]) or '0')
local horizon = now - tonumber(ARGV[3])
if tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0') + tonumber(ARGV[8]) >= tonumber(ARGV[5]) then
  return '607'
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', horizon)
if redis.call('ZCOUNT', KEYS[1], '(' .. horizon, now) + tonumber(ARGV[6]) >= tonumber(ARGV[2]) then
  return '606'
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', real)
if redis.call('ZCARD', KEYS[2]) + tonumber(ARGV[7]) >= tonumber(ARGV[4]) then
  return '615'
end
local stamp = redis.call('INCR', KEYS[4])
redis.call('ZADD', KEYS[1], now, stamp)
redis.call('ZADD', KEYS[2], real + tonumber(ARGV[9]), stamp)
redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
return stamp
"""
# KEYS: window, daily, stamp sequence, clock offset, usage of the day. ARGV: day, user.
_CHARGE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(redis.call('GET', KEYS[4]) or '0')
local stamp = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], now, stamp)
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
redis.call('HINCRBY', KEYS[5], ARGV[2], 1)
return stamp
"""
# KEYS: in-flight. ARGV: lease, stamps...: push the lapse of each place still held.
_RENEW = """
local t = redis.call('TIME')
local lapse = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', lapse, ARGV[i]) end
return #ARGV - 1
"""
# KEYS: window, in-flight, clock offset. ARGV: rate_seconds. -> {calls in the window, calls in flight}
_COUNT = """
local t = redis.call('TIME')
local real = tonumber(t[1]) + tonumber(t[2]) / 1000000
local now = real + tonumber(redis.call('GET', KEYS[3]) or '0')
local horizon = now - tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', horizon)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', real)
return {redis.call('ZCOUNT', KEYS[1], '(' .. horizon, now), redis.call('ZCARD', KEYS[2])}
"""

COUNTER_KEYS = ("window", "in_flight", "daily", "export_bytes")


class SharedCounters:
    """The rate window, daily quota, in-flight calls and per-day statistics of one instance, in Redis."""

    def __init__(self, state: SharedState) -> None:
        self._state = state
        k = state.key
        self._window, self._flight, self._daily, self._seq = k("window"), k("in_flight"), k("daily"), k("seq")
        self._clock, self._export = k("clock"), k("export_bytes")
        self._admit = state.redis.register_script(_ADMIT)
        self._charge = state.redis.register_script(_CHARGE)
        self._renew = state.redis.register_script(_RENEW)
        self._count = state.redis.register_script(_COUNT)
        self._held: set[int] = set()  # stamps of this worker's calls in flight
        self._held_lock = threading.Lock()
        self._neighbours = Neighbours()
        _renewer.add(self)

    # -- configuration kept by every worker -------------------------------------------------------------
    @property
    def neighbours(self) -> Neighbours:
        return self._neighbours

    @neighbours.setter
    def neighbours(self, value: Neighbours) -> None:
        self._neighbours = value
        self._state.publish(neighbours=value.as_dict())

    def load_neighbours(self, raw: dict[str, int] | None) -> None:
        self._neighbours = Neighbours(**raw) if raw else Neighbours()

    @property
    def in_flight(self) -> int:
        return int(self._count(keys=[self._window, self._flight, self._clock], args=[1])[1])

    def reset(self) -> None:
        self._neighbours = Neighbours()
        days = self._state.keys_like("usage:*") + self._state.keys_like("errors:*")
        self._state.delete([*COUNTER_KEYS, *days])
        self._state.publish(neighbours=Neighbours().as_dict())

    # -- gates ---------------------------------------------------------------------------------------------
    def admit(self, now: dt.datetime, limits: Limits, user: str, epoch: float | None = None) -> str | Slot:
        """Reserve a place for a call or name the gate that refuses it: "607", "606" or "615" (the window is
        counted on the Redis server's clock; `epoch`, `now`'s timestamp, only finds the day sooner)."""
        day = chicago_day(now, epoch)
        others = self._neighbours
        result = self._admit(
            keys=[self._window, self._flight, self._daily, self._seq, self._clock],
            args=[
                day.isoformat(), limits.rate_calls, limits.rate_seconds, limits.concurrency, limits.daily_quota,
                others.calls_per_window, others.in_flight, others.daily_calls, IN_FLIGHT_LEASE_S,
            ],
        )  # fmt: skip
        if isinstance(result, bytes):
            return result.decode()
        stamp = int(result)
        with self._held_lock:
            self._held.add(stamp)
        return Slot(stamp, day, user)

    def charge(self, now: dt.datetime, user: str) -> None:
        """Count a call refused before the limit gates (603) without checking the limits."""
        day = chicago_day(now).isoformat()
        self._charge(
            keys=[self._window, self._daily, self._seq, self._clock, self._state.key(f"usage:{day}")],
            args=[day, user],
        )

    def finish(self, slot: Slot, code: str | None) -> None:
        """The call is answered with `code` (None: success): keep or give back its place (sent with the
        call's request-log entry, in the same round trip)."""
        with self._held_lock:
            self._held.discard(slot.stamp)
        day = slot.day.isoformat()
        counted = code is None or counts_against_limits(code)
        usage, flight, window, daily = self._state.key(f"usage:{day}"), self._flight, self._window, self._daily

        def write(pipe: Any) -> None:
            pipe.zrem(flight, slot.stamp)
            if counted:
                pipe.hincrby(usage, slot.user, 1)
            else:
                pipe.zrem(window, slot.stamp)
                pipe.hincrby(daily, day, -1)

        self._state.later(write)

    def renew(self) -> None:
        with self._held_lock:
            held = list(self._held)
        if held:
            self._renew(keys=[self._flight], args=[IN_FLIGHT_LEASE_S, *held])

    # -- statistics ------------------------------------------------------------------------------------------
    def record_error(self, now: dt.datetime, code: str) -> None:
        key = self._state.key(f"errors:{chicago_day(now).isoformat()}")
        self._state.later(lambda pipe: pipe.hincrby(key, code, 1))

    def add_export_bytes(self, now: dt.datetime, count: int) -> None:
        self._state.redis.hincrby(self._export, chicago_day(now).isoformat(), count)

    def export_bytes_today(self, now: dt.datetime) -> int:
        return int(self._state.redis.hget(self._export, chicago_day(now).isoformat()) or 0)

    def snapshot(self, now: dt.datetime, limits: Limits) -> dict[str, Any]:
        day = chicago_day(now).isoformat()
        window, flight = self._count(keys=[self._window, self._flight, self._clock], args=[limits.rate_seconds])
        daily, exported = self._state.redis.hget(self._daily, day), self._state.redis.hget(self._export, day)
        return {
            "rate_window": {"calls": int(window), "limit": limits.rate_calls, "seconds": limits.rate_seconds},
            "in_flight": {"calls": int(flight), "limit": limits.concurrency},
            "daily": {
                "calls": int(daily or 0),
                "quota": limits.daily_quota,
                "resets_at": errors.next_reset(now).isoformat(),
            },
            "export_bytes_today": {"bytes": int(exported or 0), "limit": limits.export_daily_bytes},
            "neighbours": self._neighbours.as_dict(),
        }

    def _days(self, prefix: str, now: dt.datetime, days: int) -> list[tuple[dt.date, dict[str, int]]]:
        today = chicago_day(now)
        wanted = [today - dt.timedelta(days=i) for i in range(days)]
        pipe = self._state.redis.pipeline(transaction=False)
        for day in wanted:
            pipe.hgetall(self._state.key(f"{prefix}:{day.isoformat()}"))
        tables = pipe.execute()
        return [(day, {k.decode(): int(v) for k, v in table.items()}) for day, table in zip(wanted, tables, strict=True)]

    def usage_days(self, now: dt.datetime, days: int) -> list[dict[str, Any]]:
        """`/stats/usage.json` result rows, newest first."""
        return [
            {
                "date": day.isoformat(),
                "total": sum(users.values()),
                "users": [{"userId": u, "count": c} for u, c in sorted(users.items())],
            }
            for day, users in self._days("usage", now, days)
        ]

    def error_days(self, now: dt.datetime, days: int) -> list[dict[str, Any]]:
        """`/stats/errors.json` result rows, newest first."""
        return [
            {
                "date": day.isoformat(),
                "total": sum(codes.values()),
                "errors": [{"errorCode": c, "count": n} for c, n in sorted(codes.items())],
            }
            for day, codes in self._days("errors", now, days)
        ]


class _Renewer:
    """One daemon thread per process renewing the in-flight leases of every shared instance it serves."""

    def __init__(self) -> None:
        self._counters: weakref.WeakSet[SharedCounters] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()

    def add(self, counters: SharedCounters) -> None:
        with self._lock:
            self._counters.add(counters)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mkto-lease-renewer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while not self._wake.wait(RENEW_EVERY_S):
            with self._lock:
                every = list(self._counters)
            for counters in every:
                try:
                    counters.renew()
                except Exception:  # Redis away for a moment: the next round renews
                    continue


_renewer = _Renewer()

__all__ = ["IN_FLIGHT_LEASE_S", "SharedCounters"]
