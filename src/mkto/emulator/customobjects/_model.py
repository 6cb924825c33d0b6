"""Custom object types: stored definitions turned into `ObjectType`s for the generic dedupe-object model, and the
instance gates every custom object call passes first.

Behaviour chosen where Marketo is silent:
- with custom objects disabled (`custom_objects_enabled` false) every custom object call, records and metadata
  alike, is 1026; with the metadata API missing from the subscription (`custom_object_metadata_api` false) the
  `/customobjects/schema...` calls are 616 while record calls keep working;
- a type name no type has is response-level 1013 "Object not found"; Describe Custom Object Type for it too;
- the seeded type `car_c` (dedupe field `vin`, `leadId` linking to a lead) exists on every instance and comes
  back after a reset; a record whose `leadId` names no lead is skipped 1004.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection, Row

from mkto.emulator._api import ApiError
from mkto.emulator._tables import custom_object_types
from mkto.emulator.crm._model import LEAD, Reference
from mkto.emulator.crm._objects import GUID, ObjectType, ObjField

SEED_SINCE = "2019-01-22T19:12:18Z"
FIELD_DATA_TYPES = ("string", "integer", "float", "currency", "boolean", "date", "datetime", "email", "phone",
                    "url", "text", "link")  # fmt: skip
LINKABLE = ({"name": "lead", "displayName": "Person", "pluralName": "People", "fields": [{"name": "id"}]},
            {"name": "company", "displayName": "Company", "pluralName": "Companies", "fields": [{"name": "id"}]})  # fmt: skip

_STANDARD_FIELDS: list[dict[str, Any]] = [
    {"name": "createdAt", "displayName": "Created At", "dataType": "datetime", "updateable": False},
    {"name": GUID, "displayName": "Marketo GUID", "dataType": "string", "length": 36, "updateable": False},
    {"name": "updatedAt", "displayName": "Updated At", "dataType": "datetime", "updateable": False},
]
CAR: dict[str, Any] = {
    "displayName": "Car",
    "pluralName": "Cars",
    "description": "Automobile owned",
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


def seed(db: Connection) -> None:
    for name, definition in SEEDED.items():
        if db.execute(custom_object_types.select().where(custom_object_types.c.name == name)).first() is None:
            db.execute(custom_object_types.insert().values(
                name=name, definition=dict(definition), created_at=SEED_SINCE, updated_at=SEED_SINCE))  # fmt: skip


def check_enabled(settings: Mapping[str, Any], *, metadata_api: bool = False) -> None:
    if not settings.get("custom_objects_enabled", True):
        raise ApiError("1026")
    if metadata_api and not settings.get("custom_object_metadata_api", True):
        raise ApiError("616")


def object_type(row: Row[Any]) -> ObjectType:
    d: dict[str, Any] = row.definition
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


def find(db: Connection, name: str) -> Row[Any]:
    row = db.execute(custom_object_types.select().where(custom_object_types.c.name == name)).first()
    if row is None:
        raise ApiError("1013")
    return row


def all_types(db: Connection, names: Sequence[str] = ()) -> list[Row[Any]]:
    query = custom_object_types.select().order_by(custom_object_types.c.name)
    if names:
        query = query.where(custom_object_types.c.name.in_(list(names)))
    return list(db.execute(query).all())


def list_entry(row: Row[Any]) -> dict[str, Any]:
    """One type as List of Custom Objects shows it (Describe without `fields`)."""
    described = object_type(row).describe(row.created_at, row.updated_at)
    described.pop("fields", None)
    return described


def schema_entry(row: Row[Any], *, with_fields: bool) -> dict[str, Any]:
    """One type as the metadata API shows it (approved: the emulator keeps no drafts)."""
    d: dict[str, Any] = row.definition
    out: dict[str, Any] = {
        "state": "approved", "version": "approved", "displayName": d.get("displayName"),
        "pluralName": d.get("pluralName"), "description": d.get("description"), "apiName": row.name,
        "idField": GUID, "createdAt": row.created_at, "updatedAt": row.updated_at,
        "dedupeFields": list(d["dedupeFields"]), "searchableFields": [list(s) for s in d["searchableFields"]],
        "relationships": list(d.get("relationships") or []),
    }  # fmt: skip
    if with_fields:
        out["fields"] = [{**f, "crmManaged": False} for f in d["fields"]]
    return out
