"""The connection to Redis and what every shared piece of state uses: key names, the generation number,
the instance's configuration (limits, settings, neighbours), JSON documents changed under a lock, and claims
on background work.

Keys are `<namespace>:<name>`. A server's namespace is derived from its database (`namespace_for`), so the
workers of one server share it and two servers on different databases or schemas never meet; an instance it
hosts nests under it (`<namespace>/i/<munchkin id>`), so clearing a server's namespace clears its instances.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

STATE_SCHEMES = ("redis://", "rediss://", "unix://")
LOCK_TTL_MS = 5000  # a lock whose holder died is free again after this long
LOCK_WAIT_S = 10.0
_UNLOCK = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


# Writes a call leaves for its last round trip (the request log's push): each request runs in its own task,
# so the list is the call's own; None outside a call (the writes go at once).
_DEFERRED: contextvars.ContextVar[list[Callable[[Any], None]] | None] = contextvars.ContextVar(
    "mkto_deferred_writes", default=None
)


class StateUnavailable(Exception):
    """The state URL is not one this emulator can use, or its server cannot be reached (one line)."""


def is_shared(url: str | None) -> bool:
    """Whether `url` names a state backend several processes can share (None: this process's memory)."""
    return url is not None and url.startswith(STATE_SCHEMES)


def shown_url(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return url
    user = credentials.partition(":")[0]
    return f"{scheme}{sep}{user + ':***' if user else '***'}@{host}"


def namespace_for(db_url: str, schema: str | None, munchkin_id: str) -> str:
    """The namespace of a server's default instance: the same for every worker given the same database."""
    digest = hashlib.sha256(f"{db_url}|{schema or ''}".encode()).hexdigest()[:16]
    return f"mkto:{digest}:{munchkin_id}"


def open_state(url: str, namespace: str) -> SharedState:
    """The shared state at `url` under `namespace`; StateUnavailable says why it cannot be had."""
    if not is_shared(url):
        raise StateUnavailable(
            f"unsupported state URL {shown_url(url)!r}: use redis://HOST:PORT/DB (or leave it out: in-process state)"
        )
    try:
        import redis
    except ImportError:  # pragma: no cover - the redis extra is part of every install that serves workers
        raise StateUnavailable("the Redis state backend needs the redis package: pip install 'mkto[redis]'") from None
    try:
        client = redis.Redis.from_url(url, socket_timeout=10, socket_connect_timeout=3)
        client.ping()
    except (redis.RedisError, ValueError) as exc:
        raise StateUnavailable(f"cannot reach Redis at {shown_url(url)}: {' '.join(str(exc).split())}") from None
    return SharedState(client, namespace)


def clear_namespace(url: str, namespace: str) -> int:
    """Delete every key of a server's namespace and its instances' (a fresh start); how many went."""
    state = open_state(url, namespace)
    gone = 0
    batch: list[bytes] = []
    for key in state.redis.scan_iter(match=f"{namespace}*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            gone += state.redis.delete(*batch)
            batch = []
    if batch:
        gone += state.redis.delete(*batch)
    state.redis.close()
    return gone


class SharedState:
    """One instance's state in Redis: the helpers the shared pieces are built on."""

    def __init__(self, client: Any, namespace: str) -> None:
        self.redis = client
        self.namespace = namespace
        self.worker = os.getpid()
        self._unlock = client.register_script(_UNLOCK)

    def key(self, name: str) -> str:
        return f"{self.namespace}:{name}"

    def child(self, munchkin_id: str) -> SharedState:
        """The state of an instance this one's server hosts."""
        return SharedState(self.redis, f"{self.namespace}/i/{munchkin_id}")

    # -- the generation and the clock's offset: read on every call -----------------------------------
    def poll(
        self, documents: tuple[str, ...] = (), *, hash_field: tuple[str, str] | None = None
    ) -> tuple[int, float, tuple[int, ...], bytes | None]:
        """(generation, clock offset in seconds, the version of each document, the value of `hash_field`
        (hash name, field) when asked), in one round trip."""
        keys = [self.key("gen"), self.key("clock"), *(self.key(f"{d}:v") for d in documents)]
        if hash_field is None:
            gen, offset, *versions = self.redis.mget(keys)
            found = None
        else:
            pipe = self.redis.pipeline(transaction=False)
            pipe.mget(keys)
            pipe.hget(self.key(hash_field[0]), hash_field[1])
            (gen, offset, *versions), found = pipe.execute()
        return int(gen or 0), float(offset or 0), tuple(int(v or 0) for v in versions), found

    # -- a call's writes that need no answer, sent with its last round trip -----------------------------
    def begin_call(self) -> None:
        _DEFERRED.set([])

    def later(self, write: Callable[[Any], None]) -> None:
        """Queue `write(pipeline)` for the call's last round trip (at once outside a call)."""
        pending = _DEFERRED.get()
        if pending is not None:
            pending.append(write)
            return
        pipe = self.redis.pipeline(transaction=False)
        write(pipe)
        pipe.execute()

    def end_call(self, last: Callable[[Any], None]) -> Any:
        """Send the call's queued writes and `last(pipeline)` in one round trip; what `last` answered."""
        pending = _DEFERRED.get() or []
        _DEFERRED.set(None)
        pipe = self.redis.pipeline(transaction=False)
        for write in pending:
            write(pipe)
        last(pipe)
        return pipe.execute()[-1]

    def bump(self) -> int:
        """Tell every worker that something they keep changed."""
        return int(self.redis.incr(self.key("gen")))

    # -- configuration ---------------------------------------------------------------------------------
    def config(self) -> dict[str, Any]:
        raw = self.redis.hgetall(self.key("config"))
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    def publish(self, **fields: Any) -> None:
        """Set configuration fields and bump the generation, at once."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(self.key("config"), mapping={k: json.dumps(v) for k, v in fields.items()})
        pipe.incr(self.key("gen"))
        pipe.execute()

    def seed_config(self, **fields: Any) -> None:
        """Set the fields no worker has set yet (the first worker of a server to start sets them)."""
        pipe = self.redis.pipeline(transaction=True)
        for name, value in fields.items():
            pipe.hsetnx(self.key("config"), name, json.dumps(value))
        pipe.execute()

    # -- JSON documents, changed under a lock ------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, name: str) -> Iterator[None]:
        """Hold the instance-wide lock `name` (a holder that dies lets go after LOCK_TTL_MS)."""
        key, token = self.key(f"lock:{name}"), uuid.uuid4().hex
        deadline = time.monotonic() + LOCK_WAIT_S
        while not self.redis.set(key, token, nx=True, px=LOCK_TTL_MS):
            if time.monotonic() > deadline:
                raise TimeoutError(f"the shared lock {name!r} was held for over {LOCK_WAIT_S:.0f} s")
            time.sleep(0.0005)
        try:
            yield
        finally:
            self._unlock(keys=[key], args=[token])

    def read(self, name: str) -> dict[str, Any]:
        raw = self.redis.get(self.key(name))
        return json.loads(raw) if raw else {}

    @contextlib.contextmanager
    def document(self, name: str) -> Iterator[dict[str, Any]]:
        """The document `name` to change in place: read under its lock, written back (and its version
        bumped, which every worker reads on its next call) if the caller changed it, even when the caller
        raises after changing it."""
        with self.locked(name):
            before = self.redis.get(self.key(name))
            data = json.loads(before) if before else {}
            try:
                yield data
            finally:
                after = json.dumps(data, separators=(",", ":"))
                if after.encode() != (before or b"{}"):
                    pipe = self.redis.pipeline(transaction=True)
                    pipe.set(self.key(name), after)
                    pipe.incr(self.key(f"{name}:v"))
                    pipe.execute()

    def delete(self, names: Iterable[str]) -> None:
        """Drop these keys of the instance (a reset) and bump the generation."""
        keys = [self.key(n) for n in names]
        pipe = self.redis.pipeline(transaction=True)
        if keys:
            pipe.delete(*keys)
        pipe.incr(self.key("gen"))
        pipe.execute()

    def keys_like(self, pattern: str) -> list[str]:
        """The names of this instance's keys matching a glob (never a nested instance's)."""
        prefix = len(self.namespace) + 1
        return [k.decode()[prefix:] for k in self.redis.scan_iter(match=self.key(pattern), count=1000)]

    # -- claims on background work -----------------------------------------------------------------------
    def claim(self, name: str, seconds: int) -> bool:
        """Whether this worker may do the work `name` (no other worker holds it); held for `seconds` at most."""
        return bool(self.redis.set(self.key(f"claim:{name}"), self.worker, nx=True, ex=seconds))

    def release(self, name: str) -> None:
        self.redis.delete(self.key(f"claim:{name}"))

