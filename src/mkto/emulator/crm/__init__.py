"""The CRM objects area: companies, opportunities, opportunity roles, sales persons and named accounts, each a
dedupe object served by one generic model (describe, sync, query, delete).

    from mkto.emulator.crm import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator._api import Call, Endpoint
from mkto.emulator._store import metadata
from mkto.emulator._tables import OBJECT_AREA_TABLES
from mkto.emulator.crm import _http as h
from mkto.emulator.crm import _routes as r
from mkto.emulator.crm._model import LEAD, Reference
from mkto.emulator.crm._objects import (
    COMPANY,
    NAMED_ACCOUNT,
    OPPORTUNITY,
    OPPORTUNITY_ROLE,
    SALES_PERSON,
    ObjectType,
)

__all__ = ["ENDPOINTS", "setup"]

REFERENCES: dict[str, tuple[Reference, ...]] = {
    OPPORTUNITY.key: (Reference("externalSalesPersonId", SALES_PERSON.key, "externalSalesPersonId", "718"),),
    OPPORTUNITY_ROLE.key: (
        Reference("externalOpportunityId", OPPORTUNITY.key, "externalOpportunityId", "1013"),
        Reference("leadId", LEAD, "id", "1004"),
    ),
}


def setup(db: Connection) -> None:
    metadata.create_all(db, tables=list(OBJECT_AREA_TABLES))


def _fixed(obj: ObjectType) -> r.Resolve:
    refs = REFERENCES.get(obj.key, ())

    def resolve(_: Call) -> tuple[ObjectType, Sequence[Reference]]:
        return obj, refs

    return resolve


def _sync_body(obj: ObjectType) -> dict[str, Any]:
    item = {"type": "object", "additionalProperties": True}
    return h.json_body(
        {
            "type": "object",
            "required": ["input"],
            "properties": {
                "action": {"type": "string", "enum": ["createOnly", "updateOnly", "createOrUpdate"]},
                "dedupeBy": {"type": "string", "enum": ["dedupeFields", "idField"]},
                "input": {"type": "array", "items": item, "maxItems": 300},
            },
        }
    )


_DELETE_BODY = h.json_body(
    {
        "type": "object",
        "required": ["input"],
        "properties": {
            "deleteBy": {"type": "string", "enum": ["dedupeFields", "idField"]},
            "input": {"type": "array", "items": h.OBJ, "maxItems": 300},
        },
    }
)
_QUERY = {"parameters": [
    h.query("filterType", h.STR, required=True), h.query("filterValues", h.STR, required=True), h.FIELDS, h.BATCH,
    h.TOKEN,
]}  # fmt: skip

SCHEMA = "Read-Write Schema Custom Field"
SCHEMA_OBJECTS = (COMPANY, OPPORTUNITY, NAMED_ACCOUNT)  # the objects the docs give field metadata endpoints
_FIELD_NAME = h.path("fieldApiName", {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]*$"})

# (object, path stem, permission noun, operation name, plural name)
_AREAS: tuple[tuple[ObjectType, str, str, str, str], ...] = (
    (COMPANY, "/rest/v1/companies", "Company", "Company", "Companies"),
    (OPPORTUNITY, "/rest/v1/opportunities", "Opportunity", "Opportunity", "Opportunities"),
    (OPPORTUNITY_ROLE, "/rest/v1/opportunities/roles", "Opportunity", "OpportunityRole", "Opportunity Roles"),
    (SALES_PERSON, "/rest/v1/salespersons", "Sales Person", "SalesPerson", "SalesPersons"),
    (NAMED_ACCOUNT, "/rest/v1/namedaccounts", "Named Account", "NamedAccount", "Named Accounts"),
)


def _endpoints() -> list[Endpoint]:
    out: list[Endpoint] = []
    for obj, stem, noun, op, plural in _AREAS:
        resolve = _fixed(obj)
        read, write = f"Read-Only {noun}", f"Read-Write {noun}"
        out += [
            Endpoint("GET", f"{stem}/describe.json", r.describe_handler(resolve), permission=read,
                     operation_id=f"describe{op}UsingGET", summary=f"Describe {plural}"),
            Endpoint("GET", f"{stem}.json", r.query_handler(resolve), permission=read,
                     operation_id=f"get{op}UsingGET", summary=f"Get {plural}", openapi=_QUERY),
            Endpoint("POST", f"{stem}.json", r.sync_handler(resolve), body="json", permission=write,
                     operation_id=f"sync{op}UsingPOST", summary=f"Sync {plural}", openapi=_sync_body(obj)),
            Endpoint("POST", f"{stem}/delete.json", r.delete_handler(resolve), body="json", permission=write,
                     operation_id=f"delete{op}UsingPOST", summary=f"Delete {plural}", openapi=_DELETE_BODY),
        ]  # fmt: skip
        if obj in SCHEMA_OBJECTS:
            out += [
                Endpoint("GET", f"{stem}/schema/fields.json", r.schema_fields_handler(resolve), permission=SCHEMA,
                         operation_id=f"get{op}FieldsUsingGET", summary=f"Get {op} Fields",
                         openapi={"parameters": [h.BATCH, h.TOKEN]}),
                Endpoint("GET", f"{stem}/schema/fields/{{fieldApiName}}.json", r.schema_field_handler(resolve),
                         permission=SCHEMA, operation_id=f"get{op}FieldByNameUsingGET",
                         summary=f"Get {op} Field by Name", openapi={"parameters": [_FIELD_NAME]}),
            ]  # fmt: skip
    return out


ENDPOINTS: list[Endpoint] = _endpoints()
