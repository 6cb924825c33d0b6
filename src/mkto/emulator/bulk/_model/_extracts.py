"""Bulk extract jobs: create, enqueue, status, cancel and list, on the export queue that writes the files.

A job's file is written when the queue finishes it: by the call that observes the end for a small job (up to
INLINE_RECORDS records, a few milliseconds), by the background writer (`_writer.py`) for a larger one, so no
call waits behind a large file. Until that writer is done the job is "file pending": Completed on the virtual
queue (its slot is free), shown as Processing, its file not there yet (404).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._api import ApiError, ApiUser, Instance
from mkto.emulator._common.tables import static_lists
from mkto.emulator._store import Store
from mkto.emulator.bulk import _files
from mkto.emulator.bulk._importer import resume_imports
from mkto.emulator.bulk._model._base import (
    ACTIVITIES,
    CANCELLED,
    COMPLETED,
    CREATED,
    CUSTOM_OBJECTS,
    EXPORT_BASE_S,
    EXPORT_QUEUE_LIMIT,
    EXPORT_RECORDS_PER_S,
    EXPORT_SLOTS,
    EXPORT_START_DELAY_S,
    PROCESSING,
    PROGRAM_MEMBERS,
    QUEUED,
    Record,
    from_epoch,
    to_epoch,
    unsupported_filters,
)
from mkto.emulator.bulk._model._quota import check_quota
from mkto.emulator.bulk._model._sources import source_for
from mkto.emulator.bulk._model._validate import (
    validate_activity_export,
    validate_lead_export,
    validate_member_export,
    validate_object_export,
)
from mkto.emulator.bulk._queue import Queue
from mkto.emulator.bulk._tables import bulk_exports, export_chunks
from mkto.emulator.bulk._writer import is_pending, resume_exports, writer_for
from mkto.emulator.lists import lock_list, unlock_list

INLINE_RECORDS = 10_000  # a job with more records has its file written in the background


def _export_queue(instance: Instance | None) -> Queue:
    def duration(db: Connection, row: Any) -> float:
        count = source_for(db, row).count()
        # Kept for the finish (shown only once Completed, when the file's own count replaces it).
        db.execute(bulk_exports.update().where(bulk_exports.c.id == row.id).values(number_of_records=count))
        return EXPORT_BASE_S + count / EXPORT_RECORDS_PER_S

    def finish(db: Connection, row: Any, at: float) -> None:
        _hold_lists(db, row, hold=False)
        source = source_for(db, row)
        db.execute(export_chunks.delete().where(export_chunks.c.export_id == row.id))
        count = row.number_of_records if row.number_of_records is not None else source.count()
        store = Store.of(db.engine)
        if count > INLINE_RECORDS and store is not None:
            db.execute(
                bulk_exports.update()
                .where(bulk_exports.c.id == row.id)
                .values(status=COMPLETED, finish_at=at, file_size=None, file_checksum=None)
            )
            writer_for(store).submit(str(row.id), instance)  # it starts once this call commits
            return
        put = _files.chunk_writer(db, str(row.id))
        written = _files.write_export(put, str(row.format), source.header(), source.rows())
        db.execute(
            bulk_exports.update()
            .where(bulk_exports.c.id == row.id)
            .values(
                status=COMPLETED, finish_at=at, number_of_records=written.records, file_size=written.size,
                file_checksum=written.checksum,
            )
        )  # fmt: skip
        if instance is not None:
            instance.add_export_bytes(dt.datetime.fromtimestamp(at, dt.UTC), written.size)

    return Queue(
        table=bulk_exports, order="seq", waiting=QUEUED, running=PROCESSING, slots=EXPORT_SLOTS,
        start_delay_s=EXPORT_START_DELAY_S, duration=duration, finish=finish,
    )  # fmt: skip


def _hold_lists(db: Connection, row: Any, *, hold: bool) -> None:
    """A static list an extract filters on cannot be deleted (1022) while the job is queued or processing."""
    flt = row.spec.get("filter", {})
    if "staticListId" in flt:
        ids = [int(flt["staticListId"])]
    elif "staticListName" in flt:
        ids = [
            int(i)
            for i in db.execute(
                sa.select(static_lists.c.id).where(static_lists.c.name == flt["staticListName"])
            ).scalars()
        ]
    else:
        return
    for list_id in ids:
        (lock_list if hold else unlock_list)(db, list_id, f"export:{row.id}")


def export_status_record(row: Any) -> Record:
    """A job as the status, enqueue, cancel and list calls show it (recorded key order)."""
    status = PROCESSING if is_pending(row) else row.status
    out: Record = {"exportId": row.id, "format": row.format, "status": status, "createdAt": from_epoch(row.created_at)}
    if row.queued_at is not None:
        out["queuedAt"] = from_epoch(row.queued_at)
    if row.started_at is not None:
        out["startedAt"] = from_epoch(row.started_at)
    if status == COMPLETED:
        out["finishedAt"] = from_epoch(row.finish_at)
        out["numberOfRecords"] = row.number_of_records
        out["fileSize"] = row.file_size
        out["fileChecksum"] = row.file_checksum
    return out


class Extracts:
    """The bulk extract jobs of one kind ("leads") as one API user sees them at one instant."""

    def __init__(self, db: Connection, user: ApiUser, now: dt.datetime, instance: Instance | None, kind: str) -> None:
        self.db = db
        self.user = user
        self.now = now
        self.instance = instance
        self.kind = kind
        self.queue = _export_queue(instance)
        self.queue.advance(db, to_epoch(now))
        resume_exports(db, instance)  # every bulk call hands the worker what a dead process left pending
        resume_imports(db)

    def _job(self, export_id: str) -> Any:
        t = bulk_exports.c
        return self.db.execute(
            sa.select(bulk_exports).where(t.id == export_id, t.object == self.kind, t.client_id == self.user.client_id)
        ).first()

    def _existing(self, export_id: str) -> Any:
        row = self._job(export_id)
        if row is None:
            raise ApiError("1013")
        return row

    def create(self, body: Any, settings: Mapping[str, Any]) -> Record:
        check_quota(self.instance, self.now)
        if self.kind.startswith(CUSTOM_OBJECTS):
            spec, fmt = validate_object_export(self.db, body, unsupported_filters(settings), self.kind)
        else:
            validate = {PROGRAM_MEMBERS: validate_member_export, ACTIVITIES: validate_activity_export}.get(
                self.kind, validate_lead_export
            )
            spec, fmt = validate(self.db, body, unsupported_filters(settings))
        t = bulk_exports.c
        seq = int(self.db.execute(sa.select(sa.func.coalesce(sa.func.max(t.seq), 0))).scalar_one()) + 1
        rng = self.instance.rng if self.instance is not None else None
        export_id = str(uuid.UUID(int=rng.getrandbits(128), version=4) if rng is not None else uuid.uuid4())
        self.db.execute(
            bulk_exports.insert().values(
                id=export_id, seq=seq, object=self.kind, client_id=self.user.client_id, format=fmt, spec=spec,
                status=CREATED, created_at=to_epoch(self.now),
            )
        )  # fmt: skip
        return export_status_record(self._existing(export_id))

    def enqueue(self, export_id: str) -> Record:
        row = self._existing(export_id)
        if row.status in (QUEUED, PROCESSING) or is_pending(row):
            raise ApiError("1029", variant="job_already_queued")
        if row.status != CREATED:
            raise ApiError("1003")
        check_quota(self.instance, self.now)
        if self.queue.occupied(self.db) >= EXPORT_QUEUE_LIMIT:
            raise ApiError("1029")
        self.db.execute(
            bulk_exports.update().where(bulk_exports.c.id == row.id).values(status=QUEUED, queued_at=to_epoch(self.now))
        )
        _hold_lists(self.db, row, hold=True)
        self.queue.advance(self.db, to_epoch(self.now))
        return export_status_record(self._existing(export_id))

    def status(self, export_id: str) -> Record:
        return export_status_record(self._existing(export_id))

    def cancel(self, export_id: str) -> Record:
        row = self._existing(export_id)
        if row.status in (CREATED, QUEUED, PROCESSING) or is_pending(row):  # the writer drops a cancelled file
            self.db.execute(
                bulk_exports.update().where(bulk_exports.c.id == row.id).values(status=CANCELLED, finish_at=None)
            )
            _hold_lists(self.db, row, hold=False)
            if row.status == PROCESSING:
                self.queue.advance(self.db, to_epoch(self.now), freed_at=to_epoch(self.now))
        return export_status_record(self._existing(export_id))

    def completed(self, export_id: str) -> Any:
        """The job when its file can be downloaded, else None."""
        row = self._job(export_id)
        return row if row is not None and row.status == COMPLETED and not is_pending(row) else None

    def list(self, statuses: Sequence[str], batch_size: int, after: int) -> tuple[list[Record], int | None]:
        t = bulk_exports.c
        since = to_epoch(self.now) - 7 * 86_400  # "all jobs from the past seven days"
        query = sa.select(bulk_exports).where(
            t.object == self.kind, t.client_id == self.user.client_id, t.created_at >= since, t.seq > after
        )
        if statuses:
            wanted = {("Cancelled" if s == "Canceled" else s) for s in statuses}
            pending = sa.and_(t.status == COMPLETED, t.file_checksum.is_(None))
            shown: list[sa.ColumnElement[bool]] = [t.status.in_(sorted(wanted - {COMPLETED}))]
            if COMPLETED in wanted:
                shown.append(sa.and_(t.status == COMPLETED, t.file_checksum.is_not(None)))
            if PROCESSING in wanted:
                shown.append(pending)  # shown as Processing
            query = query.where(sa.or_(*shown))
        rows = self.db.execute(query.order_by(t.seq).limit(batch_size + 1)).all()
        more = len(rows) > batch_size
        rows = rows[:batch_size]
        return [export_status_record(r) for r in rows], (int(rows[-1].seq) if more else None)
