"""The CRM objects area: companies, opportunities, opportunity roles, sales persons, named accounts and named
account lists, each a dedupe object served by one generic model (describe, sync, query, delete), plus named
account list membership.

    from mkto.emulator.crm import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import Endpoint
from mkto.emulator._common.objects import routes as objects
from mkto.emulator._common.objects.types import ObjectType
from mkto.emulator.crm import _routes as r
from mkto.emulator.crm._objects import (
    COMPANY,
    NAMED_ACCOUNT,
    NAMED_ACCOUNT_LIST,
    OPPORTUNITY,
    OPPORTUNITY_ROLE,
    SALES_PERSON,
)
from mkto.errors.limits import MAX_BATCH_RECORDS

__all__ = ["ENDPOINTS", "setup"]


def setup(db: Connection) -> None:
    """Nothing to seed: an instance starts with no CRM record. (Tables are created once, when the store opens.)"""
    del db


def _sync_body(obj: ObjectType) -> dict[str, Any]:
    item = {"type": "object", "additionalProperties": True}
    return p.json_body(
        {
            "type": "object",
            "required": ["input"],
            "properties": {
                "action": {"type": "string", "enum": ["createOnly", "updateOnly", "createOrUpdate"]},
                "dedupeBy": {"type": "string", "enum": ["dedupeFields", "idField"]},
                "input": {"type": "array", "items": item, "maxItems": MAX_BATCH_RECORDS},
            },
        }
    )


_DELETE_BODY = p.json_body(
    {
        "type": "object",
        "required": ["input"],
        "properties": {
            "deleteBy": {"type": "string", "enum": ["dedupeFields", "idField"]},
            "input": {"type": "array", "items": p.OBJ, "maxItems": MAX_BATCH_RECORDS},
        },
    }
)
_QUERY = {"parameters": [
    p.query("filterType", p.STR, required=True), p.query("filterValues", p.STR, required=True), p.FIELDS, p.BATCH,
    p.TOKEN,
]}  # fmt: skip

SCHEMA = "Read-Write Schema Custom Field"
SCHEMA_OBJECTS = (COMPANY, OPPORTUNITY, NAMED_ACCOUNT)  # the objects the docs give field metadata endpoints
_FIELD_NAME = p.path("fieldApiName", p.API_NAME)

# (object, path stem, permission noun, operation name, plural name)
_AREAS: tuple[tuple[ObjectType, str, str, str, str], ...] = (
    (COMPANY, "/rest/v1/companies", "Company", "Company", "Companies"),
    (OPPORTUNITY, "/rest/v1/opportunities", "Opportunity", "Opportunity", "Opportunities"),
    (OPPORTUNITY_ROLE, "/rest/v1/opportunities/roles", "Opportunity", "OpportunityRole", "Opportunity Roles"),
    (SALES_PERSON, "/rest/v1/salespersons", "Sales Person", "SalesPerson", "SalesPersons"),
    (NAMED_ACCOUNT, "/rest/v1/namedaccounts", "Named Account", "NamedAccount", "Named Accounts"),
    (NAMED_ACCOUNT_LIST, "/rest/v1/namedaccountlists", "Named Account List", "NamedAccountList", "Named Account Lists"),
)
NO_DESCRIBE = (NAMED_ACCOUNT_LIST,)  # the docs give named account lists no Describe
# Named accounts and their lists belong to Marketo ABM; on a subscription without it they answer 703.
ABM = "abm_enabled"
ABM_OBJECTS = (NAMED_ACCOUNT, NAMED_ACCOUNT_LIST)


def _endpoints() -> list[Endpoint]:
    out: list[Endpoint] = []
    for obj, stem, noun, op, plural in _AREAS:
        mine = _object_endpoints(obj, stem, noun, op, plural)
        out += [replace(e, feature=ABM) for e in mine] if obj in ABM_OBJECTS else mine
    return out + [replace(e, feature=ABM) for e in _membership_endpoints()]


def _object_endpoints(obj: ObjectType, stem: str, noun: str, op: str, plural: str) -> list[Endpoint]:
    out: list[Endpoint] = []
    resolve = r.fixed(obj)
    read, write = f"Read-Only {noun}", f"Read-Write {noun}"
    if obj not in NO_DESCRIBE:
        out.append(
            Endpoint(
                "GET",
                f"{stem}/describe.json",
                objects.describe_handler(resolve),
                permission=read,
                operation_id=f"describe{op}UsingGET",
                summary=f"Describe {plural}",
            )
        )
    out += [
        Endpoint("GET", f"{stem}.json", objects.query_handler(resolve), permission=read,
                 operation_id=f"get{op}UsingGET", summary=f"Get {plural}", openapi=_QUERY),
        Endpoint("POST", f"{stem}.json", objects.sync_handler(resolve), body="json", permission=write,
                 operation_id=f"sync{op}UsingPOST", summary=f"Sync {plural}", openapi=_sync_body(obj)),
        Endpoint("POST", f"{stem}/delete.json", objects.delete_handler(resolve), body="json", permission=write,
                 operation_id=f"delete{op}UsingPOST", summary=f"Delete {plural}", openapi=_DELETE_BODY),
    ]  # fmt: skip
    if obj in SCHEMA_OBJECTS:
        out += [
            Endpoint("GET", f"{stem}/schema/fields.json", objects.schema_fields_handler(resolve), permission=SCHEMA,
                     operation_id=f"get{op}FieldsUsingGET", summary=f"Get {op} Fields",
                     openapi={"parameters": [p.BATCH, p.TOKEN]}),
            Endpoint("GET", f"{stem}/schema/fields/{{fieldApiName}}.json", objects.schema_field_handler(resolve),
                     permission=SCHEMA, operation_id=f"get{op}FieldByNameUsingGET",
                     summary=f"Get {op} Field by Name", openapi={"parameters": [_FIELD_NAME]}),
        ]  # fmt: skip
    return out


def _membership_endpoints() -> list[Endpoint]:
    stem = "/rest/v1/namedaccountlist/{id}/namedaccounts"
    list_id = p.path("id", {"type": "string", "pattern": "^[0-9a-f-]{1,36}$"})
    body = p.json_body(
        {
            "type": "object",
            "required": ["input"],
            "properties": {
                "input": {
                    "type": "array",
                    "maxItems": MAX_BATCH_RECORDS,
                    "items": {"type": "object", "properties": {"marketoGUID": p.STR}},
                }
            },
        }
    )
    return [
        Endpoint("GET", f"{stem}.json", r.list_members, permission="Read-Only Named Account",
                 operation_id="getNamedAccountListMembersUsingGET", summary="Get Named Account List Members",
                 openapi={"parameters": [list_id, p.FIELDS, p.BATCH, p.TOKEN]}),
        Endpoint("POST", f"{stem}.json", r.add_members, body="json", permission="Read-Write Named Account",
                 operation_id="addNamedAccountListMembersUsingPOST", summary="Add Named Account List Members",
                 openapi={"parameters": [list_id], **body}),
        Endpoint("POST", f"{stem}/remove.json", r.remove_members, body="json", permission="Read-Write Named Account",
                 operation_id="removeNamedAccountListMembersUsingPOST", summary="Remove Named Account List Members",
                 openapi={"parameters": [list_id], **body}),
    ]  # fmt: skip


ENDPOINTS: list[Endpoint] = _endpoints()
