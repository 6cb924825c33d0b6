"""Import rows processed off the request path, by the store's background worker (`_worker.py`).

When the virtual queue finishes a large import (`_model/_imports.py`), the call that observed it marks the job
Pending (shown as Importing) and hands its batch id here. The worker reads the file once, then takes each step
of `_model/_rows.ImportRows` in its own short transaction: one sync of up to 300 records with its progress, so
other calls keep answering between them (and, on SQLite, wait for no more than one batch); the last step
records the outcome, and from then on the job is Complete. A reset removes the job, which ends the work at the
next step. A Pending job whose worker died with its process is handed here again by the next import call, and
goes on from the first line its committed progress does not cover.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._store import Store
from mkto.emulator.bulk._model._base import IMPORT_PENDING, IMPORTING
from mkto.emulator.bulk._model._rows import ImportRows, upload_of
from mkto.emulator.bulk._tables import bulk_imports
from mkto.emulator.bulk._worker import worker_for

THREAD_NAME = "mkto-bulk-import-worker"  # the worker's name while it processes an import
COMMIT_WAIT_S = 10.0  # how long to wait for the call that handed a job over to commit (PostgreSQL)
_POLL_S = 0.02
REST_RATIO = 1.0  # rest after each batch for this much of the time it took
MIN_REST_S, MAX_REST_S = 0.002, 0.1


def submit_import(store: Store, batch_id: int) -> None:
    """Process this Pending job's rows soon (once; a job already queued or running is left as it is)."""
    worker_for(store).submit(f"import:{batch_id}", THREAD_NAME, lambda s: process_import(s, batch_id))


def resume_imports(db: Connection) -> None:
    """Hand the worker every Pending job (one whose worker died with its process; the rest it already has)."""
    store = Store.of(db.engine)
    if store is None:
        return
    t = bulk_imports.c
    for batch_id in db.execute(sa.select(t.id).where(t.status == IMPORT_PENDING)).scalars().all():
        submit_import(store, int(batch_id))


def _job(store: Store, batch_id: int) -> Any:
    with store.transaction() as db:
        return db.execute(sa.select(bulk_imports).where(bulk_imports.c.id == batch_id)).first()


def process_import(store: Store, batch_id: int) -> None:
    """Take every step of one Pending job, each in its own transaction."""
    deadline = time.monotonic() + COMMIT_WAIT_S
    job = _job(store, batch_id)
    while job is not None and job.status == IMPORTING and time.monotonic() < deadline:
        time.sleep(_POLL_S)  # the call that finished the job has not committed yet
        job = _job(store, batch_id)
    if job is None or job.status != IMPORT_PENDING:
        return
    with store.snapshot() as db:
        upload = upload_of(db, job)
    rows = ImportRows(job, upload)
    while True:
        started = time.monotonic()
        with store.transaction() as db:
            more = rows.step(db)
        if not more:
            return
        _between_batches(time.monotonic() - started)


def _between_batches(took_s: float) -> None:
    # Rest as long as the batch took: calls waiting for the store (and the GIL) go first, and the worker
    # holds them for at most half of the time however slow the machine.
    time.sleep(min(max(took_s * REST_RATIO, MIN_REST_S), MAX_REST_S))
