"""Where an instance keeps the state that is not data: in this process (the default), or in Redis, so that
several worker processes, on one host or many, are one emulator.

    state = open_state("redis://127.0.0.1:6379/0", namespace="mkto:1a2b3c4d")

In this process, the state is the plain objects of `_limits`, `_clock`, `_faults`, `_scenarios`, `_users` and
the request log's deque. With Redis (`SharedState`), the same objects keep their state there: the rate window,
the in-flight calls and the daily quota are decided in one Lua script per call on the Redis server's clock
(`_counters.py`); tokens (`_tokens.py`), the clock's offset, limits, settings and neighbours are keys read on
every call; fault plans and scenarios are JSON documents changed under a lock (a `times: 1` plan fires once
across all workers); the request log is one list (`_log.py`). Every change bumps a generation number, which
each call reads with the clock's offset in one round trip (`SharedState.poll`): a worker that sees it move
reloads what it keeps (limits, settings, API users, the list of instances).
"""

from __future__ import annotations

from ._redis import SharedState, StateUnavailable, clear_namespace, is_shared, namespace_for, open_state

__all__ = ["SharedState", "StateUnavailable", "clear_namespace", "is_shared", "namespace_for", "open_state"]
