"""API users' tokens in Redis: `SharedUsers` is `_users.Users` for many workers.

The users themselves live in the database, as with one worker; each worker keeps them in memory and loads
them again when the generation moves (a user added or removed through any worker). Tokens live in two
hashes: token -> "client id|expiry", and client id -> its live token. Issuing is one Lua script, so two
workers asked at once hand out the same live token, as Marketo does.
"""

from __future__ import annotations

import contextvars
import random
import uuid

from .._api import ApiUser
from .._store import Store
from .._users import Token, Users
from ._redis import SharedState

# KEYS: tokens, current. ARGV: client id, now, ttl, a fresh value. -> {value, expiry}
_ISSUE = """
local live = redis.call('HGET', KEYS[2], ARGV[1])
local now, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
if live then
  local info = redis.call('HGET', KEYS[1], live)
  if info then
    local expires = tonumber(string.match(info, '|(.*)$'))
    local left = expires - now
    if left >= 1 and left <= ttl then return {live, tostring(expires)} end
  end
end
local expires = now + ttl
redis.call('HSET', KEYS[1], ARGV[4], ARGV[1] .. '|' .. string.format('%.6f', expires))
redis.call('HSET', KEYS[2], ARGV[1], ARGV[4])
return {ARGV[4], string.format('%.6f', expires)}
"""
# KEYS: tokens, current. ARGV: client id.
_REVOKE = """
local live = redis.call('HGET', KEYS[2], ARGV[1])
if live then redis.call('HDEL', KEYS[1], live) end
return redis.call('HDEL', KEYS[2], ARGV[1])
"""

TOKEN_KEYS = ("tokens", "current_tokens")
# The token a call carries and what Redis held for it, read with the call's first round trip (`Emulation.sync`);
# each request runs in its own task, so this is the call's own.
_PREFETCHED: contextvars.ContextVar[tuple[str, bytes | None] | None] = contextvars.ContextVar(
    "mkto_prefetched_token", default=None
)


class SharedUsers(Users):
    """API users (in the database, loaded by every worker) and their tokens (in Redis)."""

    def __init__(self, store: Store, rng: random.Random, state: SharedState, pod: str = "int") -> None:
        self._state = state
        self._tokens_key, self._current_key = state.key(TOKEN_KEYS[0]), state.key(TOKEN_KEYS[1])
        self._issue = state.redis.register_script(_ISSUE)
        self._revoke_script = state.redis.register_script(_REVOKE)
        super().__init__(store, rng, pod)

    def add(self, user: ApiUser) -> ApiUser:
        """As `Users.add`; a user added again unchanged (a worker starting) keeps its token."""
        if self.get(user.client_id) == user:
            return user
        added = super().add(user)
        self._state.bump()
        return added

    def remove(self, client_id: str) -> bool:
        gone = super().remove(client_id)
        self._state.bump()
        return gone

    def _revoke(self, client_id: str) -> None:
        self._revoke_script(keys=[self._tokens_key, self._current_key], args=[client_id])

    def issue(self, user: ApiUser, now: float, ttl: int) -> Token:
        fresh = f"{self._new_token_id()}:{self._pod}"
        value, expires = self._issue(keys=[self._tokens_key, self._current_key], args=[user.client_id, now, ttl, fresh])
        return Token(value.decode(), user.client_id, float(expires))

    def prefetched(self, value: str, info: bytes | None) -> None:
        """What Redis held for the token the call carries, read with the call's first round trip."""
        _PREFETCHED.set((value, info))

    def _token(self, value: str) -> Token | None:
        known = _PREFETCHED.get()
        if known is not None and known[0] == value:
            _PREFETCHED.set(None)  # good for one look: a later one (after the call issued or revoked) reads again
            info = known[1]
        else:
            info = self._state.redis.hget(self._tokens_key, value)
        if info is None:
            return None
        client_id, _, expires = info.decode().rpartition("|")
        return Token(value, client_id, float(expires))

    def owner(self, value: str) -> str | None:
        token = self._token(value)
        return token.client_id if token is not None else None

    def authenticate(self, value: str, now: float) -> ApiUser | str:
        """The token's user, or "601" (unknown) / "602" (expired)."""
        token = self._token(value)
        if token is None:
            return "601"
        user = self.get(token.client_id)
        if user is None:
            return "601"
        if now >= token.expires_at:
            return "602"
        return user

    def clear_tokens(self) -> None:
        self._state.redis.delete(self._tokens_key, self._current_key)

    def _new_token_id(self) -> str:
        return str(uuid.uuid4())  # never the seeded generator: every worker has the same seed


__all__ = ["TOKEN_KEYS", "SharedUsers"]
