"""`client.leads` against the emulator's leads area: outcomes, splitting, 414 fallback, paging, faults."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from mkto.client import AsyncClient, Client, RetryPolicy
from mkto.errors import AmbiguousOutcome, MarketoError

from .conftest import Emu

LEADS = "/rest/v1/leads.json"


def emails(n: int, tag: str = "lead") -> list[str]:
    return [f"{tag}-{i:05d}@example.com" for i in range(n)]


def rest_log(emu: Emu) -> list[dict[str, Any]]:
    return [r for r in emu.requests() if r["path"].startswith("/rest/")]


def test_sync_outcomes_in_input_order_with_catalogue_reasons(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as client:
        batch = [{"email": "a@example.com"}, {"email": "not an email"}, {"email": "b@example.com"}]
        outcomes = client.leads.sync(batch)
        assert [o.index for o in outcomes] == [0, 1, 2]
        assert [o.status for o in outcomes] == ["created", "skipped", "created"]
        assert outcomes[0].id and outcomes[2].id
        assert outcomes[1].reasons and outcomes[1].reasons[0].spec is not None
        again = client.leads.sync([{"email": "b@example.com", "firstName": "B"}])
        assert again[0].status == "updated"
        assert again[0].id == outcomes[2].id


def test_ten_thousand_leads_through_thirty_percent_faults(leads_emu: Emu) -> None:
    # ~30% of sync attempts fail: half lose their response after the write committed, half never run.
    leads_emu.fault(code="http:502", probability=0.15, after_commit=True, method="POST", path=LEADS)
    leads_emu.fault(code="604", probability=0.18, method="POST", path=LEADS)
    addresses = emails(10_000)
    # A 604 on a write is a lost answer too (it may have run), so about 30% of sends are read back and resent:
    # with the default 3 rounds one of the 34 batches runs out of them about one run in four.
    retry = RetryPolicy(max_attempts=15, deadline_s=600, base_delay_s=0.001, max_delay_s=0.01, lost_response_rounds=15)
    with Client(**leads_emu.client_kwargs(retry=retry)) as client:
        outcomes = client.leads.sync([{"email": e, "firstName": f"F{i}"} for i, e in enumerate(addresses)])
        assert [o.index for o in outcomes] == list(range(10_000))
        assert all(o.ok for o in outcomes), [o for o in outcomes if not o.ok][:3]
        fired = sum(plan["fired"] for plan in leads_emu.admin.get("/faults").json()["faults"])
        leads_emu.admin.delete("/faults").raise_for_status()
        found = client.leads.get_by_filter("email", addresses, fields=["id", "email"])
    assert fired >= 5, "the fault plans should have fired"
    assert len(found) == 10_000
    assert len({lead["email"] for lead in found}) == 10_000
    assert len({lead["id"] for lead in found}) == 10_000
    assert {o.id for o in outcomes} == {lead["id"] for lead in found}


def test_after_commit_fault_on_create_or_update_leaves_no_duplicates(leads_emu: Emu) -> None:
    leads_emu.fault(code="http:502", times=1, after_commit=True, method="POST", path=LEADS)
    addresses = emails(5, "commit")
    with Client(**leads_emu.client_kwargs()) as client:
        outcomes = client.leads.sync([{"email": e} for e in addresses])
        assert [o.status for o in outcomes] == ["created"] * 5  # the lost call created them: read back, not resent
        found = client.leads.get_by_filter("email", addresses)
    assert sorted(lead["email"] for lead in found) == addresses
    assert [(r["method"], r["status"]) for r in rest_log(leads_emu)][:2] == [("POST", 502), ("GET", 200)]


def test_after_commit_fault_on_create_duplicate_is_ambiguous_without_a_value_to_read_back(leads_emu: Emu) -> None:
    leads_emu.fault(code="http:502", times=1, after_commit=True, method="POST", path=LEADS)
    with Client(**leads_emu.client_kwargs()) as client:
        with pytest.raises(AmbiguousOutcome) as info:
            client.leads.sync([{"firstName": "Nameless"}], action="createDuplicate")
        assert isinstance(info.value.__cause__, MarketoError)
        assert [r.state for r in info.value.records] == ["unknown"]
        outcomes = client.leads.sync([{"email": "dup@example.com"}], action="createDuplicate")  # no fault now
        found = client.leads.get_by_filter("email", ["dup@example.com"])
    assert [o.id for o in outcomes] == [lead["id"] for lead in found]
    assert len([r for r in rest_log(leads_emu) if r["method"] == "POST"]) == 2  # the lost call was not sent again


def test_five_hundred_value_filter_uses_post_and_the_414_fallback(leads_emu: Emu) -> None:
    addresses = emails(500, "filter-lead")
    # 300 values make a URL over 8 KB (sent as POST at once); the 200 left fit 8 KB but not this instance's 4 KB.
    leads_emu.limits(max_uri_bytes=4096)
    with Client(**leads_emu.client_kwargs()) as client:
        client.leads.sync([{"email": e} for e in addresses])
        found = client.leads.get_by_filter("email", addresses)
    assert sorted(lead["email"] for lead in found) == addresses
    reads = [(r["method"], r["status"]) for r in rest_log(leads_emu) if r["path"] == LEADS][2:]
    assert reads == [("POST", 200), ("GET", 414), ("POST", 200)]


def test_one_and_a_half_megabyte_batch_is_split_before_sending(leads_emu: Emu) -> None:
    notes = "n" * 5_000
    batch = [{"email": e, "mktoPersonNotes": notes} for e in emails(300, "big")]
    with Client(**leads_emu.client_kwargs()) as client:
        outcomes = client.leads.sync(batch)
    assert [o.index for o in outcomes] == list(range(300))
    assert all(o.status == "created" for o in outcomes)
    syncs = [r for r in rest_log(leads_emu) if r["path"] == LEADS]
    assert len(syncs) == 2
    assert all(r["status"] == 200 for r in syncs)


def test_413_that_still_happens_splits_and_retries(leads_emu: Emu) -> None:
    leads_emu.limits(max_body_bytes=200_000)  # smaller than the client knows about
    batch = [{"email": e, "mktoPersonNotes": "m" * 2_000} for e in emails(250, "half")]
    with Client(**leads_emu.client_kwargs()) as client:
        outcomes = client.leads.sync(batch)
    assert [o.index for o in outcomes] == list(range(250))
    assert all(o.status == "created" for o in outcomes)
    statuses = [r["status"] for r in rest_log(leads_emu) if r["path"] == LEADS]
    assert statuses[0] == 413
    print("STATUSES", statuses)
    assert statuses.count(200) >= 3


def test_paging_exposes_and_resumes_from_next_page_token(leads_emu: Emu) -> None:
    addresses = emails(7, "page")
    with Client(**leads_emu.client_kwargs()) as client:
        client.leads.sync([{"email": e} for e in addresses])
        pages = client.leads.iter_by_filter("email", addresses, batch_size=3)
        first = [next(pages)["email"] for _ in range(3)]
        token = pages.next_page_token
        assert token
        resumed = client.leads.iter_by_filter("email", addresses, batch_size=3, next_page_token=token)
        rest = [lead["email"] for lead in resumed]
    assert sorted(first + rest) == addresses


TRIGGER_CAMPAIGN = 1001  # the emulator's seeded, active, requestable trigger campaign
WEBINAR_PROGRAM = 1002  # the emulator's seeded event program
LIST_FOLDER = 12  # the emulator's seeded "Group Lists" folder
SEARCHABLE = [["id"], ["email"], ["cookies"], ["leadPartitionId"], ["email_field"], ["integer_field"], ["score_field"]]


def test_lead_operations(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as client:
        a, b = (o.id for o in client.leads.sync([
            {"email": "w@example.com", "firstName": "Winner"}, {"email": "l@example.com", "lastName": "Loser"},
        ]))  # fmt: skip
        assert client.leads.get(a, fields=["email"]) == {"id": a, "email": "w@example.com"}
        described = client.leads.describe()
        assert any(f["rest"]["name"] == "email" for f in described)
        [api_lead] = client.leads.describe2()
        assert (api_lead["name"], api_lead["searchableFields"]) == ("API Lead", SEARCHABLE)
        assert {f["name"] for f in api_lead["fields"]} == {f["rest"]["name"] for f in described}
        assert any(f["name"] == "email" for f in client.leads.fields())
        client.leads.merge(a, [b])
        assert client.leads.get(b) is None
        winner = client.leads.get(a, fields=["email", "firstName", "lastName"])
        assert winner == {"id": a, "email": "w@example.com", "firstName": "Winner", "lastName": "Loser"}
        static = client.assets.create_static_list("Members", folder=LIST_FOLDER)
        assert static is not None
        assert [o.status for o in client.lists.add(static["id"], [a])] == ["added"]
        assert [o.status for o in client.program_members.set_status(WEBINAR_PROGRAM, [a], "Registered")] == ["created"]
        client.campaigns.trigger(TRIGGER_CAMPAIGN, [a])
        assert [m["listId"] for m in client.leads.list_memberships(a)] == [static["id"]]
        programs = client.leads.program_memberships(a)
        assert [(m["id"], m["progressionStatus"]) for m in programs] == [(WEBINAR_PROGRAM, "Registered")]
        assert [m["smartCampaignId"] for m in client.leads.campaign_memberships(a)] == [TRIGGER_CAMPAIGN]
        assert client.leads.list_memberships(b) == []  # the loser is gone, and so are its memberships
        deleted = client.leads.delete([a, 999_999])
        assert [o.index for o in deleted] == [0, 1]
        assert deleted[0].status == "deleted"
        assert deleted[1].skipped
        assert client.leads.get(a) is None


def test_async_client_syncs_and_filters(leads_emu: Emu) -> None:
    addresses = emails(320, "async")

    async def main() -> tuple[int, int]:
        async with AsyncClient(**leads_emu.client_kwargs()) as client:
            outcomes = await client.leads.sync([{"email": e} for e in addresses])
            found = await client.leads.get_by_filter("email", addresses)
            return len(outcomes), len(found)

    assert asyncio.run(main()) == (320, 320)


def test_push_associate_partitions_and_program_members(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as client:
        pushed = client.leads.push("Webinar 2026", [{"email": "p1@example.com"}, {"email": "p2@example.com"}])
        assert [o.status for o in pushed] == ["created", "created"]
        lead_id = pushed[0].id
        client.leads.associate(lead_id, "id:287-GTJ-838&token:_mch-marketo.com-1396310362214-46169")
        with pytest.raises(MarketoError) as info:
            client.leads.associate(lead_id, "not a cookie")
        assert info.value.code == "1012"
        names = [p["name"] for p in client.leads.partitions()]
        assert "Default" in names
        moved = client.leads.update_partitions([{"id": lead_id, "partitionName": "Default"}, {"id": 987_654}])
        assert [o.index for o in moved] == [0, 1]
        assert moved[1].skipped
        assert list(client.leads.iter_by_program(1)) == []  # no program is seeded


def test_submit_form_is_not_resent_after_a_lost_response(leads_emu: Emu) -> None:
    form = [{"leadFormFields": {"email": "form@example.com", "firstName": "Form"}}]
    with Client(**leads_emu.client_kwargs()) as client:
        assert client.leads.submit_form(1029, form)[0].ok
        leads_emu.fault(
            code="http:502", times=1, after_commit=True, method="POST", path="/rest/v1/leads/submitForm.json"
        )
        with pytest.raises(AmbiguousOutcome):
            client.leads.submit_form(1029, form)


def test_async_lead_operations(leads_emu: Emu) -> None:
    async def main() -> None:
        async with AsyncClient(**leads_emu.client_kwargs()) as client:
            outcomes = await client.leads.push("Async program", [{"email": "as@example.com"}])
            lead_id = outcomes[0].id
            assert (await client.leads.get(lead_id, fields=["email"])) == {"id": lead_id, "email": "as@example.com"}
            [api_lead] = await client.leads.describe2()
            assert (api_lead["name"], api_lead["searchableFields"]) == ("API Lead", SEARCHABLE)
            assert any(f["name"] == "email" for f in await client.leads.fields())
            assert await client.leads.list_memberships(lead_id) == []
            assert await client.leads.program_memberships(lead_id) == []  # "Async program" is no real program
            assert await client.leads.campaign_memberships(lead_id) == []
            static = await client.assets.create_static_list("Async members", folder=LIST_FOLDER)
            assert static is not None
            await client.lists.add(static["id"], [lead_id])
            await client.program_members.set_status(WEBINAR_PROGRAM, [lead_id], "Registered")
            await client.campaigns.trigger(TRIGGER_CAMPAIGN, [lead_id])
            assert [m["listId"] for m in await client.leads.list_memberships(lead_id)] == [static["id"]]
            programs = await client.leads.program_memberships(lead_id)
            assert [(m["id"], m["progressionStatus"]) for m in programs] == [(WEBINAR_PROGRAM, "Registered")]
            campaigns = await client.leads.campaign_memberships(lead_id)
            assert [m["smartCampaignId"] for m in campaigns] == [TRIGGER_CAMPAIGN]
            assert "Default" in [p["name"] for p in await client.leads.partitions()]
            assert (await client.leads.submit_form(1, [{"leadFormFields": {"email": "as@example.com"}}]))[0].ok
            assert (await client.leads.delete([lead_id]))[0].status == "deleted"
            assert await client.leads.get(lead_id) is None

    asyncio.run(main())
