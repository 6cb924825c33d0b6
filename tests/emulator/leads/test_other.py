"""Delete, Merge, Associate, Push Lead, Submit Form and memberships over real HTTP."""

from __future__ import annotations

from typing import Any

from mkto.emulator import Emulator
from mkto.emulator._common.tables import (
    campaign_members,
    campaigns,
    list_members,
    program_members,
    programs,
    static_lists,
)
from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import LEADS, by_filter, created_ids, db, insert, one_reason

COOKIE = "id:287-GTJ-838&token:_mch-marketo.com-1396310362214-46169"
STAMP = "2021-11-23T22:57:18Z"


def lead(api: Api, lead_id: int, fields: str = "email,firstName,lastName") -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = assert_success(
        api.call("GET", f"/rest/v1/lead/{lead_id}.json", params={"fields": fields})
    )["result"]
    return result


# --- delete ---------------------------------------------------------------------------------------


def test_delete_by_body_query_and_aliases(api: Api) -> None:
    a, b, c, d = created_ids(api, [{"email": f"{n}@example.com"} for n in "abcd"])
    body = assert_success(api.call("POST", "/rest/v1/leads/delete.json", json={"input": [{"id": a}, {"id": 999999}]}))
    assert body["result"] == [
        {"id": a, "status": "deleted"},
        {"id": 999999, "status": "skipped", "reasons": [{"code": "1004", "message": "Lead not found"}]},
    ]
    query = assert_success(api.call("POST", "/rest/v1/leads/delete.json", params={"id": f"{b}"}))
    assert query["result"] == [{"id": b, "status": "deleted"}]
    recorded = assert_success(api.call("POST", LEADS, params={"_method": "DELETE"}, json={"input": [{"id": c}]}))
    assert recorded["result"] == [{"id": c, "status": "deleted"}]
    marketorestpython = assert_success(api.call("DELETE", LEADS, json={"input": [{"id": d}]}))
    assert marketorestpython["result"] == [{"id": d, "status": "deleted"}]
    assert lead(api, a) == []


def test_delete_limits(api: Api) -> None:
    assert_marketo_error(api.call("POST", "/rest/v1/leads/delete.json", json={"input": []}), "1003",
                         "Leads not specified")  # fmt: skip
    too_many = {"input": [{"id": i} for i in range(1, 302)]}
    assert_marketo_error(api.call("POST", "/rest/v1/leads/delete.json", json=too_many), "1003", "Invalid data")
    body = assert_success(api.call("POST", "/rest/v1/leads/delete.json", json={"input": [{"id": "x"}, {}]}))
    assert body["result"] == [
        {"status": "skipped", "reasons": [{"code": "1001", "message": "Invalid value 'x'. Required of type 'Integer'"}]},
        {"status": "skipped", "reasons": [{"code": "1002", "message": "Missing value for the required parameter 'id'"}]},
    ]


# --- merge ----------------------------------------------------------------------------------------


def merge(api: Api, winner: int, **params: Any) -> Any:
    return api.call("POST", f"/rest/v1/leads/{winner}/merge.json", params=params)


def test_merge_keeps_winner_values_unless_empty(api: Api, emulator: Emulator) -> None:
    winner, loser1, loser2 = created_ids(api, [
        {"email": "w@example.com", "firstName": "Win"},
        {"email": "l1@example.com", "firstName": "Lose", "lastName": "Filled", "city": "Oslo"},
        {"email": "l2@example.com", "lastName": "Second", "leadScore": 3},
    ])  # fmt: skip
    with db(emulator) as conn:
        list_id = insert(conn, static_lists, name="L", created_at=STAMP, updated_at=STAMP)
        insert(conn, list_members, list_id=list_id, lead_id=loser1, created_at=STAMP, updated_at=STAMP)
    body = assert_success(merge(api, winner, leadIds=f"{loser1},{loser2}", mergeInCRM="false"))
    assert list(body) == ["requestId", "success"]
    assert lead(api, winner, "email,firstName,lastName,city,leadScore") == [
        {"id": winner, "email": "w@example.com", "firstName": "Win", "lastName": "Filled", "city": "Oslo",
         "leadScore": 3}
    ]  # fmt: skip
    assert lead(api, loser1) == [] and lead(api, loser2) == []
    memberships = assert_success(api.call("GET", f"/rest/v1/leads/{winner}/listMembership.json"))["result"]
    assert [m["listId"] for m in memberships] == [list_id]


def test_merge_single_lead_id(api: Api) -> None:
    winner, loser = created_ids(api, [{"email": "w@example.com"}, {"email": "l@example.com"}])
    assert_success(merge(api, winner, leadId=str(loser)))
    assert lead(api, loser) == []


def test_1080_more_than_25_lead_ids(api: Api) -> None:
    ids = created_ids(api, [{"email": f"m{i}@example.com"} for i in range(27)])
    assert_marketo_error(merge(api, ids[0], leadIds=",".join(map(str, ids[1:]))), "1080",
                         "Merge Leads call exceeded the limit of 25 ids in leadIds")  # fmt: skip
    assert_success(merge(api, ids[0], leadIds=",".join(map(str, ids[1:26]))))


def test_merge_1004_unknown_leads_and_1002_no_loser(api: Api) -> None:
    [winner] = created_ids(api, [{"email": "w@example.com"}])
    assert_marketo_error(merge(api, winner, leadIds="999998"), "1004", "Lead not found")
    assert_marketo_error(merge(api, 999999, leadId=str(winner)), "1004", "Lead not found")
    assert_marketo_error(merge(api, winner), "1002", "Missing value for the required parameter 'leadId'")
    assert_marketo_error(merge(api, winner, leadIds="abc"), "1001", "Invalid value 'abc'. Required of type 'Integer'")
    assert_marketo_error(merge(api, winner, leadId="1", mergeInCRM="maybe"), "1001",
                         "Invalid value 'maybe'. Required of type 'Boolean'")  # fmt: skip


# --- associate ------------------------------------------------------------------------------------


def associate(api: Api, lead_id: int, **params: Any) -> Any:
    return api.call("POST", f"/rest/v1/leads/{lead_id}/associate.json", params=params)


def test_associate_then_find_by_cookie(api: Api) -> None:
    [lead_id] = created_ids(api, [{"email": "cookie@example.com"}])
    body = assert_success(associate(api, lead_id, cookie=COOKIE))
    assert list(body) == ["requestId", "success"]
    found = assert_success(by_filter(api, "cookies", COOKIE))["result"]
    assert [r["id"] for r in found] == [lead_id]


def test_associate_1012_bad_cookie(api: Api) -> None:
    [lead_id] = created_ids(api, [{"email": "cookie@example.com"}])
    assert_marketo_error(associate(api, lead_id, cookie="id:287-GTJ-838"), "1012",
                         "Invalid cookie value 'id:287-GTJ-838'")  # fmt: skip


def test_associate_1004_unknown_lead(api: Api) -> None:
    assert_marketo_error(associate(api, 999999, cookie=COOKIE), "1004", "Lead not found")


def test_associate_requires_cookie(api: Api) -> None:
    assert_marketo_error(associate(api, 1), "1002", "Missing value for the required parameter 'cookie'")
    assert_marketo_error(associate(api, 1, cookie=""), "701", "cookie cannot be blank")


# --- push -----------------------------------------------------------------------------------------


def push(api: Api, body: dict[str, Any]) -> Any:
    return api.call("POST", "/rest/v1/leads/push.json", json=body)


def test_push_upserts_and_joins_the_program(api: Api, emulator: Emulator) -> None:
    with db(emulator) as conn:
        program_id = insert(conn, programs, name="Big Blue Thing Product Launch", created_at=STAMP, updated_at=STAMP)
    [existing] = created_ids(api, [{"email": "Justin.Trudeau@ottowa.gov.ca"}])
    body = assert_success(push(api, {
        "programName": "Big Blue Thing Product Launch", "source": "Cool Sales Site", "reason": "Pricing sheet",
        "lookupField": "email",
        "input": [{"email": "Theresa.May@westminister.gov.uk", "firstName": "Theresa", "leadScore": 45},
                  {"email": "Justin.Trudeau@ottowa.gov.ca", "firstName": "Justin", "website": "www.take-off-eh.com"},
                  {"email": "bad-email", "firstName": "X"}],
    }))  # fmt: skip
    created, updated, bad = body["result"]
    assert created["status"] == "created" and updated == {"id": existing, "status": "updated"}
    assert one_reason(bad) == ("1003", "Invalid value for field 'email' and value 'bad-email'")
    members = assert_success(api.call("GET", f"/rest/v1/leads/programs/{program_id}.json"))["result"]
    assert sorted(m["id"] for m in members) == sorted([created["id"], existing])
    assert members[0]["membership"]["progressionStatus"] == "Member"


def test_push_program_name_required(api: Api) -> None:
    assert_marketo_error(push(api, {"input": [{"email": "a@example.com"}]}), "1002",
                         "Missing value for the required parameter 'programName'")  # fmt: skip
    assert_marketo_error(push(api, {"programName": " ", "input": [{"email": "a@example.com"}]}), "701",
                         "programName cannot be blank")  # fmt: skip
    assert_marketo_error(push(api, {"programName": "P", "input": []}), "1003", "Leads not specified")


def test_push_mkt_token_lookup(api: Api) -> None:
    body = assert_success(push(api, {"programName": "P", "lookupField": "mktToken",
                                     "input": [{"mktToken": "abc", "email": "t@example.com", "firstName": "Thelma"}]}))  # fmt: skip
    assert body["result"][0]["status"] == "created"


# --- submit form ----------------------------------------------------------------------------------


def submit(api: Api, body: dict[str, Any]) -> Any:
    return api.call("POST", "/rest/v1/leads/submitForm.json", json=body)


def test_submit_form_upserts_and_associates_the_cookie(api: Api) -> None:
    [existing] = created_ids(api, [{"email": "marge.simpson@fox.com"}])
    body = assert_success(submit(api, {"formId": 1029, "input": [{
        "leadFormFields": {"firstName": "Marge", "lastName": "Simpson", "email": "marge.simpson@fox.com"},
        "visitorData": {"pageURL": "https://example.com/lp.html", "leadClientIpAddress": "192.150.22.5"},
        "cookie": COOKIE,
    }]}))  # fmt: skip
    assert body["result"] == [{"id": existing, "status": "updated"}]
    assert [r["id"] for r in assert_success(by_filter(api, "cookies", COOKIE))["result"]] == [existing]


def test_submit_form_errors(api: Api) -> None:
    assert_marketo_error(submit(api, {"input": [{"leadFormFields": {"email": "a@example.com"}}]}), "1002",
                         "Missing value for the required parameter 'formId'")  # fmt: skip
    assert_marketo_error(submit(api, {"formId": "x", "input": []}), "1001",
                         "Invalid value 'x'. Required of type 'Integer'")  # fmt: skip
    body = assert_success(submit(api, {"formId": 1, "input": [
        {"leadFormFields": {"firstName": "NoEmail"}},
        {"leadFormFields": {"email": "c@example.com"}, "cookie": "nope"},
    ]}))  # fmt: skip
    assert one_reason(body["result"][0]) == ("1002", "Missing value for the required parameter 'email'")
    assert one_reason(body["result"][1]) == ("1012", "Invalid cookie value 'nope'")


# --- memberships ----------------------------------------------------------------------------------


def test_memberships_are_paged(api: Api, emulator: Emulator) -> None:
    [lead_id] = created_ids(api, [{"email": "member@example.com"}])
    with db(emulator) as conn:
        lists = [insert(conn, static_lists, name=f"L{i}", created_at=STAMP, updated_at=STAMP) for i in range(3)]
        for list_id in lists:
            insert(conn, list_members, list_id=list_id, lead_id=lead_id, created_at=STAMP, updated_at=STAMP)
        program_id = insert(conn, programs, name="Prog", created_at=STAMP, updated_at=STAMP)
        insert(conn, program_members, program_id=program_id, lead_id=lead_id, progression_status="Sent",
               membership_date=STAMP, updated_at=STAMP)  # fmt: skip
        campaign_id = insert(conn, campaigns, name="C", created_at=STAMP, updated_at=STAMP)
        insert(conn, campaign_members, campaign_id=campaign_id, lead_id=lead_id, created_at=STAMP, updated_at=STAMP)
    first = assert_success(api.call("GET", f"/rest/v1/leads/{lead_id}/listMembership.json", params={"batchSize": 2}))
    assert first["result"] == [{"listId": i, "createdAt": STAMP, "updatedAt": STAMP} for i in lists[:2]]
    assert first["moreResult"] is True
    second = assert_success(api.call("GET", f"/rest/v1/leads/{lead_id}/listMembership.json",
                                     params={"batchSize": 2, "nextPageToken": first["nextPageToken"]}))  # fmt: skip
    assert [m["listId"] for m in second["result"]] == lists[2:] and second["moreResult"] is False
    programs_body = assert_success(api.call("GET", f"/rest/v1/leads/{lead_id}/programMembership.json"))
    assert programs_body["result"] == [{"id": program_id, "progressionStatus": "Sent", "isExhausted": False,
                                        "acquiredBy": False, "reachedSuccess": False, "membershipDate": STAMP,
                                        "updatedAt": STAMP}]  # fmt: skip
    assert programs_body["moreResult"] is False
    filtered = api.call("GET", f"/rest/v1/leads/{lead_id}/programMembership.json",
                        params={"filterType": "programId", "filterValues": str(program_id + 1)})  # fmt: skip
    assert assert_success(filtered)["result"] == []
    since = api.call("GET", f"/rest/v1/leads/{lead_id}/smartCampaignMembership.json",
                     params={"earliestUpdatedAt": "2021-11-23T00:00:00Z", "latestUpdatedAt": "2021-11-24"})  # fmt: skip
    assert assert_success(since)["result"] == [{"smartCampaignId": campaign_id, "createdAt": STAMP, "updatedAt": STAMP}]
    later = api.call("GET", f"/rest/v1/leads/{lead_id}/smartCampaignMembership.json",
                     params={"earliestUpdatedAt": "2022-01-01T00:00:00-05:00"})  # fmt: skip
    assert assert_success(later)["result"] == []


def test_704_invalid_date_format(api: Api) -> None:
    response = api.call("GET", "/rest/v1/leads/1/smartCampaignMembership.json", params={"earliestUpdatedAt": "yesterday"})
    assert_marketo_error(response, "704", "Invalid date format")
    response = api.call("GET", "/rest/v1/leads/1/programMembership.json", params={"latestUpdatedAt": "2021-13-40"})
    assert_marketo_error(response, "704", "Invalid date format")


def test_program_membership_1011_filter_type(api: Api) -> None:
    response = api.call("GET", "/rest/v1/leads/1/programMembership.json",
                        params={"filterType": "name", "filterValues": "x"})  # fmt: skip
    assert_marketo_error(response, "1011", "Field 'name' not supported")


def test_leads_by_program_paging(api: Api, emulator: Emulator) -> None:
    ids = created_ids(api, [{"email": f"pm{i}@example.com", "firstName": f"P{i}"} for i in range(3)])
    with db(emulator) as conn:
        program_id = insert(conn, programs, name="Prog", created_at=STAMP, updated_at=STAMP)
        for lead_id in ids:
            insert(conn, program_members, program_id=program_id, lead_id=lead_id, progression_status="Visited",
                   acquired_by=True, membership_date=STAMP, updated_at=STAMP)  # fmt: skip
    first = assert_success(api.call("GET", f"/rest/v1/leads/programs/{program_id}.json", params={"batchSize": 2}))
    assert [m["id"] for m in first["result"]] == ids[:2]
    assert list(first["result"][0]) == ["id", "firstName", "lastName", "email", "updatedAt", "createdAt", "membership"]
    assert first["result"][0]["membership"] == {"progressionStatus": "Visited", "isExhausted": False,
                                                "acquiredBy": True, "reachedSuccess": False,
                                                "membershipDate": STAMP, "updatedAt": STAMP}  # fmt: skip
    rest = assert_success(api.call("GET", f"/rest/v1/leads/programs/{program_id}.json",
                                   params={"fields": "email", "nextPageToken": first["nextPageToken"]}))  # fmt: skip
    assert [(m["id"], m["email"]) for m in rest["result"]] == [(ids[2], "pm2@example.com")]
    assert "moreResult" not in rest


def test_path_ids_beyond_any_stored_id(api: Api) -> None:
    # found by the schemathesis fuzz: an id the database cannot bind must not become a 611
    huge = "99999999999999999999999"
    for path in (f"/rest/v1/lead/{huge}.json", f"/rest/v1/leads/{huge}/listMembership.json",
                 f"/rest/v1/leads/{huge}/programMembership.json",
                 f"/rest/v1/leads/{huge}/smartCampaignMembership.json", f"/rest/v1/leads/programs/{huge}.json"):  # fmt: skip
        assert assert_success(api.call("GET", path))["result"] == []
    assert_marketo_error(associate(api, int(huge), cookie=COOKIE), "1004", "Lead not found")
    assert_marketo_error(merge(api, int(huge), leadId="1"), "1004", "Lead not found")
