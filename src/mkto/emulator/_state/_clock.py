"""The virtual clock's offset in Redis: every call reads it (with the generation, `SharedState.poll`), so
`POST /_mkto/clock` through any worker moves the clock of all of them at once."""

from __future__ import annotations

import datetime as dt

from .._clock import VirtualClock
from ._redis import SharedState


class SharedClock(VirtualClock):
    """Real time plus the instance's offset, kept in Redis as seconds."""

    def __init__(self, state: SharedState) -> None:
        super().__init__()
        self._state = state
        self._key = state.key("clock")
        self._seconds = 0.0

    def follow(self, seconds: float) -> None:
        """Take the offset a call read from Redis."""
        if seconds != self._seconds:
            self._seconds = seconds
            self._offset = dt.timedelta(seconds=seconds)

    def advance(self, seconds: float) -> dt.datetime:
        self.follow(float(self._state.redis.incrbyfloat(self._key, seconds)))
        return self.now()

    def set(self, when: dt.datetime) -> dt.datetime:
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
        self._state.redis.set(self._key, repr(seconds))
        self.follow(seconds)
        return self.now()

    def reset(self) -> dt.datetime:
        self._state.redis.set(self._key, "0")
        self.follow(0.0)
        return self.now()


__all__ = ["SharedClock"]
