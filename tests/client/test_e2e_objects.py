"""Dedupe objects (one generic resource for companies, opportunities, roles, sales persons, named accounts and
custom objects) and program members, against the emulator over real HTTP."""

from __future__ import annotations

import asyncio

from mkto.client import AsyncClient, Client

from .conftest import Emu


def test_sync_with_a_duplicate_key_gives_1036_at_its_index(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as mkto:
        outcomes = mkto.companies.sync(
            [
                {"externalCompanyId": "c1", "company": "Acme"},
                {"externalCompanyId": "c2", "company": "Globex"},
                {"externalCompanyId": "c1", "company": "Acme again"},
                {"externalCompanyId": "c3", "company": "Initech"},
            ],
            action="createOnly",
        )
        assert [o.index for o in outcomes] == [0, 1, 2, 3]
        assert [o.status for o in outcomes] == ["created", "created", "skipped", "created"]
        assert outcomes[2].reasons[0].code == "1036"
        again = mkto.companies.sync([{"externalCompanyId": "c2", "company": "Globex"}], action="createOnly")
        assert again[0].skipped and again[0].reasons[0].code == "1017"
        found = list(mkto.companies.iter("externalCompanyId", ["c1", "c3", "nobody"], fields=["company"]))
        assert sorted(c["company"] for c in found) == ["Acme", "Initech"]
        deleted = mkto.companies.delete([{"externalCompanyId": "c3"}])
        assert deleted[0].ok
        assert list(mkto.companies.iter("externalCompanyId", ["c3"])) == []
        assert list(mkto.companies.iter("externalCompanyId", [])) == []  # no values: no call


def test_every_dedupe_object_is_the_same_resource(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as mkto:
        for resource in (mkto.companies, mkto.opportunities, mkto.opportunity_roles, mkto.sales_persons,
                         mkto.named_accounts, mkto.custom_objects("car_c")):  # fmt: skip
            description = resource.describe()
            assert description is not None and description["dedupeFields"]
        sales = mkto.sales_persons.sync([{"externalSalesPersonId": "sp1", "email": "sp1@example.com"}])
        assert sales[0].ok
        assert [s["externalSalesPersonId"] for s in mkto.sales_persons.iter("email", ["sp1@example.com"])] == ["sp1"]
        cars = mkto.custom_objects("car_c").sync([{"vin": "V1"}, {"vin": "V2"}])
        assert [o.status for o in cars] == ["created", "created"]
        assert {c["vin"] for c in mkto.custom_objects("car_c").iter("vin", ["V1", "V2"])} == {"V1", "V2"}


def test_compound_keys_are_searched_with_a_json_body_and_paged(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as mkto:
        lead_ids = [o.id for o in mkto.leads.sync([{"email": f"role{i}@example.com"} for i in range(5)])]
        assert mkto.opportunities.sync([{"externalOpportunityId": "o1", "name": "Deal"}])[0].ok
        roles = [{"externalOpportunityId": "o1", "leadId": i, "role": "Buyer"} for i in lead_ids]
        assert all(o.ok for o in mkto.opportunity_roles.sync(roles))
        keys = [{"externalOpportunityId": "o1", "leadId": i, "role": "Buyer"} for i in lead_ids[:4]]
        pages = mkto.opportunity_roles.iter("dedupeFields", keys, batch_size=2)
        found = list(pages)
        assert sorted(r["leadId"] for r in found) == sorted(lead_ids[:4])
    queries = [r for r in leads_emu.requests() if r["path"] == "/rest/v1/opportunities/roles.json"][1:]
    assert [r["method"] for r in queries] == ["POST", "POST"]  # two pages of two, each POST ?_method=GET


def test_program_members(leads_emu: Emu) -> None:
    with Client(**leads_emu.client_kwargs()) as mkto:
        lead_ids = [o.id for o in mkto.leads.sync([{"email": f"pm{i}@example.com"} for i in range(3)])]
        described = mkto.program_members.describe()
        assert (described["name"], described["dedupeFields"]) == ("API Program Membership", ["leadId", "programId"])
        assert {"leadId", "programId", "statusName", "webinarUrl"} <= {f["name"] for f in described["fields"]}
        outcomes = mkto.program_members.set_status(1002, lead_ids, "Registered")
        assert [o.ok for o in outcomes] == [True, True, True]
        members = list(mkto.program_members.iter(1002, "leadId", lead_ids))
        assert sorted(m["leadId"] for m in members) == sorted(lead_ids)
        updated = mkto.program_members.update(1002, [{"leadId": lead_ids[1], "webinarUrl": "https://w.example.com/1"}])
        assert updated[0].ok
        [member] = mkto.program_members.iter(1002, "leadId", lead_ids[1:2], fields=["leadId", "webinarUrl"])
        assert member["webinarUrl"] == "https://w.example.com/1"
        deleted = mkto.program_members.delete(1002, lead_ids[:1])
        assert deleted[0].ok
        assert sorted(m["leadId"] for m in mkto.program_members.iter(1002, "leadId", lead_ids)) == lead_ids[1:]


def test_async_dedupe_objects(leads_emu: Emu) -> None:
    async def main() -> list[str]:
        async with AsyncClient(**leads_emu.client_kwargs()) as mkto:
            outcomes = await mkto.companies.sync([{"externalCompanyId": "a1"}, {"externalCompanyId": "a1"}])
            return [o.status for o in outcomes]

    assert asyncio.run(main()) == ["created", "skipped"]
