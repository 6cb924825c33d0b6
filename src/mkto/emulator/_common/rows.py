"""One row by its key, read straight through the database driver: the hot reads (Get Lead by Id, the lookups
of a sync) skip SQLAlchemy's statement and result machinery, which costs ten times what SQLite does.

    row = by_key(db, leads, "id", 42)    # None, or a tuple with the columns as attributes: row.id, row.data

The SQL is built once per table, column and dialect; JSON columns are decoded and SQLite's 0/1 booleans become
bools, so a row reads as SQLAlchemy's would. Tables with other column types are refused when first read.
"""

from __future__ import annotations

import collections
import json
import re
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


def decode(text: str) -> Any:
    """A stored JSON value: orjson (a third of json's time); json for what orjson refuses (NaN, a lone surrogate)
    or would read differently (a huge integer)."""
    if _LONG_DIGITS.search(text) is None:
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


__all__ = ["by_key", "decode", "encode"]
