"""The access token as a small state machine; the shells add the lock that makes fetching single-flight.

Marketo hands back the *same* token with its remaining lifespan until it expires, so refreshing early
cannot buy a new token: the client re-asks once inside the refresh margin (the token may have been
rotated), keeps using a token with more than `min_life_s` left, and waits out one with less.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TokenAnswer:
    access_token: str
    expires_in: float


class TokenState:
    def __init__(self, clock: Callable[[], float], *, refresh_margin_s: float = 60.0, min_life_s: float = 10.0) -> None:
        self._clock = clock
        self.refresh_margin_s = refresh_margin_s
        self.min_life_s = min_life_s
        self.token: str | None = None
        self._expires_at = 0.0
        self._recheck_at = 0.0
        self.fetches = 0

    def usable(self) -> str | None:
        """The cached token if it may be attached to a call now, else None (fetch first)."""
        now = self._clock()
        if self.token is None or now >= self._recheck_at or now >= self._expires_at - self.min_life_s:
            return None
        return self.token

    def invalidate(self, stale: str | None) -> None:
        """Marketo said 601/602 for `stale`: forget it whatever its cached expiry says, unless already replaced."""
        if stale is None or stale == self.token:
            self.token = None
            self._expires_at = self._recheck_at = 0.0

    def accept(self, answer: TokenAnswer) -> float:
        """Take an identity answer; returns 0, or how long to wait before asking again (token about to die)."""
        self.fetches += 1
        if answer.expires_in <= self.min_life_s:
            self.token = None
            return max(answer.expires_in, 0.0) + 0.5
        now = self._clock()
        self.token = answer.access_token
        self._expires_at = now + answer.expires_in
        if answer.expires_in > self.refresh_margin_s:
            self._recheck_at = self._expires_at - self.refresh_margin_s
        else:
            # Re-asked inside the margin and got the same token: use it until it is nearly gone.
            self._recheck_at = self._expires_at - self.min_life_s
        return 0.0
