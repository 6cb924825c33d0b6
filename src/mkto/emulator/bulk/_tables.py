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
    Column("file", LargeBinary, nullable=False),  # b"": the upload is in bulk_import_files (see there)
    Column("row_count", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # Queued, Importing, Pending (shown as Importing), Complete
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

# An import's uploaded file, in a table of its own: SQLite rewrites a whole row, blob included, on every
# update, and a job's row is updated as it moves through the queue. Removed once the job is Complete.
import_files = Table(
    "bulk_import_files",
    metadata,
    Column("import_id", Integer, primary_key=True),
    Column("data", LargeBinary, nullable=False),
)

# An import the queue finished whose rows are being processed (status Pending): how far it got, and the
# failed and warned rows so far, each batch of rows committed with its own progress.
import_progress = Table(
    "bulk_import_progress",
    metadata,
    Column("import_id", Integer, primary_key=True),
    Column("seed", BigInteger, nullable=False),  # the job's random numbers (custom object GUIDs), drawn at finish
    Column("next_line", Integer, nullable=False),  # the first data line not processed yet
    Column("imported", Integer, nullable=False),
)

import_reasons = Table(
    "bulk_import_reasons",
    metadata,
    Column("import_id", Integer, primary_key=True),
    Column("kind", String(8), primary_key=True),  # "failures" or "warnings": the file the row goes to
    Column("line", Integer, primary_key=True, autoincrement=False),  # the data line's number in the file
    Column("cells", JSON, nullable=False),  # the row as written, then its reason
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

TABLES = (bulk_imports, import_files, import_progress, import_reasons, bulk_exports, export_chunks)
