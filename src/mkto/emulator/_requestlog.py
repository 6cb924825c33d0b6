"""One process's request log (`RequestLog`) and the layout of its records (`entry_of`), which the shared log of
several workers (`_state/_log.py`) reads too. `Emulation.log_request` takes each API call down as a record."""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from ._render import json_headers


class RequestLog:
    """One process's request log, newest first, at most `maxlen` entries (`SharedRequestLog` is the same in Redis
    for several workers). An entry is kept as one record, a tuple of the fields `log_request` takes down, and read
    back as the dict the admin API shows (`entry_of`): a thousand entries of a dict and a dozen parts each, freed
    in cold memory a thousand calls later, cost a short call a seventh of its time."""

    def __init__(self, maxlen: int) -> None:
        self._records: collections.deque[tuple[Any, ...]] = collections.deque(maxlen=maxlen)

    @property
    def maxlen(self) -> int | None:
        return self._records.maxlen

    def appendleft(self, record: tuple[Any, ...]) -> None:
        self._records.appendleft(record)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for record in list(self._records):
            yield entry_of(record)

    def __len__(self) -> int:
        return len(self._records)

    def clear(self) -> None:
        self._records.clear()

    def resize(self, size: int) -> None:
        """Keep at most `size` entries (the newest) from now on."""
        self._records = collections.deque(self._records, maxlen=size)


def entry_of(record: tuple[Any, ...]) -> dict[str, Any]:
    """A request-log entry from its record: `time` the clock's reading, `_wire` the request's headers (name and
    value pairs), query, body (its first LOGGED_BODY_BYTES) and size, the answer's headers, body and size, as they
    were."""
    (ident, when, method, path, status, code, request_id, latency_ms, fault, user,
     request_headers, query, received, received_size, headers, sent, sent_size) = record  # fmt: skip
    if isinstance(request_headers, bytes):  # names and values joined by NUL, which neither held
        parts = request_headers.split(b"\0")
        request_headers = list(zip(parts[::2], parts[1::2], strict=True))
    if isinstance(headers, bytes):  # a JSON answer's: its Date kept, the rest as it sends them
        headers = json_headers(headers, sent_size or 0)
    return {
        "id": ident, "time": when, "method": method, "path": path, "status": status, "code": code,
        "requestId": request_id, "latency_ms": latency_ms, "fault": fault, "user": user,
        "_wire": (request_headers, query, received, received_size, headers, sent, sent_size),
    }  # fmt: skip


def entry_time(entry: Mapping[str, Any]) -> str:
    """A request-log entry's time as the admin API and the logs show it (ISO 8601); kept as the clock's reading."""
    when = entry["time"]
    return when.isoformat() if isinstance(when, dt.datetime) else str(when)


__all__ = ["RequestLog", "entry_of", "entry_time"]
