"""Custom object types: stored definitions (an approved version and/or a draft) turned into `ObjectType`s for the
generic dedupe-object model, the metadata API's rules, and the instance gates every custom object call passes.

Behaviour chosen where Marketo is silent:
- with custom objects disabled (`custom_objects_enabled` false) every custom object call, records and metadata
  alike, is 1026; with the metadata API missing from the subscription (`custom_object_metadata_api` false) the
  `/customobjects/schema...` calls are 616 while record calls keep working;
- a type name no approved type has is response-level 1013 "Object not found" for the record calls (a draft is
  not usable until approved); the metadata calls see drafts too;
- Sync Custom Object Type: createOnly for an existing type is 1017, updateOnly for a missing one 1013; changing
  an approved type's displayName is 709; any change to an approved type goes to its draft;
- Add Custom Object Type Fields: a name the type already has, more than 50 fields, or a dedupe or link field on a
  type that has been approved is 709; an unknown dataType is 1001;
- approving without a draft, or a draft without a dedupe field, is 709; discarding without a draft is 1048;
  deleting a type that has records is 1022 "Object in use", one never approved 709;
- the seeded type `car_c` (dedupe field `vin`, `leadId` linking to a lead) exists on every instance and comes
  back after a reset; a record whose link names no lead is skipped 1004.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Row

from mkto.emulator._api import ApiError
from mkto.emulator._common.objects.model import LEAD, Reference
from mkto.emulator._common.objects.types import GUID, ObjectType, ObjField
from mkto.emulator._common.tables import object_records
from mkto.emulator._common.values import format_datetime, show
from mkto.emulator.customobjects._tables import custom_object_types

SEED_SINCE = "2019-01-22T19:12:18Z"
MAX_FIELDS = 50
API_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,49}")
FIELD_DATA_TYPES = ("string", "integer", "float", "currency", "boolean", "date", "datetime", "email", "phone",
                    "url", "text", "link")  # fmt: skip
LINKABLE = ({"name": "lead", "displayName": "Person", "pluralName": "People", "fields": [{"name": "id"}]},
            {"name": "company", "displayName": "Company", "pluralName": "Companies", "fields": [{"name": "id"}]})  # fmt: skip
TYPE_ATTRIBUTES = ("displayName", "pluralName", "description", "showInLeadDetail")

_STANDARD_FIELDS: list[dict[str, Any]] = [
    {"name": "createdAt", "displayName": "Created At", "dataType": "datetime", "updateable": False},
    {"name": GUID, "displayName": "Marketo GUID", "dataType": "string", "length": 36, "updateable": False},
    {"name": "updatedAt", "displayName": "Updated At", "dataType": "datetime", "updateable": False},
]
CAR: dict[str, Any] = {
    "displayName": "Car",
    "pluralName": "Cars",
    "description": "Automobile owned",
    "showInLeadDetail": True,
    "dedupeFields": ["vin"],
    "searchableFields": [["vin"], [GUID], ["leadId"]],
    "relationships": [{"field": "leadId", "type": "child", "relatedTo": {"name": "Lead", "field": "id"}}],
    "fields": [
        *_STANDARD_FIELDS,
        {"name": "leadId", "displayName": "Lead ID", "dataType": "integer", "updateable": True},
        {"name": "make", "displayName": "Make", "dataType": "string", "length": 255, "updateable": True},
        {"name": "model", "displayName": "Model", "dataType": "string", "length": 255, "updateable": True},
        {"name": "vin", "displayName": "VIN", "dataType": "string", "length": 255, "updateable": False},
        {"name": "year", "displayName": "Year", "dataType": "integer", "updateable": True},
    ],
}
SEEDED: Mapping[str, Mapping[str, Any]] = {"car_c": CAR}

Version = dict[str, Any]


def seed(db: Connection) -> None:
    for name, definition in SEEDED.items():
        if db.execute(custom_object_types.select().where(custom_object_types.c.name == name)).first() is None:
            db.execute(custom_object_types.insert().values(
                name=name, definition={"approved": dict(definition), "draft": None}, created_at=SEED_SINCE,
                updated_at=SEED_SINCE,
            ))  # fmt: skip


def check_enabled(settings: Mapping[str, Any], *, metadata_api: bool = False) -> None:
    if not settings.get("custom_objects_enabled", True):
        raise ApiError("1026")
    if metadata_api and not settings.get("custom_object_metadata_api", True):
        raise ApiError("616")


def approved(row: Row[Any]) -> Version | None:
    value = row.definition.get("approved")
    return value if isinstance(value, dict) else None


def draft(row: Row[Any]) -> Version | None:
    value = row.definition.get("draft")
    return value if isinstance(value, dict) else None


def object_type(row: Row[Any]) -> ObjectType:
    """The approved version as the record calls use it (a draft-only type: its draft)."""
    d = approved(row) or draft(row)
    assert d is not None  # a row always holds one version or the other
    fields = tuple(
        ObjField(f["name"], f["displayName"], f["dataType"], f.get("length"), bool(f.get("updateable", True)))
        for f in d["fields"]
    )
    return ObjectType(
        key=row.name,
        name=row.name,
        description=d.get("description") or "",
        id_field=GUID,
        dedupe_fields=tuple(d["dedupeFields"]),
        searchable=tuple(tuple(s) for s in d["searchableFields"]),
        fields=fields,
        not_found_variant=None,
        relationships=tuple(d.get("relationships") or ()),
        extra={"displayName": d.get("displayName"), "pluralName": d.get("pluralName")},
    )


def references(obj: ObjectType) -> tuple[Reference, ...]:
    return tuple(
        Reference(rel["field"], LEAD, "id", "1004")
        for rel in obj.relationships
        if str(rel.get("relatedTo", {}).get("name", "")).lower() == "lead"
    )


def type_row(db: Connection, name: str) -> Row[Any] | None:
    """The type named `name` in any state, or None."""
    return db.execute(custom_object_types.select().where(custom_object_types.c.name == name)).first()


def find(db: Connection, name: str) -> Row[Any]:
    """An approved type (the record calls); 1013 otherwise."""
    row = type_row(db, name)
    if row is None or approved(row) is None:
        raise ApiError("1013")
    return row


def find_any(db: Connection, name: str) -> Row[Any]:
    """A type in any state (the metadata calls); 1013 when there is none."""
    row = type_row(db, name)
    if row is None:
        raise ApiError("1013")
    return row


def all_types(db: Connection, names: Sequence[str] = (), *, approved_only: bool = True) -> list[Row[Any]]:
    query = custom_object_types.select().order_by(custom_object_types.c.name)
    if names:
        query = query.where(custom_object_types.c.name.in_(list(names)))
    return [row for row in db.execute(query).all() if approved(row) is not None or not approved_only]


def list_entry(row: Row[Any]) -> dict[str, Any]:
    """One type as List of Custom Objects shows it (Describe without `fields`)."""
    described = object_type(row).describe(row.created_at, row.updated_at)
    described.pop("fields", None)
    return described


def schema_entry(row: Row[Any], *, with_fields: bool, state: str | None = None) -> dict[str, Any]:
    """One type as the metadata API shows it: the approved version unless `state` asks for the draft."""
    current, pending = approved(row), draft(row)
    if state is None:
        state = "approvedWithDraft" if current is not None and pending is not None else (
            "approved" if current is not None else "draft")  # fmt: skip
    version = pending if state == "draft" or current is None else current
    if version is None:
        raise ApiError("1013")
    live = version is current
    out: dict[str, Any] = {
        "state": state, "version": "approved" if live else "draft", "displayName": version.get("displayName"),
        "pluralName": version.get("pluralName"), "description": version.get("description"), "apiName": row.name,
        "idField": GUID if live else None, "createdAt": row.created_at if live else None,
        "updatedAt": row.updated_at if live else None, "dedupeFields": list(version["dedupeFields"]),
        "searchableFields": [list(s) for s in version["searchableFields"]] or [[]],
        "relationships": list(version.get("relationships") or []),
    }  # fmt: skip
    if with_fields:
        out["fields"] = [{**f, "crmManaged": False} for f in version["fields"]]
    return out


class TypeSchema:
    """The metadata API's writes: sync a type, add fields, approve, discard the draft, delete."""

    def __init__(self, db: Connection, now: dt.datetime) -> None:
        self.db = db
        self.stamp = format_datetime(now)

    def _save(self, name: str, current: Version | None, pending: Version | None) -> None:
        self.db.execute(custom_object_types.update().where(custom_object_types.c.name == name).values(
            definition={"approved": current, "draft": pending}, updated_at=self.stamp))  # fmt: skip

    def _working_draft(self, row: Row[Any]) -> Version:
        pending = draft(row)
        if pending is not None:
            return copy.deepcopy(pending)
        current = approved(row)
        assert current is not None  # a type without an approved version always has a draft
        return copy.deepcopy(current)

    def sync_type(self, body: Mapping[str, Any]) -> None:
        action = body.get("action", "createOrUpdate")
        if action not in ("createOnly", "updateOnly", "createOrUpdate"):
            raise ApiError("1001", show(action), "action")
        name = body.get("apiName")
        if name is None:
            raise ApiError("1002", "apiName")
        if not isinstance(name, str) or not API_NAME.fullmatch(name):
            raise ApiError("1001", show(name), "apiName")
        changes = {k: body[k] for k in TYPE_ATTRIBUTES if k in body}
        for key, value in changes.items():
            expected = bool if key == "showInLeadDetail" else str
            if value is not None and not isinstance(value, expected):
                raise ApiError("1001", show(value), key)
        row = type_row(self.db, name)
        if row is None:
            if action == "updateOnly":
                raise ApiError("1013")
            if not changes.get("displayName"):
                raise ApiError("701", "displayName")
            version: Version = {
                "displayName": None, "pluralName": None, "description": None, "showInLeadDetail": False,
                "dedupeFields": [], "searchableFields": [], "relationships": [],
                "fields": copy.deepcopy(_STANDARD_FIELDS), **changes,
            }  # fmt: skip
            self.db.execute(custom_object_types.insert().values(
                name=name, definition={"approved": None, "draft": version}, created_at=self.stamp,
                updated_at=self.stamp,
            ))  # fmt: skip
            return
        if action == "createOnly":
            raise ApiError("1017")
        current = approved(row)
        if current is not None and "displayName" in changes and changes["displayName"] != current.get("displayName"):
            raise ApiError("709")
        pending = self._working_draft(row)
        pending.update(changes)
        self._save(name, current, pending)

    def add_fields(self, name: str, inputs: Sequence[Any]) -> None:
        row = find_any(self.db, name)
        if not inputs:
            raise ApiError("1002", "input")
        pending = self._working_draft(row)
        was_approved = approved(row) is not None
        for spec in inputs:
            field = self._field(spec)
            if any(f["name"].lower() == field["name"].lower() for f in pending["fields"]):
                raise ApiError("709")
            dedupe, link = bool(spec.get("isDedupeField")), field["dataType"] == "link"
            if was_approved and (dedupe or link):
                raise ApiError("709")
            if link:
                related = spec.get("relatedTo")
                if not isinstance(related, dict) or not related.get("name") or not related.get("field"):
                    raise ApiError("701", "relatedTo")
                field["dataType"] = "integer"
                pending["relationships"].append({"field": field["name"], "type": "child", "relatedTo": {
                    "name": str(related["name"]).capitalize(), "field": str(related["field"])}})  # fmt: skip
            pending["fields"].append(field)
            if dedupe:
                pending["dedupeFields"].append(field["name"])
                field["updateable"] = False
            if len(pending["fields"]) > MAX_FIELDS:
                raise ApiError("709")
        pending["searchableFields"] = _searchable(pending)
        self._save(name, approved(row), pending)

    @staticmethod
    def _field(spec: Any) -> dict[str, Any]:
        if not isinstance(spec, dict):
            raise ApiError("1001", show(spec), "Field")
        for key in ("name", "displayName", "dataType"):
            if not isinstance(spec.get(key), str) or not spec[key].strip():
                raise ApiError("701", key)
        if not API_NAME.fullmatch(spec["name"]):
            raise ApiError("1001", show(spec["name"]), "name")
        if spec["dataType"] not in FIELD_DATA_TYPES:
            raise ApiError("1001", show(spec["dataType"]), "dataType")
        field: dict[str, Any] = {"name": spec["name"], "displayName": spec["displayName"],
                                 "dataType": spec["dataType"], "updateable": True}  # fmt: skip
        if spec["dataType"] == "string":
            field["length"] = 255
        if isinstance(spec.get("description"), str):
            field["description"] = spec["description"]
        return field

    def approve(self, name: str) -> None:
        row = find_any(self.db, name)
        pending = draft(row)
        if pending is None or not pending["dedupeFields"]:
            raise ApiError("709")
        self._save(name, pending, None)

    def discard_draft(self, name: str) -> None:
        row = find_any(self.db, name)
        if draft(row) is None:
            raise ApiError("1048")
        if approved(row) is None:
            self.db.execute(custom_object_types.delete().where(custom_object_types.c.name == name))
            return
        self._save(name, approved(row), None)

    def delete_type(self, name: str) -> None:
        row = find_any(self.db, name)
        if approved(row) is None:
            raise ApiError("709")
        used = self.db.execute(sa.select(object_records.c.id).where(object_records.c.object == name).limit(1))
        if used.first() is not None:
            raise ApiError("1022")
        self.db.execute(custom_object_types.delete().where(custom_object_types.c.name == name))


def _searchable(version: Version) -> list[list[str]]:
    out: list[list[str]] = [list(version["dedupeFields"])] if version["dedupeFields"] else []
    out.append([GUID])
    out += [[rel["field"]] for rel in version.get("relationships") or []]
    return out
