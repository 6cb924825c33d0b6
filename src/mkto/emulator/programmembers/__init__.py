"""The program members area: status progression by channel, member data, query, delete, describe, and the
legacy Change Lead Program Status.

    from mkto.emulator.programmembers import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import Endpoint
from mkto.emulator.programmembers import _routes as r
from mkto.emulator.programmembers._channels import CHANNELS, Channel
from mkto.errors.limits import MAX_BATCH_RECORDS

__all__ = ["CHANNELS", "ENDPOINTS", "Channel", "setup"]  # the assets area reads the channels

READ = "Read-Only Lead"
WRITE = "Read-Write Lead"
SCHEMA = "Read-Write Schema Custom Field"


def setup(db: Connection) -> None:
    """Nothing to seed: members join programs through the API. (Tables are created once, when the store opens.)"""
    del db


_PROGRAM = p.path("programId")
_LEADS = {"type": "array", "maxItems": MAX_BATCH_RECORDS, "items": {"type": "object", "properties": {"leadId": p.INT}}}

ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/rest/v1/programs/members/describe.json", r.describe, permission=READ,
             operation_id="describeProgramMemberUsingGET2", summary="Describe Program Member"),
    # the docs' endpoint table also lists Describe Program Member under Leads at the singular path
    Endpoint("GET", "/rest/v1/program/members/describe.json", r.describe, permission=READ,
             operation_id="describeProgramMemberUsingGET", summary="Describe Program Member (Leads)"),
    Endpoint("GET", "/rest/v1/programs/members/schema/fields.json", r.list_fields, permission=SCHEMA,
             operation_id="getProgramMemberFieldsUsingGET", summary="Get Program Member Fields",
             openapi={"parameters": [p.BATCH, p.TOKEN]}),
    Endpoint("GET", "/rest/v1/programs/members/schema/fields/{fieldApiName}.json", r.get_field, permission=SCHEMA,
             operation_id="getProgramMemberFieldByNameUsingGET", summary="Get Program Member Field by Name",
             openapi={"parameters": [p.path("fieldApiName", {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]*$"})]}),
    Endpoint("POST", "/rest/v1/programs/{programId:int}/members/status.json", r.sync_status, body="json",
             permission=WRITE, operation_id="syncProgramMemberStatusUsingPOST", summary="Sync Program Member Status",
             openapi={"parameters": [_PROGRAM], **p.json_body({
                 "type": "object", "required": ["statusName", "input"],
                 "properties": {"statusName": p.STR, "input": _LEADS}})}),
    Endpoint("GET", "/rest/v1/programs/{programId:int}/members.json", r.query, permission=READ,
             operation_id="getProgramMembersUsingGET", summary="Get Program Members",
             openapi={"parameters": [
                 _PROGRAM, p.query("filterType", p.STR, required=True),
                 p.query("filterValues", p.STR, required=True), p.query("startAt", p.STR),
                 p.query("endAt", p.STR), p.FIELDS, p.BATCH, p.TOKEN]}),
    Endpoint("POST", "/rest/v1/programs/{programId:int}/members.json", r.sync_data, body="json", permission=WRITE,
             operation_id="syncProgramMemberDataUsingPOST", summary="Sync Program Member Data",
             openapi={"parameters": [_PROGRAM], **p.json_body({
                 "type": "object", "required": ["input"],
                 "properties": {"input": {"type": "array", "maxItems": MAX_BATCH_RECORDS, "items": p.OBJ}}})}),
    Endpoint("POST", "/rest/v1/programs/{programId:int}/members/delete.json", r.delete, body="json",
             permission=WRITE, operation_id="deleteProgramMemberUsingPOST", summary="Delete Program Members",
             openapi={"parameters": [_PROGRAM], **p.json_body({
                 "type": "object", "required": ["input"], "properties": {"input": _LEADS}})}),
    Endpoint("POST", "/rest/v1/leads/programs/{programId:int}/status.json", r.change_status, body="json",
             permission=WRITE, operation_id="changeLeadProgramStatusUsingPOST", summary="Change Lead Program Status",
             openapi={"parameters": [_PROGRAM], **p.json_body({
                 "type": "object", "required": ["status", "input"],
                 "properties": {"status": p.STR, "input": {
                     "type": "array", "maxItems": MAX_BATCH_RECORDS, "items": {"type": "object", "properties": {"id": p.INT}}}}})}),
]  # fmt: skip
