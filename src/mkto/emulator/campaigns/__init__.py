"""The smart campaigns area: Lead Database campaigns (`/rest/v1/campaigns...`: browse, Request Campaign,
Schedule Campaign) and Asset API smart campaigns (`/rest/asset/v1/smartCampaign...`).

Every instance starts with programs 1001-1002 and campaigns 1001-1005 (see `_model.SEED_CAMPAIGNS`): 1001 a
requestable active trigger campaign, 1002 inactive, 1003 without the requested trigger, 1004-1005 batch.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from mkto.emulator._api import Endpoint
from mkto.emulator._store import metadata
from mkto.emulator.campaigns import _routes as r
from mkto.emulator.campaigns._model import TABLES, seed
from mkto.emulator.lists import setup as _lists_setup

__all__ = ["ENDPOINTS", "setup"]

READ = "Read-Only Campaigns"
WRITE = "Read-Write Campaigns"
ASSET_READ = "Read-Only Asset"
ASSET_WRITE = "Read-Write Asset"


def setup(db: Connection) -> None:
    _lists_setup(db)
    metadata.create_all(db, tables=list(TABLES))
    seed(db)


def _query(name: str, schema: dict[str, Any], *, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema}


def _path(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


_STR = {"type": "string"}
_TOKENS = {"type": "array", "maxItems": 100,
           "items": {"type": "object", "properties": {"name": _STR, "value": _STR}}}  # fmt: skip
_TRIGGER_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "required": ["input"],
    "properties": {"input": {"type": "object", "properties": {
        "leads": {"type": "array", "maxItems": 100,
                  "items": {"type": "object", "properties": {"id": {"type": "integer"}}}},
        "tokens": _TOKENS,
    }}},
}}}}}  # fmt: skip
_SCHEDULE_BODY = {"requestBody": {"required": False, "content": {"application/json": {"schema": {
    "type": "object",
    "properties": {"input": {"type": "object", "properties": {
        "runAt": _STR, "cloneToProgramName": _STR, "tokens": _TOKENS,
    }}},
}}}}}  # fmt: skip
_CREATE_FORM = {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "required": ["name", "folder"],
    "properties": {"name": _STR, "folder": _STR, "description": _STR},
}}}}}  # fmt: skip

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET", "/rest/v1/campaigns.json", r.get_campaigns, permission=READ,
        operation_id="getCampaignsUsingGET", summary="Get Campaigns",
        openapi={"parameters": [
            _query("id", _STR), _query("name", _STR), _query("programName", _STR), _query("workspaceName", _STR),
            _query("isTriggerable", {"type": "boolean"}),
            _query("batchSize", {"type": "integer", "minimum": 1, "maximum": 300}), _query("nextPageToken", _STR),
        ]},
    ),
    Endpoint(
        "GET", "/rest/v1/campaigns/{campaignId:int}.json", r.get_campaign, permission=READ,
        operation_id="getCampaignByIdUsingGET", summary="Get Campaign By Id",
        openapi={"parameters": [_path("campaignId")]},
    ),
    Endpoint(
        "POST", "/rest/v1/campaigns/{campaignId:int}/trigger.json", r.request_campaign, body="json",
        permission=WRITE, operation_id="triggerCampaignUsingPOST", summary="Request Campaign",
        openapi={"parameters": [_path("campaignId")], **_TRIGGER_BODY},
    ),
    Endpoint(
        "POST", "/rest/v1/campaigns/{campaignId:int}/schedule.json", r.schedule_campaign, body="json",
        permission=WRITE, operation_id="scheduleCampaignUsingPOST", summary="Schedule Campaign",
        openapi={"parameters": [_path("campaignId")], **_SCHEDULE_BODY},
    ),
    Endpoint(
        "GET", "/rest/asset/v1/smartCampaigns.json", r.asset_browse, permission=ASSET_READ, envelope="asset",
        operation_id="getAllSmartCampaignsGET", summary="Get Smart Campaigns",
        openapi={"parameters": [
            _query("folder", _STR), _query("isActive", {"type": "boolean"}),
            _query("offset", {"type": "integer", "minimum": 0}),
            _query("maxReturn", {"type": "integer", "minimum": 1, "maximum": 200}),
            _query("earliestUpdatedAt", _STR), _query("latestUpdatedAt", _STR),
        ]},
    ),
    Endpoint(
        "POST", "/rest/asset/v1/smartCampaigns.json", r.create_smart_campaign, body="form", permission=ASSET_WRITE,
        envelope="asset", operation_id="createSmartCampaignUsingPOST", summary="Create Smart Campaign",
        openapi=_CREATE_FORM,
    ),
    Endpoint(
        "GET", "/rest/asset/v1/smartCampaign/{id:int}.json", r.asset_by_id, permission=ASSET_READ, envelope="asset",
        operation_id="getSmartCampaignByIdUsingGET", summary="Get Smart Campaign by Id",
        openapi={"parameters": [_path("id")]},
    ),
    Endpoint(
        "GET", "/rest/asset/v1/smartCampaign/byName.json", r.asset_by_name, permission=ASSET_READ, envelope="asset",
        operation_id="getSmartCampaignByNameUsingGET", summary="Get Smart Campaign by Name",
        openapi={"parameters": [_query("name", _STR, required=True)]},
    ),
    Endpoint(
        "POST", "/rest/asset/v1/smartCampaign/{id:int}/activate.json", r.activate, permission="Activate Campaign",
        envelope="asset", operation_id="activateSmartCampaignUsingPOST", summary="Activate Smart Campaign",
        openapi={"parameters": [_path("id")]},
    ),
    Endpoint(
        "POST", "/rest/asset/v1/smartCampaign/{id:int}/deactivate.json", r.deactivate,
        permission="Deactivate Campaign", envelope="asset", operation_id="deactivateSmartCampaignUsingPOST",
        summary="Deactivate Smart Campaign", openapi={"parameters": [_path("id")]},
    ),
]  # fmt: skip
