"""Activities over real HTTP: types (recorded shape), date paging tokens, Get Lead Activities paging and scope,
lead changes, deleted leads, custom activity types (1027, 1028, 1048, 709, 1017) and custom activities
(1049, 1004 under `errors`, 1013), and 701/1002/704/1001/1003 for bad parameters."""

from __future__ import annotations

from typing import Any

import httpx

from mkto import errors
from mkto.emulator import Emulator
from mkto.emulator.activities import record_activity
from tests.emulator.activities.helpers import EPOCH, activities, add, leads, new_list, now, paging_token
from tests.emulator.conftest import Api, assert_marketo_error, assert_success

ADD_TO_LIST = 24
TYPE = "/rest/v1/activities/external/type"


def err(code: str, *args: object) -> list[dict[str, str]]:
    return [{"code": code, "message": errors.get(code).format(*args)}]


def create_type(api: Api, api_name: str = "attendConference", **extra: Any) -> httpx.Response:
    spec = {
        "apiName": api_name, "name": "Attend Conference", "description": "Attend the conference",
        "triggerName": "Attends Conference", "filterName": "Attended Conference",
        "primaryAttribute": {"apiName": "conferenceName", "name": "Conference Name", "description": "Name"},
        **extra,
    }  # fmt: skip
    return api.call("POST", f"{TYPE}.json", json=spec)


def approved_type(api: Api, api_name: str = "attendConference", attributes: int = 1) -> int:
    type_id = int(assert_success(create_type(api, api_name))["result"][0]["id"])
    specs = [{"apiName": f"a{i}", "name": f"Attr {i}", "dataType": "string"} for i in range(attributes)]
    if specs:
        assert_success(api.call("POST", f"{TYPE}/{api_name}/attributes/create.json", json={"attributes": specs}))
    assert_success(api.call("POST", f"{TYPE}/{api_name}/approve.json"))
    return type_id


def custom(api: Api, records: list[dict[str, Any]]) -> httpx.Response:
    return api.call("POST", "/rest/v1/activities/external.json", json={"input": records})


def activity(lead_id: int, type_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "leadId": lead_id, "activityDate": "2016-09-26T06:56:35+07:00", "activityTypeId": type_id,
        "primaryAttributeValue": "Game Giveaway", "attributes": [{"apiName": "a0", "value": "x"}], **extra,
    }  # fmt: skip


def test_activity_types_have_the_recorded_shape(api: Api) -> None:
    body = assert_success(api.call("GET", "/rest/v1/activities/types.json"))
    first = body["result"][0]
    assert first["id"] == 1 and first["name"] == "Visit Webpage"
    assert list(first) == ["id", "name", "description", "primaryAttribute", "attributes"]
    assert first["primaryAttribute"] == {"name": "Webpage ID", "dataType": "integer"}
    ids = {t["id"] for t in body["result"]}
    assert {12, 13, 24, 25, 37} <= ids


def test_paging_token_from_a_date_and_its_errors(api: Api) -> None:
    response = api.call(
        "GET", "/rest/v1/activities/pagingtoken.json", params={"sinceDatetime": "2014-10-06T13:22:17-08:00"}
    )
    body = assert_success(response)
    assert list(body) == ["requestId", "success", "nextPageToken"]
    bad = api.call("GET", "/rest/v1/activities/pagingtoken.json", params={"sinceDatetime": "yesterday"})
    assert_marketo_error(bad, "704")
    assert_marketo_error(api.call("GET", "/rest/v1/activities/pagingtoken.json"), "1002", None, "sinceDatetime")
    blank = api.call("GET", "/rest/v1/activities/pagingtoken.json", params={"sinceDatetime": ""})
    assert_marketo_error(blank, "701", None, "sinceDatetime")


def test_get_lead_activities_parameter_errors(api: Api) -> None:
    token = paging_token(api)
    path = "/rest/v1/activities.json"
    assert_marketo_error(api.call("GET", path, params={"activityTypeIds": "24"}), "1002", None, "nextPageToken")
    assert_marketo_error(api.call("GET", path, params={"nextPageToken": token}), "1002", None, "activityTypeIds")
    eleven = ",".join(str(i) for i in range(1, 12))
    assert_marketo_error(api.call("GET", path, params={"nextPageToken": token, "activityTypeIds": eleven}), "1003")
    many = ",".join(str(i) for i in range(1, 32))
    params = {"nextPageToken": token, "activityTypeIds": "24", "leadIds": many}
    assert_marketo_error(api.call("GET", path, params=params), "1003")
    params = {"nextPageToken": "not-a-token", "activityTypeIds": "24"}
    assert_marketo_error(api.call("GET", path, params=params), "1001", None, "not-a-token", "nextPageToken")
    params = {"nextPageToken": token, "activityTypeIds": "24", "listId": "4242"}
    assert_marketo_error(api.call("GET", path, params=params), "1013")


def test_activities_page_with_more_result_and_always_a_token(api: Api) -> None:
    ids = leads(api, 7)
    list_id = new_list(api)
    add(api, list_id, ids)
    token = paging_token(api)
    seen: list[int] = []
    pages = 0
    while True:
        params = {"nextPageToken": token, "activityTypeIds": ADD_TO_LIST, "batchSize": 3}
        body = assert_success(api.call("GET", "/rest/v1/activities.json", params=params))
        pages += 1
        seen.extend(x["leadId"] for x in body["result"])
        assert body["nextPageToken"]
        if not body["moreResult"]:
            break
        token = body["nextPageToken"]
    assert seen == ids and pages == 3
    # a later token finds nothing new, and says so with moreResult false and a token to come back with
    again = assert_success(api.call("GET", "/rest/v1/activities.json", params={"nextPageToken": token,
                                                                                "activityTypeIds": ADD_TO_LIST}))  # fmt: skip
    assert again["moreResult"] is False and again["nextPageToken"]


def test_lead_ids_scope_the_activities(api: Api) -> None:
    a, b = leads(api, 2)
    add(api, new_list(api), [a, b])
    assert [x["leadId"] for x in activities(api, [ADD_TO_LIST], leadIds=str(b))] == [b]


def test_a_token_from_after_the_activity_sees_nothing(api: Api) -> None:
    [a] = leads(api, 1)
    add(api, new_list(api), [a])
    api.advance(60)
    later = paging_token(api, now(api).strftime("%Y-%m-%dT%H:%M:%SZ"))
    body = assert_success(api.call("GET", "/rest/v1/activities.json", params={"nextPageToken": later,
                                                                               "activityTypeIds": ADD_TO_LIST}))  # fmt: skip
    assert body["result"] == []


def test_lead_changes_need_fields(api: Api) -> None:
    token = paging_token(api)
    path = "/rest/v1/activities/leadchanges.json"
    assert_marketo_error(api.call("GET", path, params={"nextPageToken": token}), "1002", None, "fields")
    body = assert_success(api.call("GET", path, params={"nextPageToken": token, "fields": "firstName"}))
    assert body["result"] == [] and body["moreResult"] is False


def test_deleted_leads_answers_a_page(api: Api) -> None:
    body = assert_success(api.call("GET", "/rest/v1/activities/deletedleads.json",
                                   params={"nextPageToken": paging_token(api, EPOCH)}))  # fmt: skip
    assert body["result"] == [] and body["moreResult"] is False and body["nextPageToken"]


def test_custom_type_lifecycle_draft_approve_discard(api: Api) -> None:
    created = assert_success(create_type(api))["result"][0]
    assert created["id"] == 100001 and created["status"] == "draft"
    assert created["primaryAttribute"]["dataType"] == "string"
    assert_marketo_error(api.call("POST", f"{TYPE}/attendConference/discardDraft.json"), "1048")
    approved = assert_success(api.call("POST", f"{TYPE}/attendConference/approve.json"))["result"][0]
    assert approved["status"] == "approved"
    assert_marketo_error(api.call("POST", f"{TYPE}/attendConference/approve.json"), "709")
    assert_marketo_error(api.call("POST", f"{TYPE}/attendConference/discardDraft.json"), "1048")
    updated = assert_success(api.call("POST", f"{TYPE}/attendConference.json", json={"name": "Attend Event"}))
    assert updated["result"][0]["status"] == "approved with draft" and updated["result"][0]["name"] == "Attend Event"
    described = assert_success(api.call("GET", f"{TYPE}/attendConference/describe.json"))["result"][0]
    assert described["name"] == "Attend Conference"
    discarded = assert_success(api.call("POST", f"{TYPE}/attendConference/discardDraft.json"))["result"][0]
    assert discarded["status"] == "approved" and discarded["name"] == "Attend Conference"
    listed = assert_success(api.call("GET", "/rest/v1/activities/external/types.json"))["result"]
    assert [t["apiName"] for t in listed] == ["attendConference"]
    types = assert_success(api.call("GET", "/rest/v1/activities/types.json"))["result"]
    assert types[-1]["id"] == 100001 and types[-1]["apiName"] == "attendConference"
    assert_success(api.call("POST", f"{TYPE}/attendConference/delete.json"))
    assert_marketo_error(api.call("GET", f"{TYPE}/attendConference/describe.json"), "1013")


def test_custom_type_required_members_and_duplicates(api: Api) -> None:
    spec = {"apiName": "x", "name": "X", "filterName": "F", "primaryAttribute": {"apiName": "p", "name": "P"}}
    assert_marketo_error(api.call("POST", f"{TYPE}.json", json=spec), "1002", None, "triggerName")
    assert_marketo_error(api.call("POST", f"{TYPE}.json", json={**spec, "triggerName": ""}), "701", None, "triggerName")
    assert_success(create_type(api, "dup"))
    assert_marketo_error(create_type(api, "dup"), "1017")


def test_eleventh_custom_type_is_1027(api: Api) -> None:
    for i in range(10):
        assert_success(create_type(api, f"type{i}"))
    assert_marketo_error(create_type(api, "type10"), "1027")


def test_twenty_first_attribute_is_1028(api: Api) -> None:
    assert_success(create_type(api))
    specs = [{"apiName": f"a{i}", "name": f"A{i}", "dataType": "string"} for i in range(20)]
    assert_success(api.call("POST", f"{TYPE}/attendConference/attributes/create.json", json={"attributes": specs}))
    one_more = {"attributes": [{"apiName": "a20", "name": "A20", "dataType": "integer"}]}
    assert_marketo_error(api.call("POST", f"{TYPE}/attendConference/attributes/create.json", json=one_more), "1028")
    described = assert_success(api.call("GET", f"{TYPE}/attendConference/describe.json", params={"draft": "true"}))
    assert len(described["result"][0]["attributes"]) == 20


def test_add_custom_activities_record_level_codes(api: Api) -> None:
    [a] = leads(api, 1)
    type_id = approved_type(api)
    draft_only = int(assert_success(create_type(api, "neverApproved"))["result"][0]["id"])
    big = [{"apiName": "a0", "value": "x" * 70_000}]
    body = assert_success(custom(api, [
        activity(a, type_id), activity(99999, type_id), activity(a, type_id, attributes=big),
        activity(a, draft_only), {"leadId": a, "activityTypeId": type_id, "primaryAttributeValue": "v"},
    ]))  # fmt: skip
    first, unknown_lead, too_big, unapproved, no_date = body["result"]
    assert first["status"] == "added" and first["marketoGUID"] == str(first["id"])
    assert unknown_lead == {"status": "skipped", "errors": err("1004")}
    assert too_big == {"status": "skipped", "errors": err("1049")}
    assert unapproved == {"status": "skipped", "errors": err("1013")}
    assert no_date == {"status": "skipped", "errors": err("1002", "activityDate")}
    [found] = activities(api, [type_id])
    assert found["leadId"] == a and found["primaryAttributeValue"] == "Game Giveaway"
    assert found["activityDate"] == "2016-09-25T23:56:35Z"
    assert found["attributes"] == [{"name": "Attr 0", "value": "x"}]


def test_more_than_300_custom_activities_is_1003(api: Api) -> None:
    type_id = approved_type(api)
    assert_marketo_error(custom(api, [activity(1, type_id)] * 301), "1003")


def test_lead_changes_and_deleted_leads_read_what_other_areas_record(api: Api, emulator: Emulator) -> None:
    a, b = leads(api, 2)
    with emulator.emulation.store.transaction() as db:
        record_activity(db, lead_id=a, type_id=13, when=now(api), primary_attribute_value="firstName",
                        fields=[{"id": 48, "name": "firstName", "newValue": "B", "oldValue": "A"}],
                        attributes={"Source": "Web service API"})  # fmt: skip
        record_activity(db, lead_id=b, type_id=13, when=now(api), fields=[{"id": 49, "name": "lastName",
                        "newValue": "Y", "oldValue": "X"}])  # fmt: skip
        record_activity(db, lead_id=b, type_id=37, when=now(api), primary_attribute_value="F1",
                        primary_attribute_value_id=b)  # fmt: skip
    token = paging_token(api)
    changes = assert_success(api.call("GET", "/rest/v1/activities/leadchanges.json",
                                      params={"nextPageToken": token, "fields": "firstName"}))  # fmt: skip
    [change] = [c for c in changes["result"] if c["activityTypeId"] == 13]  # the rest: the leads' New Lead
    assert change["leadId"] == a
    assert change["fields"] == [{"id": 48, "name": "firstName", "newValue": "B", "oldValue": "A"}]
    assert change["attributes"] == [{"name": "Source", "value": "Web service API"}]
    deleted = assert_success(api.call("GET", "/rest/v1/activities/deletedleads.json", params={"nextPageToken": token}))
    [gone] = deleted["result"]
    assert gone["leadId"] == b and gone["activityTypeId"] == 37 and gone["primaryAttributeValueId"] == b
