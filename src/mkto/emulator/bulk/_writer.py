"""Extract files written off the request path, by the store's background worker (`_worker.py`).

When the virtual queue finishes a large extract (`_model/_extracts.py`), the call that observed it marks the
job "file pending" (status Completed, no checksum yet: shown as Processing) and hands it to the worker, which
then reads the rows in a snapshot (`Store.snapshot`, no lock any writer waits on) and stores each chunk in
its own short transaction, so other calls keep answering while the file is written. The last transaction
records the size, checksum and record count: from then on the job shows Completed and its file downloads.
A job cancelled or removed (a reset) meanwhile loses its chunks instead. A pending job whose writer died with
the process is handed to the worker again by the next bulk call.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._api import Instance
from mkto.emulator._store import Store
from mkto.emulator.bulk import _files
from mkto.emulator.bulk._model._base import COMPLETED, PROCESSING, QUEUED
from mkto.emulator.bulk._model._sources import source_for
from mkto.emulator.bulk._tables import bulk_exports, export_chunks
from mkto.emulator.bulk._worker import BulkWorker, worker_for

THREAD_NAME = "mkto-bulk-extract-writer"  # the worker's name while it writes a file
COMMIT_WAIT_S = 10.0  # how long the thread waits for the call that handed it a job to commit (PostgreSQL)
_POLL_S = 0.02
YIELD_S = 0.005  # after each chunk: calls waiting for the store (and the GIL) go first


def is_pending(row: Any) -> bool:
    """A job the queue finished whose file is not written yet."""
    return bool(row.status == COMPLETED and row.file_checksum is None)


class ExportWriter:
    """The extract side of a store's background worker (`_worker.py`)."""

    def __init__(self, worker: BulkWorker) -> None:
        self._worker = worker

    def submit(self, export_id: str, instance: Instance | None) -> None:
        """Write this job's file soon (once; a job already queued or being written is left as it is)."""
        self._worker.submit(f"export:{export_id}", THREAD_NAME, lambda store: write_file(store, export_id, instance))

    def wait_idle(self, timeout: float) -> bool:
        """True once every submitted piece of background work is done; False if that takes over `timeout` s."""
        return self._worker.wait_idle(timeout)


def writer_for(store: Store) -> ExportWriter:
    return ExportWriter(worker_for(store))


def resume_exports(db: Connection, instance: Instance | None) -> None:
    """Hand the worker every pending file (one whose writer died with its process; the rest it already has)."""
    store = Store.of(db.engine)
    if store is None:
        return
    t = bulk_exports.c
    pending = db.execute(sa.select(t.id).where(t.status == COMPLETED, t.file_checksum.is_(None))).scalars()
    for export_id in pending.all():
        writer_for(store).submit(str(export_id), instance)


def _job(store: Store, export_id: str) -> Any:
    with store.transaction() as db:
        return db.execute(sa.select(bulk_exports).where(bulk_exports.c.id == export_id)).first()


def write_file(store: Store, export_id: str, instance: Instance | None) -> None:
    """Write one pending job's file in chunks, each in its own transaction, then mark the job Completed."""
    deadline = time.monotonic() + COMMIT_WAIT_S
    row = _job(store, export_id)
    # The call that finished the job has not committed yet (PostgreSQL: the thread reads what was committed,
    # the job's row as it was before that call, Queued or Processing).
    while row is not None and row.status in (QUEUED, PROCESSING) and time.monotonic() < deadline:
        time.sleep(_POLL_S)
        row = _job(store, export_id)
    if row is None or not is_pending(row):
        return
    c = export_chunks.c
    with store.transaction() as db:
        db.execute(export_chunks.delete().where(c.export_id == export_id))  # an interrupted earlier attempt

    def put(seq: int, offset: int, data: bytes) -> None:
        with store.transaction() as db:
            db.execute(export_chunks.insert().values(export_id=export_id, seq=seq, offset=offset, data=data))
        time.sleep(YIELD_S)

    with store.snapshot() as snapshot:
        source = source_for(snapshot, row)
        written = _files.write_export(put, str(row.format), source.header(), source.rows())
    t = bulk_exports.c
    with store.transaction() as db:
        now = db.execute(sa.select(t.status, t.file_checksum).where(t.id == export_id)).first()
        if now is None or not is_pending(now):
            db.execute(export_chunks.delete().where(c.export_id == export_id))  # cancelled or reset meanwhile
            return
        db.execute(
            bulk_exports.update()
            .where(t.id == export_id)
            .values(number_of_records=written.records, file_size=written.size, file_checksum=written.checksum)
        )
    if instance is not None:
        instance.add_export_bytes(dt.datetime.fromtimestamp(float(row.finish_at), dt.UTC), written.size)
