"""The activities area: activity types, date paging tokens, lead activities, lead changes, deleted leads,
custom activity types and custom activities (`/rest/v1/activities...`).

    from mkto.emulator.activities import ENDPOINTS   # registered by the emulator's router

Areas record what they did to a lead with `_common.activity.record_activity` (re-exported here).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import Endpoint
from mkto.emulator._common.activity import record_activity
from mkto.emulator.activities import _routes as r
from mkto.errors.limits import MAX_BATCH_RECORDS

__all__ = ["ENDPOINTS", "record_activity", "setup"]

READ = "Read-Only Activity"
WRITE = "Read-Write Activity"
META_READ = "Read-Only Activity Metadata"
META_WRITE = "Read-Write Activity Metadata"


def setup(db: Connection) -> None:
    """Nothing to seed: an instance starts with no activity and no custom activity type. (Tables are created once, when the store opens.)"""
    del db


_TOKEN = p.query("nextPageToken", p.STR, required=True)
_LEADS = p.query("leadIds", p.STR)
_LIST = p.query("listId", p.ID)
_API_NAME = p.path("apiName", {"type": "string", "pattern": "^[A-Za-z0-9_]+$"})
_ATTRIBUTE = {
    "type": "object",
    "required": ["apiName", "name"],
    "properties": {
        "apiName": p.STR,
        "name": p.STR,
        "description": p.STR,
        "dataType": p.STR,
        "isPrimary": {"type": "boolean"},
    },
}
_TYPE = {
    "type": "object",
    "properties": {
        "apiName": p.STR, "name": p.STR, "description": p.STR, "triggerName": p.STR, "filterName": p.STR,
        "primaryAttribute": _ATTRIBUTE,
    },
}  # fmt: skip


_ATTRIBUTES_BODY = p.json_body({
    "type": "object", "required": ["attributes"],
    "properties": {"attributes": {"type": "array", "items": _ATTRIBUTE, "maxItems": 30}},
})  # fmt: skip
_CUSTOM_ACTIVITY = {
    "type": "object",
    "properties": {
        "leadId": p.INT, "activityDate": p.STR, "activityTypeId": p.INT, "primaryAttributeValue": p.STR,
        "apiName": p.STR, "attributes": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
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
        openapi={"parameters": [p.query("sinceDatetime", p.STR, required=True)]},
    ),
    Endpoint(
        "GET", "/rest/v1/activities.json", r.lead_activities, permission=READ,
        operation_id="getLeadActivitiesUsingGET", summary="Get Lead Activities",
        openapi={"parameters": [
            _TOKEN, p.query("activityTypeIds", p.STR, required=True), p.query("assetIds", p.STR), _LIST, _LEADS, p.BATCH,
        ]},
    ),
    Endpoint(
        "GET", "/rest/v1/activities/leadchanges.json", r.lead_changes, permission=READ,
        operation_id="getLeadChangesUsingGET", summary="Get Lead Changes",
        openapi={"parameters": [_TOKEN, p.query("fields", p.STR, required=True), _LIST, _LEADS, p.BATCH]},
    ),
    Endpoint(
        "GET", "/rest/v1/activities/deletedleads.json", r.deleted_leads, permission=READ,
        operation_id="getDeletedLeadsUsingGET", summary="Get Deleted Leads",
        openapi={"parameters": [_TOKEN, p.BATCH]},
    ),
    Endpoint(
        "GET", "/rest/v1/activities/external/types.json", r.custom_types, permission=META_READ,
        operation_id="getCustomActivityTypeUsingGET", summary="Get Custom Activity Types",
    ),
    Endpoint(
        "POST", "/rest/v1/activities/external/type.json", r.create_type, body="json", permission=META_WRITE,
        operation_id="createCustomActivityTypeUsingPOST", summary="Create Custom Activity Type", openapi=p.json_body(_TYPE),
    ),
    _type_op("POST", ".json", r.update_type, "updateCustomActivityTypeUsingPOST", "Update Custom Activity Type",
             **p.json_body(_TYPE)),
    _type_op("GET", "/describe.json", r.describe_type, "describeCustomActivityTypeUsingGET",
             "Describe Custom Activity Type", params=[p.query("draft", {"type": "boolean"})]),
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
        openapi=p.json_body({
            "type": "object", "required": ["input"],
            "properties": {"input": {"type": "array", "items": _CUSTOM_ACTIVITY, "maxItems": MAX_BATCH_RECORDS}},
        }),
    ),
]  # fmt: skip
