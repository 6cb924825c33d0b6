"""The CRM area's own tables: named account list membership. The records are dedupe object records
(`_common.tables.object_records`)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table

from mkto.emulator._store import metadata

_TS = 20  # len("2021-11-23T22:57:18Z")

# Named account list membership: which named accounts (object_records ids) each list (object_records id) holds.
named_account_list_members = Table(
    "named_account_list_members",
    metadata,
    Column("list_id", Integer, primary_key=True, autoincrement=False),
    Column("account_id", Integer, primary_key=True, autoincrement=False),
    Column("created_at", String(_TS), nullable=False),
)
