"""Merge Leads with mergeInCRM=true on an instance with a native CRM sync: 712, 714, 1076, 1077, 1078, 1079 under
their documented conditions; the same merges succeed without the sync or without mergeInCRM.

A lead's CRM record is emulated by custom lead fields `sfdcType`, `sfdcIsDeleted` and `pURL`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.emulator.conftest import Api, assert_marketo_error, assert_success

FIELDS = "/rest/v1/leads/schema/fields.json"
CRM_FIELDS = [
    {"name": "sfdcType", "displayName": "SFDC Type", "dataType": "string"},
    {"name": "sfdcIsDeleted", "displayName": "SFDC Is Deleted", "dataType": "boolean"},
    {"name": "pURL", "displayName": "Personalized URL", "dataType": "string"},
]


@pytest.fixture
def crm(api: Api) -> Api:
    """An api on an instance with native CRM sync and the CRM lead fields (the lead schema survives resets)."""
    existing = {f["name"] for f in assert_success(api.call("GET", FIELDS, params={"batchSize": 300}))["result"]}
    missing = [f for f in CRM_FIELDS if f["name"] not in existing]
    if missing:
        created = assert_success(api.call("POST", FIELDS, json={"input": missing}))["result"]
        assert all(r["status"] == "created" for r in created), created
    api.admin("PUT", "/settings", json={"native_crm_sync": True})
    return api


def leads(api: Api, *records: dict[str, Any]) -> list[int]:
    result = assert_success(api.call("POST", "/rest/v1/leads.json",
                                     json={"action": "createDuplicate", "input": list(records)}))["result"]  # fmt: skip
    assert all(r["status"] == "created" for r in result), result
    return [int(r["id"]) for r in result]


def merge(api: Api, winner: int, *losers: int, in_crm: bool = True) -> httpx.Response:
    params = {"leadIds": ",".join(map(str, losers)), "mergeInCRM": "true" if in_crm else "false"}
    return api.call("POST", f"/rest/v1/leads/{winner}/merge.json", params=params)


def merged(response: httpx.Response) -> None:
    assert list(assert_success(response)) == ["requestId", "success"]


def test_person_account_is_712(crm: Api) -> None:
    winner, loser = leads(crm, {"email": "p@example.com", "sfdcType": "Person Account"},
                          {"email": "p2@example.com", "sfdcType": "Lead"})  # fmt: skip
    assert_marketo_error(merge(crm, winner, loser), "712", "Merge to person Account operation is invalid")
    merged(merge(crm, winner, loser, in_crm=False))  # merging in Marketo only is fine


def test_no_default_record_type_is_714(crm: Api) -> None:
    crm.admin("PUT", "/settings", json={"crm_default_record_type": False})
    winner, loser = leads(crm, {"email": "a@example.com"}, {"email": "b@example.com"})
    assert_marketo_error(merge(crm, winner, loser), "714", "Unable to find the default record type")


def test_merge_that_duplicates_another_crm_record_is_1076(crm: Api) -> None:
    winner, loser, other = leads(crm, {"email": "dup@example.com", "sfdcType": "Lead"},
                                 {"email": "x@example.com", "sfdcType": "Lead"},
                                 {"email": "dup@example.com", "sfdcType": "Contact"})  # fmt: skip
    assert other
    assert_marketo_error(merge(crm, winner, loser), "1076", "Merge Leads call with mergeInCRM flag is 4.")


def test_field_longer_than_the_crm_allows_is_1077(crm: Api) -> None:
    winner, loser = leads(crm, {"email": "w@example.com", "sfdcType": "Lead"},
                          {"email": "l@example.com", "firstName": "F" * 41, "sfdcType": "Lead"})  # fmt: skip
    assert_marketo_error(merge(crm, winner, loser), "1077", "Merge Leads call failed due to 'SFDC Field' length")


@pytest.mark.parametrize("loser", [{"sfdcIsDeleted": True, "sfdcType": "Lead"}, {"sfdcType": "Account"}])
def test_deleted_or_not_a_lead_or_contact_is_1078(crm: Api, loser: dict[str, Any]) -> None:
    winner, loser_id = leads(
        crm, {"email": "w@example.com", "sfdcType": "Contact"}, {"email": "l@example.com", **loser}
    )
    message = (
        "Merge Leads call failed due to deleted entity, not a lead/contact, or field filter criteria does not match."
    )
    assert_marketo_error(merge(crm, winner, loser_id), "1078", message)


def test_same_personalized_url_is_1079(crm: Api) -> None:
    winner, loser = leads(
        crm, {"email": "w@example.com", "pURL": "JaneDoe"}, {"email": "l@example.com", "pURL": "JaneDoe"}
    )
    assert_marketo_error(merge(crm, winner, loser), "1079",
                         "Merge Leads  call failed due to Personalized URL conflict in duplicate records")  # fmt: skip


def test_a_clean_crm_merge_succeeds_and_nothing_is_checked_without_the_sync(crm: Api) -> None:
    winner, loser = leads(crm, {"email": "w@example.com", "sfdcType": "Lead"},
                          {"email": "l@example.com", "firstName": "Lou"})  # fmt: skip
    merged(merge(crm, winner, loser))
    fields = {"fields": "email,firstName,sfdcType"}
    assert assert_success(crm.call("GET", f"/rest/v1/lead/{loser}.json", params=fields))["result"] == []  # gone
    after = assert_success(crm.call("GET", f"/rest/v1/lead/{winner}.json", params=fields))["result"]
    assert after == [{"id": winner, "email": "w@example.com", "firstName": "Lou", "sfdcType": "Lead"}]  # merged
    crm.admin("PUT", "/settings", json={"native_crm_sync": False})
    winner, loser = leads(crm, {"email": "p@example.com", "sfdcType": "Person Account"}, {"email": "q@example.com"})
    merged(merge(crm, winner, loser))


def test_more_than_25_lead_ids_is_still_1080(crm: Api) -> None:
    response = merge(crm, 1, *range(2, 28))
    assert_marketo_error(response, "1080", "Merge Leads call exceeded the limit of 25 ids in leadIds")


def lead_ids_found(api: Api, *ids: int) -> list[int]:
    params = {"filterType": "id", "filterValues": ",".join(map(str, ids))}
    return [r["id"] for r in assert_success(api.call("GET", "/rest/v1/leads.json", params=params))["result"]]


def test_a_person_account_on_either_side_is_712_as_the_guide_sets_it_up(crm: Api) -> None:
    """docs/emulator.md: a lead whose `sfdcType` is "Person Account" is a Salesforce person account."""
    winner, loser = leads(crm, {"email": "w@example.com", "sfdcType": "Contact"},
                          {"email": "pa@example.com", "sfdcType": "Person Account"})  # fmt: skip
    assert_marketo_error(merge(crm, winner, loser), "712", "Merge to person Account operation is invalid")
    assert lead_ids_found(crm, winner, loser) == [winner, loser]  # nothing merged
    merged(merge(crm, winner, loser, in_crm=False))
    assert lead_ids_found(crm, winner, loser) == [winner]


def test_a_duplicate_only_the_crm_has_is_1076_a_marketo_only_one_is_not(crm: Api) -> None:
    """docs/emulator.md: the CRM's duplicate rule fires when another lead in the CRM (`sfdcType` Lead or Contact)
    has the merged record's email; a Marketo-only lead with that email is not in the CRM and the merge goes on."""
    winner, loser, marketo_only = leads(crm, {"email": "dup@example.com", "sfdcType": "Lead"},
                                        {"email": "x@example.com", "sfdcType": "Lead"},
                                        {"email": "dup@example.com"})  # fmt: skip
    merged(merge(crm, winner, loser))
    assert lead_ids_found(crm, winner, loser, marketo_only) == [winner, marketo_only]
    winner, loser, in_crm = leads(crm, {"email": "dup2@example.com", "sfdcType": "Contact"},
                                  {"email": "y@example.com", "sfdcType": "Lead"},
                                  {"email": "dup2@example.com", "sfdcType": "Lead"})  # fmt: skip
    assert_marketo_error(merge(crm, winner, loser), "1076", "Merge Leads call with mergeInCRM flag is 4.")
    assert lead_ids_found(crm, winner, loser, in_crm) == [winner, loser, in_crm]


def test_a_record_deleted_in_the_crm_is_1078_one_deleted_in_marketo_is_1004(crm: Api) -> None:
    """docs/emulator.md: a lead deleted in the CRM still exists in Marketo with `sfdcIsDeleted` true; a lead deleted
    in Marketo (Delete Leads) is gone, so a merge naming it is 1004."""
    winner, gone = leads(crm, {"email": "w@example.com", "sfdcType": "Contact"},
                         {"email": "gone@example.com", "sfdcType": "Lead"})  # fmt: skip
    deleted = assert_success(crm.call("POST", "/rest/v1/leads/delete.json", json={"input": [{"id": gone}]}))
    assert deleted["result"] == [{"id": gone, "status": "deleted"}]
    assert_marketo_error(merge(crm, winner, gone), "1004", "Lead not found")
    [loser] = leads(crm, {"email": "l@example.com", "sfdcType": "Lead"})
    update = {"action": "updateOnly", "lookupField": "id", "input": [{"id": loser, "sfdcIsDeleted": True}]}
    assert assert_success(crm.call("POST", "/rest/v1/leads.json", json=update))["result"][0]["status"] == "updated"
    message = (
        "Merge Leads call failed due to deleted entity, not a lead/contact, or field filter criteria does not match."
    )
    assert_marketo_error(merge(crm, winner, loser), "1078", message)
    assert lead_ids_found(crm, winner, loser) == [winner, loser]
