"""Activities routes: parse the call, ask the model, return a Reply. No business rules here."""

from __future__ import annotations

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator.activities import _model as m


def activity_types(call: Call) -> Reply:
    return Reply(result=m.activity_types(call.db))


def paging_token(call: Call) -> Reply:
    since = m.parse_since(p.required(call, "sinceDatetime"))
    return Reply(next_page_token=m.paging_token(since))


def _lead_ids(call: Call) -> list[int] | None:
    values = call.param_list("leadIds")
    return p.ids(values) if values else None


def lead_activities(call: Call) -> Reply:
    token = p.required(call, "nextPageToken")
    if call.param("activityTypeIds") is None:
        raise ApiError("1002", "activityTypeIds")
    type_ids = p.ids(call.param_list("activityTypeIds"))
    if not type_ids:
        raise ApiError("701", "activityTypeIds")
    page = m.lead_activities(
        call.db, call.now, token=token, type_ids=type_ids, lead_ids=_lead_ids(call),
        list_id=p.id_param(call, "listId"), batch_size=p.batch_size(call),
    )  # fmt: skip
    return p.paged(page, always=True)


def lead_changes(call: Call) -> Reply:
    token = p.required(call, "nextPageToken")
    p.required(call, "fields")
    fields = call.param_list("fields")
    if not fields:
        raise ApiError("701", "fields")
    page = m.lead_changes(
        call.db, call.now, token=token, fields=fields, lead_ids=_lead_ids(call),
        list_id=p.id_param(call, "listId"), batch_size=p.batch_size(call),
    )  # fmt: skip
    return p.paged(page, always=True)


def deleted_leads(call: Call) -> Reply:
    token = p.required(call, "nextPageToken")
    return p.paged(m.deleted_leads(call.db, call.now, token=token, batch_size=p.batch_size(call)), always=True)


def custom_types(call: Call) -> Reply:
    return Reply(result=m.custom_types(call.db))


def _api_name(call: Call) -> str:
    return str(call.path_params.get("apiName", ""))


def describe_type(call: Call) -> Reply:
    return Reply(result=m.describe_type(call.db, _api_name(call), draft=bool(p.bool_param(call, "draft"))))


def create_type(call: Call) -> Reply:
    return Reply(result=m.create_type(call.db, call.now, p.body(call)))


def update_type(call: Call) -> Reply:
    return Reply(result=m.update_type(call.db, call.now, _api_name(call), p.body(call)))


def approve_type(call: Call) -> Reply:
    return Reply(result=m.approve_type(call.db, call.now, _api_name(call)))


def discard_draft(call: Call) -> Reply:
    return Reply(result=m.discard_draft(call.db, call.now, _api_name(call)))


def delete_type(call: Call) -> Reply:
    return Reply(result=m.delete_type(call.db, _api_name(call)))


def create_attributes(call: Call) -> Reply:
    return Reply(result=m.create_attributes(call.db, call.now, _api_name(call), p.body(call).get("attributes")))


def update_attributes(call: Call) -> Reply:
    return Reply(result=m.update_attributes(call.db, call.now, _api_name(call), p.body(call).get("attributes")))


def delete_attributes(call: Call) -> Reply:
    return Reply(result=m.delete_attributes(call.db, call.now, _api_name(call), p.body(call).get("attributes")))


def add_custom_activities(call: Call) -> Reply:
    records = p.body(call).get("input")
    return Reply(result=m.add_custom_activities(call.db, records if isinstance(records, list) else []))
