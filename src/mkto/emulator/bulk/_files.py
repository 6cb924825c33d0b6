"""Bulk files: the delimiter of each format, extract files written once in chunks (hashed as written) and
served back chunk by chunk, byte ranges, and import files read back row by row.

An extract file lives in `bulk_export_chunks`, so a download streams it with one short read per chunk and
never holds the whole file in memory, and every download serves the very bytes the checksum was taken of.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mkto.emulator.bulk._tables import export_chunks

# SSV is semicolon-separated: bulk-import.md and bulk-extract.md say so (bulk-lead-extract.md says "space").
DELIMITERS = {"CSV": ",", "TSV": "\t", "SSV": ";"}
CHUNK_BYTES = 256 * 1024
NULL = "null"  # "If a requested lead field contains no data, the corresponding field ... contains null"


def cell(value: Any) -> str:
    """One value as an extract file writes it."""
    if value is None or value == "":
        return NULL
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Sink(io.StringIO):
    def drain(self) -> str:
        text = self.getvalue()
        self.seek(0)
        self.truncate()
        return text


@dataclass(frozen=True, slots=True)
class Written:
    size: int
    checksum: str  # "sha256:<hex>"
    records: int


PutChunk = Callable[[int, int, bytes], None]  # (seq, offset, data): stores one chunk of a file


def chunk_writer(db: Connection, export_id: str) -> PutChunk:
    """Store an extract file's chunks with `db` (inside its transaction)."""

    def put(seq: int, offset: int, data: bytes) -> None:
        db.execute(export_chunks.insert().values(export_id=export_id, seq=seq, offset=offset, data=data))

    return put


def write_export(put: PutChunk, fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Written:
    """Write an extract file as chunks of about CHUNK_BYTES through `put`, hashing exactly the bytes stored."""
    sink = _Sink()
    writer = csv.writer(sink, delimiter=DELIMITERS[fmt], lineterminator="\n")
    digest = hashlib.sha256()
    pending = bytearray()
    offset = 0
    seq = 0
    records = 0

    def flush(final: bool) -> None:
        nonlocal offset, seq
        while len(pending) >= CHUNK_BYTES or (final and pending):
            data = bytes(pending[:CHUNK_BYTES])
            del pending[:CHUNK_BYTES]
            put(seq, offset, data)
            digest.update(data)
            offset += len(data)
            seq += 1

    writer.writerow(list(header))
    for row in rows:
        writer.writerow([cell(v) for v in row])
        records += 1
        if sink.tell() >= CHUNK_BYTES:
            pending.extend(sink.drain().encode("utf-8"))
            flush(final=False)
    pending.extend(sink.drain().encode("utf-8"))
    flush(final=True)
    return Written(offset, f"sha256:{digest.hexdigest()}", records)


def stream_export(engine: Engine, export_id: str, start: int, end: int) -> Iterator[bytes]:
    """Bytes `start..end` (inclusive) of a stored extract file, one chunk read (and transaction) at a time."""
    c = export_chunks.c
    seq = _first_chunk(engine, export_id, start)
    while seq is not None:
        with engine.connect() as conn:
            row = conn.execute(sa.select(c.offset, c.data).where(c.export_id == export_id, c.seq == seq)).first()
        if row is None or int(row.offset) > end:
            return
        data: bytes = row.data
        first = int(row.offset)
        piece = data[max(0, start - first) : end - first + 1]
        if piece:
            yield piece
        seq += 1


def _first_chunk(engine: Engine, export_id: str, start: int) -> int | None:
    c = export_chunks.c
    with engine.connect() as conn:
        found = conn.execute(sa.select(sa.func.max(c.seq)).where(c.export_id == export_id, c.offset <= start)).scalar()
    return int(found) if found is not None else None


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def parse_range(header: str | None, size: int) -> tuple[int, int] | bool | None:
    """(first, last) for a satisfiable single `bytes=` range; None: serve the whole file; False: unsatisfiable."""
    if header is None:
        return None
    m = _RANGE.fullmatch(header.strip().replace(" ", ""))
    if m is None or (not m.group(1) and not m.group(2)):
        return None  # RFC 7233: a Range header the server does not understand is ignored
    first_text, last_text = m.groups()
    if not first_text:
        suffix = int(last_text)
        if suffix == 0 or size == 0:
            return False
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size or last < first:
        return False
    return first, min(last, size - 1)


def iter_rows(data: bytes, fmt: str) -> Iterator[list[str]]:
    """The lines of an import file, header first, one at a time (UTF-8, an optional BOM; blank lines skipped).
    Headers are taken as written: " vin" is no field (bulk-custom-object-import.md)."""
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=DELIMITERS[fmt])
    return (row for row in reader if any(cellv.strip() for cellv in row))


def read_rows(data: bytes, fmt: str) -> tuple[list[str], list[list[str]]]:
    """The header and rows of an import file, all at once."""
    lines = list(iter_rows(data, fmt))
    if not lines:
        return [], []
    return lines[0], lines[1:]


def write_rows(fmt: str, header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A small file (failures, warnings) in the job's own format."""
    sink = io.StringIO()
    writer = csv.writer(sink, delimiter=DELIMITERS[fmt], lineterminator="\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return sink.getvalue().encode("utf-8")
