"""Bulk extract row sources, one per object kind: leads, program members, activities and custom objects."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from mkto.emulator._api import ApiUser
from mkto.emulator._common.tables import activities, leads, list_members, object_records, program_members, static_lists
from mkto.emulator.bulk._model._base import ACTIVITIES, CUSTOM_OBJECTS, DATE_FILTERS, PROGRAM_MEMBERS
from mkto.emulator.leads import LeadDatabase


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


def source_for(db: Connection, row: Any) -> Source:
    if str(row.object).startswith(CUSTOM_OBJECTS):
        return ObjectSource(db, str(row.object).removeprefix(CUSTOM_OBJECTS), row.spec)
    if row.object == ACTIVITIES:
        return ActivitySource(db, row.spec)
    if row.object == PROGRAM_MEMBERS:
        return ProgramMemberSource(db, str(row.client_id), row.spec)
    return LeadSource(db, str(row.client_id), row.spec)
