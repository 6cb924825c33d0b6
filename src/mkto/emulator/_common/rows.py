"""Rows read and written straight through the database driver: the hot paths (Get Lead by Id, the lookups and
inserts of a sync) skip SQLAlchemy's statement and result machinery, which costs ten times what SQLite does.

    row = by_key(db, leads, "id", 42)    # None, or a tuple with the columns as attributes: row.id, row.data
    insert_rows(db, "INSERT INTO t (a, b) VALUES ", 2, [(1, "x"), (2, "y")])    # SQLite: multi-row VALUES

The SQL is built once per table, column and dialect; JSON columns are decoded and SQLite's 0/1 booleans become
bools, so a row reads as SQLAlchemy's would. Tables with other column types are refused when first read.
"""

from __future__ import annotations

import collections
import itertools
import json
import re
import sqlite3
from collections.abc import Sequence
from typing import Any, NamedTuple

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

_PLAIN = (sa.Integer, sa.String, sa.Text)


class _Reader(NamedTuple):
    sql: str
    row: Any  # the namedtuple class of the table's rows
    json_at: tuple[int, ...]  # positions to decode from JSON text (SQLite)
    bool_at: tuple[int, ...]  # positions to turn from 0/1 into bools (SQLite)


_READERS: dict[tuple[str, str, str], _Reader] = {}


def _reader(table: sa.Table, column: str, dialect: str) -> _Reader:
    key = (table.name, column, dialect)
    reader = _READERS.get(key)
    if reader is None:
        columns = list(table.c)
        for c in columns:
            if not isinstance(c.type, (*_PLAIN, sa.JSON, sa.Boolean)):
                raise TypeError(f"{table.name}.{c.name}: {c.type!r} is not read by rows.by_key")
        sqlite = dialect == "sqlite"
        names = ", ".join(f'"{c.name}"' for c in columns)
        mark = "?" if sqlite else "%s"
        reader = _Reader(
            sql=f'SELECT {names} FROM "{table.name}" WHERE "{column}" = {mark}',
            row=collections.namedtuple(f"{table.name}_row", [c.name for c in columns]),
            json_at=tuple(i for i, c in enumerate(columns) if sqlite and isinstance(c.type, sa.JSON)),
            bool_at=tuple(i for i, c in enumerate(columns) if sqlite and isinstance(c.type, sa.Boolean)),
        )
        _READERS[key] = reader
    return reader


# orjson reads an integer past 64 bits as a float; a run of this many digits goes to json, which keeps it exact.
_LONG_DIGITS = re.compile(r"\d{19}")
# In bytes, found by turning every digit into 0 and looking for 19 zeros: the regex tries a match at every digit,
# which on a 300-record body costs four times what orjson does.
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_NINETEEN_ZEROS = b"0" * 19


def decode(text: str | bytes) -> Any:
    """A JSON value (stored text, or a request body's bytes): orjson (a third of json's time); json for what
    orjson refuses (NaN, a lone surrogate, a byte order mark, UTF-16) or would read differently (a huge integer).
    Raises ValueError (or UnicodeDecodeError) as json.loads does."""
    if isinstance(text, str):
        long_digits = _LONG_DIGITS.search(text) is not None
    else:
        long_digits = _NINETEEN_ZEROS in text.translate(_DIGITS_AS_ZERO)
    if not long_digits:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def encode(value: Any) -> str:
    """The JSON text a JSON column stores for `value`, as `decode` reads it back: orjson (a fifth of json's
    time); json for what orjson refuses (integers past 64 bits, keys that are not strings, a lone surrogate)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value)


def by_key(db: Connection, table: sa.Table, column: str, value: Any) -> Any:
    """The row of `table` whose `column` equals `value` (the first, if the column is not unique), or None."""
    dialect = db.dialect.name
    reader = _READERS.get((table.name, column, dialect)) or _reader(table, column, dialect)
    driver = db.connection.driver_connection
    assert driver is not None
    found = driver.execute(reader.sql, (value,)).fetchone()
    if found is None:
        return None
    if reader.json_at or reader.bool_at:
        values = list(found)
        for i in reader.json_at:
            text = values[i]
            if text is not None:
                values[i] = decode(text)
        for i in reader.bool_at:
            if values[i] is not None:
                values[i] = bool(values[i])
        found = values
    return _new_tuple(reader.row, found)  # the namedtuple without its Python-level __new__


_new_tuple = tuple.__new__


def insert_rows(db: Connection, prefix: str, width: int, rows: Sequence[tuple[Any, ...]]) -> None:
    """On SQLite, insert `rows` (each `width` values, in `prefix`'s column order) in as few statements as SQLite's
    parameter limit allows, in order: `prefix` is the statement up to VALUES, as "INSERT INTO t (a, b) VALUES ".

    One statement of many rows costs SQLite 40 % of what as many one-row executions do (executemany): each
    execution opens the table's and every index's cursors again and, under AUTOINCREMENT, reads and writes
    sqlite_sequence again. The rows are numbered as one row at a time would number them."""
    if not rows:
        return
    driver = db.connection.driver_connection
    assert driver is not None
    per_statement = max(1, min(_MAX_ROWS, driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    one = "(" + ", ".join("?" * width) + ")"
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        driver.execute(prefix + ", ".join([one] * len(chunk)), list(itertools.chain.from_iterable(chunk)))


_MAX_ROWS = 500  # rows per statement at most: longer statements cost more to prepare than they save


__all__ = ["by_key", "decode", "encode", "insert_rows"]
