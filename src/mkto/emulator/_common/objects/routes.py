"""Routes for the dedupe objects: one handler factory per operation, parametrised by the object type."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Reply
from mkto.emulator._common.objects.model import Objects, Reference
from mkto.emulator._common.objects.types import STANDARD_SINCE, ObjectType
from mkto.emulator._common.values import show

Resolve = Callable[[Call], tuple[ObjectType, Sequence[Reference]]]


def model(call: Call, obj: ObjectType, references: Sequence[Reference] = ()) -> Objects:
    rng = call.instance.rng if call.instance is not None else random.Random(0)
    return Objects(call.db, call.now, rng, obj, settings=call.settings, references=references)


def _available(call: Call, resolved: tuple[ObjectType, Sequence[Reference]]) -> tuple[ObjectType, Sequence[Reference]]:
    """The resolved object type, unless its APIs are unavailable on this instance (1018 with a native CRM sync)."""
    if resolved[0].crm_unavailable and call.settings.get("native_crm_sync"):
        raise ApiError("1018")
    return resolved


def _member_str(data: dict[str, Any], key: str, default: str) -> str:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ApiError("1001", show(value), p.STRING)
    return value


def describe_handler(resolve: Resolve, since: str = STANDARD_SINCE) -> Callable[[Call], Reply]:
    def describe(call: Call) -> Reply:
        obj, refs = _available(call, resolve(call))
        return Reply(result=model(call, obj, refs).describe(since, since))

    return describe


def schema_fields_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    def schema_fields(call: Call) -> Reply:
        obj, refs = _available(call, resolve(call))
        return p.paged(model(call, obj, refs).schema_fields(p.batch_size(call), call.param("nextPageToken") or None))

    return schema_fields


def schema_field_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    def schema_field(call: Call) -> Reply:
        obj, refs = _available(call, resolve(call))
        return Reply(result=model(call, obj, refs).schema_field(str(call.path_params.get("fieldApiName", ""))))

    return schema_field


def sync_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    def sync(call: Call) -> Reply:
        obj, refs = _available(call, resolve(call))
        data = p.body(call)
        action = _member_str(data, "action", obj.default_action)
        dedupe_by = _member_str(data, "dedupeBy", "dedupeFields")
        return Reply(result=model(call, obj, refs).sync(p.records(data), action=action, dedupe_by=dedupe_by))

    return sync


def delete_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    def delete(call: Call) -> Reply:
        obj, refs = _available(call, resolve(call))
        data = p.body(call)
        delete_by = _member_str(data, "deleteBy", "dedupeFields")
        return Reply(result=model(call, obj, refs).delete(p.records(data), delete_by=delete_by))

    return delete


def query_handler(resolve: Resolve) -> Callable[[Call], Reply]:
    """GET with filterType/filterValues, or `POST ...?_method=GET` with a JSON body (compound keys)."""

    def query(call: Call) -> Reply:
        obj, refs = _available(call, resolve(call))
        data = p.body(call)
        filter_type = _filter_type(call, data)
        searches = _searches(call, data, filter_type, obj)
        fields = _fields(call, data)
        page = model(call, obj, refs).query(filter_type, searches, fields, p.batch_size(call), _token(call, data))
        return p.paged(page)

    return query


def _filter_type(call: Call, data: dict[str, Any]) -> str:
    if "filterType" in data:
        value = data["filterType"]
        if not isinstance(value, str):
            raise ApiError("1001", show(value), "String")
        if not value.strip():
            raise ApiError("701", "filterType")
        return value.strip()
    return p.required(call, "filterType").strip()


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
