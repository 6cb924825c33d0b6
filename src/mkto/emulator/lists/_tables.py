"""The lists area's own tables: the locks a bulk job holds on a static list (delete answers 1022 meanwhile).
Static lists, their members and folders are shared (`_common.tables`)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, UniqueConstraint
from sqlalchemy.engine import Connection

from mkto.emulator._store import metadata

# A static list an import or export is using cannot be deleted (1022). The bulk area holds a lock while its
# job runs: `lock_list(db, list_id, "import:17")`, then `unlock_list(db, list_id, "import:17")`.
list_locks = Table(
    "list_locks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_id", Integer, nullable=False, index=True),
    Column("holder", String(255), nullable=False),
    UniqueConstraint("list_id", "holder"),
    sqlite_autoincrement=True,
)


def lock_list(db: Connection, list_id: int, holder: str) -> None:
    """Mark a static list as used by `holder` (an import or export job) so it cannot be deleted."""
    exists = db.execute(
        list_locks.select().where(list_locks.c.list_id == list_id, list_locks.c.holder == holder)
    ).first()
    if exists is None:
        db.execute(list_locks.insert().values(list_id=list_id, holder=holder))


def unlock_list(db: Connection, list_id: int, holder: str) -> None:
    db.execute(list_locks.delete().where(list_locks.c.list_id == list_id, list_locks.c.holder == holder))


def list_in_use(db: Connection, list_id: int) -> bool:
    """True while an import or export holds the list (delete answers 1022)."""
    return db.execute(list_locks.select().where(list_locks.c.list_id == list_id).limit(1)).first() is not None
