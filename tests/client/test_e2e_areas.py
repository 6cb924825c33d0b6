"""Lists, campaigns and activities through the client against the real emulator: what one call writes, the
others read back."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from mkto.client import AsyncClient, Client
from mkto.client._ops.activities import ActivityPager
from mkto.errors import AmbiguousOutcome, MarketoResponse

from .conftest import Emu


def page(result: list[object], token: str | None, more: bool) -> MarketoResponse:
    return MarketoResponse("1#1", list(result), [], token, more, 200, {})


def test_activity_pager_starts_from_a_date_and_pages_through_empty_pages() -> None:
    pager = ActivityPager(
        "/rest/v1/activities.json", {"activityTypeIds": [1]}, since="2026-01-01", next_page_token=None
    )
    assert pager.spec().path == "/rest/v1/activities/pagingtoken.json"
    assert pager.feed(page([], "T0", False)) == []
    assert pager.spec().path == "/rest/v1/activities.json"
    assert ("nextPageToken", "T0") in pager.spec().params
    assert pager.feed(page([], "T1", True)) == []  # an empty page with moreResult=true goes on
    assert not pager.done
    assert pager.feed(page([{"id": 1}], "T2", False)) == [{"id": 1}]
    assert pager.done
    with pytest.raises(ValueError, match="since"):
        ActivityPager("/rest/v1/activities.json", {}, since=None, next_page_token=None)


NEW_LEAD, CHANGE_DATA_VALUE, ADD_TO_LIST, REQUEST_CAMPAIGN = 12, 13, 24, 47  # Marketo's activity type ids
TRIGGER_CAMPAIGN = 1001  # the emulator's seeded, active, requestable trigger campaign
LIST_FOLDER = 12  # the emulator's seeded "Group Lists" folder


def since_yesterday(emu: Emu) -> dt.datetime:
    return emu.now() - dt.timedelta(days=1)


def test_lists_add_read_back_and_remove(emu: Emu) -> None:
    with Client(**emu.client_kwargs()) as client:
        ada, bob = (o.id for o in client.leads.sync([{"email": "ada@example.com"}, {"email": "bob@example.com"}]))
        created = client.assets.create_static_list("Newsletter", folder=LIST_FOLDER)
        assert created is not None
        list_id = created["id"]
        assert [o.status for o in client.lists.add(list_id, [ada, 999_999])] == ["added", "skipped"]
        assert [lead["id"] for lead in client.lists.iter_leads(list_id)] == [ada]
        assert [o.status for o in client.lists.is_member(list_id, [ada, bob])] == ["memberof", "notmemberof"]
        removed = client.lists.remove(list_id, [ada, bob])
        assert [(o.status, [r.code for r in o.reasons]) for o in removed] == [("removed", []), ("skipped", ["1015"])]
        assert [found["name"] for found in client.lists.iter(ids=[list_id])] == ["Newsletter"]


def test_campaign_trigger_shows_up_as_an_activity(emu: Emu) -> None:
    with Client(**emu.client_kwargs()) as client:
        (lead,) = client.leads.sync([{"email": "ada@example.com"}])
        assert TRIGGER_CAMPAIGN in {c["id"] for c in client.campaigns.iter()}
        client.campaigns.trigger(TRIGGER_CAMPAIGN, [lead.id])
        seen = list(client.activities.iter([REQUEST_CAMPAIGN, NEW_LEAD], since=since_yesterday(emu)))
        assert sorted((a["leadId"], a["activityTypeId"]) for a in seen) == [
            (lead.id, NEW_LEAD),
            (lead.id, REQUEST_CAMPAIGN),
        ]


def test_lead_changes_sync_and_async_agree(emu: Emu) -> None:
    with Client(**emu.client_kwargs()) as client:
        (lead,) = client.leads.sync([{"email": "ada@example.com", "firstName": "Ada"}])
        client.leads.sync([{"email": "ada@example.com", "firstName": "Augusta"}])
        changes = list(client.activities.lead_changes(["firstName"], since=since_yesterday(emu)))
    changed = [c for c in changes if c["activityTypeId"] == CHANGE_DATA_VALUE]
    assert [(c["leadId"], f["oldValue"], f["newValue"]) for c in changed for f in c["fields"]] == [
        (lead.id, "Ada", "Augusta")
    ]

    async def read() -> list[dict[str, object]]:
        async with AsyncClient(**emu.client_kwargs()) as client:
            return [c async for c in client.activities.lead_changes(["firstName"], since=since_yesterday(emu))]

    assert asyncio.run(read()) == changes


def test_a_lost_custom_activity_add_is_ambiguous(emu: Emu) -> None:
    with Client(**emu.client_kwargs()) as client:
        assert {t["id"] for t in client.activities.types()} >= {NEW_LEAD, CHANGE_DATA_VALUE, ADD_TO_LIST}
        emu.fault(code="http:502", times=1, method="POST", path="/rest/v1/activities/external.json")
        with pytest.raises(AmbiguousOutcome):
            client.activities.add_custom([{"leadId": 1, "activityTypeId": 100001, "primaryAttributeValue": "x"}])


def test_what_the_async_side_once_lacked_works_end_to_end(emu: Emu) -> None:
    async def main() -> tuple[list[int], set[int], str | None, int]:
        async with AsyncClient(**emu.client_kwargs()) as client:
            (lead,) = await client.leads.sync([{"email": "ada@example.com"}])
            created = await client.assets.create_static_list("Async readers", folder=LIST_FOLDER)
            assert created is not None
            await client.lists.add(created["id"], [lead.id])
            members = [found["id"] async for found in client.lists.iter_leads(created["id"])]
            campaigns = {c["id"] async for c in client.campaigns.iter()}
            token = await client.activities.paging_token(since_yesterday(emu))
            return members, campaigns, token, lead.id

    members, campaigns, token, lead_id = asyncio.run(main())
    assert members == [lead_id]
    assert TRIGGER_CAMPAIGN in campaigns
    assert token
