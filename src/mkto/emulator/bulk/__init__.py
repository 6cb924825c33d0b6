"""The bulk area: lead and custom object import, and the extracts of leads, program members, activities and
custom objects (`/bulk/v1/<kind>/export/...`), on job queues that advance with the virtual clock.

    from mkto.emulator.bulk import ENDPOINTS   # registered by the emulator's router

Extract is written against a row source (`_model.Source`): another object needs a source (`_model/_sources.py`),
a validator (`_model/_validate.py`) and `_extract_endpoints(...)`. The model is split by concern: `_imports`,
`_rows` (an import's rows, batch by batch), `_extracts`, `_quota`, `_sources`, `_validate`, on the shared
`_base`. Large jobs are finished off the request path by one background worker per store (`_worker.py`):
`_importer.py` for import rows, `_writer.py` for extract files.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import Endpoint
from mkto.emulator.bulk import _routes as r

__all__ = ["ENDPOINTS", "setup"]

READ = "Read-Only Lead"
WRITE = "Read-Write Lead"
CO_WRITE = "Read-Write Custom Object"


def setup(db: Connection) -> None:
    """Nothing to seed: an instance starts with no bulk job. (Tables are created once, when the store opens.)"""
    del db


_EXPORT_ID = p.path("exportId", {"type": "string", "format": "uuid"})
_API_NAME = p.path("apiName", p.API_NAME)
_BATCH_ID = p.path("batchId")
_FILE = {
    "200": {"description": "The file", "content": {"text/csv": {"schema": p.STR}}},
    "206": {"description": "A byte range of the file", "content": {"text/csv": {"schema": p.STR}}},
    "404": {"description": "No such file (yet)", "content": {"text/plain": {"schema": p.STR}}},
    "416": {"description": "An unsatisfiable range"},
}
_IMPORT_FILE = {
    "200": {"description": "The rows with their reason", "content": {"text/csv": {"schema": p.STR}}},
    "404": {"description": "No such file", "content": {"text/plain": {"schema": p.STR}}},
}


_DATE_RANGE = {
    "type": "object",
    "required": ["startAt", "endAt"],
    "properties": {
        "startAt": {"type": "string", "format": "date-time"},
        "endAt": {"type": "string", "format": "date-time"},
    },
}
_LEAD_EXPORT = p.json_body({
    "type": "object",
    "required": ["fields", "filter"],
    "properties": {
        "fields": {"type": "array", "items": p.STR, "minItems": 1},
        "format": {"type": "string", "enum": ["CSV", "TSV", "SSV"]},
        "columnHeaderNames": {"type": "object", "additionalProperties": p.STR},
        "filter": {
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "properties": {
                "createdAt": _DATE_RANGE, "updatedAt": _DATE_RANGE, "staticListName": p.STR,
                "staticListId": {"type": "integer"}, "smartListName": p.STR, "smartListId": {"type": "integer"},
            },
        },
    },
})  # fmt: skip
_FORMAT = p.query("format", {"type": "string", "enum": ["csv", "tsv", "ssv"]}, required=True)
_MULTIPART_FILE = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}},
}}}}  # fmt: skip
_IMPORT = {
    "parameters": [
        _FORMAT, p.query("lookupField", p.STR), p.query("partitionName", p.STR), p.query("listId", {"type": "integer"}),
    ],
    "requestBody": _MULTIPART_FILE,
}  # fmt: skip
_JOBS = {"parameters": [p.query("status", p.STR), p.BATCH, p.TOKEN]}

_MEMBER_EXPORT = p.json_body({
    "type": "object",
    "required": ["fields", "filter"],
    "properties": {
        "fields": {"type": "array", "items": p.STR, "minItems": 1},
        "format": {"type": "string", "enum": ["CSV", "TSV", "SSV"]},
        "columnHeaderNames": {"type": "object", "additionalProperties": p.STR},
        "filter": {
            "type": "object",
            "properties": {
                "programId": {"type": "integer"}, "programIds": {"type": "array", "items": {"type": "integer"}},
                "isExhausted": {"type": "boolean"}, "nurtureCadence": {"type": "string", "enum": ["pause", "norm"]},
                "statusNames": {"type": "array", "items": p.STR}, "updatedAt": _DATE_RANGE,
            },
        },
    },
})  # fmt: skip


_OBJECT_EXPORT = p.json_body({
    "type": "object",
    "required": ["fields", "filter"],
    "properties": {
        "fields": {"type": "array", "items": p.STR, "minItems": 1},
        "format": {"type": "string", "enum": ["CSV", "TSV", "SSV"]},
        "columnHeaderNames": {"type": "object", "additionalProperties": p.STR},
        "filter": {
            "type": "object", "minProperties": 1, "maxProperties": 1,
            "properties": {
                "updatedAt": _DATE_RANGE, "staticListName": p.STR, "staticListId": {"type": "integer"},
                "smartListName": p.STR, "smartListId": {"type": "integer"},
            },
        },
    },
})  # fmt: skip
_ACTIVITY_EXPORT = p.json_body({
    "type": "object",
    "required": ["filter"],
    "properties": {
        "fields": {"type": "array", "items": p.STR},
        "format": {"type": "string", "enum": ["CSV", "TSV", "SSV"]},
        "columnHeaderNames": {"type": "object", "additionalProperties": p.STR},
        "filter": {
            "type": "object",
            "required": ["createdAt"],
            "properties": {
                "createdAt": _DATE_RANGE, "activityTypeIds": {"type": "array", "items": {"type": "integer"}},
                "primaryAttributeValueIds": {"type": "array", "items": {"type": "integer"}, "maxItems": 50},
                "primaryAttributeValues": {"type": "array", "items": p.STR, "maxItems": 50},
            },
        },
    },
})  # fmt: skip


def _extract_endpoints(
    kind: str, name: str, op: str, create_body: dict[str, Any], permission: str = READ
) -> list[Endpoint]:
    """The six extract operations of one kind (`/bulk/v1/<kind>/export/...`), as the spec names them."""
    routes = r.ExtractRoutes(kind)
    named = kind == "customobjects/"
    base = f"/bulk/v1/{kind}{{apiName}}/export" if named else f"/bulk/v1/{kind}/export"
    path: list[dict[str, Any]] = [_API_NAME] if named else []
    job = {"parameters": [*path, _EXPORT_ID]}
    file_doc = {
        "parameters": [*path, _EXPORT_ID, {"name": "Range", "in": "header", "required": False, "schema": p.STR}],
        "responses": _FILE,
    }
    create_doc = {**create_body, "parameters": path} if named else create_body
    jobs_doc = {"parameters": [*path, *_JOBS["parameters"]]}
    return [
        Endpoint("POST", f"{base}/create.json", routes.create, body="json", permission=permission,
                 operation_id=f"createExport{op}UsingPOST", summary=f"Create Export {name} Job", openapi=create_doc),
        Endpoint("POST", f"{base}/{{exportId}}/enqueue.json", routes.enqueue, permission=permission,
                 operation_id=f"enqueueExport{op}UsingPOST", summary=f"Enqueue Export {name} Job", openapi=job),
        Endpoint("GET", f"{base}/{{exportId}}/status.json", routes.status, permission=permission,
                 operation_id=f"getExport{op}StatusUsingGET", summary=f"Get Export {name} Job Status", openapi=job),
        Endpoint("POST", f"{base}/{{exportId}}/cancel.json", routes.cancel, permission=permission,
                 operation_id=f"cancelExport{op}UsingPOST", summary=f"Cancel Export {name} Job", openapi=job),
        Endpoint("GET", f"{base}/{{exportId}}/file.json", routes.file, permission=permission,
                 operation_id=f"getExport{op}FileUsingGET", summary=f"Get Export {name} File", openapi=file_doc),
        Endpoint("GET", f"{base}.json", routes.list, permission=permission,
                 operation_id=f"getExport{op}UsingGET", summary=f"Get Export {name} Jobs", openapi=jobs_doc),
    ]  # fmt: skip


ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "POST", "/bulk/v1/leads.json", r.import_file, body="multipart", permission=WRITE, large_body=True,
        operation_id="importLeadUsingPOST", summary="Import Leads", openapi=_IMPORT,
    ),
    Endpoint(
        "GET", "/bulk/v1/leads/batch/{batchId:int}.json", r.import_status, permission=WRITE,
        operation_id="getImportLeadStatusUsingGET", summary="Get Import Lead Status",
        openapi={"parameters": [_BATCH_ID]},
    ),
    Endpoint(
        "GET", "/bulk/v1/leads/batch/{batchId:int}/failures.json", r.import_failures, permission=WRITE,
        operation_id="getImportLeadFailuresUsingGET", summary="Get Import Lead Failures",
        openapi={"parameters": [_BATCH_ID], "responses": _IMPORT_FILE},
    ),
    Endpoint(
        "GET", "/bulk/v1/leads/batch/{batchId:int}/warnings.json", r.import_warnings, permission=WRITE,
        operation_id="getImportLeadWarningsUsingGET", summary="Get Import Lead Warnings",
        openapi={"parameters": [_BATCH_ID], "responses": _IMPORT_FILE},
    ),
]  # fmt: skip
ENDPOINTS += _extract_endpoints("leads", "Lead", "Leads", _LEAD_EXPORT)
ENDPOINTS += _extract_endpoints("program/members", "Program Member", "ProgramMembers", _MEMBER_EXPORT)
ENDPOINTS += _extract_endpoints("activities", "Activity", "Activities", _ACTIVITY_EXPORT, "Read-Only Activity")
ENDPOINTS += _extract_endpoints(
    "customobjects/", "Custom Object", "CustomObjects", _OBJECT_EXPORT, "Read-Only Custom Object"
)
ENDPOINTS += [
    Endpoint(
        "POST", "/bulk/v1/customobjects/{apiName}/import.json", r.import_file, body="multipart",
        permission=CO_WRITE, large_body=True, operation_id="importCustomObjectUsingPOST",
        summary="Import Custom Objects",
        openapi={"parameters": [_API_NAME, _FORMAT], "requestBody": _MULTIPART_FILE},
    ),
    Endpoint(
        "GET", "/bulk/v1/customobjects/{apiName}/import/{batchId:int}/status.json", r.import_status,
        permission=CO_WRITE, operation_id="getImportCustomObjectStatusUsingGET",
        summary="Get Import Custom Object Status", openapi={"parameters": [_API_NAME, _BATCH_ID]},
    ),
    Endpoint(
        "GET", "/bulk/v1/customobjects/{apiName}/import/{batchId:int}/failures.json", r.import_failures,
        permission=CO_WRITE, operation_id="getImportCustomObjectFailuresUsingGET",
        summary="Get Import Custom Object Failures",
        openapi={"parameters": [_API_NAME, _BATCH_ID], "responses": _IMPORT_FILE},
    ),
    Endpoint(
        "GET", "/bulk/v1/customobjects/{apiName}/import/{batchId:int}/warnings.json", r.import_warnings,
        permission=CO_WRITE, operation_id="getImportCustomObjectWarningsUsingGET",
        summary="Get Import Custom Object Warnings",
        openapi={"parameters": [_API_NAME, _BATCH_ID], "responses": _IMPORT_FILE},
    ),
]  # fmt: skip
