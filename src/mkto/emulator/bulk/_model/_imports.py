"""Bulk import: the one queue lead and custom object imports share, the jobs, and their rows through the
leads model or the custom objects model."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator import customobjects as co
from mkto.emulator._api import ApiError, ApiUser, Instance, skipped
from mkto.emulator._common.objects.model import Objects
from mkto.emulator._common.schema import Schema
from mkto.emulator._common.tables import list_members, static_lists
from mkto.emulator._common.values import InvalidValue, coerce, format_datetime, show
from mkto.emulator._params import parse_id
from mkto.emulator.bulk import _files
from mkto.emulator.bulk._model._base import (
    COMPLETE,
    FAILURE_COLUMN,
    IMPORT_BASE_S,
    IMPORT_FORMATS,
    IMPORT_QUEUE_LIMIT,
    IMPORT_ROWS_PER_S,
    IMPORT_SLOTS,
    IMPORT_START_DELAY_S,
    IMPORTING,
    LEADS,
    LEADS_PER_SYNC,
    QUEUED,
    WARNING_COLUMN,
    Record,
    to_epoch,
)
from mkto.emulator.bulk._queue import Queue
from mkto.emulator.bulk._tables import bulk_imports
from mkto.emulator.leads import LeadDatabase
from mkto.emulator.lists import lock_list, unlock_list


def _import_user(row: Any) -> ApiUser:
    partitions = frozenset(row.partitions) if isinstance(row.partitions, list) else None
    return ApiUser(client_id=row.client_id, client_secret="", partitions=partitions)


def _import_duration(_db: Connection, row: Any) -> float:
    return IMPORT_BASE_S + int(row.row_count) / IMPORT_ROWS_PER_S


def _finish_import(db: Connection, row: Any, at: float, rng: random.Random) -> None:
    when = dt.datetime.fromtimestamp(at, dt.UTC)
    job: _Import = _LeadImport(db, row, when) if row.object == LEADS else _ObjectImport(db, row, when, rng)
    outcome = job.run()
    if row.list_id is not None:
        unlock_list(db, int(row.list_id), f"import:{row.id}")
    db.execute(
        bulk_imports.update()
        .where(bulk_imports.c.id == row.id)
        .values(
            status=COMPLETE, finish_at=at, imported=outcome.imported, failed=len(outcome.failures),
            warned=len(outcome.warnings), failures=outcome.failure_file(), warnings=outcome.warning_file(),
        )
    )  # fmt: skip


def import_queue(rng: random.Random | None) -> Queue:
    """The one import queue, shared by lead and custom object imports."""
    generator = rng if rng is not None else random.Random(0)
    return Queue(
        table=bulk_imports, order="id", waiting=QUEUED, running=IMPORTING, slots=IMPORT_SLOTS,
        start_delay_s=IMPORT_START_DELAY_S, duration=_import_duration,
        finish=lambda db, row, at: _finish_import(db, row, at, generator),
    )  # fmt: skip


@dataclass(slots=True)
class _Outcome:
    fmt: str
    header: list[str]
    imported: int = 0
    failures: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, row + reason)
    warnings: list[tuple[int, list[str]]] = field(default_factory=list)

    def failure_file(self) -> bytes | None:
        return self._file(FAILURE_COLUMN, self.failures)

    def warning_file(self) -> bytes | None:
        return self._file(WARNING_COLUMN, self.warnings)

    def _file(self, column: str, rows: list[tuple[int, list[str]]]) -> bytes | None:
        if not rows:
            return None
        return _files.write_rows(self.fmt, [*self.header, column], [row for _, row in sorted(rows)])


class _Import:
    """One import job's rows through an area's own sync, RECORDS_PER_SYNC at a time; subclasses say how."""

    def __init__(self, db: Connection, row: Any, at: dt.datetime) -> None:
        self.db = db
        self.job = row
        self.at = at
        self.fmt = str(row.format).upper()

    def run(self) -> _Outcome:
        header, lines = _files.read_rows(bytes(self.job.file), self.fmt)
        outcome = _Outcome(self.fmt, header)
        batch: list[tuple[int, list[str], Record, str | None]] = []
        for number, line in enumerate(lines):
            prepared = self._prepare(number, header, line, outcome)
            if prepared is not None:
                batch.append((number, line, *prepared))
            if len(batch) == LEADS_PER_SYNC:
                self._sync(batch, outcome)
                batch = []
        if batch:
            self._sync(batch, outcome)
        return outcome

    def _prepare(
        self, number: int, header: list[str], line: list[str], outcome: _Outcome
    ) -> tuple[Record, str | None] | None:
        if len(line) != len(header):
            outcome.failures.append((number, [*line, ApiError("1003").message]))
            return None
        record: Record = {name: value for name, value in zip(header, line, strict=True) if value != ""}
        return self._check(number, line, record, outcome)

    def _check(
        self, number: int, line: list[str], record: Record, outcome: _Outcome
    ) -> tuple[Record, str | None] | None:
        """The record to sync and its warning, or None after recording the row's failure."""
        return record, None

    def _sync_records(self, records: list[Record]) -> list[Record]:
        raise NotImplementedError

    def _imported(self, result: Record) -> None:
        """A row was imported as `result`."""

    def _sync(self, batch: list[tuple[int, list[str], Record, str | None]], outcome: _Outcome) -> None:
        results = self._sync_records([record for _, _, record, _ in batch])
        for (number, line, _, warning), result in zip(batch, results, strict=True):
            if result.get("status") == "skipped":
                outcome.failures.append((number, [*line, str(result["reasons"][0]["message"])]))
                continue
            outcome.imported += 1
            if warning is not None:
                outcome.warnings.append((number, [*line, warning]))
            self._imported(result)


class _LeadImport(_Import):
    """Rows through the leads model: createOrUpdate by the lookup field (updateOnly for lookupField=id)."""

    def __init__(self, db: Connection, row: Any, at: dt.datetime) -> None:
        super().__init__(db, row, at)
        self.model = LeadDatabase(db, _import_user(row), at)
        self.lookup = str(row.lookup_field)
        self.action = "updateOnly" if self.lookup == "id" else "createOrUpdate"

    def _check(
        self, number: int, line: list[str], record: Record, outcome: _Outcome
    ) -> tuple[Record, str | None] | None:
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
        if record.get(self.lookup) in (None, ""):
            outcome.failures.append((number, [*line, ApiError("1002", self.lookup).message]))
            return None
        return record, warning

    def _sync_records(self, records: list[Record]) -> list[Record]:
        return self.model.sync(
            records, action=self.action, lookup_field=self.lookup, partition_name=self.job.partition_name,
            api_method="importLead",
        )  # fmt: skip

    def _imported(self, result: Record) -> None:
        if self.job.list_id is not None:
            self._join_list(int(self.job.list_id), int(result["id"]))

    def _join_list(self, list_id: int, lead_id: int) -> None:
        member = sa.select(list_members.c.id).where(
            list_members.c.list_id == list_id, list_members.c.lead_id == lead_id
        )
        if self.db.execute(member).first() is None:
            stamp = format_datetime(self.at)
            self.db.execute(
                list_members.insert().values(list_id=list_id, lead_id=lead_id, created_at=stamp, updated_at=stamp)
            )


class _ObjectImport(_Import):
    """Rows through the custom objects model: createOrUpdate by the type's dedupe fields."""

    def __init__(self, db: Connection, row: Any, at: dt.datetime, rng: random.Random) -> None:
        super().__init__(db, row, at)
        self.objects: Objects | None = None
        found = co.type_row(db, str(row.object))
        if found is not None:
            obj = co.object_type(found)
            self.objects = Objects(db, at, rng, obj, references=co.references(obj))

    def _sync_records(self, records: list[Record]) -> list[Record]:
        if self.objects is None:  # the type was deleted while the job waited
            return [skipped("1013") for _ in records]
        return self.objects.sync(records, action="createOrUpdate", dedupe_by="dedupeFields")


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
                bulk_imports.c.list_id == target_list, bulk_imports.c.status.in_((QUEUED, IMPORTING))
            )
            if db.execute(busy).first() is not None:
                raise ApiError("1019")
        inserted = db.execute(
            bulk_imports.insert().values(
                object=self.obj, client_id=self.user.client_id,
                partitions=sorted(self.user.partitions) if self.user.partitions is not None else None,
                format=fmt.lower(), lookup_field=lookup_field or "email", partition_name=partition_name,
                list_id=target_list, file=data, row_count=len(lines), status=QUEUED, queued_at=to_epoch(self.now),
                imported=0, failed=0, warned=0,
            )
        ).inserted_primary_key  # fmt: skip
        assert inserted is not None
        batch_id = int(inserted[0])
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
        if self.obj == LEADS:
            out: Record = {"batchId": row.id, "importId": str(row.id), "status": row.status}
        else:
            out = {"batchId": row.id, "operation": "import", "status": row.status, "objectApiName": self.obj}
        if row.status != COMPLETE:
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
