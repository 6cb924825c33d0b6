"""The static lists area: Lead Database lists and membership (`/rest/v1/lists...`, legacy `/rest/v1/list/...`)
and Asset API static lists (`/rest/asset/v1/staticList...`).

    from mkto.emulator.lists import list_in_use   # True while an import or export holds the list (1022)
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import Endpoint
from mkto.emulator.lists import _routes as r
from mkto.emulator.lists._model import seed_folders
from mkto.emulator.lists._tables import list_in_use, lock_list, unlock_list
from mkto.errors.limits import MAX_BATCH_RECORDS

__all__ = ["ENDPOINTS", "list_in_use", "lock_list", "setup", "unlock_list"]

LEAD_READ = "Read-Only Lead"
LEAD_WRITE = "Read-Write Lead"
ASSET_READ = "Read-Only Asset"
ASSET_WRITE = "Read-Write Asset"


def setup(db: Connection) -> None:
    """Seed the asset folders every instance has (12 "Group Lists", 13 "Seed Lists")."""
    seed_folders(db, dt.datetime(2020, 1, 1, tzinfo=dt.UTC))


_LIST_ID = p.path("listId")
_ID = p.path("id")
_IDS = p.query("id", p.STR)
_FOLDER = p.query("folder", p.STR)
_MEMBERSHIP_BODY = p.json_body({
    "type": "object",
    "properties": {"input": {"type": "array", "maxItems": MAX_BATCH_RECORDS,
                             "items": {"type": "object", "properties": {"id": p.INT}}}},
}, required=False)  # fmt: skip

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET", "/rest/v1/lists.json", r.get_lists, permission=LEAD_READ,
        operation_id="getListsUsingGET", summary="Get Lists",
        openapi={"parameters": [
            _IDS, p.query("name", p.STR), p.query("programName", p.STR), p.query("workspaceName", p.STR), p.BATCH, p.TOKEN,
        ]},
    ),
    Endpoint(
        "GET", "/rest/v1/lists/{listId:int}.json", r.get_list, permission=LEAD_READ,
        operation_id="getListByIdUsingGET", summary="Get List by Id", openapi={"parameters": [_LIST_ID]},
    ),
    Endpoint(
        "POST", "/rest/v1/lists/{listId:int}/leads.json", r.add_to_list, body="json", permission=LEAD_WRITE,
        operation_id="addLeadsToListUsingPOST", summary="Add to List",
        openapi={"parameters": [_LIST_ID, _IDS], **_MEMBERSHIP_BODY},
    ),
    Endpoint(
        "DELETE", "/rest/v1/lists/{listId:int}/leads.json", r.remove_from_list, body="json", permission=LEAD_WRITE,
        operation_id="removeLeadsFromListUsingDELETE", summary="Remove from List",
        openapi={"parameters": [_LIST_ID, _IDS]},
    ),
    Endpoint(
        "GET", "/rest/v1/lists/{listId:int}/leads.json", r.leads_in_list, permission=LEAD_READ,
        operation_id="getLeadsByListIdUsingGET", summary="Get Leads By List Id",
        openapi={"parameters": [_LIST_ID, p.FIELDS, p.BATCH, p.TOKEN]},
    ),
    Endpoint(
        "GET", "/rest/v1/list/{listId:int}/leads.json", r.leads_in_list, permission=LEAD_READ,
        operation_id="getLeadsByListIdUsingGET_1", summary="Get Leads By List Id (legacy path)",
        openapi={"parameters": [_LIST_ID, p.FIELDS, p.BATCH, p.TOKEN]},
    ),
    Endpoint(
        "GET", "/rest/v1/lists/{listId:int}/leads/ismember.json", r.member_of_list, body="json", permission=LEAD_READ,
        operation_id="areLeadsMemberOfListUsingGET", summary="Member of List",
        openapi={"parameters": [_LIST_ID, _IDS]},
    ),
    Endpoint(
        "GET", "/rest/asset/v1/staticList/{id:int}.json", r.asset_by_id, permission=ASSET_READ, envelope="asset",
        operation_id="getStaticListByIdUsingGET", summary="Get Static List by Id", openapi={"parameters": [_ID]},
    ),
    Endpoint(
        "GET", "/rest/asset/v1/staticList/byName.json", r.asset_by_name, permission=ASSET_READ, envelope="asset",
        operation_id="getStaticListByNameUsingGET", summary="Get Static List by Name",
        openapi={"parameters": [p.query("name", p.STR, required=True)]},
    ),
    Endpoint(
        "GET", "/rest/asset/v1/staticLists.json", r.asset_browse, permission=ASSET_READ, envelope="asset",
        operation_id="getStaticListsUsingGET", summary="Get Static Lists",
        openapi={"parameters": [
            _FOLDER, *p.ASSET_WINDOW, *p.UPDATED_RANGE,
        ]},
    ),
    Endpoint(
        "POST", "/rest/asset/v1/staticLists.json", r.create_static_list, body="form", permission=ASSET_WRITE,
        envelope="asset", operation_id="createStaticListUsingPOST", summary="Create Static List",
        openapi=p.ASSET_CREATE_FORM,
    ),
    Endpoint(
        "POST", "/rest/asset/v1/staticList/{id:int}.json", r.update_static_list, body="form", permission=ASSET_WRITE,
        envelope="asset", operation_id="updateStaticListUsingPOST", summary="Update Static List Metadata",
        openapi={"parameters": [_ID], **p.form_body({
            "type": "object", "properties": {"name": p.STR, "description": p.STR},
        }, required=False)},
    ),
    Endpoint(
        "POST", "/rest/asset/v1/staticList/{id:int}/delete.json", r.delete_static_list, permission=ASSET_WRITE,
        envelope="asset", operation_id="deleteStaticListByIdUsingPOST", summary="Delete Static List",
        openapi={"parameters": [_ID]},
    ),
]  # fmt: skip
