"""Smart campaign routes: parse the call, ask the model, return a Reply. No business rules here."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._render import asset_result
from mkto.emulator.campaigns._model import Campaigns


def _model(call: Call) -> Campaigns:
    return Campaigns(call.db, call.now)


def get_campaigns(call: Call) -> Reply:
    page = _model(call).browse(
        ids=p.ids(call.param_list("id")), names=call.param_list("name"),
        program_names=call.param_list("programName"), workspace_names=call.param_list("workspaceName"),
        triggerable=p.bool_param(call, "isTriggerable"), batch_size=p.batch_size(call),
        page_token=p.page_token(call),
    )  # fmt: skip
    return p.paged(page)


def get_campaign(call: Call) -> Reply:
    return Reply(result=_model(call).get(p.path_id(call, "campaignId")))


def _input(call: Call) -> Any:
    return p.body(call).get("input")


def request_campaign(call: Call) -> Reply:
    return Reply(result=_model(call).request(p.path_id(call, "campaignId"), _input(call)))


def schedule_campaign(call: Call) -> Reply:
    return Reply(result=_model(call).schedule(p.path_id(call, "campaignId"), _input(call)))


def asset_by_id(call: Call) -> Reply | Response:
    return asset_result(call, _model(call).asset_by_id(p.path_id(call, "id")))


def asset_by_name(call: Call) -> Reply | Response:
    return asset_result(call, _model(call).asset_by_name(p.required(call, "name")))


def asset_browse(call: Call) -> Reply | Response:
    offset, max_return = p.asset_window(call)
    result = _model(call).asset_browse(
        folder=p.folder_param(call, needed=False), active=p.bool_param(call, "isActive"), offset=offset,
        max_return=max_return, since=p.datetime_param(call, "earliestUpdatedAt"),
        until=p.datetime_param(call, "latestUpdatedAt"),
    )  # fmt: skip
    return asset_result(call, result)


def create_smart_campaign(call: Call) -> Reply:
    name = p.required(call, "name")
    folder = p.folder_param(call, needed=True)
    assert folder is not None
    return Reply(result=_model(call).create(name, folder, p.optional_text(call, "description")), envelope="asset")


def _set_active(call: Call, active: bool) -> Reply:
    changed = _model(call).set_active(p.path_id(call, "id"), active)
    if changed is None:
        raise ApiError("702")  # a write naming a campaign nothing has (the Asset API's rule for writes)
    return Reply(result=changed, envelope="asset")


def activate(call: Call) -> Reply:
    return _set_active(call, True)


def deactivate(call: Call) -> Reply:
    return _set_active(call, False)
