"""Lead Database routes: parse the call, ask the model, return a Reply. No business rules here.

Parameter conventions (Marketo documents the codes, not which parameter gets which):
a required parameter that is absent is 1002 "Missing value for the required parameter '<p>'"; present but
blank is 701 "<p> cannot be blank"; of the wrong form is 1001 "Invalid value '<v>'. Required of type '<T>'".
"""

from __future__ import annotations

from typing import Any

from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._params import parse_id
from mkto.emulator.leads._model import (
    BOOLEAN,
    INTEGER,
    LeadDatabase,
    Page,
)
from mkto.emulator.leads._values import INT32_MAX, InvalidValue, format_datetime, parse_datetime, show, storable_text
from mkto.errors.limits import MAX_BATCH_RECORDS

STRING = "String"


def _model(call: Call) -> LeadDatabase:
    return LeadDatabase(call.db, call.user, call.now, request_id=call.request_id)


def _body(call: Call) -> dict[str, Any]:
    return call.json if isinstance(call.json, dict) else {}


def _member_str(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not storable_text(value):
        raise ApiError("1001", show(value), STRING)
    return value


def _member_bool(body: dict[str, Any], key: str) -> bool | None:
    value = body.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise ApiError("1001", show(value), BOOLEAN)


def _records(body: dict[str, Any]) -> list[Any]:
    value = body.get("input")
    return value if isinstance(value, list) else []


def _required(call: Call, name: str) -> str:
    value = call.param(name)
    if value is None:
        raise ApiError("1002", name)
    if not value.strip():
        raise ApiError("701", name)
    return value


def _batch_size(call: Call) -> int:
    raw = call.param("batchSize")
    if raw is None or raw == "":
        return MAX_BATCH_RECORDS
    text = raw.strip()
    if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= MAX_BATCH_RECORDS:
        raise ApiError("1001", show(raw), INTEGER)
    return int(text)


def _page_token(call: Call) -> str | None:
    return call.param("nextPageToken") or None


def _fields(call: Call) -> list[str] | None:
    return call.param_list("fields") or None


def _bool_param(call: Call, name: str) -> bool:
    raw = call.param(name)
    if raw is None or raw == "":
        return False
    if raw.lower() not in ("true", "false"):
        raise ApiError("1001", show(raw), BOOLEAN)
    return raw.lower() == "true"


def _ids(values: list[str]) -> list[int]:
    out: list[int] = []
    for raw in values:
        lead_id = parse_id(raw)
        if lead_id is None:
            raise ApiError("1001", show(raw), INTEGER)
        out.append(lead_id)
    return out


def _path_id(call: Call, name: str) -> int:
    """A path id; 0 (matches nothing) for one beyond any stored id, which the database could not even bind."""
    value = call.path_params.get(name)
    return value if isinstance(value, int) and 0 < value <= INT32_MAX else 0


def _datetime_param(call: Call, name: str) -> str | None:
    raw = call.param(name)
    if raw is None or raw == "":
        return None
    try:
        return format_datetime(parse_datetime(raw))
    except InvalidValue:
        raise ApiError("704") from None


def _paged(page: Page, *, always_more: bool = False) -> Reply:
    more: bool | None = page.more_result if (always_more or page.more_result) else None
    return Reply(result=page.result, next_page_token=page.next_page_token, more_result=more)


# --- leads ---------------------------------------------------------------------------------------


def sync_leads(call: Call) -> Reply:
    body = _body(call)
    action = _member_str(body, "action") or "createOrUpdate"
    lookup_field = _member_str(body, "lookupField") or "email"
    partition_name = _member_str(body, "partitionName")
    _member_bool(body, "asyncProcessing")  # accepted; the emulator always answers synchronously
    result = _model(call).sync(
        _records(body), action=action, lookup_field=lookup_field, partition_name=partition_name or None
    )
    return Reply(result=result)


def get_leads_by_filter(call: Call) -> Reply:
    filter_type = _required(call, "filterType").strip()
    _required(call, "filterValues")
    values = call.param_list("filterValues")
    if not values:
        raise ApiError("701", "filterValues")
    page = _model(call).get_by_filter(filter_type, values, _fields(call), _batch_size(call), _page_token(call))
    return _paged(page)


def get_lead_by_id(call: Call) -> Reply:
    return Reply(result=_model(call).get_by_id(_path_id(call, "leadId"), _fields(call)))


def delete_leads(call: Call) -> Reply:
    body = _body(call)
    if isinstance(body.get("input"), list):
        ids: list[Any] = [item.get("id") if isinstance(item, dict) else None for item in body["input"]]
    else:
        ids = list(call.param_list("id"))
    return Reply(result=_model(call).delete(ids))


def merge_leads(call: Call) -> Reply:
    losers = _ids(call.param_list("leadId")) + _ids(call.param_list("leadIds"))
    merge_in_crm = _bool_param(call, "mergeInCRM")
    _model(call).merge(_path_id(call, "leadId"), losers, merge_in_crm=merge_in_crm, settings=call.settings)
    return Reply()


def associate_lead(call: Call) -> Reply:
    cookie = _required(call, "cookie")
    _model(call).associate(_path_id(call, "leadId"), cookie)
    return Reply()


def push_leads(call: Call) -> Reply:
    body = _body(call)
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
        _records(body), program_name=program_name, lookup_field=lookup_field, partition_name=partition_name
    )
    return Reply(result=result)


def _member_id(body: dict[str, Any], key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    parsed = parse_id(value)
    if parsed is None:
        raise ApiError("1001", show(value), INTEGER)
    return parsed


def submit_form(call: Call) -> Reply:
    body = _body(call)
    if body.get("formId") is None:
        raise ApiError("1002", "formId")
    form_id = _member_id(body, "formId")
    program_id = _member_id(body, "programId")
    return Reply(result=_model(call).submit_form(_records(body), program_id=program_id, form_id=form_id))


def get_partitions(call: Call) -> Reply:
    return Reply(result=_model(call).list_partitions())


def update_partitions(call: Call) -> Reply:
    return Reply(result=_model(call).update_partitions(_records(_body(call))))


# --- memberships ---------------------------------------------------------------------------------


def list_membership(call: Call) -> Reply:
    page = _model(call).list_memberships(_path_id(call, "leadId"), _batch_size(call), _page_token(call))
    return _paged(page, always_more=True)


def program_membership(call: Call) -> Reply:
    filter_type = call.param("filterType")
    program_ids: list[int] | None = None
    if filter_type:
        if filter_type != "programId":
            raise ApiError("1011", show(filter_type))
        program_ids = _ids(call.param_list("filterValues"))
    page = _model(call).program_memberships(
        _path_id(call, "leadId"),
        _batch_size(call),
        _page_token(call),
        since=_datetime_param(call, "earliestUpdatedAt"),
        until=_datetime_param(call, "latestUpdatedAt"),
        program_ids=program_ids,
    )
    return _paged(page, always_more=True)


def smart_campaign_membership(call: Call) -> Reply:
    page = _model(call).campaign_memberships(
        _path_id(call, "leadId"),
        _batch_size(call),
        _page_token(call),
        since=_datetime_param(call, "earliestUpdatedAt"),
        until=_datetime_param(call, "latestUpdatedAt"),
    )
    return _paged(page, always_more=True)


def leads_by_program(call: Call) -> Reply:
    page = _model(call).program_leads(_path_id(call, "programId"), _fields(call), _batch_size(call), _page_token(call))
    return _paged(page)


# --- schema --------------------------------------------------------------------------------------


def describe(call: Call) -> Reply:
    return Reply(result=_model(call).describe())


def describe2(call: Call) -> Reply:
    return Reply(result=_model(call).describe2())


def list_fields(call: Call) -> Reply:
    return _paged(_model(call).schema_fields(_batch_size(call), _page_token(call)), always_more=True)


def _field_name(call: Call) -> str:
    name = call.path_params.get("fieldApiName")
    return name if isinstance(name, str) and storable_text(name) else ""


def get_field(call: Call) -> Reply:
    return Reply(result=_model(call).schema_field(_field_name(call)))


def create_fields(call: Call) -> Reply:
    return Reply(result=_model(call).create_fields(_records(_body(call))))


def update_field(call: Call) -> Reply:
    records = _records(_body(call))
    if not records:
        raise ApiError("1002", "input")
    return Reply(result=_model(call).update_field(_field_name(call), records[0]))
