"""Custom object handlers: the type endpoints (list, describe, the metadata API) and the resolver the generic
dedupe-object handlers (`_common.objects.routes`) use to serve a type's records."""

from __future__ import annotations

from collections.abc import Sequence

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._common.objects.model import Reference
from mkto.emulator._common.objects.types import ObjectType
from mkto.emulator.customobjects import _model as m

STATES = ("draft", "approved", "approvedWithDraft")


def resolve(call: Call) -> tuple[ObjectType, Sequence[Reference]]:
    m.check_enabled(call.settings)
    obj = m.object_type(m.find(call.db, str(call.path_params.get("name", ""))))
    return obj, m.references(obj)


def list_types(call: Call) -> Reply:
    m.check_enabled(call.settings)
    return Reply(result=[m.list_entry(row) for row in m.all_types(call.db, call.param_list("names"))])


def list_schema(call: Call) -> Reply:
    m.check_enabled(call.settings, metadata_api=True)
    rows = m.all_types(call.db, call.param_list("names"), approved_only=False)
    return Reply(result=[m.schema_entry(row, with_fields=False) for row in rows])


def describe_schema(call: Call) -> Reply:
    m.check_enabled(call.settings, metadata_api=True)
    state = call.param("state") or None
    if state is not None and state not in STATES:
        raise ApiError("1001", state, "state")
    row = m.find_any(call.db, _api_name(call))
    return Reply(result=[m.schema_entry(row, with_fields=True, state=state)])


def _api_name(call: Call) -> str:
    return str(call.path_params.get("apiName", ""))


def _schema(call: Call) -> m.TypeSchema:
    m.check_enabled(call.settings, metadata_api=True)
    return m.TypeSchema(call.db, call.now)


def sync_type(call: Call) -> Reply:
    _schema(call).sync_type(p.body(call))
    return Reply(result=[])


def add_fields(call: Call) -> Reply:
    _schema(call).add_fields(_api_name(call), p.records(p.body(call)))
    return Reply(result=[])


def approve_type(call: Call) -> Reply:
    _schema(call).approve(_api_name(call))
    return Reply(result=[])


def discard_draft(call: Call) -> Reply:
    _schema(call).discard_draft(_api_name(call))
    return Reply(result=[])


def delete_type(call: Call) -> Reply:
    _schema(call).delete_type(_api_name(call))
    return Reply(result=[])


def field_data_types(call: Call) -> Reply:
    m.check_enabled(call.settings, metadata_api=True)
    return Reply(result=[{"dataType": kind} for kind in m.FIELD_DATA_TYPES])


def linkable_objects(call: Call) -> Reply:
    m.check_enabled(call.settings, metadata_api=True)
    return Reply(result=[dict(o) for o in m.LINKABLE])


def describe(call: Call) -> Reply:
    obj, _ = resolve(call)
    row = m.find(call.db, obj.key)
    return Reply(result=[obj.describe(row.created_at, row.updated_at)])
