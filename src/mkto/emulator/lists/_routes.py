"""Static list routes: parse the call, ask the model, return a Reply. No business rules here."""

from __future__ import annotations

from starlette.responses import Response

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._render import asset_result
from mkto.emulator.lists._model import ListStore


def _store(call: Call) -> ListStore:
    return ListStore(call.db, call.user, call.now, call.request_id)


def _list_id(call: Call) -> int:
    return p.path_id(call, "listId")


def _lead_ids(call: Call) -> list[int]:
    """Lead ids from the JSON body `{"input":[{"id":1}]}`, else from repeated or comma-separated `id`."""
    records = p.body(call).get("input")
    if isinstance(records, list) and records:
        return p.ids([r.get("id") if isinstance(r, dict) else r for r in records])
    return p.ids(call.param_list("id"))


def get_lists(call: Call) -> Reply:
    page = _store(call).browse(
        ids=p.ids(call.param_list("id")), names=call.param_list("name"),
        program_names=call.param_list("programName"), workspace_names=call.param_list("workspaceName"),
        batch_size=p.batch_size(call), page_token=p.page_token(call),
    )  # fmt: skip
    return p.paged(page)


def get_list(call: Call) -> Reply:
    return Reply(result=_store(call).get(_list_id(call)))


def add_to_list(call: Call) -> Reply:
    return Reply(result=_store(call).add(_list_id(call), _lead_ids(call)))


def remove_from_list(call: Call) -> Reply:
    return Reply(result=_store(call).remove(_list_id(call), _lead_ids(call)))


def member_of_list(call: Call) -> Reply:
    return Reply(result=_store(call).is_member(_list_id(call), _lead_ids(call)))


def leads_in_list(call: Call) -> Reply:
    fields = call.param_list("fields") or None
    page = _store(call).leads_in_list(_list_id(call), fields, p.batch_size(call), p.page_token(call))
    return p.paged(page)


def asset_by_id(call: Call) -> Reply | Response:
    return asset_result(call, _store(call).asset_by_id(p.path_id(call, "id")))


def asset_by_name(call: Call) -> Reply | Response:
    return asset_result(call, _store(call).asset_by_name(p.required(call, "name")))


def asset_browse(call: Call) -> Reply | Response:
    offset, max_return = p.asset_window(call)
    result = _store(call).asset_browse(
        folder=p.folder_param(call, needed=False), offset=offset, max_return=max_return,
        since=p.datetime_param(call, "earliestUpdatedAt"), until=p.datetime_param(call, "latestUpdatedAt"),
    )  # fmt: skip
    return asset_result(call, result)


def create_static_list(call: Call) -> Reply:
    name = p.required(call, "name")
    folder = p.folder_param(call, needed=True)
    assert folder is not None
    return Reply(result=_store(call).create(name, folder, p.optional_text(call, "description")), envelope="asset")


def update_static_list(call: Call) -> Reply:
    name = p.optional_text(call, "name")
    updated = _store(call).update(p.path_id(call, "id"), name, call.param("description"))
    if updated is None:
        raise ApiError("702")
    return Reply(result=updated, envelope="asset")


def delete_static_list(call: Call) -> Reply:
    deleted = _store(call).delete(p.path_id(call, "id"))
    if deleted is None:
        raise ApiError("702")  # a write naming a list nothing has, as for an update
    return Reply(result=deleted, envelope="asset")
