"""Sizing: keep every call inside Marketo's URI, body and batch limits before sending it."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def dumps(obj: Any) -> bytes:
    """The one JSON encoding the client sends, so sizes computed here are the sizes on the wire."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def split_batch(
    records: Sequence[T],
    *,
    max_records: int,
    max_bytes: int,
    envelope: Callable[[list[T]], bytes],
) -> list[tuple[int, list[T]]]:
    """Cut `records` into (offset, chunk) pieces whose encoded body stays within both limits.

    `envelope(chunk)` is the exact body for a chunk; the size of a chunk is derived from the empty
    envelope plus each record's encoding plus the commas between them. A single record larger than
    `max_bytes` goes alone (the server's 413 then says so).
    """
    overhead = len(envelope([]))
    chunks: list[tuple[int, list[T]]] = []
    current: list[T] = []
    size = overhead
    start = 0
    for index, record in enumerate(records):
        record_bytes = len(dumps(record)) + (1 if current else 0)
        if current and (len(current) >= max_records or size + record_bytes > max_bytes):
            chunks.append((start, current))
            current, size, start = [], overhead, index
            record_bytes -= 1
        current.append(record)
        size += record_bytes
    if current:
        chunks.append((start, current))
    return chunks


def chunk_values(values: Sequence[T], size: int) -> list[list[T]]:
    """Filter values in pieces of at most `size` (Marketo takes 300 per call)."""
    return [list(values[i : i + size]) for i in range(0, len(values), size)] or [[]]
