"""The custom objects area: types (list, describe, and the metadata API: sync, add fields, approve, discard,
delete) and records (sync, query, delete) through the generic dedupe-object model.

    from mkto.emulator.customobjects import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, Call, Endpoint, Reply
from mkto.emulator._common.objects import routes as r
from mkto.emulator._common.objects.model import Reference
from mkto.emulator._common.objects.types import ObjectType
from mkto.emulator.customobjects import _model as m
from mkto.emulator.customobjects._model import check_enabled, object_type, references, type_row
from mkto.emulator.customobjects._model import find as find_type
from mkto.errors.limits import MAX_BATCH_RECORDS

# What other areas (bulk import and extract of custom objects) use: enabled? which type? its references.
__all__ = ["ENDPOINTS", "check_enabled", "find_type", "object_type", "references", "setup", "type_row"]

READ = "Read-Only Custom Object"
WRITE = "Read-Write Custom Object"
TYPE_READ = "Read-Only Custom Object Type"
TYPE_WRITE = "Read-Write Custom Object Type"
STATES = ("draft", "approved", "approvedWithDraft")


def setup(db: Connection) -> None:
    """Seed the custom object type every instance starts with (`car_c`)."""
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
    obj, _ = _resolve(call)
    row = m.find(call.db, obj.key)
    return Reply(result=[obj.describe(row.created_at, row.updated_at)])


_NAME = p.path("name", p.API_NAME)
_API_NAME = p.path("apiName", p.API_NAME)
_NAMES = p.query("names", p.STR)
_QUERY = [p.query("filterType", p.STR, required=True), p.query("filterValues", p.STR, required=True), p.FIELDS,
          p.BATCH, p.TOKEN]  # fmt: skip
_SYNC = p.json_body({
    "type": "object", "required": ["input"],
    "properties": {
        "action": {"type": "string", "enum": ["createOnly", "updateOnly", "createOrUpdate"]},
        "dedupeBy": {"type": "string", "enum": ["dedupeFields", "idField"]},
        "input": {"type": "array", "items": p.OBJ, "maxItems": MAX_BATCH_RECORDS},
    },
})  # fmt: skip
_DELETE = p.json_body({
    "type": "object", "required": ["input"],
    "properties": {
        "deleteBy": {"type": "string", "enum": ["dedupeFields", "idField"]},
        "input": {"type": "array", "items": p.OBJ, "maxItems": MAX_BATCH_RECORDS},
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
             openapi={"parameters": [_API_NAME, p.query("state", {"type": "string", "enum": list(STATES)})]}),
    Endpoint("POST", "/rest/v1/customobjects/schema.json", sync_type, body="json", permission=TYPE_WRITE,
             operation_id="syncCustomObjectTypeUsingPOST", summary="Sync Custom Object Type",
             openapi=p.json_body({"type": "object", "required": ["apiName"], "properties": {
                 "action": {"type": "string", "enum": ["createOnly", "updateOnly", "createOrUpdate"]},
                 "apiName": p.STR, "displayName": p.STR, "pluralName": p.STR, "description": p.STR,
                 "showInLeadDetail": p.BOOL}})),
    Endpoint("POST", "/rest/v1/customobjects/schema/{apiName}/addField.json", add_fields, body="json",
             permission=TYPE_WRITE, operation_id="addCustomObjectTypeFieldsUsingPOST",
             summary="Add Custom Object Type Fields",
             openapi={"parameters": [_API_NAME], **p.json_body({"type": "object", "required": ["input"], "properties": {
                 "input": {"type": "array", "items": p.OBJ}}})}),
    Endpoint("POST", "/rest/v1/customobjects/schema/{apiName}/approve.json", approve_type, permission=TYPE_WRITE,
             operation_id="approveCustomObjectTypeUsingPOST", summary="Approve Custom Object Type",
             openapi={"parameters": [_API_NAME]}),
    Endpoint("POST", "/rest/v1/customobjects/schema/{apiName}/discardDraft.json", discard_draft,
             permission=TYPE_WRITE, operation_id="discardCustomObjectTypeUsingPOST",
             summary="Discard Custom Object Type Draft", openapi={"parameters": [_API_NAME]}),
    Endpoint("POST", "/rest/v1/customobjects/schema/{apiName}/delete.json", delete_type, permission=TYPE_WRITE,
             operation_id="deleteCustomObjectTypeUsingPOST", summary="Delete Custom Object Type",
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
