"""Custom objects over HTTP: the seeded `car_c` type, records (sync/query/delete, paging), the metadata API, and
the instance settings behind 1026 and 616."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.emulator.conftest import Api, assert_marketo_error, assert_success

CARS = "/rest/v1/customobjects/car_c.json"


def lead(api: Api, email: str = "owner@example.com") -> int:
    body = assert_success(api.call("POST", "/rest/v1/leads.json", json={"input": [{"email": email}]}))
    return int(body["result"][0]["id"])


def sync(api: Api, records: list[Any], **options: Any) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = assert_success(api.call("POST", CARS, json={**options, "input": records}))["result"]
    return result


def test_list_and_describe_the_seeded_type(api: Api) -> None:
    [listed] = assert_success(api.call("GET", "/rest/v1/customobjects.json"))["result"]
    assert listed["name"] == "car_c" and listed["idField"] == "marketoGUID" and listed["dedupeFields"] == ["vin"]
    assert listed["relationships"] == [
        {"field": "leadId", "type": "child", "relatedTo": {"name": "Lead", "field": "id"}}
    ]
    assert "fields" not in listed
    assert assert_success(api.call("GET", "/rest/v1/customobjects.json", params={"names": "boat_c"}))["result"] == []
    [described] = assert_success(api.call("GET", "/rest/v1/customobjects/car_c/describe.json"))["result"]
    assert {f["name"] for f in described["fields"]} >= {"marketoGUID", "vin", "leadId", "make", "model", "year"}


def test_sync_query_delete_round_trip(api: Api) -> None:
    owner = lead(api)
    made = sync(api, [{"vin": "V1", "leadId": owner, "make": "VW"}, {"vin": "V2", "leadId": owner, "year": 2020}])
    assert [(r["seq"], r["status"]) for r in made] == [(0, "created"), (1, "created")]
    guid = made[0]["marketoGUID"]
    assert sync(api, [{"vin": "V1", "model": "Golf"}]) == [{"seq": 0, "status": "updated", "marketoGUID": guid}]
    found = assert_success(api.call("GET", CARS, params={"filterType": "vin", "filterValues": "V1",
                                                         "fields": "vin,make,model,leadId"}))  # fmt: skip
    assert found["result"] == [{"seq": 0, "marketoGUID": guid, "vin": "V1", "make": "VW", "model": "Golf",
                                "leadId": owner}]  # fmt: skip
    by_lead = assert_success(api.call("GET", CARS, params={"filterType": "leadId", "filterValues": str(owner)}))
    assert [r["vin"] for r in by_lead["result"]] == ["V1", "V2"]
    deleted = assert_success(api.call("POST", "/rest/v1/customobjects/car_c/delete.json",
                                      json={"deleteBy": "dedupeFields", "input": [{"vin": "V1"}, {"vin": "V9"}]}))  # fmt: skip
    assert deleted["result"] == [
        {"seq": 0, "marketoGUID": guid, "status": "deleted"},
        {"seq": 1, "status": "skipped", "reasons": [{"code": "1013", "message": "Object not found"}]},
    ]


def test_id_field_only_with_update_only(api: Api) -> None:
    [made] = sync(api, [{"vin": "V3"}])
    guid = made["marketoGUID"]
    response = api.call("POST", CARS, json={"dedupeBy": "idField", "input": [{"marketoGUID": guid, "make": "Fiat"}]})
    assert_marketo_error(response, "1003", "Invalid data")
    updated = sync(api, [{"marketoGUID": guid, "make": "Fiat"}], action="updateOnly", dedupeBy="idField")
    assert updated == [{"seq": 0, "status": "updated", "marketoGUID": guid}]
    [missing] = sync(api, [{"marketoGUID": "no-such-guid"}], action="updateOnly", dedupeBy="idField")
    assert missing["reasons"] == [{"code": "1013", "message": "Object not found"}]


def test_record_level_skips(api: Api) -> None:
    result = sync(api, [{"vin": "D"}, {"vin": "D"}, {"vin": "L", "leadId": 999_999}, {"vin": "Y", "year": "old"}])
    assert result[0]["status"] == "created"
    assert result[1]["reasons"] == [{"code": "1036", "message": "Duplicate object found in input"}]
    assert result[2]["reasons"] == [{"code": "1004", "message": "Lead not found"}]
    assert result[3]["reasons"] == [{"code": "1003", "message": "Invalid value for field 'year' and value 'old'"}]


def test_query_pages(api: Api) -> None:
    owner = lead(api)
    sync(api, [{"vin": f"P{i}", "leadId": owner} for i in range(7)])
    vins: list[str] = []
    params: dict[str, Any] = {"filterType": "leadId", "filterValues": str(owner), "batchSize": 3, "fields": "vin"}
    while True:
        body = assert_success(api.call("GET", CARS, params=params))
        vins += [r["vin"] for r in body["result"]]
        if not body.get("moreResult"):
            break
        params["nextPageToken"] = body["nextPageToken"]
    assert vins == [f"P{i}" for i in range(7)]


def test_unknown_type_is_1013(api: Api) -> None:
    assert_marketo_error(api.call("GET", "/rest/v1/customobjects/boat_c/describe.json"), "1013", "Object not found")


CALLS = [
    ("GET", "/rest/v1/customobjects.json", None),
    ("GET", "/rest/v1/customobjects/car_c/describe.json", None),
    ("POST", CARS, {"input": [{"vin": "X"}]}),
    ("GET", "/rest/v1/customobjects/schema.json", None),
]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
def test_custom_objects_not_enabled_is_1026(api: Api, method: str, path: str, body: Any) -> None:
    api.admin("PUT", "/settings", json={"custom_objects_enabled": False})
    response: httpx.Response = api.call(method, path, json=body) if body else api.call(method, path)
    assert_marketo_error(response, "1026", "Custom object not enabled")


def test_metadata_api_needs_the_subscription_type_616(api: Api) -> None:
    [schema] = assert_success(api.call("GET", "/rest/v1/customobjects/schema.json"))["result"]
    assert schema["apiName"] == "car_c" and schema["state"] == "approved"
    described = assert_success(api.call("GET", "/rest/v1/customobjects/schema/car_c/describe.json"))["result"][0]
    assert all(f["crmManaged"] is False for f in described["fields"])
    api.admin("PUT", "/settings", json={"custom_object_metadata_api": False})
    for path in ("/rest/v1/customobjects/schema.json", "/rest/v1/customobjects/schema/car_c/describe.json",
                 "/rest/v1/customobjects/schema/fieldDataTypes.json"):  # fmt: skip
        assert_marketo_error(api.call("GET", path), "616", "Invalid subscription type")
    assert_success(api.call("GET", "/rest/v1/customobjects.json"))  # records keep working


def test_a_role_without_the_permission_is_603(api: Api) -> None:
    created = api.admin("POST", "/users", json={"permissions": ["Read-Only Custom Object"]}).json()
    token = api.token(created["client_id"], created["client_secret"])
    assert_success(api.call("GET", CARS, token=token, params={"filterType": "vin", "filterValues": "x"}))
    assert_marketo_error(api.call("POST", CARS, token=token, json={"input": [{"vin": "X"}]}), "603", "Access denied")
    assert_marketo_error(api.call("GET", "/rest/v1/customobjects/schema.json", token=token), "603")


SCHEMA = "/rest/v1/customobjects/schema"


def test_create_a_type_add_fields_approve_and_use_it(api: Api) -> None:
    body = {"action": "createOnly", "apiName": "course", "displayName": "Course", "pluralName": "Courses"}
    assert assert_success(api.call("POST", f"{SCHEMA}.json", json=body))["result"] == []
    [draft] = assert_success(api.call("GET", f"{SCHEMA}/course/describe.json"))["result"]
    assert draft["state"] == "draft" and draft["idField"] is None and draft["dedupeFields"] == []
    assert_marketo_error(api.call("GET", "/rest/v1/customobjects/course/describe.json"), "1013", "Object not found")
    assert_marketo_error(api.call("POST", f"{SCHEMA}/course/approve.json"), "709", "Business Rule Violation")
    fields = [
        {"name": "courseId", "displayName": "Course ID", "dataType": "string", "isDedupeField": True},
        {"name": "student", "displayName": "Student", "dataType": "link", "relatedTo": {"name": "lead", "field": "id"}},
        {"name": "credits", "displayName": "Credits", "dataType": "integer"},
    ]
    assert_success(api.call("POST", f"{SCHEMA}/course/addField.json", json={"input": fields}))
    assert_marketo_error(api.call("POST", f"{SCHEMA}/course/addField.json", json={"input": fields[2:]}), "709",
                         "Business Rule Violation")  # fmt: skip
    assert_success(api.call("POST", f"{SCHEMA}/course/approve.json"))
    [approved] = assert_success(api.call("GET", f"{SCHEMA}/course/describe.json"))["result"]
    assert approved["state"] == "approved" and approved["dedupeFields"] == ["courseId"]
    assert approved["searchableFields"] == [["courseId"], ["marketoGUID"], ["student"]]
    assert_marketo_error(api.call("POST", f"{SCHEMA}/course/approve.json"), "709", "Business Rule Violation")

    owner = lead(api)
    records = [{"courseId": "CS101", "student": owner, "credits": 3}, {"courseId": "CS102", "student": 424242}]
    result = assert_success(api.call("POST", "/rest/v1/customobjects/course.json", json={"input": records}))["result"]
    assert result[0]["status"] == "created"
    assert result[1]["reasons"] == [{"code": "1004", "message": "Lead not found"}]
    names = [t["name"] for t in assert_success(api.call("GET", "/rest/v1/customobjects.json"))["result"]]
    assert names == ["car_c", "course"]

    # an approved type in use cannot be deleted; its draft can be discarded once, then there is none
    assert_marketo_error(api.call("POST", f"{SCHEMA}/course/delete.json"), "1022", "Object in use")
    assert_success(api.call("POST", f"{SCHEMA}.json", json={"action": "updateOnly", "apiName": "course",
                                                             "description": "Changed"}))  # fmt: skip
    [both] = assert_success(api.call("GET", f"{SCHEMA}/course/describe.json"))["result"]
    assert both["state"] == "approvedWithDraft" and both["description"] is None
    [pending] = assert_success(api.call("GET", f"{SCHEMA}/course/describe.json", params={"state": "draft"}))["result"]
    assert pending["description"] == "Changed"
    assert_success(api.call("POST", f"{SCHEMA}/course/discardDraft.json"))
    assert_marketo_error(api.call("POST", f"{SCHEMA}/course/discardDraft.json"), "1048",
                         "Custom Object Discard Draft Failed")  # fmt: skip


def test_sync_type_rules(api: Api) -> None:
    created = {"action": "createOnly", "apiName": "boat_c", "displayName": "Boat"}
    assert_success(api.call("POST", f"{SCHEMA}.json", json=created))
    assert_marketo_error(api.call("POST", f"{SCHEMA}.json", json=created), "1017", "Object already exists")
    missing = {"action": "updateOnly", "apiName": "plane_c", "description": "x"}
    assert_marketo_error(api.call("POST", f"{SCHEMA}.json", json=missing), "1013", "Object not found")
    rename = {"action": "updateOnly", "apiName": "car_c", "displayName": "Automobile"}
    assert_marketo_error(api.call("POST", f"{SCHEMA}.json", json=rename), "709", "Business Rule Violation")
    assert_marketo_error(api.call("POST", f"{SCHEMA}.json", json={"displayName": "X"}), "1002",
                         "Missing value for the required parameter 'apiName'")  # fmt: skip
    link = [
        {"name": "owner2", "displayName": "Owner", "dataType": "link", "relatedTo": {"name": "lead", "field": "id"}}
    ]
    assert_marketo_error(api.call("POST", f"{SCHEMA}/car_c/addField.json", json={"input": link}), "709",
                         "Business Rule Violation")  # fmt: skip
    assert_success(api.call("POST", f"{SCHEMA}/boat_c/discardDraft.json"))  # a never-approved type goes away
    assert_marketo_error(api.call("GET", f"{SCHEMA}/boat_c/describe.json"), "1013", "Object not found")


def test_metadata_writes_need_the_type_permission_603(api: Api) -> None:
    created = api.admin("POST", "/users", json={"permissions": ["Read-Only Custom Object Type"]}).json()
    token = api.token(created["client_id"], created["client_secret"])
    assert_success(api.call("GET", f"{SCHEMA}.json", token=token))
    response = api.call("POST", f"{SCHEMA}.json", token=token, json={"apiName": "x_c", "displayName": "X"})
    assert_marketo_error(response, "603", "Access denied")
