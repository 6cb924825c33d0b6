"""Keyset paging: id-ordered page queries that hand out `paging` tokens. A page is read as the rows whose key
is above the token's, in key order, one more than the batch to learn whether another page follows; inserts
between calls never shift a page.

    after = keyset.start(token, "lists", scope)                    # 0 without a token; 1001 for a bad one
    rows, more = keyset.fetch(db, query, table.c.id, after, batch_size)
    next_token = keyset.next_token("lists", rows, more, scope)     # None on the last page
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator._common import paging


def start(token: str | None, kind: str, scope: str | None = "") -> int:
    """The key a page resumes after: 0 for the first page, the token's key otherwise (1001 for a bad token)."""
    return paging.decode(token, kind, scope) if token else 0


def fetch(db: Connection, query: Any, key: Any, after: int, batch_size: int) -> tuple[Sequence[Any], bool]:
    """One page of `query`: the first `batch_size` rows with `key` above `after`, and whether more follow."""
    rows = db.execute(query.where(key > after).order_by(key).limit(batch_size + 1)).all()
    return rows[:batch_size], len(rows) > batch_size


def next_token(kind: str, rows: Sequence[Any], more: bool, scope: str | None = "", *, key: str = "id") -> str | None:
    """The token of the page after `rows` (their last row's `key`), or None when no page follows."""
    return paging.encode(kind, int(getattr(rows[-1], key)), scope) if more else None
