"""`GET /_mkto/openapi.json`: an OpenAPI 3 document for every operation the emulator implements."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ._api import Endpoint

_PARAM = re.compile(r"\{(\w+)(?::(\w+))?\}")
_TYPES: dict[str, dict[str, Any]] = {"int": {"type": "integer", "minimum": 0}, "float": {"type": "number"}, "path": {"type": "string"}}

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
}
ENVELOPE_SCHEMA = {
    "type": "object",
    "required": ["requestId", "success"],
    "properties": {
        "requestId": {"type": "string"},
        "success": {"type": "boolean"},
        "result": {"type": "array"},
        "errors": {"type": "array", "items": ERROR_SCHEMA},
        "warnings": {"type": "array"},
        "nextPageToken": {"type": "string"},
        "moreResult": {"type": "boolean"},
    },
}
IDENTITY_PARAMS = [
    {"name": "grant_type", "in": "query", "required": True,
     "schema": {"type": "string", "enum": ["client_credentials"]}},
    {"name": "client_id", "in": "query", "required": True, "schema": {"type": "string"}},
    {"name": "client_secret", "in": "query", "required": True, "schema": {"type": "string"}},
]
IDENTITY_RESPONSES = {
    "200": {
        "description": "An access token and its remaining lifespan",
        "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["access_token", "token_type", "expires_in", "scope"],
            "properties": {
                "access_token": {"type": "string"},
                "token_type": {"type": "string", "enum": ["bearer"]},
                "expires_in": {"type": "integer"},
                "scope": {"type": "string"},
            },
        }}},
    },
    "401": {
        "description": "Unknown client id or bad secret",
        "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["error", "error_description"],
            "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
        }}},
    },
}


def openapi_path(path: str) -> tuple[str, list[dict[str, Any]]]:
    """Starlette's `/lead/{lead_id:int}.json` as OpenAPI's `/lead/{lead_id}.json` plus its parameters."""
    params = [
        {"name": name, "in": "path", "required": True, "schema": dict(_TYPES.get(kind or "", {"type": "string"}))}
        for name, kind in _PARAM.findall(path)
    ]
    return _PARAM.sub(r"{\1}", path), params


def _operation(endpoint: Endpoint) -> dict[str, Any]:
    path, path_params = openapi_path(endpoint.path)
    op: dict[str, Any] = {
        "operationId": endpoint.operation_id or endpoint.method.lower() + re.sub(r"\W+", "_", path),
        "summary": endpoint.summary,
        "security": [{"bearer": []}],
    }
    op.update(endpoint.openapi)
    declared = {(p.get("name"), p.get("in")) for p in op.get("parameters", [])}
    op["parameters"] = [p for p in path_params if (p["name"], "path") not in declared] + list(op.get("parameters", []))
    op.setdefault("responses", {
        "200": {"description": "A Marketo envelope", "content": {"application/json": {"schema": ENVELOPE_SCHEMA}}},
    })
    if endpoint.permission:
        op.setdefault("x-permission", endpoint.permission)
    return op


def openapi_document(endpoints: Sequence[Endpoint]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for endpoint in endpoints:
        path, _ = openapi_path(endpoint.path)
        paths.setdefault(path, {})[endpoint.method.lower()] = _operation(endpoint)
    paths["/identity/oauth/token"] = {
        method: {
            "operationId": f"identityUsing{method.upper()}",
            "summary": "Get an access token",
            "parameters": IDENTITY_PARAMS,
            "responses": IDENTITY_RESPONSES,
        }
        for method in ("get", "post")
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "mkto Marketo emulator", "version": "1"},
        "paths": dict(sorted(paths.items())),
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
