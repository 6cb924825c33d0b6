"""Parameter parsing and OpenAPI fragments shared by the CRM, custom object, program member and asset routes.

Conventions (the leads area's): a required parameter that is absent is 1002, present but blank 701, of the
wrong form 1001 "Invalid value '<v>'. Required of type '<T>'".
"""

from __future__ import annotations

import random
from typing import Any

from mkto.emulator._api import ApiError, Call
from mkto.emulator.leads._values import INT32_MAX, show
from mkto.errors import limits

MAX_BATCH = limits.MAX_BATCH_RECORDS


def body(call: Call) -> dict[str, Any]:
    return call.json if isinstance(call.json, dict) else {}


def rng(call: Call) -> random.Random:
    return call.instance.rng if call.instance is not None else random.Random(0)


def member_str(data: dict[str, Any], key: str, default: str) -> str:
    value = data.get(key)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ApiError("1001", show(value), "String")
    return value


def records(data: dict[str, Any]) -> list[Any]:
    value = data.get("input")
    return value if isinstance(value, list) else []


def required(call: Call, name: str) -> str:
    value = call.param(name)
    if value is None:
        raise ApiError("1002", name)
    if not value.strip():
        raise ApiError("701", name)
    return value


def batch_size(call: Call, maximum: int = MAX_BATCH) -> int:
    raw = call.param("batchSize")
    if raw is None or raw == "":
        return maximum
    text = raw.strip()
    if not text.isdigit() or len(text) > 6 or not 1 <= int(text) <= maximum:
        raise ApiError("1001", show(raw), "Integer")
    return int(text)


def int_param(call: Call, name: str, default: int, *, minimum: int = 0, maximum: int = INT32_MAX) -> int:
    raw = call.param(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    if not text.isdigit() or len(text) > 9 or not minimum <= int(text) <= maximum:
        raise ApiError("1001", show(raw), "Integer")
    return int(text)


def path_id(call: Call, name: str) -> int:
    """A path id; 0 (matches nothing) for one beyond any stored id."""
    value = call.path_params.get(name)
    return value if isinstance(value, int) and 0 < value <= INT32_MAX else 0


# --- OpenAPI fragments ---------------------------------------------------------------------------
STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
BOOL: dict[str, Any] = {"type": "boolean"}
OBJ: dict[str, Any] = {"type": "object", "additionalProperties": True}


def query(name: str, schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


def path(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or {"type": "integer", "minimum": 1}}


def json_body(schema: dict[str, Any], *, required: bool = True) -> dict[str, Any]:
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}}


def form_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": schema}}}}


BATCH = query("batchSize", {"type": "integer", "minimum": 1, "maximum": MAX_BATCH})
TOKEN = query("nextPageToken", STR)
FIELDS = query("fields", STR)
