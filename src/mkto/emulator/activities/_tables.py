"""The activities area's own tables: custom activity types. Activities themselves are shared
(`_common.tables.activities`): every area records them."""

from __future__ import annotations

from sqlalchemy import JSON, Column, Integer, String, Table

from mkto.emulator._store import metadata

custom_activity_types = Table(
    "custom_activity_types",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("api_name", String(255), nullable=False, unique=True),
    Column("approved", JSON),  # the live version, or None before the first approval
    Column("draft", JSON),  # the draft version, or None when there is none
    Column("created_at", String(20), nullable=False),
    Column("updated_at", String(20), nullable=False),
)


TABLES = (custom_activity_types,)
