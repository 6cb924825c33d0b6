"""Program members over HTTP: status progression along the channel (1025, 1037 both variants), member data
(1013 "Membership not found"), query with paging, delete, describe, and the legacy Change Lead Program Status."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.emulator.conftest import Api, assert_marketo_error, assert_success

SKIPPED_PAST = {"code": "1037", "message": "Lead skipped because it is already in or past this status"}


def program(api: Api, name: str = "Webinar 1", channel: str = "Webinar", kind: str = "Event") -> int:
    body = api.call("POST", "/rest/asset/v1/programs.json", data={
        "name": name, "folder": json.dumps({"id": 1, "type": "Folder"}), "type": kind, "channel": channel})  # fmt: skip
    assert body.json()["success"] is True, body.text
    return int(body.json()["result"][0]["id"])


def leads(api: Api, count: int) -> list[int]:
    records = [{"email": f"m{i}@example.com"} for i in range(count)]
    body = assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": records}))
    return [int(r["id"]) for r in body["result"]]


def status(api: Api, program_id: int, name: str, lead_ids: list[int]) -> httpx.Response:
    return api.call("POST", f"/rest/v1/programs/{program_id}/members/status.json",
                    json={"statusName": name, "input": [{"leadId": i} for i in lead_ids]})  # fmt: skip


def test_status_progression_created_updated_and_already_in_or_past(api: Api) -> None:
    pid = program(api)
    a, b = leads(api, 2)
    first = assert_success(status(api, pid, "Registered", [a]))["result"]
    assert first == [{"seq": 0, "status": "created", "leadId": a}]
    result = assert_success(status(api, pid, "Attended", [a, b, 999_999]))["result"]
    assert result[0] == {"seq": 0, "status": "updated", "leadId": a}
    assert result[1] == {"seq": 1, "status": "created", "leadId": b}
    assert result[2] == {"seq": 2, "status": "skipped", "reasons": [{"code": "1004", "message": "Lead not found"}]}
    back = assert_success(status(api, pid, "Invited", [a]))["result"]
    assert back == [{"seq": 0, "status": "skipped", "reasons": [SKIPPED_PAST]}]
    same = assert_success(status(api, pid, "Attended", [a]))["result"]
    assert same[0]["reasons"] == [SKIPPED_PAST]


def test_unknown_status_is_1025(api: Api) -> None:
    pid = program(api)
    [a] = leads(api, 1)
    body = assert_marketo_error(status(api, pid, "Influenced", [a]), "1025", "Program status not found")
    assert "result" not in body


def test_unknown_program_is_1013(api: Api) -> None:
    [a] = leads(api, 1)
    assert_marketo_error(status(api, 987_654, "Member", [a]), "1013", "Object not found")


def test_member_data_update_and_membership_not_found(api: Api) -> None:
    pid = program(api)
    a, b = leads(api, 2)
    assert_success(status(api, pid, "Registered", [a]))
    body = assert_success(api.call("POST", f"/rest/v1/programs/{pid}/members.json", json={"input": [
        {"leadId": a, "registrationCode": "R-1", "webinarUrl": "https://example.com/w"},
        {"leadId": b, "registrationCode": "R-2"},
        {"leadId": a, "membershipDate": "2020-01-01"},
    ]}))  # fmt: skip
    assert body["result"][0] == {"seq": 0, "status": "updated", "leadId": a}
    assert body["result"][1] == {"seq": 1, "status": "skipped",
                                 "reasons": [{"code": "1013", "message": "Membership not found"}]}  # fmt: skip
    assert body["result"][2]["reasons"][0]["code"] == "1006"
    found = assert_success(api.call("GET", f"/rest/v1/programs/{pid}/members.json", params={
        "filterType": "registrationCode", "filterValues": "R-1", "fields": "leadId,registrationCode,statusName"}))  # fmt: skip
    assert found["result"] == [{"seq": 0, "leadId": a, "registrationCode": "R-1", "statusName": "Registered"}]


def test_query_by_status_pages(api: Api) -> None:
    pid = program(api)
    ids = leads(api, 5)
    assert_success(status(api, pid, "Invited", ids))
    seen: list[int] = []
    params: dict[str, Any] = {"filterType": "statusName", "filterValues": "Invited", "batchSize": 2}
    while True:
        body = assert_success(api.call("GET", f"/rest/v1/programs/{pid}/members.json", params=params))
        assert all(set(r) == {"seq", "acquiredBy", "leadId", "membershipDate", "programId", "reachedSuccess"}
                   for r in body["result"])  # fmt: skip
        seen += [r["leadId"] for r in body["result"]]
        if not body["moreResult"]:
            break
        params["nextPageToken"] = body["nextPageToken"]
    assert seen == ids


def test_delete_members_and_lead_not_in_program(api: Api) -> None:
    pid = program(api)
    a, b = leads(api, 2)
    assert_success(status(api, pid, "Invited", [a]))
    body = assert_success(api.call("POST", f"/rest/v1/programs/{pid}/members/delete.json",
                                   json={"input": [{"leadId": a}, {"leadId": b}]}))  # fmt: skip
    assert body["result"] == [
        {"seq": 0, "status": "deleted", "leadId": a},
        {"seq": 1, "status": "skipped", "reasons": [{"code": "1037", "message": "Lead not in program"}]},
    ]


def test_describe(api: Api) -> None:
    [described] = assert_success(api.call("GET", "/rest/v1/programs/members/describe.json"))["result"]
    assert described["dedupeFields"] == ["leadId", "programId"]
    updateable = {f["name"] for f in described["fields"] if f["updateable"]}
    assert updateable == {"registrationCode", "statusReason", "webinarUrl"}


def test_legacy_change_lead_program_status(api: Api) -> None:
    pid = program(api, "Blast", "Email Blast", "Default")
    [a] = leads(api, 1)
    path = f"/rest/v1/leads/programs/{pid}/status.json"
    body = assert_success(api.call("POST", path, json={"status": "Member", "input": [{"id": a}]}))
    assert body["result"] == [{"status": "created", "id": a}]
    assert_marketo_error(api.call("POST", path, json={"status": "Attended", "input": [{"id": a}]}), "1025",
                         "Program status not found")  # fmt: skip
    members = assert_success(api.call("GET", f"/rest/v1/leads/programs/{pid}.json"))["result"]
    assert [m["id"] for m in members] == [a]


def test_a_read_only_role_cannot_change_status_603(api: Api) -> None:
    pid = program(api)
    created = api.admin("POST", "/users", json={"permissions": ["Read-Only Lead"]}).json()
    token = api.token(created["client_id"], created["client_secret"])
    response = api.call("POST", f"/rest/v1/programs/{pid}/members/status.json", token=token,
                        json={"statusName": "Invited", "input": [{"leadId": 1}]})  # fmt: skip
    assert_marketo_error(response, "603", "Access denied")


def test_a_program_in_another_workspace_is_not_found_1013(api: Api) -> None:
    pid = program(api)
    [a] = leads(api, 1)
    created = api.admin("POST", "/users", json={"workspaces": ["Japan"]}).json()
    token = api.token(created["client_id"], created["client_secret"])
    response = api.call("POST", f"/rest/v1/programs/{pid}/members/status.json", token=token,
                        json={"statusName": "Invited", "input": [{"leadId": a}]})  # fmt: skip
    assert_marketo_error(response, "1013", "Object not found")


def test_member_fields_and_the_singular_describe_path(api: Api) -> None:
    singular = assert_success(api.call("GET", "/rest/v1/program/members/describe.json"))["result"]
    assert singular == assert_success(api.call("GET", "/rest/v1/programs/members/describe.json"))["result"]
    body = assert_success(api.call("GET", "/rest/v1/programs/members/schema/fields.json", params={"batchSize": 5}))
    assert len(body["result"]) == 5 and body["moreResult"] is True
    [field] = assert_success(api.call("GET", "/rest/v1/programs/members/schema/fields/webinarUrl.json"))["result"]
    assert field["name"] == "webinarUrl" and field["dataType"] == "string"
    assert_marketo_error(api.call("GET", "/rest/v1/programs/members/schema/fields/x.json"), "1006",
                         "Field 'x' not found")  # fmt: skip


def test_a_lead_in_a_partition_the_user_cannot_use_is_1008(api: Api) -> None:
    pid = program(api)
    [a] = leads(api, 1)
    created = api.admin("POST", "/users", json={"partitions": ["Europe"]}).json()
    token = api.token(created["client_id"], created["client_secret"])
    response = api.call("POST", f"/rest/v1/programs/{pid}/members/status.json", token=token,
                        json={"statusName": "Invited", "input": [{"leadId": a}]})  # fmt: skip
    assert assert_success(response)["result"] == [
        {
            "seq": 0,
            "status": "skipped",
            "reasons": [{"code": "1008", "message": "Access denied to partition 'Default'"}],
        }
    ]


def test_query_by_updated_at_window(api: Api) -> None:
    pid = program(api)
    api.admin("POST", "/clock", json={"set": "2026-03-01T12:00:00Z"})
    a, b = leads(api, 2)
    assert_success(status(api, pid, "Invited", [a]))
    api.admin("POST", "/clock", json={"set": "2026-03-05T12:00:00Z"})
    assert_success(status(api, pid, "Invited", [b]))
    path = f"/rest/v1/programs/{pid}/members.json"

    def window(start: str, end: str) -> httpx.Response:
        return api.call("GET", path, params={"filterType": "updatedAt", "startAt": start, "endAt": end})

    found = assert_success(window("2026-03-04T00:00:00Z", "2026-03-06T00:00:00Z"))["result"]
    assert [r["leadId"] for r in found] == [b]
    assert_marketo_error(window("2026-03-01T00:00:00Z", "2026-03-09T00:00:01Z"), "1003", "Invalid data")
    assert_marketo_error(window("yesterday", "2026-03-06T00:00:00Z"), "704", "Invalid date format")
    assert_marketo_error(api.call("GET", path, params={"filterType": "updatedAt", "startAt": "2026-03-01T00:00:00Z"}),
                         "1002", "Missing value for the required parameter 'endAt'")  # fmt: skip


def test_member_data_follows_a_merge_and_goes_with_a_deleted_lead(api: Api) -> None:
    pid = program(api)
    winner, loser, gone = leads(api, 3)
    assert_success(status(api, pid, "Registered", [loser, gone]))
    assert_success(api.call("POST", f"/rest/v1/programs/{pid}/members.json", json={"input": [
        {"leadId": loser, "registrationCode": "R-L"}, {"leadId": gone, "registrationCode": "R-G"}]}))  # fmt: skip
    assert_success(api.call("POST", f"/rest/v1/leads/{winner}/merge.json", params={"leadId": loser}))
    assert_success(api.call("POST", "/rest/v1/leads/delete.json", json={"input": [{"id": gone}]}))
    found = assert_success(api.call("GET", f"/rest/v1/programs/{pid}/members.json", params={
        "filterType": "statusName", "filterValues": "Registered", "fields": "leadId,registrationCode"}))  # fmt: skip
    assert found["result"] == [{"seq": 0, "leadId": winner, "registrationCode": "R-L"}]
