"""Program member handlers: parse the call, ask the model (`_model.ProgramMembers`), render."""

from __future__ import annotations

import datetime as dt

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._common.values import InvalidValue, format_datetime, parse_datetime
from mkto.emulator.programmembers import _model as m

MAX_UPDATED_WINDOW = dt.timedelta(days=7)  # filterType=updatedAt: "The range must be seven days or fewer"


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
