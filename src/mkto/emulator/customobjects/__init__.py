"""The custom objects area: types (list, describe, metadata API reads) and records (sync, query, delete) through
the generic dedupe-object model.

    from mkto.emulator.customobjects import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from mkto.emulator._api import Call, Endpoint, Reply
from mkto.emulator._store import metadata
from mkto.emulator._tables import OBJECT_AREA_TABLES
from mkto.emulator.crm import _http as h
from mkto.emulator.crm import _routes as r
from mkto.emulator.crm._model import Reference
from mkto.emulator.crm._objects import ObjectType
from mkto.emulator.customobjects import _model as m

__all__ = ["ENDPOINTS", "setup"]

READ = "Read-Only Custom Object"
WRITE = "Read-Write Custom Object"
TYPE_READ = "Read-Only Custom Object Type"


def setup(db: Connection) -> None:
    metadata.create_all(db, tables=list(OBJECT_AREA_TABLES))
    m.seed(db)


def _resolve(call: Call) -> tuple[ObjectType, Sequence[Reference]]:
    m.check_enabled(call.settings)
    obj = m.object_type(m.find(call.db, str(call.path_params.get("name", ""))))
    return obj, m.references(obj)


def list_types(call: Call) -> Reply:
    m.check_enabled(call.settings)
    return Reply(result=[m.list_entry(row) for row in m.all_types(call.db, call.param_list("names"))])


def list_schema(call: Call) -> Reply:
    m.check_enabled(call.settings, metadata_api=True)
    rows = m.all_types(call.db, call.param_list("names"))
    return Reply(result=[m.schema_entry(row, with_fields=False) for row in rows])


def describe_schema(call: Call) -> Reply:
    m.check_enabled(call.settings, metadata_api=True)
    row = m.find(call.db, str(call.path_params.get("apiName", "")))
    return Reply(result=[m.schema_entry(row, with_fields=True)])


def field_data_types(call: Call) -> Reply:
    m.check_enabled(call.settings, metadata_api=True)
    return Reply(result=[{"dataType": kind} for kind in m.FIELD_DATA_TYPES])


def linkable_objects(call: Call) -> Reply:
    m.check_enabled(call.settings, metadata_api=True)
    return Reply(result=[dict(o) for o in m.LINKABLE])


def describe(call: Call) -> Reply:
    obj, _ = _resolve(call)
    row = m.find(call.db, obj.key)
    return Reply(result=[obj.describe(row.created_at, row.updated_at)])


_NAME = h.path("name", {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]*$"})
_API_NAME = h.path("apiName", {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]*$"})
_NAMES = h.query("names", h.STR)
_QUERY = [h.query("filterType", h.STR, required=True), h.query("filterValues", h.STR, required=True), h.FIELDS,
          h.BATCH, h.TOKEN]  # fmt: skip
_SYNC = h.json_body({
    "type": "object", "required": ["input"],
    "properties": {
        "action": {"type": "string", "enum": ["createOnly", "updateOnly", "createOrUpdate"]},
        "dedupeBy": {"type": "string", "enum": ["dedupeFields", "idField"]},
        "input": {"type": "array", "items": h.OBJ, "maxItems": 300},
    },
})  # fmt: skip
_DELETE = h.json_body({
    "type": "object", "required": ["input"],
    "properties": {
        "deleteBy": {"type": "string", "enum": ["dedupeFields", "idField"]},
        "input": {"type": "array", "items": h.OBJ, "maxItems": 300},
    },
})  # fmt: skip

# The schema paths come first: the router tries resources in order, and `{name}.json` would match `schema.json`.
ENDPOINTS: list[Endpoint] = [
    Endpoint("GET", "/rest/v1/customobjects/schema.json", list_schema, permission=TYPE_READ,
             operation_id="listCustomObjectTypesUsingGET", summary="List of Custom Object Types",
             openapi={"parameters": [_NAMES]}),
    Endpoint("GET", "/rest/v1/customobjects/schema/fieldDataTypes.json", field_data_types, permission=TYPE_READ,
             operation_id="fieldTypesUsingGET", summary="Get Custom Object Type Field Data Types"),
    Endpoint("GET", "/rest/v1/customobjects/schema/linkableObjects.json", linkable_objects, permission=TYPE_READ,
             operation_id="getLinkableObjectsUsingGET", summary="Get Custom Object Linkable Objects"),
    Endpoint("GET", "/rest/v1/customobjects/schema/{apiName}/describe.json", describe_schema, permission=TYPE_READ,
             operation_id="describeCustomObjectTypeUsingGET", summary="Describe Custom Object Type",
             openapi={"parameters": [_API_NAME]}),
    Endpoint("GET", "/rest/v1/customobjects.json", list_types, permission=READ,
             operation_id="getCustomObjectTypesUsingGET", summary="List of Custom Objects",
             openapi={"parameters": [_NAMES]}),
    Endpoint("GET", "/rest/v1/customobjects/{name}/describe.json", describe, permission=READ,
             operation_id="describeCustomObjectsUsingGET", summary="Describe Custom Objects",
             openapi={"parameters": [_NAME]}),
    Endpoint("GET", "/rest/v1/customobjects/{name}.json", r.query_handler(_resolve), permission=READ,
             operation_id="getCustomObjectsUsingGET", summary="Get Custom Objects",
             openapi={"parameters": [_NAME, *_QUERY]}),
    Endpoint("POST", "/rest/v1/customobjects/{name}.json", r.sync_handler(_resolve), body="json", permission=WRITE,
             operation_id="syncCustomObjectsUsingPOST", summary="Sync Custom Objects",
             openapi={"parameters": [_NAME], **_SYNC}),
    Endpoint("POST", "/rest/v1/customobjects/{name}/delete.json", r.delete_handler(_resolve), body="json",
             permission=WRITE, operation_id="deleteCustomObjectsUsingPOST", summary="Delete Custom Objects",
             openapi={"parameters": [_NAME], **_DELETE}),
]  # fmt: skip
