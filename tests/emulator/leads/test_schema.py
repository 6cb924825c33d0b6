"""Describe, Describe2 and the lead field schema endpoints over real HTTP, and custom fields put to use."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import by_filter, created_ids, one_reason, sync_ok

RECORDED = json.loads((Path(__file__).parent / "data" / "grouparoo-describe.json").read_text())["response"]
FIELDS = "/rest/v1/leads/schema/fields.json"
_names = itertools.count()


def unique(prefix: str) -> str:
    """Custom fields survive a reset (the lead schema is kept), so every test names its own."""
    return f"{prefix}{next(_names)}x{id(object()) % 100_000}"


def create(api: Api, *fields: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = assert_success(api.call("POST", FIELDS, json={"input": list(fields)}))["result"]
    return result


def test_describe_is_the_recorded_instance(api: Api) -> None:
    body = assert_success(api.call("GET", "/rest/v1/leads/describe.json"))
    assert list(body) == ["requestId", "result", "success"]
    standard = [f for f in body["result"] if f["id"] < 1000]
    assert standard == RECORDED["result"]
    assert len(standard) == 100


def test_describe2_shape(api: Api) -> None:
    [described] = assert_success(api.call("GET", "/rest/v1/leads/describe2.json"))["result"]
    assert described["name"] == "API Lead"
    searchable = described["searchableFields"]
    assert searchable[:7] == [["id"], ["email"], ["cookies"], ["leadPartitionId"], ["email_field"],
                              ["integer_field"], ["score_field"]]  # fmt: skip
    email = next(f for f in described["fields"] if f["name"] == "email")
    assert email == {"name": "email", "displayName": "Email Address", "dataType": "email", "length": 255,
                     "updateable": True, "crmManaged": False}  # fmt: skip
    created = next(f for f in described["fields"] if f["name"] == "createdAt")
    assert created["updateable"] is False and "length" not in created


def test_schema_fields_are_paged(api: Api) -> None:
    names: list[str] = []
    token = None
    while True:
        params: dict[str, Any] = {"batchSize": 40, **({"nextPageToken": token} if token else {})}
        body = assert_success(api.call("GET", FIELDS, params=params))
        names += [f["name"] for f in body["result"]]
        if not body["moreResult"]:
            break
        token = body["nextPageToken"]
    assert names[:100] == [f["rest"]["name"] for f in RECORDED["result"]]
    first = assert_success(api.call("GET", FIELDS, params={"batchSize": 1}))["result"][0]
    assert first == {"displayName": "Company Name", "name": "company", "description": None, "dataType": "string",
                     "length": 255, "isHidden": False, "isHtmlEncodingInEmail": True, "isSensitive": False,
                     "isCustom": False, "isApiCreated": False}  # fmt: skip


def test_schema_field_by_name(api: Api) -> None:
    [email] = assert_success(api.call("GET", "/rest/v1/leads/schema/fields/email.json"))["result"]
    assert (email["name"], email["dataType"], email["length"], email["isCustom"]) == ("email", "email", 255, False)
    assert_marketo_error(api.call("GET", "/rest/v1/leads/schema/fields/shoeSize.json"), "1006",
                         "Field 'shoeSize' not found")  # fmt: skip


def test_created_custom_field_is_usable_at_once(api: Api) -> None:
    code, score = unique("acmeAccessCode"), unique("acmeScore")
    result = create(api, {"displayName": f"Acme Access Code {code[-6:]}", "name": code, "dataType": "string",
                          "description": "Acme Direct Mail Integration"},
                    {"displayName": f"Acme Score {score[-6:]}", "name": score, "dataType": "integer"})  # fmt: skip
    assert result == [{"name": code, "status": "created"}, {"name": score, "status": "created"}]
    # sync, filter, describe, describe2 and the lookup field all know it
    [lead_id] = created_ids(api, [{"email": "custom@example.com", code: "X-1", score: 7}])
    assert [r["id"] for r in assert_success(by_filter(api, code, "X-1"))["result"]] == [lead_id]
    assert assert_success(by_filter(api, score, "7", fields=f"{code},{score}"))["result"] == [
        {"id": lead_id, code: "X-1", score: 7}
    ]
    assert sync_ok(api, [{code: "X-1", "firstName": "C"}], lookupField=code) == [{"id": lead_id, "status": "updated"}]
    [bad] = sync_ok(api, [{"email": "custom@example.com", score: "seven"}])
    assert one_reason(bad) == ("1003", f"Invalid value for field '{score}' and value 'seven'")
    described = assert_success(api.call("GET", "/rest/v1/leads/describe.json"))["result"]
    mine = next(f for f in described if f["rest"]["name"] == code)
    assert mine["dataType"] == "string" and mine["length"] == 255 and mine["id"] > 1000
    [searchable] = assert_success(api.call("GET", "/rest/v1/leads/describe2.json"))["result"]
    assert [code] in searchable["searchableFields"] and [score] in searchable["searchableFields"]
    [field] = assert_success(api.call("GET", f"/rest/v1/leads/schema/fields/{code}.json"))["result"]
    assert field["isCustom"] is True and field["isApiCreated"] is True
    assert field["description"] == "Acme Direct Mail Integration"


def test_1017_field_exists(api: Api) -> None:
    [result] = create(api, {"displayName": "Another Email", "name": "Email", "dataType": "email"})
    assert result == {"name": "Email", "status": "skipped", "reasons": [{"code": "1017", "message": "Object already exists"}]}
    name = unique("dupe")
    create(api, {"displayName": f"Dupe {name[-6:]}", "name": name, "dataType": "string"})
    [again] = create(api, {"displayName": f"Other {name[-6:]}", "name": name, "dataType": "string"})
    assert again["reasons"][0]["code"] == "1017"


@pytest.mark.parametrize(
    ("field", "reason"),
    [
        ({"displayName": "Bad Type", "name": "badType", "dataType": "blob"},
         ("1003", "Invalid value for field 'dataType' and value 'blob'")),
        ({"displayName": "Bad Name", "name": "1starts_with_digit", "dataType": "string"},
         ("1003", "Invalid value for field 'name' and value '1starts_with_digit'")),
        ({"displayName": "Bad!Display", "name": "badDisplay", "dataType": "string"},
         ("1003", "Invalid value for field 'displayName' and value 'Bad!Display'")),
        ({"displayName": "No Type", "name": "noType"},
         ("1002", "Missing value for the required parameter 'dataType'")),
        ({"displayName": "Bad Flag", "name": "badFlag", "dataType": "string", "isHidden": "yes"},
         ("1001", "Invalid value 'yes'. Required of type 'Boolean'")),
    ],
)  # fmt: skip
def test_create_field_rejections(api: Api, field: dict[str, Any], reason: tuple[str, str]) -> None:
    [result] = create(api, field)
    assert result["status"] == "skipped"
    assert (result["reasons"][0]["code"], result["reasons"][0]["message"]) == reason


def test_create_fields_limits(api: Api) -> None:
    assert_marketo_error(api.call("POST", FIELDS, json={"input": []}), "1002",
                         "Missing value for the required parameter 'input'")  # fmt: skip
    many = [{"displayName": f"F {i}", "name": f"f{i}", "dataType": "string"} for i in range(101)]
    assert_marketo_error(api.call("POST", FIELDS, json={"input": many}), "1003", "Invalid data")


def test_update_custom_field(api: Api) -> None:
    name = unique("upd")
    create(api, {"displayName": f"Upd {name[-6:]}", "name": name, "dataType": "string"})
    body = assert_success(api.call("POST", f"/rest/v1/leads/schema/fields/{name}.json",
                                   json={"input": [{"displayName": f"Updated {name[-6:]}", "isHidden": True}]}))  # fmt: skip
    assert body["result"] == [{"name": name, "status": "updated"}]
    [field] = assert_success(api.call("GET", f"/rest/v1/leads/schema/fields/{name}.json"))["result"]
    assert (field["displayName"], field["isHidden"]) == (f"Updated {name[-6:]}", True)
    [change_type] = assert_success(api.call("POST", f"/rest/v1/leads/schema/fields/{name}.json",
                                            json={"input": [{"dataType": "integer"}]}))["result"]  # fmt: skip
    assert change_type["reasons"][0] == {"code": "1003", "message": "Invalid value for field 'dataType' and value 'integer'"}
