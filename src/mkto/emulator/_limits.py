"""Instance limits and the counters that enforce them: the sliding rate window, in-flight calls, the
daily quota (resetting at midnight America/Chicago on the virtual clock) and the per-day usage and
error statistics that `/rest/v1/stats/*` report.

A call that passes the 607/606 gates reserves a slot in the window and the day at once (so concurrent
calls cannot overshoot the limit); when its answer's code does not count against limits, the slot is
released again.

Noisy neighbours (`PUT /_mkto/neighbours`) are other integrations on the same instance, as a steady share:
their `calls_per_window` are always in every trailing window, their `in_flight` slots always held, their
`daily_calls` already in today's count. The gates add them to the caller's own use (O(1), no thread), so
with `rate_calls` 20 and neighbours at 15 a caller has exactly 5 calls in any window.
"""

from __future__ import annotations

import array
import bisect
import collections
import dataclasses
import datetime as dt
import itertools
import threading
from collections.abc import Mapping
from typing import Any

from mkto import errors
from mkto.errors.limits import (
    CONCURRENCY,
    DAILY_QUOTA,
    EXPORT_DAILY_BYTES,
    MAX_BODY_BYTES,
    MAX_IMPORT_BYTES,
    MAX_URI_BYTES,
    RATE_CALLS,
    RATE_SECONDS,
    TOKEN_TTL_S,
)

STATS_DAYS_KEPT = 8


@dataclasses.dataclass(slots=True)
class Limits:
    """The instance's limits; `PUT /_mkto/limits` changes any subset.

        Limits(rate_calls=5)   # a tiny window for a 606 test
    """

    rate_calls: int = RATE_CALLS
    rate_seconds: float = RATE_SECONDS
    concurrency: int = CONCURRENCY
    daily_quota: int = DAILY_QUOTA
    token_ttl: int = TOKEN_TTL_S
    max_body_bytes: int = MAX_BODY_BYTES
    max_import_bytes: int = MAX_IMPORT_BYTES
    max_uri_bytes: int = MAX_URI_BYTES
    export_daily_bytes: int = EXPORT_DAILY_BYTES

    def update(self, changes: Mapping[str, Any]) -> None:
        """Apply `changes`; ValueError names an unknown limit or a value that is not a positive number."""
        names = {f.name for f in dataclasses.fields(self)}
        for key, value in changes.items():
            if key not in names:
                raise ValueError(f"unknown limit {key!r}")
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"limit {key!r} must be a positive number")
            if key != "rate_seconds" and not float(value).is_integer():
                raise ValueError(f"limit {key!r} must be a whole number")
        for key, value in changes.items():
            setattr(self, key, value if key == "rate_seconds" else int(value))

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_known_day: tuple[float, float, dt.date] = (0.0, 0.0, dt.date.min)  # [start, end) epochs of the last day asked


def chicago_day(now: dt.datetime, epoch: float | None = None) -> dt.date:
    """The day in Marketo's time zone (US Central) that the daily quota counts; the last one is remembered.
    `epoch`: `now`'s timestamp, when the caller has it."""
    global _known_day  # noqa: PLW0603  (a one-entry cache: a tuple swap is atomic)
    if epoch is None:
        epoch = now.timestamp()
    start, end, day = _known_day
    if start <= epoch < end:
        return day
    local = now.astimezone(errors.MARKETO_TZ)
    day = local.date()
    midnight = dt.datetime.combine(day, dt.time(), errors.MARKETO_TZ)
    following = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), errors.MARKETO_TZ)
    _known_day = (midnight.timestamp(), following.timestamp(), day)
    return day


@dataclasses.dataclass(frozen=True, slots=True)
class Neighbours:
    """The share of the instance's limits other integrations use.

        Neighbours(calls_per_window=15)   # of rate_calls 20: the caller gets 5 calls in any window
    """

    calls_per_window: int = 0
    in_flight: int = 0
    daily_calls: int = 0

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> Neighbours:
        """From admin JSON (a missing share is 0); ValueError names an unknown field or a bad value."""
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = set(body) - set(names)
        if unknown:
            raise ValueError(f"unknown neighbour field(s): {', '.join(sorted(unknown))} (known: {', '.join(names)})")
        for name, value in body.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"{name} must be a non-negative integer")
        return cls(**body)

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(slots=True)
class Slot:
    """What one admitted call holds until its answer is known."""

    stamp: int  # key of its entry in the rate window
    day: dt.date
    user: str


class _Window:
    """The calls in the sliding rate window, counted in O(log n) and kept as numbers, not objects: at a high rate
    the window holds every call of its last `rate_seconds` (Marketo's 100 in 20 s, or 200,000 when a benchmark
    raises the limits), and a Python object per call, freed long after in cold memory, costs more than the call's
    own bookkeeping.

    Calls are appended in time order (`_times`, epoch seconds); a call's stamp is its position counted from the
    first call ever entered (`_base` is the stamp at index 0). The window is `_times[_head:]` after moving
    `_head` past every call at or before the horizon, less the calls given back (`_given_back`, stamp -> epoch s,
    dropped as the head passes them). A call entered while the virtual clock is behind the last call's time (it was
    set back) is `_late` instead (stamp -> epoch s, its stamp negative): rare, so it is scanned.
    """

    _COMPACT_AFTER = 65_536  # calls past the head before the arrays are cut down (O(n), amortised O(1))

    def __init__(self) -> None:
        self._times = array.array("d")
        self._head = 0
        self._base = 0
        self._given_back: dict[int, float] = {}
        self._late: dict[int, float] = {}
        self._late_stamps = itertools.count(-1, -1)

    def clear(self) -> None:
        """Forget every call; a slot taken before is given back into nothing (its stamp names no call now)."""
        self._base += len(self._times)
        self._times = array.array("d")
        self._head = 0
        self._given_back.clear()
        self._late.clear()

    def enter(self, epoch: float) -> int:
        """Put a call made at `epoch` in the window; its stamp."""
        times = self._times
        if len(times) == self._head or times[-1] <= epoch:
            times.append(epoch)
            return self._base + len(times) - 1
        stamp = next(self._late_stamps)  # the clock went back: after calls stamped later than it
        self._late[stamp] = epoch
        return stamp

    def give_back(self, stamp: int) -> None:
        """The call does not count: it leaves the window now (nothing, if it has left already)."""
        if stamp < 0:
            self._late.pop(stamp, None)
            return
        at = stamp - self._base
        if self._head <= at < len(self._times):
            self._given_back[stamp] = self._times[at]

    def count(self, epoch: float, seconds: float) -> int:
        """Calls in (epoch - seconds, epoch]; older ones leave the window for good."""
        horizon = epoch - seconds
        times, head = self._times, self._head
        if head < len(times) and times[head] <= horizon:
            passed = bisect.bisect_right(times, horizon, head)
            if self._given_back:
                for at in range(head, passed):
                    self._given_back.pop(self._base + at, None)
            head = self._head = passed
            if head >= self._COMPACT_AFTER and head * 2 >= len(times):
                del times[:head]
                self._base += head
                head = self._head = 0
        late = self._late
        if late:
            for stamp in [s for s, t in late.items() if t <= horizon]:
                del late[stamp]
        if head == len(times) or times[-1] <= epoch:  # every call left is at or before `epoch`
            inside = len(times) - head - len(self._given_back)
        else:  # the clock went back: calls stamped after `epoch` are outside the window until it catches up
            inside = bisect.bisect_right(times, epoch, head) - head
            inside -= sum(1 for t in self._given_back.values() if t <= epoch)
        return inside + (sum(1 for t in late.values() if t <= epoch) if late else 0)


class Counters:
    """The rate window, the daily quota, in-flight calls and per-day statistics, behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._window = _Window()
        self._daily: dict[dt.date, int] = collections.Counter()
        self.in_flight = 0
        self.usage: dict[dt.date, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.errors: dict[dt.date, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        self.export_bytes: dict[dt.date, int] = collections.Counter()
        self.neighbours = Neighbours()

    def reset(self) -> None:
        with self._lock:
            self.neighbours = Neighbours()
            self._window.clear()
            self._daily.clear()
            self.usage.clear()
            self.errors.clear()
            self.export_bytes.clear()

    # -- gates -------------------------------------------------------------------------------------
    def admit(self, now: dt.datetime, limits: Limits, user: str, epoch: float | None = None) -> str | Slot:
        """Reserve a slot for a call or name the gate that refuses it: "607", "606" or "615". `epoch`: `now`'s
        timestamp, when the caller has it."""
        if epoch is None:
            epoch = now.timestamp()
        day = chicago_day(now, epoch)
        with self._lock:
            others = self.neighbours
            if self._daily[day] + others.daily_calls >= limits.daily_quota:
                return "607"
            if self._window.count(epoch, limits.rate_seconds) + others.calls_per_window >= limits.rate_calls:
                return "606"
            if self.in_flight + others.in_flight >= limits.concurrency:
                return "615"
            stamp = self._window.enter(epoch)
            self._daily[day] += 1
            self.in_flight += 1
            return Slot(stamp, day, user)

    def charge(self, now: dt.datetime, user: str) -> None:
        """Count a call refused before the limit gates (603) without checking the limits."""
        day = chicago_day(now)
        with self._lock:
            self._window.enter(now.timestamp())
            self._daily[day] += 1
            self.usage[day][user] += 1

    def finish(self, slot: Slot, code: str | None) -> None:
        """The call is answered with `code` (None: success): keep or give back its slot."""
        counted = code is None or counts_against_limits(code)
        with self._lock:
            self.in_flight -= 1
            if counted:
                self.usage[slot.day][slot.user] += 1
            else:
                self._window.give_back(slot.stamp)
                self._daily[slot.day] -= 1

    # -- statistics --------------------------------------------------------------------------------
    def record_error(self, now: dt.datetime, code: str) -> None:
        with self._lock:
            self.errors[chicago_day(now)][code] += 1
            self._trim()

    def add_export_bytes(self, now: dt.datetime, count: int) -> None:
        with self._lock:
            self.export_bytes[chicago_day(now)] += count

    def _trim(self) -> None:
        for table in (self.usage, self.errors):
            for day in sorted(table)[:-STATS_DAYS_KEPT]:
                del table[day]

    def snapshot(self, now: dt.datetime, limits: Limits) -> dict[str, Any]:
        epoch = now.timestamp()
        day = chicago_day(now)
        with self._lock:
            window = self._window.count(epoch, limits.rate_seconds)
            return {
                "rate_window": {"calls": window, "limit": limits.rate_calls, "seconds": limits.rate_seconds},
                "in_flight": {"calls": self.in_flight, "limit": limits.concurrency},
                "daily": {
                    "calls": self._daily[day],
                    "quota": limits.daily_quota,
                    "resets_at": errors.next_reset(now).isoformat(),
                },
                "export_bytes_today": {"bytes": self.export_bytes[day], "limit": limits.export_daily_bytes},
                "neighbours": self.neighbours.as_dict(),
            }

    def usage_days(self, now: dt.datetime, days: int) -> list[dict[str, Any]]:
        """`/stats/usage.json` result rows, newest first."""
        with self._lock:
            rows = []
            for day in _days(now, days):
                users = self.usage.get(day, collections.Counter())
                rows.append({
                    "date": day.isoformat(),
                    "total": sum(users.values()),
                    "users": [{"userId": u, "count": c} for u, c in sorted(users.items())],
                })
            return rows

    def error_days(self, now: dt.datetime, days: int) -> list[dict[str, Any]]:
        """`/stats/errors.json` result rows, newest first."""
        with self._lock:
            rows = []
            for day in _days(now, days):
                codes = self.errors.get(day, collections.Counter())
                rows.append({
                    "date": day.isoformat(),
                    "total": sum(codes.values()),
                    "errors": [{"errorCode": c, "count": n} for c, n in sorted(codes.items())],
                })
            return rows


def _days(now: dt.datetime, days: int) -> list[dt.date]:
    today = chicago_day(now)
    return [today - dt.timedelta(days=i) for i in range(days)]


def counts_against_limits(code: str) -> bool:
    """Whether a call answered `code` (or `http:NNN`) counts against the window and the day (the catalogue says)."""
    spec = errors.lookup(code.removeprefix("http:"))
    return spec.counts_against_limits if spec is not None else True
