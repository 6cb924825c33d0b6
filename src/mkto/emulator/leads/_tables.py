"""The leads area's own tables: lead partitions (kept on reset), and the Default partition every instance has.
The leads themselves, their custom fields and memberships are shared (`_common.tables`)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table
from sqlalchemy.engine import Connection

from mkto.emulator._store import metadata

DEFAULT_PARTITION_ID = 1
DEFAULT_PARTITION_NAME = "Default"


lead_partitions = Table(
    "lead_partitions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False, unique=True),
    Column("description", String(2000)),
    info={"keep_on_reset": True},
)


def seed_partitions(db: Connection) -> None:
    """The "Default" partition (id 1) every instance has."""
    if db.execute(lead_partitions.select().where(lead_partitions.c.id == DEFAULT_PARTITION_ID)).first() is None:
        db.execute(
            lead_partitions.insert().values(
                id=DEFAULT_PARTITION_ID, name=DEFAULT_PARTITION_NAME, description="Default partition"
            )
        )
