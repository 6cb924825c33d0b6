"""The virtual clock: real time plus an offset that the admin API moves (`advance`, `set`)."""

from __future__ import annotations

import datetime as dt
import threading


class VirtualClock:
    """Tokens, rate windows, daily quotas and job progress all read `now()`.

        clock.advance(3601)   # every token issued before is now expired
    """

    def __init__(self) -> None:
        self._offset = dt.timedelta()
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._offset

    def timestamp(self) -> float:
        return self.now().timestamp()

    def advance(self, seconds: float) -> dt.datetime:
        with self._lock:
            self._offset += dt.timedelta(seconds=seconds)
        return self.now()

    def set(self, when: dt.datetime) -> dt.datetime:
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        with self._lock:
            self._offset = when - dt.datetime.now(dt.UTC)
        return self.now()

    def reset(self) -> dt.datetime:
        with self._lock:
            self._offset = dt.timedelta()
        return self.now()
