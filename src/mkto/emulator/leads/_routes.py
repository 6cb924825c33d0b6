"""Lead Database routes: parse the call, ask the model, return a Reply. No business rules here.

Parameter conventions (Marketo documents the codes, not which parameter gets which):
a required parameter that is absent is 1002 "Missing value for the required parameter '<p>'"; present but
blank is 701 "<p> cannot be blank"; of the wrong form is 1001 "Invalid value '<v>'. Required of type '<T>'".
"""

from __future__ import annotations

from typing import Any

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._common.values import show, storable_text
from mkto.emulator.leads._model import LeadDatabase


def _model(call: Call) -> LeadDatabase:
    return LeadDatabase(call.db, call.user, call.now, request_id=call.request_id)


def _member_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not storable_text(value):
        raise ApiError("1001", show(value), p.STRING)
    return value


def _member_bool(body: dict[str, Any], key: str) -> bool | None:
    value = body.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise ApiError("1001", show(value), p.BOOLEAN)


def _fields(call: Call) -> list[str] | None:
    return call.param_list("fields") or None


# --- leads ---------------------------------------------------------------------------------------


def sync_leads(call: Call) -> Reply:
    body = p.body(call)
    action = _member_str(body, "action") or "createOrUpdate"
    lookup_field = _member_str(body, "lookupField") or "email"
    partition_name = _member_str(body, "partitionName")
    _member_bool(body, "asyncProcessing")  # accepted; the emulator always answers synchronously
    result = _model(call).sync(
        p.records(body), action=action, lookup_field=lookup_field, partition_name=partition_name or None
    )
    return Reply(result=result)


def get_leads_by_filter(call: Call) -> Reply:
    filter_type = p.required(call, "filterType").strip()
    p.required(call, "filterValues")
    values = call.param_list("filterValues")
    if not values:
        raise ApiError("701", "filterValues")
    page = _model(call).get_by_filter(filter_type, values, _fields(call), p.batch_size(call), p.page_token(call))
    return p.paged(page)


def get_lead_by_id(call: Call) -> Reply:
    return Reply(result=_model(call).get_by_id(p.path_id(call, "leadId"), _fields(call)))


def delete_leads(call: Call) -> Reply:
    body = p.body(call)
    if isinstance(body.get("input"), list):
        ids: list[Any] = [item.get("id") if isinstance(item, dict) else None for item in body["input"]]
    else:
        ids = list(call.param_list("id"))
    return Reply(result=_model(call).delete(ids))


def merge_leads(call: Call) -> Reply:
    losers = p.ids(call.param_list("leadId")) + p.ids(call.param_list("leadIds"))
    merge_in_crm = bool(p.bool_param(call, "mergeInCRM"))
    _model(call).merge(p.path_id(call, "leadId"), losers, merge_in_crm=merge_in_crm, settings=call.settings)
    return Reply()


def associate_lead(call: Call) -> Reply:
    cookie = p.required(call, "cookie")
    _model(call).associate(p.path_id(call, "leadId"), cookie)
    return Reply()


def push_leads(call: Call) -> Reply:
    body = p.body(call)
    if "programName" not in body:
        raise ApiError("1002", "programName")
    program_name = _member_str(body, "programName")
    if not program_name or not program_name.strip():
        raise ApiError("701", "programName")
    for key in ("source", "reason", "programStatus"):
        _member_str(body, key)
    lookup_field = _member_str(body, "lookupField") or "email"
    partition_name = _member_str(body, "partitionName") or None
    result = _model(call).push(
        p.records(body), program_name=program_name, lookup_field=lookup_field, partition_name=partition_name
    )
    return Reply(result=result)


def _member_id(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    return None if value is None else p.ids([value])[0]


def submit_form(call: Call) -> Reply:
    body = p.body(call)
    if body.get("formId") is None:
        raise ApiError("1002", "formId")
    form_id = _member_id(body, "formId")
    program_id = _member_id(body, "programId")
    return Reply(result=_model(call).submit_form(p.records(body), program_id=program_id, form_id=form_id))


def get_partitions(call: Call) -> Reply:
    return Reply(result=_model(call).list_partitions())


def update_partitions(call: Call) -> Reply:
    return Reply(result=_model(call).update_partitions(p.records(p.body(call))))


# --- memberships ---------------------------------------------------------------------------------


def list_membership(call: Call) -> Reply:
    page = _model(call).list_memberships(p.path_id(call, "leadId"), p.batch_size(call), p.page_token(call))
    return p.paged(page, always=True)


def program_membership(call: Call) -> Reply:
    filter_type = call.param("filterType")
    program_ids: list[int] | None = None
    if filter_type:
        if filter_type != "programId":
            raise ApiError("1011", show(filter_type))
        program_ids = p.ids(call.param_list("filterValues"))
    page = _model(call).program_memberships(
        p.path_id(call, "leadId"),
        p.batch_size(call),
        p.page_token(call),
        since=p.stamp_param(call, "earliestUpdatedAt"),
        until=p.stamp_param(call, "latestUpdatedAt"),
        program_ids=program_ids,
    )
    return p.paged(page, always=True)


def smart_campaign_membership(call: Call) -> Reply:
    page = _model(call).campaign_memberships(
        p.path_id(call, "leadId"),
        p.batch_size(call),
        p.page_token(call),
        since=p.stamp_param(call, "earliestUpdatedAt"),
        until=p.stamp_param(call, "latestUpdatedAt"),
    )
    return p.paged(page, always=True)


def leads_by_program(call: Call) -> Reply:
    page = _model(call).program_leads(p.path_id(call, "programId"), _fields(call), p.batch_size(call), p.page_token(call))
    return p.paged(page)


# --- schema --------------------------------------------------------------------------------------


def describe(call: Call) -> Reply:
    return Reply(result=_model(call).describe())


def describe2(call: Call) -> Reply:
    return Reply(result=_model(call).describe2())


def list_fields(call: Call) -> Reply:
    return p.paged(_model(call).schema_fields(p.batch_size(call), p.page_token(call)), always=True)


def _field_name(call: Call) -> str:
    name = call.path_params.get("fieldApiName")
    return name if isinstance(name, str) and storable_text(name) else ""


def get_field(call: Call) -> Reply:
    return Reply(result=_model(call).schema_field(_field_name(call)))


def create_fields(call: Call) -> Reply:
    return Reply(result=_model(call).create_fields(p.records(p.body(call))))


def update_field(call: Call) -> Reply:
    records = p.records(p.body(call))
    if not records:
        raise ApiError("1002", "input")
    return Reply(result=_model(call).update_field(_field_name(call), records[0]))
