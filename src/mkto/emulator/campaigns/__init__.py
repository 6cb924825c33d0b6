"""The smart campaigns area: Lead Database campaigns (`/rest/v1/campaigns...`: browse, Request Campaign,
Schedule Campaign) and Asset API smart campaigns (`/rest/asset/v1/smartCampaign...`).

Every instance starts with programs 1001-1002 and campaigns 1001-1005 (see `_model.SEED_CAMPAIGNS`): 1001 a
requestable active trigger campaign, 1002 inactive, 1003 without the requested trigger, 1004-1005 batch.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from mkto.emulator import _params as p
from mkto.emulator._api import Endpoint
from mkto.emulator.campaigns import _routes as r
from mkto.emulator.campaigns._model import seed
from mkto.errors.limits import MAX_TRIGGER_LEADS, MAX_TRIGGER_TOKENS

__all__ = ["ENDPOINTS", "setup"]

READ = "Read-Only Campaigns"
WRITE = "Read-Write Campaigns"
ASSET_READ = "Read-Only Asset"
ASSET_WRITE = "Read-Write Asset"


def setup(db: Connection) -> None:
    """Seed the programs and smart campaigns every instance starts with."""
    seed(db)


_TOKENS = {"type": "array", "maxItems": MAX_TRIGGER_TOKENS,
           "items": {"type": "object", "properties": {"name": p.STR, "value": p.STR}}}  # fmt: skip
_TRIGGER_BODY = p.json_body({
    "type": "object", "required": ["input"],
    "properties": {"input": {"type": "object", "properties": {
        "leads": {"type": "array", "maxItems": MAX_TRIGGER_LEADS,
                  "items": {"type": "object", "properties": {"id": p.INT}}},
        "tokens": _TOKENS,
    }}},
})  # fmt: skip
_SCHEDULE_BODY = p.json_body({
    "type": "object",
    "properties": {"input": {"type": "object", "properties": {
        "runAt": p.STR, "cloneToProgramName": p.STR, "tokens": _TOKENS,
    }}},
}, required=False)  # fmt: skip

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        "GET", "/rest/v1/campaigns.json", r.get_campaigns, permission=READ,
        operation_id="getCampaignsUsingGET", summary="Get Campaigns",
        openapi={"parameters": [
            p.query("id", p.STR), p.query("name", p.STR), p.query("programName", p.STR), p.query("workspaceName", p.STR),
            p.query("isTriggerable", p.BOOL), p.BATCH, p.TOKEN,
        ]},
    ),
    Endpoint(
        "GET", "/rest/v1/campaigns/{campaignId:int}.json", r.get_campaign, permission=READ,
        operation_id="getCampaignByIdUsingGET", summary="Get Campaign By Id",
        openapi={"parameters": [p.path("campaignId")]},
    ),
    Endpoint(
        "POST", "/rest/v1/campaigns/{campaignId:int}/trigger.json", r.request_campaign, body="json",
        permission=WRITE, operation_id="triggerCampaignUsingPOST", summary="Request Campaign",
        openapi={"parameters": [p.path("campaignId")], **_TRIGGER_BODY},
    ),
    Endpoint(
        "POST", "/rest/v1/campaigns/{campaignId:int}/schedule.json", r.schedule_campaign, body="json",
        permission=WRITE, operation_id="scheduleCampaignUsingPOST", summary="Schedule Campaign",
        openapi={"parameters": [p.path("campaignId")], **_SCHEDULE_BODY},
    ),
    Endpoint(
        "GET", "/rest/asset/v1/smartCampaigns.json", r.asset_browse, permission=ASSET_READ, envelope="asset",
        operation_id="getAllSmartCampaignsGET", summary="Get Smart Campaigns",
        openapi={"parameters": [
            p.query("folder", p.STR), p.query("isActive", p.BOOL), *p.ASSET_WINDOW, *p.UPDATED_RANGE,
        ]},
    ),
    Endpoint(
        "POST", "/rest/asset/v1/smartCampaigns.json", r.create_smart_campaign, body="form", permission=ASSET_WRITE,
        envelope="asset", operation_id="createSmartCampaignUsingPOST", summary="Create Smart Campaign",
        openapi=p.ASSET_CREATE_FORM,
    ),
    Endpoint(
        "GET", "/rest/asset/v1/smartCampaign/{id:int}.json", r.asset_by_id, permission=ASSET_READ, envelope="asset",
        operation_id="getSmartCampaignByIdUsingGET", summary="Get Smart Campaign by Id",
        openapi={"parameters": [p.path("id")]},
    ),
    Endpoint(
        "GET", "/rest/asset/v1/smartCampaign/byName.json", r.asset_by_name, permission=ASSET_READ, envelope="asset",
        operation_id="getSmartCampaignByNameUsingGET", summary="Get Smart Campaign by Name",
        openapi={"parameters": [p.query("name", p.STR, required=True)]},
    ),
    Endpoint(
        "POST", "/rest/asset/v1/smartCampaign/{id:int}/activate.json", r.activate, permission="Activate Campaign",
        envelope="asset", operation_id="activateSmartCampaignUsingPOST", summary="Activate Smart Campaign",
        openapi={"parameters": [p.path("id")]},
    ),
    Endpoint(
        "POST", "/rest/asset/v1/smartCampaign/{id:int}/deactivate.json", r.deactivate,
        permission="Deactivate Campaign", envelope="asset", operation_id="deactivateSmartCampaignUsingPOST",
        summary="Deactivate Smart Campaign", openapi={"parameters": [p.path("id")]},
    ),
]  # fmt: skip
