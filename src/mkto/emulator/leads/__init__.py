"""The Lead Database area: leads, their fields, partitions and memberships (`/rest/v1/lead(s)...`).

    from mkto.emulator.leads import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator._api import Endpoint
from mkto.emulator._store import metadata
from mkto.emulator._tables import AREA_TABLES, seed_partitions
from mkto.emulator.leads import _routes as r

__all__ = ["ENDPOINTS", "setup"]

READ = "Read-Only Lead"
WRITE = "Read-Write Lead"
ASSET_READ = "Read-Only Asset"  # endpoint-reference.md lists the membership reads under this permission
SCHEMA = "Read-Write Schema Custom Field"


def setup(db: Connection) -> None:
    """Create this area's tables if the store was opened before the area was imported, then seed what every
    instance has: the Default lead partition."""
    metadata.create_all(db, tables=list(AREA_TABLES))
    seed_partitions(db)


def _query(name: str, schema: dict[str, Any], *, required: bool = False, description: str = "") -> dict[str, Any]:
    param: dict[str, Any] = {"name": name, "in": "query", "required": required, "schema": schema}
    if description:
        param["description"] = description
    return param


def _csv(name: str, *, required: bool = False, description: str = "") -> dict[str, Any]:
    return _query(name, {"type": "string"}, required=required, description=description)


def _json_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}


_STR = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_OBJ = {"type": "object", "additionalProperties": True}
_BATCH = _query("batchSize", {"type": "integer", "minimum": 1, "maximum": 300})
_TOKEN = _query("nextPageToken", _STR)
_FIELDS = _csv("fields", description="Comma-separated lead field API names")
_SINCE = _query("earliestUpdatedAt", {"type": "string", "format": "date-time"})
_UNTIL = _query("latestUpdatedAt", {"type": "string", "format": "date-time"})
_LEAD_ID = {"name": "leadId", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def _records_body(item: dict[str, Any], **members: Any) -> dict[str, Any]:
    props = {"input": {"type": "array", "items": item, "maxItems": 300}, **members}
    return _json_body({"type": "object", "required": ["input"], "properties": props})


_SYNC = _records_body(
    _OBJ,
    action={"type": "string", "enum": ["createOnly", "updateOnly", "createOrUpdate", "createDuplicate"]},
    lookupField=_STR,
    partitionName=_STR,
    asyncProcessing=_BOOL,
)
_PUSH = _json_body({
    "type": "object",
    "required": ["programName", "input"],
    "properties": {
        "programName": _STR, "programStatus": _STR, "source": _STR, "reason": _STR, "lookupField": _STR,
        "partitionName": _STR, "input": {"type": "array", "items": _OBJ, "maxItems": 300},
    },
})  # fmt: skip
_FORM = {
    "type": "object",
    "required": ["leadFormFields"],
    "properties": {
        "leadFormFields": {"type": "object", "required": ["email"], "properties": {"email": _STR}},
        "visitorData": _OBJ,
        "cookie": _STR,
    },
}
_SUBMIT = _json_body({
    "type": "object",
    "required": ["formId", "input"],
    "properties": {"formId": _INT, "programId": _INT, "input": {"type": "array", "items": _FORM, "maxItems": 1}},
})  # fmt: skip
_FIELD_TYPES = ["boolean", "currency", "date", "datetime", "email", "float", "integer", "percent", "phone",
                "score", "string", "url"]  # fmt: skip
_CREATE_FIELD = {
    "type": "object",
    "required": ["displayName", "name", "dataType"],
    "properties": {
        "displayName": _STR, "name": _STR, "description": _STR, "dataType": {"type": "string", "enum": _FIELD_TYPES},
        "isHidden": _BOOL, "isHtmlEncodingInEmail": _BOOL, "isSensitive": _BOOL,
    },
}  # fmt: skip
_UPDATE_FIELD = {
    "type": "object",
    "properties": {
        "displayName": _STR, "description": _STR, "isHidden": _BOOL, "isHtmlEncodingInEmail": _BOOL,
        "isSensitive": _BOOL,
    },
}  # fmt: skip

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST", "/rest/v1/leads.json", r.sync_leads, body="json", permission=WRITE,
        operation_id="syncLeadUsingPOST", summary="Sync Leads", openapi=_SYNC,
    ),
    Endpoint(
        "GET", "/rest/v1/leads.json", r.get_leads_by_filter, permission=READ,
        operation_id="getLeadsByFilterUsingGET", summary="Get Leads by Filter Type",
        openapi={"parameters": [
            _query("filterType", _STR, required=True), _csv("filterValues", required=True), _FIELDS, _BATCH, _TOKEN,
        ]},
    ),
    Endpoint(
        "GET", "/rest/v1/lead/{leadId:int}.json", r.get_lead_by_id, permission=READ,
        operation_id="getLeadByIdUsingGET", summary="Get Lead by Id",
        openapi={"parameters": [_LEAD_ID, _FIELDS]},
    ),
    Endpoint(
        "POST", "/rest/v1/leads/delete.json", r.delete_leads, body="json", permission=WRITE,
        operation_id="deleteLeadsUsingPOST", summary="Delete Leads",
        openapi={
            "parameters": [_csv("id", description="Lead ids, when the body is empty")],
            **_records_body({"type": "object", "properties": {"id": _INT}}),
        },
    ),
    Endpoint(
        "GET", "/rest/v1/leads/describe.json", r.describe, permission=READ,
        operation_id="describeUsingGET_2", summary="Describe Lead",
    ),
    Endpoint(
        "GET", "/rest/v1/leads/describe2.json", r.describe2, permission=READ,
        operation_id="describeUsingGET_6", summary="Describe Lead2",
    ),
    Endpoint(
        "GET", "/rest/v1/leads/schema/fields.json", r.list_fields, permission=SCHEMA,
        operation_id="getLeadFieldsUsingGET", summary="Get Lead Fields",
        openapi={"parameters": [_BATCH, _TOKEN]},
    ),
    Endpoint(
        "POST", "/rest/v1/leads/schema/fields.json", r.create_fields, body="json", permission=SCHEMA,
        operation_id="createLeadFieldUsingPOST", summary="Create Lead Fields",
        openapi=_json_body({
            "type": "object", "required": ["input"],
            "properties": {"input": {"type": "array", "items": _CREATE_FIELD, "maxItems": 100}},
        }),
    ),
    Endpoint(
        "GET", "/rest/v1/leads/schema/fields/{fieldApiName}.json", r.get_field, permission=SCHEMA,
        operation_id="getLeadFieldByNameUsingGET", summary="Get Lead Field by Name",
    ),
    Endpoint(
        "POST", "/rest/v1/leads/schema/fields/{fieldApiName}.json", r.update_field, body="json", permission=SCHEMA,
        operation_id="updateLeadFieldUsingPOST", summary="Update Lead Field",
        openapi=_json_body({
            "type": "object", "required": ["input"],
            "properties": {"input": {"type": "array", "items": _UPDATE_FIELD, "maxItems": 1}},
        }),
    ),
    Endpoint(
        "GET", "/rest/v1/leads/partitions.json", r.get_partitions, permission=READ,
        operation_id="getLeadPartitionsUsingGET", summary="Get Lead Partitions",
    ),
    Endpoint(
        "POST", "/rest/v1/leads/partitions.json", r.update_partitions, body="json", permission=WRITE,
        operation_id="updatePartitionsUsingPOST", summary="Update Lead Partition",
        openapi=_records_body({"type": "object", "properties": {"id": _INT, "partitionName": _STR}}),
    ),
    Endpoint(
        "POST", "/rest/v1/leads/{leadId:int}/merge.json", r.merge_leads, permission=WRITE,
        operation_id="mergeLeadsUsingPOST", summary="Merge Leads",
        openapi={"parameters": [
            _LEAD_ID, _query("leadId", _INT), _csv("leadIds"), _query("mergeInCRM", _BOOL),
        ]},
    ),
    Endpoint(
        "POST", "/rest/v1/leads/{leadId:int}/associate.json", r.associate_lead, permission=WRITE,
        operation_id="associateLeadUsingPOST", summary="Associate Lead",
        openapi={"parameters": [_LEAD_ID, _query("cookie", _STR, required=True)]},
    ),
    Endpoint(
        "POST", "/rest/v1/leads/push.json", r.push_leads, body="json", permission=WRITE,
        operation_id="pushToMarketoUsingPOST", summary="Push Lead to Marketo", openapi=_PUSH,
    ),
    Endpoint(
        "POST", "/rest/v1/leads/submitForm.json", r.submit_form, body="json", permission=WRITE,
        operation_id="SubmitFormUsingPOST", summary="Submit Form", openapi=_SUBMIT,
    ),
    Endpoint(
        "GET", "/rest/v1/leads/{leadId:int}/listMembership.json", r.list_membership, permission=ASSET_READ,
        operation_id="getListMembershipUsingGET", summary="Get Lists by Lead Id",
        openapi={"parameters": [_LEAD_ID, _BATCH, _TOKEN]},
    ),
    Endpoint(
        "GET", "/rest/v1/leads/{leadId:int}/programMembership.json", r.program_membership, permission=ASSET_READ,
        operation_id="getProgramMembershipUsingGET", summary="Get Programs by Lead Id",
        openapi={"parameters": [
            _LEAD_ID, _BATCH, _TOKEN, _SINCE, _UNTIL, _query("filterType", {"type": "string", "enum": ["programId"]}),
            _csv("filterValues"),
        ]},
    ),
    Endpoint(
        "GET", "/rest/v1/leads/{leadId:int}/smartCampaignMembership.json", r.smart_campaign_membership,
        permission=ASSET_READ, operation_id="getSmartCampaignMembershipUsingGET",
        summary="Get Smart Campaigns by Lead Id",
        openapi={"parameters": [_LEAD_ID, _BATCH, _TOKEN, _SINCE, _UNTIL]},
    ),
    Endpoint(
        "GET", "/rest/v1/leads/programs/{programId:int}.json", r.leads_by_program, permission=READ,
        operation_id="getLeadsByProgramIdUsingGET", summary="Get Leads by Program Id",
        openapi={"parameters": [
            {"name": "programId", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}},
            _FIELDS, _BATCH, _TOKEN,
        ]},
    ),
]  # fmt: skip
