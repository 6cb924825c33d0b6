"""Bulk files, pure helpers: import files cut under the size limit, failure rows read back, extract rows
decoded chunk by chunk. The downloads themselves are core flows (`_core.Core.download`)."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from mkto.errors.limits import MAX_IMPORT_BYTES

DELIMITERS = {"CSV": ",", "TSV": "\t", "SSV": ";"}
MEDIA_TYPES = {"CSV": "text/csv", "TSV": "text/tab-separated-values", "SSV": "text/plain"}


def _writer(buffer: io.StringIO, fmt: str) -> Any:
    return csv.writer(buffer, delimiter=DELIMITERS[fmt], lineterminator="\n")


def _line(values: Sequence[Any], fmt: str) -> bytes:
    buffer = io.StringIO()
    _writer(buffer, fmt).writerow(["" if v is None else v for v in values])
    return buffer.getvalue().encode("utf-8")


def pack_rows(
    header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, max_bytes: int = MAX_IMPORT_BYTES
) -> Iterator[bytes]:
    """Whole files of at most `max_bytes`, each starting with the header; rows never split."""
    head = _line(header, fmt)
    parts: list[bytes] = [head]
    size = len(head)
    for row in rows:
        line = _line(row, fmt)
        if len(head) + len(line) > max_bytes:
            raise ValueError(f"one row needs {len(line)} bytes: more than an import file may hold")
        if size + len(line) > max_bytes:
            yield b"".join(parts)
            parts, size = [head], len(head)
        parts.append(line)
        size += len(line)
    if len(parts) > 1:
        yield b"".join(parts)


def dict_files(
    rows: Iterable[Mapping[str, Any]], fmt: str, fields: Sequence[str] | None, max_bytes: int = MAX_IMPORT_BYTES
) -> Iterator[bytes]:
    """Dict rows as import files; the columns are `fields`, else the first row's keys."""
    it = iter(rows)
    first = next(it, None)
    if first is None:
        return
    header = list(fields) if fields else list(first)
    known = set(header)

    def values() -> Iterator[list[Any]]:
        for record in itertools.chain([first], it):
            extra = set(record) - known
            if extra:
                raise ValueError(f"row has fields outside the columns {header}: {sorted(extra)}")
            yield [record.get(name) for name in header]

    yield from pack_rows(header, values(), fmt, max_bytes)


def file_parts(path: str | os.PathLike[str], fmt: str, max_bytes: int = MAX_IMPORT_BYTES) -> Iterator[bytes]:
    """A file as it is when small enough, else re-encoded into parts under `max_bytes`, header repeated."""
    if os.path.getsize(path) <= max_bytes:
        with open(path, "rb") as f:
            yield f.read()
        return
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=DELIMITERS[fmt])
        header = next(reader, None)
        if header is not None:
            yield from pack_rows(header, reader, fmt, max_bytes)


def source_files(
    source: Any, fmt: str, fields: Sequence[str] | None, max_bytes: int = MAX_IMPORT_BYTES
) -> Iterator[bytes]:
    """The import files for a source; `max_bytes` may be lower than Marketo's limit (smaller jobs), not higher."""
    max_bytes = min(max_bytes, MAX_IMPORT_BYTES)
    if isinstance(source, bytes | bytearray):
        if len(source) > max_bytes:
            raise ValueError("bytes over the file limit: pass a path or rows, which are split")
        return iter([bytes(source)])
    if isinstance(source, str | os.PathLike):
        return file_parts(source, fmt, max_bytes)
    return dict_files(source, fmt, fields, max_bytes)


def read_rows(data: bytes, fmt: str) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=DELIMITERS.get(fmt, ",")))


def iter_file_rows(path: str | os.PathLike[str], fmt: str = "CSV") -> Iterator[dict[str, str]]:
    """An extract file's rows as dicts, read as they are needed."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f, delimiter=DELIMITERS.get(fmt, ","))


class RowDecoder:
    """CSV/TSV bytes, chunk by chunk, into dict rows as soon as each row is whole (a quoted field may hold
    newlines: a record is whole when its quotes pair up). Hashes what it is fed, for the checksum."""

    def __init__(self, fmt: str = "CSV") -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._delimiter = DELIMITERS.get(fmt.upper(), ",")
        self._partial = ""  # text after the last newline
        self._record = ""  # whole lines of a record whose quotes are still open
        self._header: list[str] | None = None
        self.digest = hashlib.sha256()

    def feed(self, chunk: bytes) -> list[dict[str, str]]:
        self.digest.update(chunk)
        *lines, self._partial = (self._partial + self._decoder.decode(chunk)).split("\n")
        return self._records(line + "\n" for line in lines)

    def finish(self) -> list[dict[str, str]]:
        rest = self._partial + self._decoder.decode(b"", final=True)
        self._partial = ""
        rows = self._records([rest] if rest else [])
        if self._record:  # quotes never closed: let csv say what it makes of it
            rows += self._parse([self._record])
            self._record = ""
        return rows

    def checksum(self) -> str:
        return "sha256:" + self.digest.hexdigest()

    def _records(self, lines: Iterable[str]) -> list[dict[str, str]]:
        whole: list[str] = []
        for line in lines:
            self._record += line
            if self._record.count('"') % 2 == 0:
                whole.append(self._record)
                self._record = ""
        return self._parse(whole)

    def _parse(self, records: list[str]) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        for values in csv.reader(records, delimiter=self._delimiter):
            if self._header is None:
                self._header = values
            elif values:
                rows.append(dict(zip(self._header, values, strict=False)))
        return rows
