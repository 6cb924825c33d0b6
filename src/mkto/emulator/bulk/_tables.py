"""Bulk jobs: imports (with their uploaded file), extracts, and the extract files in chunks. Times are epoch
seconds on the virtual clock, so the queue can be replayed exactly; they are rendered as Marketo timestamps
only on the way out.
"""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Column, Float, Integer, LargeBinary, String, Table

from mkto.emulator._store import metadata

bulk_imports = Table(
    "bulk_imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the batchId
    Column("object", String(255), nullable=False),  # "leads" or a custom object's API name
    Column("client_id", String(64), nullable=False),
    Column("partitions", JSON),  # the creating user's partitions (None: all), for processing later
    Column("format", String(8), nullable=False),
    Column("lookup_field", String(255), nullable=False),
    Column("partition_name", String(255)),
    Column("list_id", Integer),
    Column("file", LargeBinary, nullable=False),
    Column("row_count", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # Queued, Importing, Complete, Failed
    Column("queued_at", Float, nullable=False),
    Column("started_at", Float),
    Column("finish_at", Float),
    Column("imported", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("warned", Integer, nullable=False, default=0),
    Column("failures", LargeBinary),
    Column("warnings", LargeBinary),
    sqlite_autoincrement=True,
)

bulk_exports = Table(
    "bulk_exports",
    metadata,
    Column("id", String(36), primary_key=True),  # the exportId
    Column("seq", Integer, nullable=False, index=True),  # creation order: the queue is first in, first out
    Column("object", String(300), nullable=False),  # "leads", "program/members", ...
    Column("client_id", String(64), nullable=False),
    Column("format", String(8), nullable=False),
    Column("spec", JSON, nullable=False),  # fields, columnHeaderNames, filter as validated
    Column("status", String(16), nullable=False),  # Created, Queued, Processing, Completed, Cancelled, Failed
    Column("created_at", Float, nullable=False),
    Column("queued_at", Float),
    Column("started_at", Float),
    Column("finish_at", Float),
    Column("number_of_records", Integer),
    Column("file_size", BigInteger),
    Column("file_checksum", String(80)),
)

export_chunks = Table(
    "bulk_export_chunks",
    metadata,
    Column("export_id", String(36), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("offset", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

TABLES = (bulk_imports, bulk_exports, export_chunks)
