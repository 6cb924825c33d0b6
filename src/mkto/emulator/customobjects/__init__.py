"""The custom objects area: types (list, describe, and the metadata API: sync, add fields, approve, discard,
delete) and records (sync, query, delete) through the generic dedupe-object model.

    from mkto.emulator.customobjects import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import Endpoint
from mkto.emulator._common.objects import routes as objects
from mkto.emulator.customobjects import _model as m
from mkto.emulator.customobjects import _routes as r
from mkto.emulator.customobjects._model import check_enabled, object_type, references, type_row
from mkto.emulator.customobjects._model import find as find_type
from mkto.errors.limits import MAX_BATCH_RECORDS

# What other areas (bulk import and extract of custom objects) use: enabled? which type? its references.
__all__ = ["ENDPOINTS", "check_enabled", "find_type", "object_type", "references", "setup", "type_row"]

READ = "Read-Only Custom Object"
WRITE = "Read-Write Custom Object"
TYPE_READ = "Read-Only Custom Object Type"
TYPE_WRITE = "Read-Write Custom Object Type"


def setup(db: Connection) -> None:
    """Seed the custom object type every instance starts with (`car_c`)."""
    m.seed(db)


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
    Endpoint("GET", "/rest/v1/customobjects/schema.json", r.list_schema, permission=TYPE_READ,
             operation_id="listCustomObjectTypesUsingGET", summary="List of Custom Object Types",
             openapi={"parameters": [_NAMES]}),
    Endpoint("GET", "/rest/v1/customobjects/schema/fieldDataTypes.json", r.field_data_types, permission=TYPE_READ,
             operation_id="fieldTypesUsingGET", summary="Get Custom Object Type Field Data Types"),
    Endpoint("GET", "/rest/v1/customobjects/schema/linkableObjects.json", r.linkable_objects, permission=TYPE_READ,
             operation_id="getLinkableObjectsUsingGET", summary="Get Custom Object Linkable Objects"),
    Endpoint("GET", "/rest/v1/customobjects/schema/{apiName}/describe.json", r.describe_schema, permission=TYPE_READ,
             operation_id="describeCustomObjectTypeUsingGET", summary="Describe Custom Object Type",
             openapi={"parameters": [_API_NAME, p.query("state", {"type": "string", "enum": list(r.STATES)})]}),
    Endpoint("POST", "/rest/v1/customobjects/schema.json", r.sync_type, body="json", permission=TYPE_WRITE,
             operation_id="syncCustomObjectTypeUsingPOST", summary="Sync Custom Object Type",
             openapi=p.json_body({"type": "object", "required": ["apiName"], "properties": {
                 "action": {"type": "string", "enum": ["createOnly", "updateOnly", "createOrUpdate"]},
                 "apiName": p.STR, "displayName": p.STR, "pluralName": p.STR, "description": p.STR,
                 "showInLeadDetail": p.BOOL}})),
    Endpoint("POST", "/rest/v1/customobjects/schema/{apiName}/addField.json", r.add_fields, body="json",
             permission=TYPE_WRITE, operation_id="addCustomObjectTypeFieldsUsingPOST",
             summary="Add Custom Object Type Fields",
             openapi={"parameters": [_API_NAME], **p.json_body({"type": "object", "required": ["input"], "properties": {
                 "input": {"type": "array", "items": p.OBJ}}})}),
    Endpoint("POST", "/rest/v1/customobjects/schema/{apiName}/approve.json", r.approve_type, permission=TYPE_WRITE,
             operation_id="approveCustomObjectTypeUsingPOST", summary="Approve Custom Object Type",
             openapi={"parameters": [_API_NAME]}),
    Endpoint("POST", "/rest/v1/customobjects/schema/{apiName}/discardDraft.json", r.discard_draft,
             permission=TYPE_WRITE, operation_id="discardCustomObjectTypeUsingPOST",
             summary="Discard Custom Object Type Draft", openapi={"parameters": [_API_NAME]}),
    Endpoint("POST", "/rest/v1/customobjects/schema/{apiName}/delete.json", r.delete_type, permission=TYPE_WRITE,
             operation_id="deleteCustomObjectTypeUsingPOST", summary="Delete Custom Object Type",
             openapi={"parameters": [_API_NAME]}),
    Endpoint("GET", "/rest/v1/customobjects.json", r.list_types, permission=READ,
             operation_id="getCustomObjectTypesUsingGET", summary="List of Custom Objects",
             openapi={"parameters": [_NAMES]}),
    Endpoint("GET", "/rest/v1/customobjects/{name}/describe.json", r.describe, permission=READ,
             operation_id="describeCustomObjectsUsingGET", summary="Describe Custom Objects",
             openapi={"parameters": [_NAME]}),
    Endpoint("GET", "/rest/v1/customobjects/{name}.json", objects.query_handler(r.resolve), permission=READ,
             operation_id="getCustomObjectsUsingGET", summary="Get Custom Objects",
             openapi={"parameters": [_NAME, *_QUERY]}),
    Endpoint("POST", "/rest/v1/customobjects/{name}.json", objects.sync_handler(r.resolve), body="json", permission=WRITE,
             operation_id="syncCustomObjectsUsingPOST", summary="Sync Custom Objects",
             openapi={"parameters": [_NAME], **_SYNC}),
    Endpoint("POST", "/rest/v1/customobjects/{name}/delete.json", objects.delete_handler(r.resolve), body="json",
             permission=WRITE, operation_id="deleteCustomObjectsUsingPOST", summary="Delete Custom Objects",
             openapi={"parameters": [_NAME], **_DELETE}),
]  # fmt: skip
