"""An import job's rows, a batch at a time, through the leads model or the custom objects model.

When the queue finishes an import, `start_rows` marks the job Pending (shown as Importing) and records its
progress (`bulk_import_progress`). Then `ImportRows(job).step(db)` does the next piece of work: one batch
(the data lines up to LEADS_PER_SYNC records to sync, one sync, the failed and warned rows kept in
`bulk_import_reasons`, the progress moved on), or, once no line is left, the outcome (counts, failures and
warnings files, status Complete). A small job takes every step inside the call that saw it finish; a large one
takes each step in its own transaction on the background worker (`bulk/_importer.py`). The batches are the
same either way, each one's random numbers come from the job's seed and its first line, and progress is
committed with the rows it covers: the outcome is the same for the same file, whichever path (or how many
restarts) it took.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator import customobjects as co
from mkto.emulator._api import ApiError, ApiUser, skipped
from mkto.emulator._common.objects.model import Objects
from mkto.emulator._common.schema import Schema
from mkto.emulator._common.tables import list_members
from mkto.emulator._common.values import InvalidValue, coerce, format_datetime, show
from mkto.emulator.bulk import _files
from mkto.emulator.bulk._model._base import (
    COMPLETE,
    FAILURE_COLUMN,
    IMPORT_PENDING,
    LEADS,
    LEADS_PER_SYNC,
    WARNING_COLUMN,
    Record,
)
from mkto.emulator.bulk._tables import bulk_imports, import_files, import_progress, import_reasons
from mkto.emulator.leads import LeadDatabase
from mkto.emulator.lists import unlock_list

FAILURES, WARNINGS = "failures", "warnings"
SEED_BITS = 63  # fits a signed BIGINT


def start_rows(db: Connection, job: Any, at: float, seed: int) -> None:
    """The queue finished `job` at `at`: from now on it is Pending until its rows are processed."""
    db.execute(bulk_imports.update().where(bulk_imports.c.id == job.id).values(status=IMPORT_PENDING, finish_at=at))
    db.execute(import_progress.delete().where(import_progress.c.import_id == job.id))
    db.execute(import_reasons.delete().where(import_reasons.c.import_id == job.id))
    db.execute(import_progress.insert().values(import_id=job.id, seed=seed, next_line=0, imported=0))


def upload_of(db: Connection, job: Any) -> bytes:
    """The job's uploaded file (a job queued before uploads had their own table keeps it in its row)."""
    f = import_files.c
    data = db.execute(sa.select(f.data).where(f.import_id == job.id)).scalar()
    return bytes(data) if data is not None else bytes(job.file)


def _import_user(job: Any) -> ApiUser:
    partitions = frozenset(job.partitions) if isinstance(job.partitions, list) else None
    return ApiUser(client_id=job.client_id, client_secret="", partitions=partitions)


Reason = tuple[str, int, list[str]]  # (file, line number, row and reason)
Prepared = tuple[int, list[str], Record, str | None]  # (line number, row, record to sync, its warning)


class ImportRows:
    """One Pending import job's data lines: call `step(db)` until it answers False."""

    def __init__(self, job: Any, upload: bytes) -> None:
        self.job = job
        self.fmt = str(job.format).upper()
        self.at = dt.datetime.fromtimestamp(float(job.finish_at), dt.UTC)
        self._upload = upload
        self._rewind()
        self.header: list[str] = next(self._lines, [])

    def _rewind(self) -> None:
        self._lines = _files.iter_rows(self._upload, self.fmt)  # read as the batches need them, not all at once
        self._next: tuple[int, list[str]] | None = None  # the line read last and its number
        self._read = -1  # the header is line -1

    def _line(self, number: int) -> list[str] | None:
        """Data line `number`, or None past the end. Lines are asked for in order (a resumed job skips those
        done), so each is parsed once."""
        if self._next is not None and self._next[0] > number:
            self._rewind()
        while self._next is None or self._next[0] < number:
            line = next(self._lines, None)
            if line is None:
                return None
            self._read += 1
            self._next = (self._read, line)
        return self._next[1]

    def step(self, db: Connection) -> bool:
        """The next batch, or the outcome once no line is left; False when nothing is left to do (the job is
        complete, or it is gone: a reset)."""
        progress = self._progress(db)
        if progress is None:
            return False
        if self._line(int(progress.next_line)) is None:
            self._complete(db, int(progress.imported))
            return False
        self._batch(db, int(progress.next_line), int(progress.seed))
        return True

    def _progress(self, db: Connection) -> Any:
        t = bulk_imports.c
        # PostgreSQL: the row lock orders this step and a reset's DELETE; SQLite serializes writers anyway.
        job = db.execute(sa.select(t.status).where(t.id == self.job.id).with_for_update()).first()
        if job is None or job.status != IMPORT_PENDING:
            return None
        p = import_progress.c
        return db.execute(sa.select(import_progress).where(p.import_id == self.job.id)).first()

    def _batch(self, db: Connection, start: int, seed: int) -> None:
        sync = _sync_for(db, self.job, self.at, random.Random(f"{seed}:{start}"))
        reasons: list[Reason] = []
        batch: list[Prepared] = []
        number = start
        while len(batch) < LEADS_PER_SYNC and (line := self._line(number)) is not None:
            if len(line) != len(self.header):
                reasons.append((FAILURES, number, [*line, ApiError("1003").message]))
            else:
                record: Record = {name: value for name, value in zip(self.header, line, strict=True) if value != ""}
                failure = sync.failure(record)
                if failure is not None:
                    reasons.append((FAILURES, number, [*line, failure]))
                else:
                    batch.append((number, line, record, sync.warning(record)))
            number += 1
        imported = sync.run(batch, reasons) if batch else 0
        if reasons:
            db.execute(
                import_reasons.insert(),
                [{"import_id": self.job.id, "kind": kind, "line": n, "cells": cells} for kind, n, cells in reasons],
            )
        p = import_progress.c
        db.execute(
            import_progress.update()
            .where(p.import_id == self.job.id)
            .values(next_line=number, imported=p.imported + imported)
        )

    def _complete(self, db: Connection, imported: int) -> None:
        job = self.job
        failures, warnings = self._reasons(db, FAILURES), self._reasons(db, WARNINGS)
        if job.list_id is not None:
            unlock_list(db, int(job.list_id), f"import:{job.id}")
        db.execute(
            bulk_imports.update()
            .where(bulk_imports.c.id == job.id)
            .values(
                status=COMPLETE, imported=imported, failed=len(failures), warned=len(warnings),
                failures=self._file(FAILURE_COLUMN, failures), warnings=self._file(WARNING_COLUMN, warnings),
            )
        )  # fmt: skip
        for table in (import_progress, import_reasons, import_files):
            db.execute(table.delete().where(table.c.import_id == job.id))

    def _reasons(self, db: Connection, kind: str) -> list[list[str]]:
        r = import_reasons.c
        query = sa.select(r.cells).where(r.import_id == self.job.id, r.kind == kind).order_by(r.line)
        return [list(cells) for cells in db.execute(query).scalars()]

    def _file(self, column: str, rows: list[list[str]]) -> bytes | None:
        return _files.write_rows(self.fmt, [*self.header, column], rows) if rows else None


class _Sync:
    """How one batch of records goes through an area's own sync; subclasses say how."""

    def __init__(self, db: Connection, job: Any, at: dt.datetime) -> None:
        self.db = db
        self.job = job
        self.at = at

    def failure(self, record: Record) -> str | None:
        """Why the row fails before it is synced, if it does."""
        return None

    def warning(self, record: Record) -> str | None:
        """The row's warning, if it has one; a value the warning is about is taken out of `record`."""
        return None

    def sync(self, records: list[Record]) -> list[Record]:
        raise NotImplementedError

    def imported(self, results: list[Record]) -> None:
        """These rows of the batch were imported, as these results (in file order)."""

    def run(self, batch: list[Prepared], reasons: list[Reason]) -> int:
        """Sync the batch; its failed and warned rows join `reasons`. Answers how many rows were imported."""
        results = self.sync([record for _, _, record, _ in batch])
        imported: list[Record] = []
        for (number, line, _, warning), result in zip(batch, results, strict=True):
            if result.get("status") == "skipped":
                reasons.append((FAILURES, number, [*line, str(result["reasons"][0]["message"])]))
                continue
            imported.append(result)
            if warning is not None:
                reasons.append((WARNINGS, number, [*line, warning]))
        self.imported(imported)
        return len(imported)


def _sync_for(db: Connection, job: Any, at: dt.datetime, rng: random.Random) -> _Sync:
    return _LeadSync(db, job, at) if job.object == LEADS else _ObjectSync(db, job, at, rng)


class _LeadSync(_Sync):
    """Rows through the leads model: createOrUpdate by the lookup field (updateOnly for lookupField=id)."""

    def __init__(self, db: Connection, job: Any, at: dt.datetime) -> None:
        super().__init__(db, job, at)
        self.model = LeadDatabase(db, _import_user(job), at)
        self.lookup = str(job.lookup_field)
        self.action = "updateOnly" if self.lookup == "id" else "createOrUpdate"

    def failure(self, record: Record) -> str | None:
        return ApiError("1002", self.lookup).message if record.get(self.lookup) in (None, "") else None

    def warning(self, record: Record) -> str | None:
        """An invalid address in an email field other than the lookup field is dropped with a warning."""
        warning = None
        schema: Schema = self.model.schema
        for name in list(record):
            lead_field = schema.get(name)
            if lead_field is None or lead_field.data_type != "email" or name == self.lookup:
                continue
            try:
                coerce(lead_field, record[name])
            except InvalidValue:
                warning = ApiError("1003", name, show(record.pop(name)), variant="invalid_field_value").message
        return warning

    def sync(self, records: list[Record]) -> list[Record]:
        return self.model.sync(
            records, action=self.action, lookup_field=self.lookup, partition_name=self.job.partition_name,
            api_method="importLead",
        )  # fmt: skip

    def imported(self, results: list[Record]) -> None:
        if self.job.list_id is None or not results:
            return
        list_id = int(self.job.list_id)
        lead_ids = list(dict.fromkeys(int(result["id"]) for result in results))  # first time each, in order
        m = list_members.c
        members = sa.select(m.lead_id).where(m.list_id == list_id, m.lead_id.in_(lead_ids))
        already = set(self.db.execute(members).scalars())
        stamp = format_datetime(self.at)
        joining = [
            {"list_id": list_id, "lead_id": lead_id, "created_at": stamp, "updated_at": stamp}
            for lead_id in lead_ids
            if lead_id not in already
        ]
        if joining:
            self.db.execute(list_members.insert(), joining)


class _ObjectSync(_Sync):
    """Rows through the custom objects model: createOrUpdate by the type's dedupe fields."""

    def __init__(self, db: Connection, job: Any, at: dt.datetime, rng: random.Random) -> None:
        super().__init__(db, job, at)
        self.objects: Objects | None = None
        found = co.type_row(db, str(job.object))
        if found is not None:
            obj = co.object_type(found)
            self.objects = Objects(db, at, rng, obj, references=co.references(obj))

    def sync(self, records: list[Record]) -> list[Record]:
        if self.objects is None:  # the type was deleted while the job waited
            return [skipped("1013") for _ in records]
        return self.objects.sync(records, action="createOrUpdate", dedupe_by="dedupeFields")
