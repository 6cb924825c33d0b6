"""The Asset API basics: folders and programs, in the Asset envelope (`success, errors, requestId, warnings,
result`; a read that finds nothing is a success with a warning).

    from mkto.emulator.assets import ENDPOINTS   # registered by the emulator's router
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import BodyKind, Endpoint
from mkto.emulator.assets import _model as m
from mkto.emulator.assets import _routes as r
from mkto.emulator.assets._model import holds_marketing_assets

__all__ = ["ENDPOINTS", "holds_marketing_assets", "setup"]

READ = "Read-Only Asset"
WRITE = "Read-Write Asset"


def setup(db: Connection) -> None:
    """Seed the folders and programs every instance has, then move the id sequences past them."""
    m.seed(db)
    m.advance_sequences(db)


# --- registration ------------------------------------------------------------------------------------
_ID = p.path("id")
_TYPE = p.query("type", {"type": "string", "enum": ["Folder", "Program"]})
_REF = {"type": "string", "description": 'JSON: {"id": 14, "type": "Folder"}'}


def _form(required: list[str], **props: Any) -> dict[str, Any]:
    return p.form_body({"type": "object", "required": required, "properties": props})


def _ep(method: str, path: str, handler: Any, op: str, summary: str, **kwargs: Any) -> Endpoint:
    permission = READ if method == "GET" else WRITE
    body: BodyKind = "form" if method == "POST" else "none"
    return Endpoint(method, path, handler, body=body, permission=permission, operation_id=op, summary=summary,
                    envelope="asset", **kwargs)  # fmt: skip


ENDPOINTS: list[Endpoint] = [
    _ep("GET", "/rest/asset/v1/channels.json", r.get_channels, "getAllChannelsUsingGET", "Get Channels",
        openapi={"parameters": p.ASSET_WINDOW}),
    _ep("GET", "/rest/asset/v1/channel/byName.json", r.channel_by_name, "getChannelByNameUsingGET",
        "Get Channel by Name", openapi={"parameters": [p.query("name", p.STR, required=True)]}),
    _ep("GET", "/rest/asset/v1/folder/byName.json", r.folder_by_name, "getFolderByNameUsingGET", "Get Folder by Name",
        openapi={"parameters": [p.query("name", p.STR, required=True), _TYPE, p.query("root", _REF),
                                p.query("workSpace", p.STR)]}),
    _ep("GET", "/rest/asset/v1/folder/{id:int}.json", r.get_folder, "getFolderByIdUsingGET", "Get Folder by Id",
        openapi={"parameters": [_ID, {**_TYPE, "required": True}]}),
    _ep("GET", "/rest/asset/v1/folder/{id:int}/content.json", r.folder_content, "getFolderContentUsingGET",
        "Get Folder Contents", openapi={"parameters": [_ID, _TYPE, *p.ASSET_WINDOW]}),
    _ep("GET", "/rest/asset/v1/folders.json", r.browse_folders, "getFolderUsingGET", "Get Folders",
        openapi={"parameters": [p.query("root", _REF), p.query("maxDepth", {"type": "integer", "minimum": 1}),
                                p.query("workSpace", p.STR), *p.ASSET_WINDOW]}),
    _ep("POST", "/rest/asset/v1/folders.json", r.create_folder, "createFolderUsingPOST", "Create Folder",
        openapi=_form(["name", "parent"], name=p.STR, parent=_REF, description=p.STR)),
    _ep("POST", "/rest/asset/v1/folder/{id:int}.json", r.update_folder, "updateFolderUsingPOST",
        "Update Folder Metadata",
        openapi={"parameters": [_ID], **_form(["type"], type={"type": "string", "enum": ["Folder", "Program"]},
                                              name=p.STR, description=p.STR, isArchive=p.BOOL)}),
    _ep("POST", "/rest/asset/v1/folder/{id:int}/delete.json", r.delete_folder, "deleteFolderUsingPOST",
        "Delete Folder", openapi={"parameters": [_ID]}),
    _ep("GET", "/rest/asset/v1/program/byName.json", r.program_by_name, "getProgramByNameUsingGET",
        "Get Program by Name", openapi={"parameters": [p.query("name", p.STR, required=True)]}),
    _ep("GET", "/rest/asset/v1/program/byTag.json", r.programs_by_tag, "getProgramListByTagUsingGET",
        "Get Programs by Tag", openapi={"parameters": [p.query("tagType", p.STR, required=True),
                                                       p.query("tagValue", p.STR, required=True), *p.ASSET_WINDOW]}),
    _ep("GET", "/rest/asset/v1/program/{id:int}.json", r.get_program, "getProgramByIdUsingGET", "Get Program by Id",
        openapi={"parameters": [_ID]}),
    _ep("GET", "/rest/asset/v1/programs.json", r.browse_programs, "browseProgramsUsingGET", "Get Programs",
        openapi={"parameters": [*p.ASSET_WINDOW, p.query("filterType", p.STR), p.query("filterValues", p.STR),
                                *p.UPDATED_RANGE]}),
    _ep("POST", "/rest/asset/v1/programs.json", r.create_program, "createProgramUsingPOST", "Create Program",
        openapi=_form(["name", "folder", "type", "channel"], name=p.STR, folder=_REF, type=p.STR, channel=p.STR,
                      description=p.STR, costs=p.STR, tags=p.STR)),
    _ep("POST", "/rest/asset/v1/program/{id:int}.json", r.update_program, "updateProgramUsingPOST",
        "Update Program Metadata",
        openapi={"parameters": [_ID], **_form([], name=p.STR, description=p.STR, costs=p.STR,
                                              costsDestructiveUpdate=p.BOOL, tags=p.STR)}),
    _ep("POST", "/rest/asset/v1/program/{id:int}/clone.json", r.clone_program, "cloneProgramUsingPOST",
        "Clone Program", openapi={"parameters": [_ID], **_form(["name", "folder"], name=p.STR, folder=_REF,
                                                               description=p.STR)}),
    _ep("POST", "/rest/asset/v1/program/{id:int}/delete.json", r.delete_program, "deleteProgramUsingPOST",
        "Delete Program", openapi={"parameters": [_ID]}),
    _ep("POST", "/rest/asset/v1/program/{id:int}/approve.json", r.approve_program, "approveProgramUsingPOST",
        "Approve Program", openapi={"parameters": [_ID]}),
    _ep("POST", "/rest/asset/v1/program/{id:int}/unapprove.json", r.unapprove_program, "unapproveProgramUsingPOST",
        "Unapprove Program", openapi={"parameters": [_ID]}),
]  # fmt: skip
