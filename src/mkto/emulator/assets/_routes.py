"""Asset API handlers: parse the call, ask the model (`_model.Assets`), answer in the Asset envelope."""

from __future__ import annotations

import json
from typing import Any

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._common.values import storable_text
from mkto.emulator.assets import _model as m

MAX_NAME = 255


def _assets(call: Call) -> m.Assets:
    return m.Assets(call.db, call.now, call.user)


def _found(result: list[Any]) -> Reply:
    if not result:
        return Reply(result=None, warnings=[m.NOT_FOUND], envelope="asset")
    return Reply(result=result, envelope="asset")


def _ok(result: list[Any]) -> Reply:
    return Reply(result=result, envelope="asset")


def _text(call: Call, name: str, *, required: bool = False) -> str | None:
    value = call.param(name)
    if value is None or not value.strip():
        if required:
            raise ApiError("701", name)
        return None
    if not storable_text(value) or (len(value) > MAX_NAME and name == "name"):
        raise ApiError("1001", value.encode("utf-8", "replace").decode("utf-8"), "String")
    return value


def _kind(call: Call, *, required: bool) -> str:
    raw = call.param("type")
    if raw is None or not raw.strip():
        if required:
            raise ApiError("701", "type")
        return m.FOLDER
    lowered = raw.strip().lower()
    if lowered not in ("folder", "program"):
        raise ApiError("1001", raw, "FolderType")
    return m.FOLDER if lowered == "folder" else m.PROGRAM


def _json_list(call: Call, name: str) -> list[Any]:
    raw = call.param(name)
    if raw is None or not raw.strip():
        return []
    try:
        value = json.loads(raw)
    except ValueError:
        raise ApiError("1001", raw, "List") from None
    if not isinstance(value, list):
        raise ApiError("1001", raw, "List")
    return value


# --- folders -----------------------------------------------------------------------------------------
def get_folder(call: Call) -> Reply:
    return _found(_assets(call).get_folder(m.Ref(p.path_id(call, "id"), _kind(call, required=True))))


def folder_content(call: Call) -> Reply:
    ref = m.Ref(p.path_id(call, "id"), _kind(call, required=False))
    offset, max_return = p.asset_window(call)
    found = _assets(call).content(ref)
    return _found(found[offset : offset + max_return] if found else [])


def folder_by_name(call: Call) -> Reply:
    name = _text(call, "name", required=True)
    assert name is not None
    raw_type = call.param("type")
    kind = _kind(call, required=False) if raw_type else None
    root = m.parse_ref(call.param("root"), "root") if call.param("root") else None
    return _found(_assets(call).folders_by_name(name, kind, root, call.param("workSpace") or None))


def browse_folders(call: Call) -> Reply:
    root = m.parse_ref(call.param("root"), "root") if call.param("root") else None
    max_depth = p.int_param(call, "maxDepth", 2, minimum=1, maximum=100)
    offset, max_return = p.asset_window(call)
    found = _assets(call).browse(root, max_depth=max_depth, workspace=call.param("workSpace") or None)
    return _found(found[offset : offset + max_return])


def create_folder(call: Call) -> Reply:
    name = _text(call, "name", required=True)
    assert name is not None
    parent = m.parse_ref(call.param("parent"), "parent")
    return _ok(_assets(call).create_folder(name, parent, _text(call, "description")))


def update_folder(call: Call) -> Reply:
    ref = m.Ref(p.path_id(call, "id"), _kind(call, required=True))
    changes: dict[str, Any] = {}
    for name in ("name", "description"):
        value = _text(call, name)
        if value is not None:
            changes[name] = value
    archive = p.bool_param(call, "isArchive")
    if archive is not None:
        changes["is_archive"] = archive
    return _ok(_assets(call).update_folder(ref, changes))


def delete_folder(call: Call) -> Reply:
    return _ok(_assets(call).delete_folder(m.Ref(p.path_id(call, "id"), _kind(call, required=False))))


# --- programs ----------------------------------------------------------------------------------------
def get_program(call: Call) -> Reply:
    return _found(_assets(call).get_program(p.path_id(call, "id")))


def program_by_name(call: Call) -> Reply:
    name = _text(call, "name", required=True)
    assert name is not None
    return _found(_assets(call).program_by_name(name))


def programs_by_tag(call: Call) -> Reply:
    tag_type = _text(call, "tagType", required=True)
    tag_value = _text(call, "tagValue", required=True)
    assert tag_type is not None and tag_value is not None
    offset, max_return = p.asset_window(call)
    return _found(_assets(call).programs_by_tag(tag_type, tag_value, offset=offset, max_return=max_return))


def browse_programs(call: Call) -> Reply:
    filter_type = call.param("filterType") or None
    if filter_type is not None and filter_type not in ("id", "programId", "folderId", "workspace"):
        raise ApiError("1001", filter_type, "FilterType")
    offset, max_return = p.asset_window(call)
    found = _assets(call).browse_programs(
        offset=offset,
        max_return=max_return,
        since=p.stamp_param(call, "earliestUpdatedAt"),
        until=p.stamp_param(call, "latestUpdatedAt"),
        filter_type=filter_type,
        values=call.param_list("filterValues"),
    )
    return _found(found)


def create_program(call: Call) -> Reply:
    name = _text(call, "name", required=True)
    folder = m.parse_ref(call.param("folder"), "folder")
    program_type = _text(call, "type", required=True)
    channel = _text(call, "channel", required=True)
    assert name is not None and program_type is not None and channel is not None
    return _ok(_assets(call).create_program(
        name=name, folder=folder, program_type=program_type, channel=channel,
        description=_text(call, "description"), costs=_json_list(call, "costs"), tags=_json_list(call, "tags"),
    ))  # fmt: skip


def update_program(call: Call) -> Reply:
    changes: dict[str, Any] = {}
    for name in ("name", "description"):
        value = _text(call, name)
        if value is not None:
            changes[name] = value
    if call.param("costs") is not None:
        changes["costs"] = _json_list(call, "costs")
        changes["costsDestructiveUpdate"] = bool(p.bool_param(call, "costsDestructiveUpdate"))
    if call.param("tags") is not None:
        changes["tags"] = _json_list(call, "tags")
    return _ok(_assets(call).update_program(p.path_id(call, "id"), changes))


def clone_program(call: Call) -> Reply:
    name = _text(call, "name", required=True)
    folder = m.parse_ref(call.param("folder"), "folder")
    assert name is not None
    return _ok(_assets(call).clone_program(
        p.path_id(call, "id"), name=name, folder=folder, description=_text(call, "description")))  # fmt: skip


def delete_program(call: Call) -> Reply:
    return _ok(_assets(call).delete_program(p.path_id(call, "id")))


def approve_program(call: Call) -> Reply:
    return _ok(_assets(call).approve(p.path_id(call, "id"), approve=True))


def unapprove_program(call: Call) -> Reply:
    return _ok(_assets(call).approve(p.path_id(call, "id"), approve=False))


# --- channels ----------------------------------------------------------------------------------------
def get_channels(call: Call) -> Reply:
    offset, max_return = p.asset_window(call)
    return _found(m.channels(offset, max_return))


def channel_by_name(call: Call) -> Reply:
    name = _text(call, "name", required=True)
    assert name is not None
    return _found(m.channel_by_name(name))
