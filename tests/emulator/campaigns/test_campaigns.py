"""Smart campaigns over real HTTP: the seeded campaigns, Request Campaign and Schedule Campaign with their codes
(1013, 1003, 1042, 704, 1020) and their effects read back as activities."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx

from mkto import errors
from tests.emulator.activities.helpers import activities, add, assert_asset_success, leads, new_list, now
from tests.emulator.conftest import Api, assert_marketo_error, assert_success

REQUESTED, INACTIVE, UNREQUESTABLE, BATCH, WEBINAR = 1001, 1002, 1003, 1004, 1005
REQUEST_CAMPAIGN, RUN_CAMPAIGN = 47, 48


def trigger(api: Api, campaign_id: int, lead_ids: list[int], **extra: Any) -> httpx.Response:
    body = {"input": {"leads": [{"id": i} for i in lead_ids], **extra}}
    return api.call("POST", f"/rest/v1/campaigns/{campaign_id}/trigger.json", json=body)


def schedule(api: Api, campaign_id: int, **data: Any) -> httpx.Response:
    return api.call("POST", f"/rest/v1/campaigns/{campaign_id}/schedule.json", json={"input": data})


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def test_get_campaigns_lists_the_seeded_campaigns_and_pages(api: Api) -> None:
    first = assert_success(api.call("GET", "/rest/v1/campaigns.json", params={"batchSize": 3}))
    assert [c["id"] for c in first["result"]] == [1001, 1002, 1003] and first["moreResult"] is True
    rest = assert_success(
        api.call("GET", "/rest/v1/campaigns.json", params={"batchSize": 3, "nextPageToken": first["nextPageToken"]})
    )
    assert [c["id"] for c in rest["result"]] == [1004, 1005] and "moreResult" not in rest
    record = first["result"][0]
    assert record["type"] == "trigger" and record["active"] is True and record["programName"] == "Emulator Program"
    triggerable = assert_success(api.call("GET", "/rest/v1/campaigns.json", params={"isTriggerable": "true"}))
    assert [c["id"] for c in triggerable["result"]] == [REQUESTED]


def test_unknown_campaign_is_1013(api: Api) -> None:
    [a] = leads(api, 1)
    assert_marketo_error(api.call("GET", "/rest/v1/campaigns/4242.json"), "1013")
    assert_marketo_error(trigger(api, 4242, [a]), "1013")
    assert_marketo_error(schedule(api, 4242), "1013")


def test_request_campaign_records_the_request_on_each_lead(api: Api) -> None:
    a, b = leads(api, 2)
    body = assert_success(trigger(api, REQUESTED, [a, b], tokens=[{"name": "{{my.message}}", "value": "Hi"}]))
    assert body["result"] == [{"id": REQUESTED}]
    found = activities(api, [REQUEST_CAMPAIGN])
    assert [(x["leadId"], x["campaignId"], x["primaryAttributeValue"]) for x in found] == [
        (a, REQUESTED, "Requested Trigger"), (b, REQUESTED, "Requested Trigger"),
    ]  # fmt: skip
    membership = assert_success(api.call("GET", f"/rest/v1/leads/{a}/smartCampaignMembership.json"))
    assert [m["smartCampaignId"] for m in membership["result"]] == [REQUESTED]


def test_request_campaign_on_a_batch_campaign_is_1003(api: Api) -> None:
    [a] = leads(api, 1)
    assert_marketo_error(trigger(api, BATCH, [a]), "1003")


def test_request_campaign_limits_and_missing_leads_are_1003(api: Api) -> None:
    [a] = leads(api, 1)
    assert_marketo_error(trigger(api, REQUESTED, list(range(1, 102))), "1003")
    tokens = [{"name": f"{{{{my.t{i}}}}}", "value": "v"} for i in range(101)]
    assert_marketo_error(trigger(api, REQUESTED, [a], tokens=tokens), "1003")
    response = trigger(api, REQUESTED, [])
    assert_marketo_error(response, "1003", errors.get("1003").format(variant="leads_not_specified"))


def test_inactive_or_unrequestable_trigger_campaign_is_1003(api: Api) -> None:
    [a] = leads(api, 1)
    assert_marketo_error(trigger(api, INACTIVE, [a]), "1003")
    assert_marketo_error(trigger(api, UNREQUESTABLE, [a]), "1003")
    assert activities(api, [REQUEST_CAMPAIGN]) == []


def test_activate_makes_an_inactive_campaign_requestable(api: Api) -> None:
    [a] = leads(api, 1)
    assert_asset_success(api.call("POST", f"/rest/asset/v1/smartCampaign/{INACTIVE}/activate.json"))
    assert_success(trigger(api, INACTIVE, [a]))
    assert_marketo_error(api.call("POST", f"/rest/asset/v1/smartCampaign/{BATCH}/activate.json"), "709", asset=True)


def test_schedule_runs_at_runat_and_the_run_appears_then(api: Api) -> None:
    a, b = leads(api, 2)
    list_id = new_list(api, "Audience", {"type": "Program", "id": 1001})
    add(api, list_id, [a, b])
    run_at = now(api) + dt.timedelta(hours=1)
    assert assert_success(schedule(api, BATCH, runAt=iso(run_at)))["result"] == [{"id": BATCH}]
    assert activities(api, [RUN_CAMPAIGN]) == []  # not yet run
    api.advance(3600)
    found = activities(api, [RUN_CAMPAIGN])
    assert sorted(x["leadId"] for x in found) == [a, b]
    assert {x["activityDate"] for x in found} == {run_at.strftime("%Y-%m-%dT%H:%M:%SZ")}


def test_runat_more_than_two_years_ahead_is_1042(api: Api) -> None:
    far = now(api) + dt.timedelta(days=2 * 366 + 1)
    assert_marketo_error(schedule(api, BATCH, runAt=iso(far)), "1042")


def test_a_malformed_runat_is_704(api: Api) -> None:
    assert_marketo_error(schedule(api, BATCH, runAt="next tuesday"), "704")


def test_schedule_on_a_trigger_campaign_is_1003(api: Api) -> None:
    assert_marketo_error(schedule(api, REQUESTED), "1003")


def test_clone_to_program_20_a_day_then_1020_until_midnight_central(api: Api) -> None:
    api.limits(rate_calls=1000)
    for i in range(20):
        result = assert_success(schedule(api, WEBINAR, cloneToProgramName=f"Clone {i}"))["result"]
        assert result[0]["id"] != WEBINAR
    assert_marketo_error(schedule(api, WEBINAR, cloneToProgramName="Clone 20"), "1020")
    assert_success(schedule(api, WEBINAR))  # without a clone the campaign still schedules
    current = now(api)
    api.advance((errors.next_reset(current) - current).total_seconds() + 1)
    assert_success(schedule(api, WEBINAR, cloneToProgramName="Clone 20"))


def test_clone_creates_the_program_and_a_campaign_in_it(api: Api) -> None:
    [clone_id] = [r["id"] for r in assert_success(schedule(api, WEBINAR, cloneToProgramName="Spring"))["result"]]
    body = assert_success(api.call("GET", f"/rest/v1/campaigns/{clone_id}.json"))
    assert body["result"][0]["programName"] == "Spring" and body["result"][0]["name"] == "Webinar Invite"
    assert_marketo_error(schedule(api, WEBINAR, cloneToProgramName="Spring"), "1017")


def test_asset_smart_campaigns_create_get_and_browse(api: Api) -> None:
    folder = json.dumps({"type": "Folder", "id": 12})
    created = assert_asset_success(
        api.call("POST", "/rest/asset/v1/smartCampaigns.json", data={"name": "New One", "folder": folder})
    )["result"][0]
    assert created["type"] == "batch" and created["isActive"] is False and created["status"] == "Never Run"
    got = assert_asset_success(api.call("GET", f"/rest/asset/v1/smartCampaign/{created['id']}.json"))
    assert got["result"][0]["name"] == "New One"
    browsed = assert_asset_success(api.call("GET", "/rest/asset/v1/smartCampaigns.json", params={"isActive": "true"}))
    assert [c["id"] for c in browsed["result"]] == [REQUESTED, UNREQUESTABLE]
    missing = api.call("GET", "/rest/asset/v1/smartCampaign/4242.json").json()
    assert missing["success"] is True and missing["warnings"] == ["No assets found for the given search criteria."] and "result" not in missing
    duplicate = api.call("POST", "/rest/asset/v1/smartCampaigns.json", data={"name": "New One", "folder": folder})
    assert_marketo_error(duplicate, "709", asset=True)


def test_an_email_folder_refuses_a_smart_campaign_with_711(api: Api) -> None:
    """An Email folder holds only emails and their subfolders: the seeded "Emails" folder (3) and a folder created
    inside it refuse a smart campaign (an unknown folder is 710); a Marketing Folder takes one."""
    def create(name: str, folder_id: int) -> httpx.Response:
        folder = json.dumps({"type": "Folder", "id": folder_id})
        return api.call("POST", "/rest/asset/v1/smartCampaigns.json", data={"name": name, "folder": folder})

    assert_marketo_error(create("In Emails", 3), "711", "Incompatible Folder Type", asset=True)
    form = {"name": "Newsletters", "parent": json.dumps({"type": "Folder", "id": 3})}
    sub = assert_asset_success(api.call("POST", "/rest/asset/v1/folders.json", data=form))["result"][0]
    assert sub["folderType"] == "Email"
    assert_marketo_error(create("In Newsletters", sub["id"]), "711", "Incompatible Folder Type", asset=True)
    assert_marketo_error(create("Nowhere", 99999), "710", "Parent Folder Not Found", asset=True)
    form = {"name": "Campaigns", "parent": json.dumps({"type": "Folder", "id": 1})}
    plain = assert_asset_success(api.call("POST", "/rest/asset/v1/folders.json", data=form))["result"][0]
    made = assert_asset_success(create("In Campaigns", plain["id"]))["result"][0]
    assert made["folder"] == {"id": plain["id"], "type": "Folder"}
    named = api.call("GET", "/rest/asset/v1/smartCampaign/byName.json", params={"name": "In Emails"}).json()
    assert named["warnings"] == ["No assets found for the given search criteria."]  # the refused one was not made


def test_activating_a_campaign_nothing_has_is_702(api: Api) -> None:
    no_data = "No data found for a given search scenario"
    for action in ("activate", "deactivate"):
        response = api.call("POST", f"/rest/asset/v1/smartCampaign/4242/{action}.json")
        assert_marketo_error(response, "702", no_data, asset=True)
    assert_asset_success(api.call("POST", f"/rest/asset/v1/smartCampaign/{INACTIVE}/activate.json"))


def test_asset_smart_campaign_by_name_and_paging_window(api: Api) -> None:
    body = assert_asset_success(
        api.call("GET", "/rest/asset/v1/smartCampaign/byName.json", params={"name": "Batch Send"})
    )
    assert body["result"][0]["id"] == BATCH and body["result"][0]["folder"] == {"id": 1001, "type": "Program"}
    window = assert_asset_success(
        api.call("GET", "/rest/asset/v1/smartCampaigns.json", params={"offset": 3, "maxReturn": 1})
    )
    assert [c["id"] for c in window["result"]] == [BATCH]
    assert_marketo_error(api.call("GET", "/rest/asset/v1/smartCampaigns.json", params={"maxReturn": 201}), "1001",
                         None, "201", "Integer", asset=True)  # fmt: skip
