"""Bulk import: the one queue lead and custom object imports share, and the jobs: create, status, and the
failures and warnings files. The rows themselves go through `_rows.py` once the queue finishes a job.

INLINE_ROWS: a job with more data rows has them processed by the store's background worker (`_importer.py`)
after the call that saw it finish has answered; until the worker is done the job shows Importing (its slot on
the queue is free, its finish time the queue's), its list stays held, and its files are 404.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._api import ApiError, ApiUser, Instance
from mkto.emulator._common.tables import static_lists
from mkto.emulator._common.values import show
from mkto.emulator._params import parse_id
from mkto.emulator._store import Store
from mkto.emulator.bulk import _files
from mkto.emulator.bulk._importer import resume_imports, submit_import
from mkto.emulator.bulk._model._base import (
    COMPLETE,
    IMPORT_BASE_S,
    IMPORT_FORMATS,
    IMPORT_PENDING,
    IMPORT_QUEUE_LIMIT,
    IMPORT_ROWS_PER_S,
    IMPORT_SLOTS,
    IMPORT_START_DELAY_S,
    IMPORTING,
    LEADS,
    QUEUED,
    Record,
    to_epoch,
)
from mkto.emulator.bulk._model._rows import SEED_BITS, ImportRows, start_rows, upload_of
from mkto.emulator.bulk._queue import Queue
from mkto.emulator.bulk._tables import bulk_imports, import_files
from mkto.emulator.bulk._writer import resume_exports
from mkto.emulator.lists import lock_list

INLINE_ROWS = 10_000  # a job with more data rows is processed in the background


def _import_duration(_db: Connection, row: Any) -> float:
    return IMPORT_BASE_S + int(row.row_count) / IMPORT_ROWS_PER_S


def _finish_import(db: Connection, row: Any, at: float, rng: random.Random) -> None:
    """The queue finished the job at `at`: its rows are processed now (a small file, up to INLINE_ROWS data
    rows) or by the background worker (a larger one), which the job shows as Importing until it is done."""
    start_rows(db, row, at, rng.getrandbits(SEED_BITS))
    store = Store.of(db.engine)
    if int(row.row_count) > INLINE_ROWS and store is not None:
        submit_import(store, int(row.id))  # it starts once this call commits
        return
    rows = ImportRows(row, upload_of(db, row))  # the queue's row: its finish_at is `at`
    while rows.step(db):
        pass


def import_queue(rng: random.Random | None) -> Queue:
    """The one import queue, shared by lead and custom object imports."""
    generator = rng if rng is not None else random.Random(0)
    return Queue(
        table=bulk_imports, order="id", waiting=QUEUED, running=IMPORTING, slots=IMPORT_SLOTS,
        start_delay_s=IMPORT_START_DELAY_S, duration=_import_duration,
        finish=lambda db, row, at: _finish_import(db, row, at, generator),
    )  # fmt: skip


class Imports:
    """Bulk imports into one object ("leads" or a custom object's API name) at one instant."""

    def __init__(
        self, db: Connection, user: ApiUser, now: dt.datetime, instance: Instance | None, obj: str = LEADS
    ) -> None:
        self.db = db
        self.user = user
        self.now = now
        self.obj = obj
        self.queue = import_queue(instance.rng if instance is not None else None)
        self.queue.advance(db, to_epoch(now))
        resume_imports(db)  # every bulk call hands the worker what a dead process left pending
        resume_exports(db, instance)

    def create(
        self,
        *,
        fmt: str | None,
        data: bytes | None,
        lookup_field: str | None = None,
        partition_name: str | None = None,
        list_id: str | None = None,
    ) -> Record:
        db = self.db
        if fmt is None:
            raise ApiError("1002", "format")
        if fmt.lower() not in IMPORT_FORMATS:
            raise ApiError("1003")
        if data is None:
            raise ApiError("1002", "file")
        _, lines = _files.read_rows(data, fmt.upper())
        if not lines:
            raise ApiError("1003", variant="empty_file")
        target_list = None
        if list_id is not None:
            target_list = parse_id(list_id)
            if target_list is None:
                raise ApiError("1001", show(list_id), "Integer")
            if db.execute(sa.select(static_lists.c.id).where(static_lists.c.id == target_list)).first() is None:
                raise ApiError("1013")
        if self.queue.occupied(db) >= IMPORT_QUEUE_LIMIT:
            raise ApiError("1016", IMPORT_QUEUE_LIMIT)
        if target_list is not None:
            busy = sa.select(bulk_imports.c.id).where(
                bulk_imports.c.list_id == target_list,
                bulk_imports.c.status.in_((QUEUED, IMPORTING, IMPORT_PENDING)),
            )
            if db.execute(busy).first() is not None:
                raise ApiError("1019")
        inserted = db.execute(
            bulk_imports.insert().values(
                object=self.obj, client_id=self.user.client_id,
                partitions=sorted(self.user.partitions) if self.user.partitions is not None else None,
                format=fmt.lower(), lookup_field=lookup_field or "email", partition_name=partition_name,
                list_id=target_list, file=b"", row_count=len(lines), status=QUEUED, queued_at=to_epoch(self.now),
                imported=0, failed=0, warned=0,
            )
        ).inserted_primary_key  # fmt: skip
        assert inserted is not None
        batch_id = int(inserted[0])
        db.execute(import_files.insert().values(import_id=batch_id, data=data))
        if target_list is not None:
            lock_list(db, target_list, f"import:{batch_id}")  # the list cannot be deleted while imported to (1022)
        if self.obj != LEADS:
            return {"batchId": batch_id, "status": QUEUED, "objectApiName": self.obj}
        return {"batchId": batch_id, "importId": str(batch_id), "status": QUEUED}

    def _row(self, batch_id: int) -> Any:
        t = bulk_imports.c
        return self.db.execute(sa.select(bulk_imports).where(t.id == batch_id, t.object == self.obj)).first()

    def status(self, batch_id: int) -> Record:
        row = self._row(batch_id)
        if row is None:
            raise ApiError("1013")
        status = IMPORTING if row.status == IMPORT_PENDING else row.status
        if self.obj == LEADS:
            out: Record = {"batchId": row.id, "importId": str(row.id), "status": status}
        else:
            out = {"batchId": row.id, "operation": "import", "status": status, "objectApiName": self.obj}
        if status != COMPLETE:
            return out
        imported, failed = int(row.imported), int(row.failed)
        processed = "numOfLeadsProcessed" if self.obj == LEADS else "numOfObjectsProcessed"
        out.update({processed: imported, "numOfRowsFailed": failed, "numOfRowsWithWarning": int(row.warned)})
        if self.obj != LEADS:
            out["importTime"] = f"{round(float(row.finish_at) - float(row.started_at))} second(s)"
        if failed:
            out["message"] = (
                f"Import completed with errors, {imported} records imported ({imported} members), {failed} failed"
            )
        else:
            out["message"] = f"Import succeeded, {imported} records imported ({imported} members)"
        return out

    def file(self, batch_id: int, which: str) -> tuple[bytes, str] | None:
        """The failures or warnings file and the job's format; None when there is none (yet)."""
        row = self._row(batch_id)
        if row is None or row.status != COMPLETE:
            return None
        data = row.failures if which == "failures" else row.warnings
        return (bytes(data), str(row.format).upper()) if data is not None else None
