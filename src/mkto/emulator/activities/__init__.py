"""The activities area: activity types, date paging tokens, lead activities, lead changes, deleted leads,
custom activity types and custom activities (`/rest/v1/activities...`).

    from mkto.emulator.activities import record_activity   # other areas log what they did to a lead
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator._api import Endpoint
from mkto.emulator._store import metadata
from mkto.emulator._tables import AREA_TABLES, LISTS_AREA_TABLES
from mkto.emulator.activities import _routes as r
from mkto.emulator.activities._model import TABLES
from mkto.emulator.activities._record import record_activity

__all__ = ["ENDPOINTS", "record_activity", "setup"]

READ = "Read-Only Activity"
WRITE = "Read-Write Activity"
META_READ = "Read-Only Activity Metadata"
META_WRITE = "Read-Write Activity Metadata"


def setup(db: Connection) -> None:
    metadata.create_all(db, tables=[*AREA_TABLES, *LISTS_AREA_TABLES, *TABLES])


def _query(name: str, schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


_STR = {"type": "string"}
_INT = {"type": "integer"}
_TOKEN = _query("nextPageToken", _STR, required=True)
_BATCH = _query("batchSize", {"type": "integer", "minimum": 1, "maximum": 300})
_LEADS = _query("leadIds", _STR)
_LIST = _query("listId", {"type": "integer", "minimum": 1})
_API_NAME = {
    "name": "apiName",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_]+$"},
}
_ATTRIBUTE = {
    "type": "object",
    "required": ["apiName", "name"],
    "properties": {
        "apiName": _STR,
        "name": _STR,
        "description": _STR,
        "dataType": _STR,
        "isPrimary": {"type": "boolean"},
    },
}
_TYPE = {
    "type": "object",
    "properties": {
        "apiName": _STR, "name": _STR, "description": _STR, "triggerName": _STR, "filterName": _STR,
        "primaryAttribute": _ATTRIBUTE,
    },
}  # fmt: skip


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


_ATTRIBUTES_BODY = _json({
    "type": "object", "required": ["attributes"],
    "properties": {"attributes": {"type": "array", "items": _ATTRIBUTE, "maxItems": 30}},
})  # fmt: skip
_CUSTOM_ACTIVITY = {
    "type": "object",
    "properties": {
        "leadId": _INT, "activityDate": _STR, "activityTypeId": _INT, "primaryAttributeValue": _STR,
        "apiName": _STR, "attributes": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    },
}  # fmt: skip


def _type_op(method: str, suffix: str, handler: Any, op: str, summary: str, **extra: Any) -> Endpoint:
    return Endpoint(
        method, f"/rest/v1/activities/external/type/{{apiName}}{suffix}", handler,
        body="json" if method == "POST" else "none", permission=META_WRITE if method == "POST" else META_READ,
        operation_id=op, summary=summary, openapi={"parameters": [_API_NAME, *extra.pop("params", [])], **extra},
    )  # fmt: skip


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET", "/rest/v1/activities/types.json", r.activity_types, permission=READ,
        operation_id="getAllActivityTypesUsingGET", summary="Get Activity Types",
    ),
    Endpoint(
        "GET", "/rest/v1/activities/pagingtoken.json", r.paging_token, permission=READ,
        operation_id="getActivitiesPagingTokenUsingGET", summary="Get Paging Token",
        openapi={"parameters": [_query("sinceDatetime", _STR, required=True)]},
    ),
    Endpoint(
        "GET", "/rest/v1/activities.json", r.lead_activities, permission=READ,
        operation_id="getLeadActivitiesUsingGET", summary="Get Lead Activities",
        openapi={"parameters": [
            _TOKEN, _query("activityTypeIds", _STR, required=True), _query("assetIds", _STR), _LIST, _LEADS, _BATCH,
        ]},
    ),
    Endpoint(
        "GET", "/rest/v1/activities/leadchanges.json", r.lead_changes, permission=READ,
        operation_id="getLeadChangesUsingGET", summary="Get Lead Changes",
        openapi={"parameters": [_TOKEN, _query("fields", _STR, required=True), _LIST, _LEADS, _BATCH]},
    ),
    Endpoint(
        "GET", "/rest/v1/activities/deletedleads.json", r.deleted_leads, permission=READ,
        operation_id="getDeletedLeadsUsingGET", summary="Get Deleted Leads",
        openapi={"parameters": [_TOKEN, _BATCH]},
    ),
    Endpoint(
        "GET", "/rest/v1/activities/external/types.json", r.custom_types, permission=META_READ,
        operation_id="getCustomActivityTypeUsingGET", summary="Get Custom Activity Types",
    ),
    Endpoint(
        "POST", "/rest/v1/activities/external/type.json", r.create_type, body="json", permission=META_WRITE,
        operation_id="createCustomActivityTypeUsingPOST", summary="Create Custom Activity Type", openapi=_json(_TYPE),
    ),
    _type_op("POST", ".json", r.update_type, "updateCustomActivityTypeUsingPOST", "Update Custom Activity Type",
             **_json(_TYPE)),
    _type_op("GET", "/describe.json", r.describe_type, "describeCustomActivityTypeUsingGET",
             "Describe Custom Activity Type", params=[_query("draft", {"type": "boolean"})]),
    _type_op("POST", "/approve.json", r.approve_type, "approveCustomActivityTypeUsingPOST",
             "Approve Custom Activity Type"),
    _type_op("POST", "/discardDraft.json", r.discard_draft, "discardDraftOfCustomActivityTypeUsingPOST",
             "Discard Custom Activity Type Draft"),
    _type_op("POST", "/delete.json", r.delete_type, "deleteCustomActivityTypeUsingPOST",
             "Delete Custom Activity Type"),
    _type_op("POST", "/attributes/create.json", r.create_attributes, "addAttributesToCustomActivityTypeUsingPOST",
             "Create Custom Activity Type Attributes", **_ATTRIBUTES_BODY),
    _type_op("POST", "/attributes/update.json", r.update_attributes, "updateAttributesCustomActivityTypeUsingPOST",
             "Update Custom Activity Type Attributes", **_ATTRIBUTES_BODY),
    _type_op("POST", "/attributes/delete.json", r.delete_attributes, "removeAttributesFromCustomActivityTypeUsingPOST",
             "Delete Custom Activity Type Attributes", **_ATTRIBUTES_BODY),
    Endpoint(
        "POST", "/rest/v1/activities/external.json", r.add_custom_activities, body="json", permission=WRITE,
        operation_id="addCustomActivityUsingPOST", summary="Add Custom Activities",
        openapi=_json({
            "type": "object", "required": ["input"],
            "properties": {"input": {"type": "array", "items": _CUSTOM_ACTIVITY, "maxItems": 300}},
        }),
    ),
]  # fmt: skip
