"""Input files read with a clear message when they cannot be, and output files that appear whole or not at all
(written to a temporary file beside the target, then renamed)."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from ._output import BAD_INPUT, CliError

DELIMITERS = {".csv": ",", ".tsv": "\t"}
FORMATS = {".csv": "CSV", ".tsv": "TSV"}


def bulk_format(path: Path) -> str:
    """CSV or TSV, by the file's suffix (CSV for any other)."""
    return FORMATS.get(path.suffix.lower(), "CSV")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "it is not UTF-8 text"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


@contextlib.contextmanager
def reading(path: Path) -> Iterator[IO[str]]:
    """Open a text input; any failure to read it, now or while it is read, is one line and exit status 2."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            yield f
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CliError(f"cannot read {path}: {_reason(exc)}", BAD_INPUT) from None


def csv_header(path: Path) -> list[str]:
    with reading(path) as f:
        header = next(csv.reader(f, delimiter=DELIMITERS.get(path.suffix.lower(), ",")), None)
    if not header:
        raise CliError(f"cannot read {path}: it is empty (a header line is needed)", BAD_INPUT)
    return header


def require_column(path: Path, header: Sequence[str], column: str, why: str) -> None:
    if column not in header:
        raise CliError(f"{path} has no {column!r} column ({why}); its columns are: {', '.join(header)}", BAD_INPUT)


def count_rows(path: Path) -> int:
    with reading(path) as f:
        return max(sum(1 for _ in csv.reader(f, delimiter=DELIMITERS.get(path.suffix.lower(), ","))) - 1, 0)


def read_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, record) for each record of a CSV/TSV file (empty cells left out) or a JSON-lines file."""
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        return _jsonl_records(path)
    records: list[tuple[int, dict[str, Any]]] = []
    with reading(path) as f:
        reader = csv.DictReader(f, delimiter=DELIMITERS.get(path.suffix.lower(), ","))
        if not reader.fieldnames:
            raise CliError(f"cannot read {path}: it is empty (a header line is needed)", BAD_INPUT)
        for row in reader:
            extra = row.pop(None, None)
            if extra:
                raise CliError(f"{path} line {reader.line_num}: more cells than the header has columns", BAD_INPUT)
            records.append((reader.line_num, {k: v for k, v in row.items() if v not in (None, "")}))
    return records


def _jsonl_records(path: Path) -> list[tuple[int, dict[str, Any]]]:
    records: list[tuple[int, dict[str, Any]]] = []
    with reading(path) as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CliError(f"{path} line {number} is not JSON: {exc.msg}", BAD_INPUT) from None
            if not isinstance(record, dict):
                raise CliError(f"{path} line {number}: a JSON object is needed, not {type(record).__name__}", BAD_INPUT)
            records.append((number, record))
    return records


@contextlib.contextmanager
def atomic(path: Path) -> Iterator[IO[str]]:
    """Write `path` whole or not at all: a temporary file in the same directory, renamed when the block ends
    without an error, removed when it does not."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            yield f
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_rows(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """Rows as a CSV (TSV for a .tsv path) with the union of their keys as columns, first seen first."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    with atomic(path) as f:
        writer = csv.DictWriter(
            f, list(columns), delimiter=DELIMITERS.get(path.suffix.lower(), ","), lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)


def write_report(path: Path, rows: Sequence[Mapping[str, Any]]) -> None:
    """A per-record report: JSON for .json, JSON lines for .jsonl, else CSV."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        with atomic(path) as f:
            json.dump(list(rows), f, ensure_ascii=False, indent=2)
            f.write("\n")
    elif suffix in {".jsonl", ".ndjson"}:
        with atomic(path) as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        write_rows(path, rows)


def sibling(path: Path, tail: str) -> Path:
    """`leads.csv` → `leads.failures.csv` for tail "failures"."""
    return path.with_name(f"{path.stem}.{tail}{path.suffix or '.csv'}")
