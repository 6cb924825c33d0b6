"""The assets area's own tables: the Asset API details of folders and programs (the `folders` and `programs`
rows are shared, `_common.tables`)."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Integer, String, Table

from mkto.emulator._store import metadata

# Asset API details of a `folders` row (the lists area's table): its type and flags. A folder without a row here
# is a plain, non-system "Marketing Folder" whose parent (if any) is a folder. A program is also a folder, of
# type "Program": its place in the tree and approval state live in `program_details`, keyed by the program id.
folder_details = Table(
    "folder_details",
    metadata,
    Column("folder_id", Integer, primary_key=True, autoincrement=False),
    Column("folder_type", String(64), nullable=False),  # Marketing Folder, Email, List, ...
    Column("description", String(2000)),
    Column("parent_kind", String(16)),  # Folder | Program
    Column("is_system", Boolean, nullable=False, default=False),
    Column("is_archive", Boolean, nullable=False, default=False),
)


program_details = Table(
    "program_details",
    metadata,
    Column("program_id", Integer, primary_key=True, autoincrement=False),
    Column("folder_id", Integer, nullable=False),
    Column("status", String(16), nullable=False, default=""),  # locked | unlocked | "" (no approval state)
    Column("clonable", Boolean, nullable=False, default=True),  # False: holds assets Clone Program refuses (709)
    Column("tags", JSON, nullable=False),
    Column("costs", JSON, nullable=False),
)
