"""Bulk import and bulk extract: state and business rules. No HTTP here: routes parse, this decides (raising
`ApiError` with the catalogue's code) and returns plain records; files are bytes or chunk streams.

Queues replay lazily on the virtual clock (`_queue.py`): an import waits IMPORT_START_DELAY_S after it was
queued, then takes IMPORT_BASE_S plus one second per IMPORT_ROWS_PER_S rows; an extract waits
EXPORT_START_DELAY_S, then takes EXPORT_BASE_S plus one second per EXPORT_RECORDS_PER_S records (counted when
it starts). Rows are imported, and extract files written, when a bulk call first observes the finish time; the
leads' createdAt/updatedAt are that finish time.

Behaviour Marketo leaves undocumented, chosen here (each has a test):
- an unknown or another user's batch or export id is response-level 1013 "Object not found"; the file,
  failures and warnings endpoints answer 404 with the catalogue's 610 text as plain text instead;
- import: a file with no data row (nothing, or a header alone) is 1003 "Empty File"; a listId naming no static
  list is 1013; an empty cell leaves the field as it is; a row whose lookup field is empty fails with 1002's
  message naming the field; an invalid value fails the row with the leads model's own reason (1003 "Invalid
  value for field ..."), except an invalid address in an email field that is not the lookup field, which is
  dropped with a warning carrying that same text (bulk-program-member-import.md: an invalid email is a warning);
  lookupField=id updates only; header names are taken as written (" vin" names no field);
- custom object import: the same queue as leads (2 running, 10 queued in all); rows go through the custom
  objects model's createOrUpdate by dedupe fields, so a row fails with that model's own reason (a column
  naming no field: 1006); an unknown type is 1013 and disabled custom objects 1026, as for its other calls;
- extract: a missing `fields` (leads) or `filter` is 1002; a filter with other than one member, an unknown filter
  type, a bad date, endAt before startAt or a range over 31 days, an unknown format or a bad columnHeaderNames
  is 1003; an unknown field is 1006 naming it; smart-list filters (when the subscription allows them) match
  nothing, since the emulator has no smart lists;
- enqueue of a Queued or Processing job is 1029 "Job already queued"; of a finished or cancelled one, 1003;
  cancel of a finished job answers its status unchanged;
- the export quota blocks create and enqueue once today's bytes reach the limit (>=); the message gives the
  limit in whole MB ("500MB") or, for a limit that is not whole, in `%g` MB.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator import customobjects as co
from mkto.emulator._api import ApiError, ApiUser, Instance, skipped
from mkto.emulator._common.objects.model import Objects
from mkto.emulator._common.schema import Schema
from mkto.emulator._common.tables import (
    activities,
    custom_object_types,
    leads,
    list_members,
    lock_list,
    object_records,
    program_members,
    static_lists,
    unlock_list,
)
from mkto.emulator._common.values import InvalidValue, coerce, format_datetime, parse_datetime, show
from mkto.emulator._params import parse_id
from mkto.emulator.bulk import _files
from mkto.emulator.bulk._queue import Queue
from mkto.emulator.bulk._tables import bulk_exports, bulk_imports, export_chunks
from mkto.emulator.leads import LeadDatabase
from mkto.errors.limits import BULK_QUEUE_SIZE, BULK_RUNNING_JOBS, MAX_BATCH_RECORDS

# --- limits (bulk-import.md, bulk-extract.md) -------------------------------------------------------------
IMPORT_SLOTS = BULK_RUNNING_JOBS
IMPORT_QUEUE_LIMIT = BULK_QUEUE_SIZE  # including the running ones
EXPORT_SLOTS = BULK_RUNNING_JOBS
EXPORT_QUEUE_LIMIT = BULK_QUEUE_SIZE  # including the processing ones
MAX_FILTER_DAYS = 31
BYTES_PER_MB = 1_048_576
LEADS_PER_SYNC = MAX_BATCH_RECORDS

# --- virtual durations (ours) -------------------------------------------------------------------------------
IMPORT_START_DELAY_S = 10.0
IMPORT_BASE_S = 30.0
IMPORT_ROWS_PER_S = 1_000
EXPORT_START_DELAY_S = 10.0
EXPORT_BASE_S = 60.0
EXPORT_RECORDS_PER_S = 10_000

IMPORT_FORMATS = ("csv", "tsv", "ssv")
EXPORT_FORMATS = ("CSV", "TSV", "SSV")
LEAD_FILTERS = ("createdAt", "updatedAt", "staticListName", "staticListId", "smartListName", "smartListId")
DATE_FILTERS = ("createdAt", "updatedAt")
UNSUPPORTED_FILTERS_SETTING = "bulk_extract_unsupported_filters"
DEFAULT_UNSUPPORTED_FILTERS = ("updatedAt", "smartListId", "smartListName")

# Job kinds: the path segment after /bulk/v1/ ("customobjects/" + the type's API name for custom objects).
LEADS, PROGRAM_MEMBERS, ACTIVITIES, CUSTOM_OBJECTS = "leads", "program/members", "activities", "customobjects/"
QUEUED, IMPORTING, COMPLETE = "Queued", "Importing", "Complete"
CREATED, PROCESSING, COMPLETED, CANCELLED = "Created", "Processing", "Completed", "Cancelled"
FAILURE_COLUMN = "Import Failure Reason"
WARNING_COLUMN = "Import Warning Reason"

Record = dict[str, Any]


def _epoch(now: dt.datetime) -> float:
    return now.timestamp()


def _stamp(epoch: float) -> str:
    return format_datetime(dt.datetime.fromtimestamp(epoch, dt.UTC))


# --- settings ---------------------------------------------------------------------------------------------------


def unsupported_filters(settings: Mapping[str, Any]) -> frozenset[str]:
    """Lead extract filters this subscription lacks (1035): the instance setting (`PUT /_mkto/settings`
    {"bulk_extract_unsupported_filters": [...]}), by default updatedAt and the smart-list filters."""
    names = settings.get(UNSUPPORTED_FILTERS_SETTING, DEFAULT_UNSUPPORTED_FILTERS)
    return frozenset(str(n) for n in names) if isinstance(names, list | tuple) else frozenset()


# --- bulk import -------------------------------------------------------------------------------------------------


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
        found = db.execute(sa.select(custom_object_types).where(custom_object_types.c.name == row.object)).first()
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
        self.queue.advance(db, _epoch(now))

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
                list_id=target_list, file=data, row_count=len(lines), status=QUEUED, queued_at=_epoch(self.now),
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


# --- bulk extract: row sources ---------------------------------------------------------------------------------


class Source(Protocol):
    """What an extract reads: a header and rows of cells, and how many rows there are."""

    def header(self) -> list[str]: ...

    def count(self) -> int: ...

    def rows(self) -> Iterator[list[Any]]: ...


_EPOCH = dt.datetime.fromtimestamp(0, dt.UTC)  # rendering reads no clock


class LeadSource:
    PAGE = 5_000

    def __init__(self, db: Connection, client_id: str, spec: Mapping[str, Any]) -> None:
        self.db = db
        self.fields: list[str] = list(spec["fields"])
        self.headers: Mapping[str, str] = spec.get("columnHeaderNames") or {}
        self.condition = _lead_condition(db, spec["filter"])
        self.model = LeadDatabase(db, ApiUser(client_id=client_id, client_secret=""), _EPOCH)

    def header(self) -> list[str]:
        return [self.headers.get(name, name) for name in self.fields]

    def count(self) -> int:
        return int(self.db.execute(sa.select(sa.func.count()).select_from(leads).where(self.condition)).scalar_one())

    def rows(self) -> Iterator[list[Any]]:
        after = 0
        while True:
            page = self.db.execute(
                sa.select(leads).where(self.condition, leads.c.id > after).order_by(leads.c.id).limit(self.PAGE)
            ).all()
            for row in page:
                rendered = self.model.render(row, self.fields)
                yield [rendered[name] for name in self.fields]
            if len(page) < self.PAGE:
                return
            after = int(page[-1].id)


def _lead_condition(db: Connection, flt: Mapping[str, Any]) -> Any:
    [(kind, value)] = flt.items()
    if kind in DATE_FILTERS:
        column = leads.c.created_at if kind == "createdAt" else leads.c.updated_at
        return sa.and_(column >= value["startAt"], column <= value["endAt"])
    if kind == "staticListId":
        return leads.c.id.in_(sa.select(list_members.c.lead_id).where(list_members.c.list_id == value))
    if kind == "staticListName":
        ids = sa.select(static_lists.c.id).where(static_lists.c.name == value)
        return leads.c.id.in_(sa.select(list_members.c.lead_id).where(list_members.c.list_id.in_(ids)))
    return sa.false()  # smart lists: the emulator has none


# Program member fields (Describe Program Member) the emulator stores, by API name -> program_members column.
MEMBER_COLUMNS: Mapping[str, str] = {
    "leadId": "lead_id", "programId": "program_id", "statusName": "progression_status",
    "acquiredBy": "acquired_by", "isExhausted": "is_exhausted", "reachedSuccess": "reached_success",
    "membershipDate": "membership_date", "updatedAt": "updated_at", "createdAt": "membership_date",
    "nurtureCadence": "nurture_cadence", "trackName": "stream",
}  # fmt: skip
MAX_PROGRAM_IDS = 10


class ProgramMemberSource:
    """Program memberships joined to their leads; a program member field wins over a lead field of one name."""

    PAGE = 5_000

    def __init__(self, db: Connection, client_id: str, spec: Mapping[str, Any]) -> None:
        self.db = db
        self.fields: list[str] = list(spec["fields"])
        if "programIds" in spec["filter"] and "programId" not in self.fields:
            self.fields.insert(0, "programId")  # "An additional field programId is added ... as the first field"
        self.headers: Mapping[str, str] = spec.get("columnHeaderNames") or {}
        self.condition = _member_condition(spec["filter"])
        self.model = LeadDatabase(db, ApiUser(client_id=client_id, client_secret=""), _EPOCH)

    def header(self) -> list[str]:
        return [self.headers.get(name, name) for name in self.fields]

    def _query(self) -> Any:
        pm = program_members
        return sa.select(
            leads, *(pm.c[c].label(f"pm_{c}") for c in set(MEMBER_COLUMNS.values())), pm.c.id.label("pm_id")
        )

    def count(self) -> int:
        query = sa.select(sa.func.count()).select_from(program_members).where(self.condition)
        return int(self.db.execute(query).scalar_one())

    def rows(self) -> Iterator[list[Any]]:
        pm = program_members
        after = 0
        lead_fields = [f for f in self.fields if f not in MEMBER_COLUMNS]
        while True:
            page = self.db.execute(
                self._query().join(pm, pm.c.lead_id == leads.c.id).where(self.condition, pm.c.id > after)
                .order_by(pm.c.id).limit(self.PAGE)
            ).all()  # fmt: skip
            for row in page:
                rendered = self.model.render(row, lead_fields)
                mapping = row._mapping
                yield [
                    mapping[f"pm_{MEMBER_COLUMNS[name]}"] if name in MEMBER_COLUMNS else rendered[name]
                    for name in self.fields
                ]
            if len(page) < self.PAGE:
                return
            after = int(page[-1].pm_id)


def _member_condition(flt: Mapping[str, Any]) -> Any:
    pm = program_members.c
    programs_wanted = flt.get("programIds") or [flt.get("programId")]
    conditions: list[Any] = [pm.program_id.in_(programs_wanted)]
    if "isExhausted" in flt:
        conditions.append(pm.is_exhausted == flt["isExhausted"])
    if "nurtureCadence" in flt:
        conditions.append(pm.nurture_cadence == flt["nurtureCadence"])
    if "statusNames" in flt:
        conditions.append(pm.progression_status.in_(flt["statusNames"]))
    if "updatedAt" in flt:
        conditions.append(
            sa.and_(pm.updated_at >= flt["updatedAt"]["startAt"], pm.updated_at <= flt["updatedAt"]["endAt"])
        )
    return sa.and_(*conditions)


ACTIVITY_FIELDS = (
    "marketoGUID",
    "leadId",
    "activityDate",
    "activityTypeId",
    "campaignId",
    "primaryAttributeValueId",
    "primaryAttributeValue",
    "attributes",
)  # the default columns, in bulk-activity-extract.md's order
ACTIVITY_OPTIONAL_FIELDS = ("actionResult",)
MAX_PRIMARY_ATTRIBUTE_VALUES = 50


class ActivitySource:
    """Activities by creation date (and type, and primary attribute); `attributes` as one JSON object."""

    PAGE = 5_000

    def __init__(self, db: Connection, spec: Mapping[str, Any]) -> None:
        self.db = db
        self.fields: list[str] = list(spec["fields"])
        self.headers: Mapping[str, str] = spec.get("columnHeaderNames") or {}
        flt = spec["filter"]
        a = activities.c
        conditions: list[Any] = [
            a.activity_date >= flt["createdAt"]["startAt"], a.activity_date <= flt["createdAt"]["endAt"],
        ]  # fmt: skip
        if "activityTypeIds" in flt:
            conditions.append(a.type_id.in_(flt["activityTypeIds"]))
        if "primaryAttributeValueIds" in flt:
            conditions.append(a.primary_attribute_value_id.in_(flt["primaryAttributeValueIds"]))
        if "primaryAttributeValues" in flt:
            conditions.append(a.primary_attribute_value.in_(flt["primaryAttributeValues"]))
        self.condition = sa.and_(*conditions)

    def header(self) -> list[str]:
        return [self.headers.get(name, name) for name in self.fields]

    def count(self) -> int:
        return int(
            self.db.execute(sa.select(sa.func.count()).select_from(activities).where(self.condition)).scalar_one()
        )

    def rows(self) -> Iterator[list[Any]]:
        after = 0
        while True:
            page = self.db.execute(
                sa.select(activities)
                .where(self.condition, activities.c.id > after)
                .order_by(activities.c.id)
                .limit(self.PAGE)
            ).all()
            for row in page:
                values = {
                    "marketoGUID": str(row.id), "leadId": row.lead_id, "activityDate": row.activity_date,
                    "activityTypeId": row.type_id, "campaignId": row.campaign_id,
                    "primaryAttributeValueId": row.primary_attribute_value_id,
                    "primaryAttributeValue": row.primary_attribute_value,
                    "attributes": json.dumps(
                        {a.get("name"): a.get("value") for a in row.attributes or [] if isinstance(a, dict)},
                        separators=(",", ":"), ensure_ascii=False,
                    ),
                    "actionResult": "succeeded",
                }  # fmt: skip
                yield [values[name] for name in self.fields]
            if len(page) < self.PAGE:
                return
            after = int(page[-1].id)


class ObjectSource:
    """Custom object records linked to the leads a filter names (a static list), or updated in a range."""

    PAGE = 5_000

    def __init__(self, db: Connection, name: str, spec: Mapping[str, Any]) -> None:
        self.db = db
        self.name = name
        self.fields: list[str] = list(spec["fields"])
        self.headers: Mapping[str, str] = spec.get("columnHeaderNames") or {}
        self.condition = _object_condition(db, name, spec["filter"], spec.get("linkField", "leadId"))

    def header(self) -> list[str]:
        return [self.headers.get(name, name) for name in self.fields]

    def count(self) -> int:
        query = sa.select(sa.func.count()).select_from(object_records).where(self.condition)
        return int(self.db.execute(query).scalar_one())

    def rows(self) -> Iterator[list[Any]]:
        after = 0
        r = object_records.c
        while True:
            page = self.db.execute(
                sa.select(object_records).where(self.condition, r.id > after).order_by(r.id).limit(self.PAGE)
            ).all()
            for row in page:
                view = {
                    **(row.data or {}),
                    "marketoGUID": row.guid,
                    "createdAt": row.created_at,
                    "updatedAt": row.updated_at,
                }
                yield [view.get(name) for name in self.fields]
            if len(page) < self.PAGE:
                return
            after = int(page[-1].id)


def _object_condition(db: Connection, name: str, flt: Mapping[str, Any], link_field: str) -> Any:
    r = object_records.c
    [(kind, value)] = flt.items()
    if kind == "updatedAt":
        return sa.and_(r.object == name, r.updated_at >= value["startAt"], r.updated_at <= value["endAt"])
    if kind in ("staticListId", "staticListName"):
        lists = (
            [value]
            if kind == "staticListId"
            else list(db.execute(sa.select(static_lists.c.id).where(static_lists.c.name == value)).scalars())
        )
        members = sa.select(list_members.c.lead_id).where(list_members.c.list_id.in_(lists))
        return sa.and_(r.object == name, r.data[link_field].as_integer().in_(members))
    return sa.false()  # smart lists: the emulator has none


def _source(db: Connection, row: Any) -> Source:
    if str(row.object).startswith(CUSTOM_OBJECTS):
        return ObjectSource(db, str(row.object).removeprefix(CUSTOM_OBJECTS), row.spec)
    if row.object == ACTIVITIES:
        return ActivitySource(db, row.spec)
    if row.object == PROGRAM_MEMBERS:
        return ProgramMemberSource(db, str(row.client_id), row.spec)
    return LeadSource(db, str(row.client_id), row.spec)


# --- bulk extract: the queue -------------------------------------------------------------------------------------


def _export_queue(instance: Instance | None) -> Queue:
    def duration(db: Connection, row: Any) -> float:
        return EXPORT_BASE_S + _source(db, row).count() / EXPORT_RECORDS_PER_S

    def finish(db: Connection, row: Any, at: float) -> None:
        _hold_lists(db, row, hold=False)
        source = _source(db, row)
        db.execute(export_chunks.delete().where(export_chunks.c.export_id == row.id))
        written = _files.write_export(db, str(row.id), str(row.format), source.header(), source.rows())
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


def quota_text(limit_bytes: float) -> str:
    mb = limit_bytes / BYTES_PER_MB
    return str(int(mb)) if float(mb).is_integer() else f"{mb:g}"


def _check_quota(instance: Instance | None, now: dt.datetime) -> None:
    if instance is None:
        return
    limit = instance.limit("export_daily_bytes")
    if instance.export_bytes_today(now) >= limit:
        raise ApiError("1029", quota_text(limit), variant="export_quota")


def export_status_record(row: Any) -> Record:
    """A job as the status, enqueue, cancel and list calls show it (recorded key order)."""
    out: Record = {"exportId": row.id, "format": row.format, "status": row.status, "createdAt": _stamp(row.created_at)}
    if row.queued_at is not None:
        out["queuedAt"] = _stamp(row.queued_at)
    if row.started_at is not None:
        out["startedAt"] = _stamp(row.started_at)
    if row.status == COMPLETED:
        out["finishedAt"] = _stamp(row.finish_at)
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
        self.queue.advance(db, _epoch(now))

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
        _check_quota(self.instance, self.now)
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
                status=CREATED, created_at=_epoch(self.now),
            )
        )  # fmt: skip
        return export_status_record(self._existing(export_id))

    def enqueue(self, export_id: str) -> Record:
        row = self._existing(export_id)
        if row.status in (QUEUED, PROCESSING):
            raise ApiError("1029", variant="job_already_queued")
        if row.status != CREATED:
            raise ApiError("1003")
        _check_quota(self.instance, self.now)
        if self.queue.occupied(self.db) >= EXPORT_QUEUE_LIMIT:
            raise ApiError("1029")
        self.db.execute(
            bulk_exports.update().where(bulk_exports.c.id == row.id).values(status=QUEUED, queued_at=_epoch(self.now))
        )
        _hold_lists(self.db, row, hold=True)
        self.queue.advance(self.db, _epoch(self.now))
        return export_status_record(self._existing(export_id))

    def status(self, export_id: str) -> Record:
        return export_status_record(self._existing(export_id))

    def cancel(self, export_id: str) -> Record:
        row = self._existing(export_id)
        if row.status in (CREATED, QUEUED, PROCESSING):
            self.db.execute(
                bulk_exports.update().where(bulk_exports.c.id == row.id).values(status=CANCELLED, finish_at=None)
            )
            _hold_lists(self.db, row, hold=False)
            if row.status == PROCESSING:
                self.queue.advance(self.db, _epoch(self.now), freed_at=_epoch(self.now))
        return export_status_record(self._existing(export_id))

    def completed(self, export_id: str) -> Any:
        """The job when its file can be downloaded, else None."""
        row = self._job(export_id)
        return row if row is not None and row.status == COMPLETED else None

    def list(self, statuses: Sequence[str], batch_size: int, after: int) -> tuple[list[Record], int | None]:
        t = bulk_exports.c
        since = _epoch(self.now) - 7 * 86_400  # "all jobs from the past seven days"
        query = sa.select(bulk_exports).where(
            t.object == self.kind, t.client_id == self.user.client_id, t.created_at >= since, t.seq > after
        )
        if statuses:
            wanted = {("Cancelled" if s == "Canceled" else s) for s in statuses}
            query = query.where(t.status.in_(sorted(wanted)))
        rows = self.db.execute(query.order_by(t.seq).limit(batch_size + 1)).all()
        more = len(rows) > batch_size
        rows = rows[:batch_size]
        return [export_status_record(r) for r in rows], (int(rows[-1].seq) if more else None)


# --- bulk extract: validation ------------------------------------------------------------------------------------


def _date(value: Any) -> dt.datetime:
    try:
        return parse_datetime(value)
    except InvalidValue:
        raise ApiError("1003") from None


def _validate_filter(db: Connection, flt: Any, unsupported: frozenset[str]) -> dict[str, Any]:
    if flt is None:
        raise ApiError("1002", "filter")
    if not isinstance(flt, dict) or len(flt) != 1:
        raise ApiError("1003")
    [(kind, value)] = flt.items()
    if kind not in LEAD_FILTERS:
        raise ApiError("1003")
    if kind in unsupported:
        raise ApiError("1035")
    if kind in DATE_FILTERS:
        if not isinstance(value, dict):
            raise ApiError("1003")
        start, end = _date(value.get("startAt")), _date(value.get("endAt"))
        if end < start or end - start > dt.timedelta(days=MAX_FILTER_DAYS):
            raise ApiError("1003")
        return {kind: {"startAt": format_datetime(start), "endAt": format_datetime(end)}}
    if kind in ("staticListId", "smartListId"):
        list_id = parse_id(value)
        if list_id is None:
            raise ApiError("1003")
        return {kind: list_id}
    if not isinstance(value, str) or not value:
        raise ApiError("1003")
    return {kind: value}


def validate_lead_export(db: Connection, body: Any, unsupported: frozenset[str]) -> tuple[dict[str, Any], str]:
    """The stored spec (fields, columnHeaderNames, filter) and format of a lead extract, or ApiError."""
    if not isinstance(body, dict):
        body = {}
    fmt = body.get("format", "CSV")
    if not isinstance(fmt, str) or fmt.upper() not in EXPORT_FORMATS:
        raise ApiError("1003")
    fields = body.get("fields")
    if fields is None or fields == []:
        raise ApiError("1002", "fields")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ApiError("1003")
    flt = _validate_filter(db, body.get("filter"), unsupported)
    schema = Schema.load(db)
    for name in fields:
        if schema.get(name) is None:
            raise ApiError("1006", show(name))
    headers = body.get("columnHeaderNames") or {}
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k in fields for k, v in headers.items()
    ):
        raise ApiError("1003")
    spec = {"fields": list(dict.fromkeys(fields)), "columnHeaderNames": headers, "filter": flt}
    return spec, fmt.upper()


def _format_and_fields(body: dict[str, Any], known: Any) -> tuple[str, list[str], dict[str, str]]:
    fmt = body.get("format", "CSV")
    if not isinstance(fmt, str) or fmt.upper() not in EXPORT_FORMATS:
        raise ApiError("1003")
    fields = body.get("fields")
    if fields is None or fields == []:
        raise ApiError("1002", "fields")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ApiError("1003")
    for name in fields:
        if not known(name):
            raise ApiError("1006", show(name))
    headers = body.get("columnHeaderNames") or {}
    if not isinstance(headers, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and k in fields for k, v in headers.items()
    ):
        raise ApiError("1003")
    return fmt.upper(), list(dict.fromkeys(fields)), headers


def validate_member_export(db: Connection, body: Any, unsupported: frozenset[str]) -> tuple[dict[str, Any], str]:
    """The stored spec and format of a program member extract, or ApiError."""
    if not isinstance(body, dict):
        body = {}
    flt = body.get("filter")
    if flt is None:
        raise ApiError("1002", "filter")
    if not isinstance(flt, dict):
        raise ApiError("1003")
    unknown = set(flt) - {"programId", "programIds", "isExhausted", "nurtureCadence", "statusNames", "updatedAt"}
    if unknown or ("programId" in flt) == ("programIds" in flt):
        raise ApiError("1003")
    clean: dict[str, Any] = {}
    if "programId" in flt:
        program_id = parse_id(flt["programId"])
        if program_id is None:
            raise ApiError("1003")
        clean["programId"] = program_id
    else:
        ids = flt["programIds"]
        if not isinstance(ids, list) or not 1 <= len(ids) <= MAX_PROGRAM_IDS or any(parse_id(i) is None for i in ids):
            raise ApiError("1003")
        clean["programIds"] = [parse_id(i) for i in ids]
    if "isExhausted" in flt:
        if not isinstance(flt["isExhausted"], bool):
            raise ApiError("1003")
        clean["isExhausted"] = flt["isExhausted"]
    if "nurtureCadence" in flt:
        if flt["nurtureCadence"] not in ("pause", "norm"):
            raise ApiError("1003")
        clean["nurtureCadence"] = flt["nurtureCadence"]
    if "updatedAt" in flt:
        if "updatedAt" in unsupported:
            raise ApiError("1035")
        clean.update(_validate_filter(db, {"updatedAt": flt["updatedAt"]}, frozenset()))
    if "statusNames" in flt:
        names = flt["statusNames"]
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            raise ApiError("1003")
        wanted = clean.get("programIds") or [clean.get("programId")]
        found = db.execute(
            sa.select(program_members.c.id)
            .where(program_members.c.program_id.in_(wanted), program_members.c.progression_status.in_(names))
            .limit(1)
        ).first()
        if found is None:
            raise ApiError("1003", variant="invalid_data")  # "If a status name is not found ... 1003, Invalid Data"
        clean["statusNames"] = names
    schema = Schema.load(db)
    fmt, fields, headers = _format_and_fields(body, lambda n: n in MEMBER_COLUMNS or schema.get(n) is not None)
    return {"fields": fields, "columnHeaderNames": headers, "filter": clean}, fmt


def _id_list(value: Any, limit: int) -> list[int]:
    if not isinstance(value, list) or not 1 <= len(value) <= limit or any(parse_id(v) is None for v in value):
        raise ApiError("1003")
    return [int(v) for v in value]


def validate_activity_export(db: Connection, body: Any, unsupported: frozenset[str]) -> tuple[dict[str, Any], str]:
    """The stored spec and format of an activity extract, or ApiError. `fields` is optional here."""
    del unsupported  # every activity filter is available
    if not isinstance(body, dict):
        body = {}
    flt = body.get("filter")
    if flt is None:
        raise ApiError("1002", "filter")
    if not isinstance(flt, dict):
        raise ApiError("1003")
    allowed = {"createdAt", "activityTypeIds", "primaryAttributeValueIds", "primaryAttributeValues"}
    if set(flt) - allowed:
        raise ApiError("1003")
    if "createdAt" not in flt:
        raise ApiError("1002", "createdAt")
    clean = _validate_filter(db, {"createdAt": flt["createdAt"]}, frozenset())
    if "activityTypeIds" in flt:
        clean["activityTypeIds"] = _id_list(flt["activityTypeIds"], 10_000)
    by_ids, by_names = "primaryAttributeValueIds" in flt, "primaryAttributeValues" in flt
    if (by_ids or by_names) and (by_ids == by_names or "activityTypeIds" not in flt):
        raise ApiError("1003")  # one of the two, and only with activityTypeIds
    if by_ids:
        clean["primaryAttributeValueIds"] = _id_list(flt["primaryAttributeValueIds"], MAX_PRIMARY_ATTRIBUTE_VALUES)
    if by_names:
        names = flt["primaryAttributeValues"]
        if (
            not isinstance(names, list)
            or not 1 <= len(names) <= MAX_PRIMARY_ATTRIBUTE_VALUES
            or not all(isinstance(n, str) for n in names)
        ):
            raise ApiError("1003")
        clean["primaryAttributeValues"] = names
    known = (*ACTIVITY_FIELDS, *ACTIVITY_OPTIONAL_FIELDS)
    with_fields = body if body.get("fields") not in (None, []) else {**body, "fields": list(ACTIVITY_FIELDS)}
    fmt, fields, headers = _format_and_fields(with_fields, lambda n: n in known)
    return {"fields": fields, "columnHeaderNames": headers, "filter": clean}, fmt


def validate_object_export(
    db: Connection, body: Any, unsupported: frozenset[str], kind: str
) -> tuple[dict[str, Any], str]:
    """The stored spec and format of a custom object extract, or ApiError; the filter names linked leads."""
    obj = co.object_type(co.find_type(db, kind.removeprefix(CUSTOM_OBJECTS)))
    if not isinstance(body, dict):
        body = {}
    flt = body.get("filter")
    if isinstance(flt, dict) and len(flt) == 1 and set(flt) <= {"createdAt"}:
        raise ApiError("1003")  # custom objects filter by updatedAt, not createdAt
    clean = _validate_filter(db, flt, unsupported)
    fmt, fields, headers = _format_and_fields(body, lambda n: obj.field(n) is not None)
    link = next((str(rel["field"]) for rel in obj.relationships if "field" in rel), "leadId")
    return {"fields": fields, "columnHeaderNames": headers, "filter": clean, "linkField": link}, fmt
