"""Routes for the dedupe objects: one handler factory per operation, parametrised by the object type."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator.crm import _http as h
from mkto.emulator.crm._model import Objects, Page, Reference
from mkto.emulator.crm._objects import STANDARD_SINCE, ObjectType
from mkto.emulator.leads._values import show

Resolve = Callable[[Call], tuple[ObjectType, Sequence[Reference]]]


def model(call: Call, obj: ObjectType, references: Sequence[Reference] = ()) -> Objects:
    return Objects(call.db, call.now, h.rng(call), obj, settings=call.settings, references=references)


def paged(page: Page) -> Reply:
    return Reply(result=page.result, next_page_token=page.next_page_token, more_result=page.more_result or None)


def describe_handler(resolve: Resolve, since: str = STANDARD_SINCE) -> Callable[[Call], Reply]:
    def describe(call: Call) -> Reply:
        obj, refs = resolve(call)
        return Reply(result=model(call, obj, refs).describe(since, since))

    return describe


def schema_fields_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    def schema_fields(call: Call) -> Reply:
        obj, refs = resolve(call)
        return paged(model(call, obj, refs).schema_fields(h.batch_size(call), call.param("nextPageToken") or None))

    return schema_fields


def schema_field_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    def schema_field(call: Call) -> Reply:
        obj, refs = resolve(call)
        return Reply(result=model(call, obj, refs).schema_field(str(call.path_params.get("fieldApiName", ""))))

    return schema_field


def sync_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    def sync(call: Call) -> Reply:
        obj, refs = resolve(call)
        data = h.body(call)
        action = h.member_str(data, "action", obj.default_action)
        dedupe_by = h.member_str(data, "dedupeBy", "dedupeFields")
        return Reply(result=model(call, obj, refs).sync(h.records(data), action=action, dedupe_by=dedupe_by))

    return sync


def delete_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    def delete(call: Call) -> Reply:
        obj, refs = resolve(call)
        data = h.body(call)
        delete_by = h.member_str(data, "deleteBy", "dedupeFields")
        return Reply(result=model(call, obj, refs).delete(h.records(data), delete_by=delete_by))

    return delete


def query_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    """GET with filterType/filterValues, or `POST ...?_method=GET` with a JSON body (compound keys)."""

    def query(call: Call) -> Reply:
        obj, refs = resolve(call)
        data = h.body(call)
        filter_type = _filter_type(call, data)
        searches = _searches(call, data, filter_type, obj)
        fields = _fields(call, data)
        page = model(call, obj, refs).query(filter_type, searches, fields, h.batch_size(call), _token(call, data))
        return paged(page)

    return query


def _filter_type(call: Call, data: dict[str, Any]) -> str:
    if "filterType" in data:
        value = data["filterType"]
        if not isinstance(value, str):
            raise ApiError("1001", show(value), "String")
        if not value.strip():
            raise ApiError("701", "filterType")
        return value.strip()
    return h.required(call, "filterType").strip()


def _searches(call: Call, data: dict[str, Any], filter_type: str, obj: ObjectType) -> list[dict[str, Any]]:
    if isinstance(data.get("input"), list):
        return [item for item in data["input"] if isinstance(item, dict)] or _blank("input")
    values = call.param_list("filterValues")
    raw = data.get("filterValues")
    if isinstance(raw, list):
        values = [str(v) for v in raw]
    elif isinstance(raw, str):
        values = [v.strip() for v in raw.split(",") if v.strip()]
    if not values:
        if call.param("filterValues") is None and raw is None:
            raise ApiError("1002", "filterValues")
        raise ApiError("701", "filterValues")
    name = {"dedupeFields": obj.dedupe_fields[0], "idField": obj.id_field}.get(filter_type, filter_type)
    if filter_type == "dedupeFields" and len(obj.dedupe_fields) > 1:
        raise ApiError("1003")  # a compound key is searched with a JSON input, not filterValues
    return [{_canonical(obj, name): value} for value in values]


def _canonical(obj: ObjectType, name: str) -> str:
    spec = obj.field(name)
    return spec.name if spec is not None else name


def _blank(name: str) -> list[dict[str, Any]]:
    raise ApiError("701", name)


def _fields(call: Call, data: dict[str, Any]) -> list[str] | None:
    raw = data.get("fields")
    if isinstance(raw, list):
        return [str(v) for v in raw if str(v).strip()] or None
    if isinstance(raw, str):
        return [v.strip() for v in raw.split(",") if v.strip()] or None
    return call.param_list("fields") or None


def _token(call: Call, data: dict[str, Any]) -> str | None:
    raw = data.get("nextPageToken")
    if isinstance(raw, str) and raw:
        return raw
    return call.param("nextPageToken") or None
