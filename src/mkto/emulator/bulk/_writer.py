"""Extract files written off the request path: one background thread per store, a queue of export ids.

When the virtual queue finishes a large extract (`_model/_extracts.py`), the call that observed it marks the
job "file pending" (status Completed, no checksum yet: shown as Processing) and hands its id here; the thread
then reads the rows in a snapshot (`Store.snapshot`, no lock any writer waits on) and stores each chunk in
its own short transaction, so other calls keep answering while the file is written. The last transaction
records the size, checksum and record count: from then on the job shows Completed and its file downloads.
A job cancelled or removed (a reset) meanwhile loses its chunks instead. The thread ends when the queue is
empty; a pending job whose writer died with the process is handed here again by the next bulk call.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import threading
import time
import weakref
from typing import Any

import sqlalchemy as sa

from mkto.emulator._api import Instance
from mkto.emulator._store import Store
from mkto.emulator.bulk import _files
from mkto.emulator.bulk._model._base import COMPLETED, PROCESSING
from mkto.emulator.bulk._model._sources import source_for
from mkto.emulator.bulk._tables import bulk_exports, export_chunks

log = logging.getLogger("mkto.emulator.bulk")

COMMIT_WAIT_S = 10.0  # how long the thread waits for the call that handed it a job to commit (PostgreSQL)
_POLL_S = 0.02
YIELD_S = 0.005  # after each chunk: calls waiting for the store (and the GIL) go first


def is_pending(row: Any) -> bool:
    """A job the queue finished whose file is not written yet."""
    return bool(row.status == COMPLETED and row.file_checksum is None)


class ExportWriter:
    """The background writer of one store's extract files."""

    def __init__(self, store: Store) -> None:
        self._store = weakref.ref(store)
        self._lock = threading.Lock()
        self._queue: collections.deque[tuple[str, Instance | None]] = collections.deque()
        self._busy: set[str] = set()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def submit(self, export_id: str, instance: Instance | None) -> None:
        """Write this job's file soon (once; a job already queued or being written is left as it is)."""
        with self._lock:
            if export_id in self._busy:
                return
            self._busy.add(export_id)
            self._queue.append((export_id, instance))
            self._idle.clear()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="mkto-bulk-extract-writer", daemon=True)
                self._thread.start()

    def wait_idle(self, timeout: float) -> bool:
        """True once every submitted file is written (or dropped); False if that takes over `timeout` s."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._queue:
                    self._thread = None
                    self._idle.set()
                    return
                export_id, instance = self._queue.popleft()
            try:
                store = self._store()
                if store is not None:
                    write_file(store, export_id, instance)
            except Exception:
                log.exception("writing the file of bulk extract %s failed", export_id)
            finally:
                with self._lock:
                    self._busy.discard(export_id)


_WRITERS: weakref.WeakKeyDictionary[Store, ExportWriter] = weakref.WeakKeyDictionary()
_WRITERS_LOCK = threading.Lock()


def writer_for(store: Store) -> ExportWriter:
    with _WRITERS_LOCK:
        writer = _WRITERS.get(store)
        if writer is None:
            writer = _WRITERS[store] = ExportWriter(store)
        return writer


def _job(store: Store, export_id: str) -> Any:
    with store.transaction() as db:
        return db.execute(sa.select(bulk_exports).where(bulk_exports.c.id == export_id)).first()


def write_file(store: Store, export_id: str, instance: Instance | None) -> None:
    """Write one pending job's file in chunks, each in its own transaction, then mark the job Completed."""
    deadline = time.monotonic() + COMMIT_WAIT_S
    row = _job(store, export_id)
    while row is not None and row.status == PROCESSING and time.monotonic() < deadline:
        time.sleep(_POLL_S)  # the call that finished the job has not committed yet
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
