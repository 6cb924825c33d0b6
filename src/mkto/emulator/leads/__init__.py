"""The Lead Database area: leads, their fields, partitions and memberships (`/rest/v1/lead(s)...`).

    from mkto.emulator.leads import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import Endpoint
from mkto.emulator.leads import _routes as r
from mkto.emulator.leads._model import LeadDatabase
from mkto.emulator.leads._tables import seed_partitions
from mkto.errors.limits import MAX_BATCH_RECORDS

__all__ = ["ENDPOINTS", "LeadDatabase", "setup"]  # other areas read and write leads through LeadDatabase

READ = "Read-Only Lead"
WRITE = "Read-Write Lead"
ASSET_READ = "Read-Only Asset"  # endpoint-reference.md lists the membership reads under this permission
SCHEMA = "Read-Write Schema Custom Field"


def setup(db: Connection) -> None:
    """Seed what every instance has: the Default lead partition."""
    seed_partitions(db)


def _csv(name: str, *, required: bool = False, description: str = "") -> dict[str, Any]:
    return p.query(name, p.STR, required=required, description=description)


_FIELDS = _csv("fields", description="Comma-separated lead field API names")
_SINCE = p.query("earliestUpdatedAt", {"type": "string", "format": "date-time"})
_UNTIL = p.query("latestUpdatedAt", {"type": "string", "format": "date-time"})
_LEAD_ID = p.path("leadId")


def _records_body(item: dict[str, Any], **members: Any) -> dict[str, Any]:
    props = {"input": {"type": "array", "items": item, "maxItems": MAX_BATCH_RECORDS}, **members}
    return p.json_body({"type": "object", "required": ["input"], "properties": props})


_SYNC = _records_body(
    p.OBJ,
    action={"type": "string", "enum": ["createOnly", "updateOnly", "createOrUpdate", "createDuplicate"]},
    lookupField=p.STR,
    partitionName=p.STR,
    asyncProcessing=p.BOOL,
)
_PUSH = p.json_body({
    "type": "object",
    "required": ["programName", "input"],
    "properties": {
        "programName": p.STR, "programStatus": p.STR, "source": p.STR, "reason": p.STR, "lookupField": p.STR,
        "partitionName": p.STR, "input": {"type": "array", "items": p.OBJ, "maxItems": MAX_BATCH_RECORDS},
    },
})  # fmt: skip
_FORM = {
    "type": "object",
    "required": ["leadFormFields"],
    "properties": {
        "leadFormFields": {"type": "object", "required": ["email"], "properties": {"email": p.STR}},
        "visitorData": p.OBJ,
        "cookie": p.STR,
    },
}
_SUBMIT = p.json_body({
    "type": "object",
    "required": ["formId", "input"],
    "properties": {"formId": p.INT, "programId": p.INT, "input": {"type": "array", "items": _FORM, "maxItems": 1}},
})  # fmt: skip
_FIELD_TYPES = ["boolean", "currency", "date", "datetime", "email", "float", "integer", "percent", "phone",
                "score", "string", "url"]  # fmt: skip
_CREATE_FIELD = {
    "type": "object",
    "required": ["displayName", "name", "dataType"],
    "properties": {
        "displayName": p.STR, "name": p.STR, "description": p.STR, "dataType": {"type": "string", "enum": _FIELD_TYPES},
        "isHidden": p.BOOL, "isHtmlEncodingInEmail": p.BOOL, "isSensitive": p.BOOL,
    },
}  # fmt: skip
_UPDATE_FIELD = {
    "type": "object",
    "properties": {
        "displayName": p.STR, "description": p.STR, "isHidden": p.BOOL, "isHtmlEncodingInEmail": p.BOOL,
        "isSensitive": p.BOOL,
    },
}  # fmt: skip

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST", "/rest/v1/leads.json", r.sync_leads, body="json", permission=WRITE,
        operation_id="syncLeadUsingPOST", summary="Sync Leads", openapi=_SYNC,
    ),
    Endpoint(
        "GET", "/rest/v1/leads.json", r.get_leads_by_filter, permission=READ, reads_only=True,
        operation_id="getLeadsByFilterUsingGET", summary="Get Leads by Filter Type",
        openapi={"parameters": [
            p.query("filterType", p.STR, required=True), _csv("filterValues", required=True), _FIELDS, p.BATCH, p.TOKEN,
        ]},
    ),
    Endpoint(
        "GET", "/rest/v1/lead/{leadId:int}.json", r.get_lead_by_id, permission=READ, reads_only=True,
        operation_id="getLeadByIdUsingGET", summary="Get Lead by Id",
        openapi={"parameters": [_LEAD_ID, _FIELDS]},
    ),
    Endpoint(
        "POST", "/rest/v1/leads/delete.json", r.delete_leads, body="json", permission=WRITE,
        operation_id="deleteLeadsUsingPOST", summary="Delete Leads",
        openapi={
            "parameters": [_csv("id", description="Lead ids, when the body is empty")],
            **_records_body({"type": "object", "properties": {"id": p.INT}}),
        },
    ),
    Endpoint(
        "GET", "/rest/v1/leads/describe.json", r.describe, permission=READ, reads_only=True,
        operation_id="describeUsingGET_2", summary="Describe Lead",
    ),
    Endpoint(
        "GET", "/rest/v1/leads/describe2.json", r.describe2, permission=READ, reads_only=True,
        operation_id="describeUsingGET_6", summary="Describe Lead2",
    ),
    Endpoint(
        "GET", "/rest/v1/leads/schema/fields.json", r.list_fields, permission=SCHEMA,
        operation_id="getLeadFieldsUsingGET", summary="Get Lead Fields",
        openapi={"parameters": [p.BATCH, p.TOKEN]},
    ),
    Endpoint(
        "POST", "/rest/v1/leads/schema/fields.json", r.create_fields, body="json", permission=SCHEMA,
        operation_id="createLeadFieldUsingPOST", summary="Create Lead Fields",
        openapi=p.json_body({
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
        openapi=p.json_body({
            "type": "object", "required": ["input"],
            "properties": {"input": {"type": "array", "items": _UPDATE_FIELD, "maxItems": 1}},
        }),
    ),
    Endpoint(
        "GET", "/rest/v1/leads/partitions.json", r.get_partitions, permission=READ, reads_only=True,
        operation_id="getLeadPartitionsUsingGET", summary="Get Lead Partitions",
    ),
    Endpoint(
        "POST", "/rest/v1/leads/partitions.json", r.update_partitions, body="json", permission=WRITE,
        operation_id="updatePartitionsUsingPOST", summary="Update Lead Partition",
        openapi=_records_body({"type": "object", "properties": {"id": p.INT, "partitionName": p.STR}}),
    ),
    Endpoint(
        "POST", "/rest/v1/leads/{leadId:int}/merge.json", r.merge_leads, permission=WRITE,
        operation_id="mergeLeadsUsingPOST", summary="Merge Leads",
        openapi={"parameters": [
            _LEAD_ID, p.query("leadId", p.INT), _csv("leadIds"), p.query("mergeInCRM", p.BOOL),
        ]},
    ),
    Endpoint(
        "POST", "/rest/v1/leads/{leadId:int}/associate.json", r.associate_lead, permission=WRITE,
        operation_id="associateLeadUsingPOST", summary="Associate Lead",
        openapi={"parameters": [_LEAD_ID, p.query("cookie", p.STR, required=True)]},
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
        openapi={"parameters": [_LEAD_ID, p.BATCH, p.TOKEN]},
    ),
    Endpoint(
        "GET", "/rest/v1/leads/{leadId:int}/programMembership.json", r.program_membership, permission=ASSET_READ,
        operation_id="getProgramMembershipUsingGET", summary="Get Programs by Lead Id",
        openapi={"parameters": [
            _LEAD_ID, p.BATCH, p.TOKEN, _SINCE, _UNTIL, p.query("filterType", {"type": "string", "enum": ["programId"]}),
            _csv("filterValues"),
        ]},
    ),
    Endpoint(
        "GET", "/rest/v1/leads/{leadId:int}/smartCampaignMembership.json", r.smart_campaign_membership,
        permission=ASSET_READ, operation_id="getSmartCampaignMembershipUsingGET",
        summary="Get Smart Campaigns by Lead Id",
        openapi={"parameters": [_LEAD_ID, p.BATCH, p.TOKEN, _SINCE, _UNTIL]},
    ),
    Endpoint(
        "GET", "/rest/v1/leads/programs/{programId:int}.json", r.leads_by_program, permission=READ,
        operation_id="getLeadsByProgramIdUsingGET", summary="Get Leads by Program Id",
        openapi={"parameters": [
            p.path("programId"),
            _FIELDS, p.BATCH, p.TOKEN,
        ]},
    ),
]  # fmt: skip
