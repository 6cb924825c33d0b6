"""Lists, campaigns and activities. The emulator areas for them are still being built: each test runs
once the emulator serves its endpoints (per `/_mkto/openapi.json`) and skips, saying so, until then."""

from __future__ import annotations

import datetime as dt

import pytest

from mkto.client import Client
from mkto.client._areas import ActivityPager
from mkto.errors import AmbiguousOutcome, MarketoResponse

from .conftest import Emu


def needs(emu: Emu, prefix: str) -> None:
    paths = emu.admin.get("/openapi.json").json().get("paths", {})
    if not any(path.startswith(prefix) for path in paths):
        pytest.skip(f"the emulator serves nothing under {prefix} yet")


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


def test_lists(emu: Emu) -> None:
    needs(emu, "/rest/v1/lists")
    with Client(**emu.client_kwargs()) as client:
        assert isinstance(list(client.lists.iter()), list)


def test_campaigns(emu: Emu) -> None:
    needs(emu, "/rest/v1/campaigns")
    with Client(**emu.client_kwargs()) as client:
        assert isinstance(list(client.campaigns.iter()), list)


def test_activities_and_ambiguous_custom_activity_add(emu: Emu) -> None:
    needs(emu, "/rest/v1/activities")
    with Client(**emu.client_kwargs()) as client:
        assert client.activities.types()
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
        assert isinstance(list(client.activities.iter([1], since=since)), list)
        emu.fault(code="http:502", times=1, method="POST", path="/rest/v1/activities/external.json")
        with pytest.raises(AmbiguousOutcome):
            client.activities.add_custom([{"leadId": 1, "activityTypeId": 100001, "primaryAttributeValue": "x"}])
