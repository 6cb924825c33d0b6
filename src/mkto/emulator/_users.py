"""API users (custom services), the access tokens issued to them, and what each user may do (permissions,
IP allowlist). The HTTP side, the identity endpoint that hands tokens out and the reading of a REST call's
token, is `_identity.py`.

Users live in the database (kept across resets); tokens live in memory, so a restarted server answers
601 to an old token and the caller fetches a new one, as after a Marketo token purge.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import random
import threading
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select

from ._api import ApiUser
from ._store import Store, api_users

READ_ONLY = "Read-Only "
READ_WRITE = "Read-Write "


def has_permission(user: ApiUser, permission: str | None) -> bool:
    """A "Read-Write X" permission satisfies "Read-Only X"."""
    if permission is None or user.permissions is None:
        return True
    if permission in user.permissions:
        return True
    return permission.startswith(READ_ONLY) and READ_WRITE + permission[len(READ_ONLY) :] in user.permissions


def ip_allowed(user: ApiUser, address: str | None) -> bool:
    if user.ip_allowlist is None:
        return True
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in user.ip_allowlist:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def user_to_dict(user: ApiUser) -> dict[str, Any]:
    def opt(values: frozenset[str] | None) -> list[str] | None:
        return sorted(values) if values is not None else None

    return {
        "client_id": user.client_id,
        "client_secret": user.client_secret,
        "email": user.email,
        "permissions": opt(user.permissions),
        "workspaces": opt(user.workspaces),
        "partitions": opt(user.partitions),
        "ip_allowlist": opt(user.ip_allowlist),
    }


def user_from_dict(data: Mapping[str, Any], rng: random.Random) -> ApiUser:
    """An ApiUser from admin JSON; missing credentials are generated. ValueError on bad input."""
    known = {"client_id", "client_secret", "email", "permissions", "workspaces", "partitions", "ip_allowlist"}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"unknown user field(s): {', '.join(sorted(unknown))}")

    def opt(name: str) -> frozenset[str] | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, str) or not isinstance(value, Iterable):
            raise ValueError(f"{name} must be a list of strings or null")
        return frozenset(str(v) for v in value)

    allowlist = opt("ip_allowlist")
    for entry in allowlist or ():
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ValueError(f"ip_allowlist entry {entry!r} is not an address or network") from exc
    return ApiUser(
        client_id=str(data.get("client_id") or uuid.UUID(int=rng.getrandbits(128), version=4)),
        client_secret=str(data.get("client_secret") or f"{rng.getrandbits(128):032x}"),
        email=str(data.get("email") or "api@mkto.local"),
        permissions=opt("permissions"),
        workspaces=opt("workspaces"),
        partitions=opt("partitions"),
        ip_allowlist=allowlist,
    )


@dataclasses.dataclass(frozen=True, slots=True)
class Token:
    value: str
    client_id: str
    expires_at: float  # epoch seconds on the virtual clock


class Users:
    """API users (persisted) and their tokens (in memory)."""

    def __init__(self, store: Store, rng: random.Random, pod: str = "int") -> None:
        self._store = store
        self._rng = rng
        self._pod = pod
        self._lock = threading.Lock()
        self._users: dict[str, ApiUser] = {}
        self._tokens: dict[str, Token] = {}
        self._current: dict[str, Token] = {}  # client_id -> its live token
        self.load()

    def load(self) -> None:
        with self._store.transaction() as db:
            rows = db.execute(select(api_users.c.data)).scalars().all()
        with self._lock:
            self._users = {}
            for raw in rows:
                user = user_from_dict(json.loads(raw), self._rng)
                self._users[user.client_id] = user

    def add(self, user: ApiUser) -> ApiUser:
        data = json.dumps(user_to_dict(user))
        with self._store.transaction() as db:
            db.execute(api_users.delete().where(api_users.c.client_id == user.client_id))
            db.execute(api_users.insert().values(client_id=user.client_id, data=data))
        with self._lock:
            self._users[user.client_id] = user
            self._revoke(user.client_id)
        return user

    def remove(self, client_id: str) -> bool:
        with self._store.transaction() as db:
            gone = db.execute(api_users.delete().where(api_users.c.client_id == client_id)).rowcount
        with self._lock:
            self._users.pop(client_id, None)
            self._revoke(client_id)
        return bool(gone)

    def all(self) -> list[ApiUser]:
        with self._lock:
            return list(self._users.values())

    def get(self, client_id: str) -> ApiUser | None:
        with self._lock:
            return self._users.get(client_id)

    def _revoke(self, client_id: str) -> None:
        token = self._current.pop(client_id, None)
        if token is not None:
            self._tokens.pop(token.value, None)

    def issue(self, user: ApiUser, now: float, ttl: int) -> Token:
        """The user's live token, or a new one when it has none left (same token until expiry)."""
        with self._lock:
            token = self._current.get(user.client_id)
            # A token outlives nothing: one issued under a longer ttl or a later clock is replaced.
            if token is not None and 1 <= token.expires_at - now <= ttl:
                return token
            value = f"{uuid.UUID(int=self._rng.getrandbits(128), version=4)}:{self._pod}"
            token = Token(value, user.client_id, now + ttl)
            self._current[user.client_id] = token
            self._tokens[value] = token
            return token

    def owner(self, value: str) -> str | None:
        """The client id a token was issued to, live or expired (None: a token never issued, or revoked)."""
        with self._lock:
            token = self._tokens.get(value)
            return token.client_id if token is not None else None

    def authenticate(self, value: str, now: float) -> ApiUser | str:
        """The token's user, or "601" (unknown) / "602" (expired)."""
        with self._lock:
            token = self._tokens.get(value)
            if token is None:
                return "601"
            user = self._users.get(token.client_id)
            if user is None:
                return "601"
            if now >= token.expires_at:
                return "602"
            return user
