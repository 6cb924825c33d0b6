"""The request log in Redis: one list, newest first, that every worker pushes to; ids come from one counter,
so `GET /_mkto/requests` and the dashboard read the same log, in the same order, through any worker.

An entry is stored as its id, `|`, then JSON; bytes (the headers and bodies `_wire` keeps as they are) are
written as `{"$b": latin-1 text}` and read back as bytes, so the admin API decodes them exactly as it does
with one worker. Each entry also names the `worker` (process id) that served the call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from .._requestlog import entry_of, entry_time
from ._redis import SharedState

# KEYS: the list, the id counter. ARGV: the entry's JSON, how many entries to keep. -> the entry's id
_PUSH = """
local id = redis.call('INCR', KEYS[2])
redis.call('LPUSH', KEYS[1], id .. '|' .. ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
return id
"""
LOG_KEY = "requests"


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": bytes(value).decode("latin-1")}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and "$b" in value:
            return value["$b"].encode("latin-1")
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


class SharedRequestLog:
    """What `Emulation.request_log` is with one worker (a bounded deque, newest first), in Redis."""

    def __init__(self, state: SharedState, maxlen: int) -> None:
        self._state = state
        self._key, self._ids = state.key(LOG_KEY), state.key(f"{LOG_KEY}:ids")
        self._push = state.redis.register_script(_PUSH)
        self.maxlen = maxlen

    def appendleft(self, record: tuple[Any, ...]) -> dict[str, Any]:
        """Push the entry of `record` (`entry_of`); its `id` becomes the log's next one and `worker` this process.
        The entry as pushed."""
        entry = entry_of(record)
        entry["worker"] = self._state.worker
        shown = {k: v for k, v in entry.items() if k != "id"}
        shown["time"] = entry_time(entry)
        body = json.dumps(_encode(shown), separators=(",", ":"))
        keys, args = [self._key, self._ids], [body, self.maxlen]
        # with the writes the call left for its last round trip (giving back its in-flight place, its usage)
        entry["id"] = int(self._state.end_call(lambda pipe: self._push(keys=keys, args=args, client=pipe)))
        return entry

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for raw in self._state.redis.lrange(self._key, 0, -1):
            ident, _, body = raw.partition(b"|")
            entry: dict[str, Any] = {"id": int(ident)}
            entry.update(_decode(json.loads(body)))
            yield entry

    def __len__(self) -> int:
        return int(self._state.redis.llen(self._key))

    def clear(self) -> None:
        self._state.redis.delete(self._key)  # the id counter goes on: ids are never given twice

    def resize(self, size: int) -> None:
        """Keep at most `size` entries (the newest) from now on."""
        self.maxlen = size
        self._state.redis.ltrim(self._key, 0, size - 1)


__all__ = ["SharedRequestLog"]
