"""The program members area: status progression by channel, member data, query, delete, describe, and the
legacy Change Lead Program Status.

    from mkto.emulator.programmembers import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Endpoint, Reply
from mkto.emulator._common.values import InvalidValue, format_datetime, parse_datetime
from mkto.emulator.programmembers import _model as m
from mkto.emulator.programmembers._channels import CHANNELS, Channel
from mkto.errors.limits import MAX_BATCH_RECORDS

__all__ = ["CHANNELS", "ENDPOINTS", "Channel", "setup"]  # the assets area reads the channels

READ = "Read-Only Lead"
WRITE = "Read-Write Lead"
SCHEMA = "Read-Write Schema Custom Field"
MAX_UPDATED_WINDOW = dt.timedelta(days=7)  # filterType=updatedAt: "The range must be seven days or fewer"


def setup(db: Connection) -> None:
    """Nothing to seed: members join programs through the API. (Tables are created once, when the store opens.)"""
    del db


def _members(call: Call) -> m.ProgramMembers:
    return m.ProgramMembers(call.db, call.now, p.path_id(call, "programId"), call.user)


def sync_status(call: Call) -> Reply:
    data = p.body(call)
    if "statusName" not in data:
        raise ApiError("1002", "statusName")
    return Reply(result=_members(call).sync_status(data["statusName"], p.records(data)))


def change_status(call: Call) -> Reply:
    data = p.body(call)
    if "status" not in data:
        raise ApiError("1002", "status")
    return Reply(result=_members(call).sync_status(data["status"], p.records(data), id_key="id"))


def sync_data(call: Call) -> Reply:
    return Reply(result=_members(call).sync_data(p.records(p.body(call))))


def delete(call: Call) -> Reply:
    return Reply(result=_members(call).delete(p.records(p.body(call))))


def query(call: Call) -> Reply:
    members = _members(call)
    filter_type = p.required(call, "filterType").strip()
    window = _window(call) if filter_type.lower() == "updatedat" else None
    values: list[str] = []
    if window is None:
        p.required(call, "filterValues")
        values = call.param_list("filterValues")
        if not values:
            raise ApiError("701", "filterValues")
    page = members.query(filter_type, values, call.param_list("fields") or None, p.batch_size(call),
                         p.page_token(call), window=window)  # fmt: skip
    return p.paged(page, always=True)


def _window(call: Call) -> tuple[str, str]:
    start, end = (_moment(call, "startAt"), _moment(call, "endAt"))
    if end < start or end - start > MAX_UPDATED_WINDOW:
        raise ApiError("1003")
    return format_datetime(start), format_datetime(end)


def _moment(call: Call, name: str) -> dt.datetime:
    raw = p.required(call, name)
    try:
        return parse_datetime(raw)
    except InvalidValue:
        raise ApiError("704") from None


def describe(_: Call) -> Reply:
    return Reply(result=m.describe())


def list_fields(call: Call) -> Reply:
    return p.paged(m.fields_page(p.batch_size(call), p.page_token(call)))


def get_field(call: Call) -> Reply:
    return Reply(result=m.field_metadata(str(call.path_params.get("fieldApiName", ""))))


_PROGRAM = p.path("programId")
_LEADS = {"type": "array", "maxItems": MAX_BATCH_RECORDS, "items": {"type": "object", "properties": {"leadId": p.INT}}}

ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/rest/v1/programs/members/describe.json", describe, permission=READ,
             operation_id="describeProgramMemberUsingGET2", summary="Describe Program Member"),
    # the docs' endpoint table also lists Describe Program Member under Leads at the singular path
    Endpoint("GET", "/rest/v1/program/members/describe.json", describe, permission=READ,
             operation_id="describeProgramMemberUsingGET", summary="Describe Program Member (Leads)"),
    Endpoint("GET", "/rest/v1/programs/members/schema/fields.json", list_fields, permission=SCHEMA,
             operation_id="getProgramMemberFieldsUsingGET", summary="Get Program Member Fields",
             openapi={"parameters": [p.BATCH, p.TOKEN]}),
    Endpoint("GET", "/rest/v1/programs/members/schema/fields/{fieldApiName}.json", get_field, permission=SCHEMA,
             operation_id="getProgramMemberFieldByNameUsingGET", summary="Get Program Member Field by Name",
             openapi={"parameters": [p.path("fieldApiName", {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]*$"})]}),
    Endpoint("POST", "/rest/v1/programs/{programId:int}/members/status.json", sync_status, body="json",
             permission=WRITE, operation_id="syncProgramMemberStatusUsingPOST", summary="Sync Program Member Status",
             openapi={"parameters": [_PROGRAM], **p.json_body({
                 "type": "object", "required": ["statusName", "input"],
                 "properties": {"statusName": p.STR, "input": _LEADS}})}),
    Endpoint("GET", "/rest/v1/programs/{programId:int}/members.json", query, permission=READ,
             operation_id="getProgramMembersUsingGET", summary="Get Program Members",
             openapi={"parameters": [
                 _PROGRAM, p.query("filterType", p.STR, required=True),
                 p.query("filterValues", p.STR, required=True), p.query("startAt", p.STR),
                 p.query("endAt", p.STR), p.FIELDS, p.BATCH, p.TOKEN]}),
    Endpoint("POST", "/rest/v1/programs/{programId:int}/members.json", sync_data, body="json", permission=WRITE,
             operation_id="syncProgramMemberDataUsingPOST", summary="Sync Program Member Data",
             openapi={"parameters": [_PROGRAM], **p.json_body({
                 "type": "object", "required": ["input"],
                 "properties": {"input": {"type": "array", "maxItems": MAX_BATCH_RECORDS, "items": p.OBJ}}})}),
    Endpoint("POST", "/rest/v1/programs/{programId:int}/members/delete.json", delete, body="json",
             permission=WRITE, operation_id="deleteProgramMemberUsingPOST", summary="Delete Program Members",
             openapi={"parameters": [_PROGRAM], **p.json_body({
                 "type": "object", "required": ["input"], "properties": {"input": _LEADS}})}),
    Endpoint("POST", "/rest/v1/leads/programs/{programId:int}/status.json", change_status, body="json",
             permission=WRITE, operation_id="changeLeadProgramStatusUsingPOST", summary="Change Lead Program Status",
             openapi={"parameters": [_PROGRAM], **p.json_body({
                 "type": "object", "required": ["status", "input"],
                 "properties": {"status": p.STR, "input": {
                     "type": "array", "maxItems": MAX_BATCH_RECORDS, "items": {"type": "object", "properties": {"id": p.INT}}}}})}),
]  # fmt: skip
