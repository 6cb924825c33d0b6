"""Get Leads by Filter Type and Get Lead by Id over real HTTP: filters, fields, paging and their errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import LEADS, by_filter, created_ids, sync_ok

COOKIE = "id:287-GTJ-838&token:_mch-marketo.com-1396310362214-46169"


def test_no_match_is_an_empty_success(api: Api) -> None:
    body = assert_success(by_filter(api, "email", "brian@bleonard.com"))
    assert body == {"requestId": body["requestId"], "result": [], "success": True}
    assert list(body) == ["requestId", "result", "success"]


def test_requested_fields_come_back_with_nulls_and_false_booleans(api: Api) -> None:
    [lead_id] = created_ids(api, [{"email": "brian@bleonard.com", "firstName": "Brian"}])
    fields = "email,firstName,lastName,id,textarea_field,boolean_field,email_field,integer_field"
    [lead] = assert_success(by_filter(api, "id", str(lead_id), fields=fields))["result"]
    assert lead == {"id": lead_id, "email": "brian@bleonard.com", "firstName": "Brian", "lastName": None,
                    "textarea_field": None, "boolean_field": False, "email_field": None, "integer_field": None}  # fmt: skip
    assert next(iter(lead)) == "id"


def test_recorded_values_read_back_normalized(api: Api) -> None:
    record = {"email": "brian2@bleonard.com", "firstName": "Evan", "textarea_field": "text is here",
              "boolean_field": True, "email_field": "field@grouparoo.com", "integer_field": 5, "float_field": 5.4,
              "datetime_field": "2020-08-30T05:49:48.000Z", "score_field": 10, "percent_field": 99,
              "currency_field": 34.66}  # fmt: skip
    [lead_id] = created_ids(api, [record])
    fields = ",".join(k for k in record)
    [lead] = assert_success(by_filter(api, "email", "brian2@bleonard.com", fields=fields))["result"]
    assert lead == {"id": lead_id, **record, "datetime_field": "2020-08-30T05:49:48Z"}


def test_multiple_values_and_post_method_get(api: Api) -> None:
    ids = created_ids(api, [{"email": "a@example.com"}, {"email": "b@example.com"}])
    body = assert_success(api.call("POST", LEADS, params={"_method": "GET"},
                                   data={"filterType": "email", "filterValues": "a@example.com,b@example.com,c@x.io"}))  # fmt: skip
    assert [lead["id"] for lead in body["result"]] == ids


def test_custom_field_filters(api: Api) -> None:
    ids = created_ids(api, [{"email": "c1@example.com", "integer_field": 5, "email_field": "Shared@Example.com"},
                            {"email": "c2@example.com", "integer_field": 6, "email_field": "other@example.com"}])  # fmt: skip
    assert [r["id"] for r in assert_success(by_filter(api, "integer_field", "5,7"))["result"]] == ids[:1]
    assert [r["id"] for r in assert_success(by_filter(api, "email_field", "shared@example.com"))["result"]] == ids[:1]


def test_paging_over_more_than_300_leads(lots: Api) -> None:
    emails = [f"p{i}@example.com" for i in range(650)]
    for start in range(0, 650, 300):
        created_ids(lots, [{"email": e, "lastName": "Pager"} for e in emails[start:start + 300]])
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"fields": "email", "batchSize": 250}
        if token:
            params["nextPageToken"] = token
        # 650 values would be over 300: page a filter that matches them all through their shared last name? not
        # searchable; use leadPartitionId, which every lead has.
        body = assert_success(by_filter(lots, "leadPartitionId", "1", **params))
        pages += 1
        seen += [lead["email"] for lead in body["result"]]
        if not body.get("moreResult"):
            assert "nextPageToken" not in body
            break
        assert body["moreResult"] is True
        token = body["nextPageToken"]
        assert token.rstrip("=").isalnum() and token.upper() == token
    assert pages == 3 and seen == emails
    default = assert_success(by_filter(lots, "leadPartitionId", "1"))
    assert len(default["result"]) == 300 and default["moreResult"] is True


def test_1003_too_many_results_match_the_filter(lots: Api) -> None:
    ids: list[int] = []
    for start in range(0, 1001, 300):
        ids += created_ids(lots, [{"email": f"m{i}@example.com"} for i in range(start, min(start + 300, 1001))])
    assert_marketo_error(by_filter(lots, "leadPartitionId", "1"), "1003", "Too many results match the filter")
    assert_success(lots.call("POST", "/rest/v1/leads/delete.json", json={"input": [{"id": ids[0]}]}))
    assert len(assert_success(by_filter(lots, "leadPartitionId", "1"))["result"]) == 300


def test_1003_more_than_300_filter_values(api: Api) -> None:
    values = ",".join(str(i) for i in range(1, 302))
    assert_marketo_error(by_filter(api, "id", values), "1003", "Invalid data")


def test_1006_unknown_field_in_fields(api: Api) -> None:
    assert_marketo_error(by_filter(api, "email", "a@example.com", fields="email,shoeSize"), "1006",
                         "Field 'shoeSize' not found")  # fmt: skip
    assert_marketo_error(api.call("GET", "/rest/v1/lead/1.json", params={"fields": "shoeSize"}), "1006",
                         "Field 'shoeSize' not found")  # fmt: skip


def test_1006_unknown_filter_type(api: Api) -> None:
    assert_marketo_error(by_filter(api, "shoeSize", "9"), "1006", "Field 'shoeSize' not found")


@pytest.mark.parametrize("filter_type", ["createdAt", "firstName", "boolean_field", "float_field"])
def test_1011_unsupported_filter_type(api: Api, filter_type: str) -> None:
    assert_marketo_error(by_filter(api, filter_type, "x"), "1011", f"Field '{filter_type}' not supported")


def test_1012_bad_cookie_filter(api: Api) -> None:
    assert_marketo_error(by_filter(api, "cookies", "not-a-cookie"), "1012", "Invalid cookie value 'not-a-cookie'")
    assert assert_success(by_filter(api, "cookies", COOKIE))["result"] == []


@pytest.mark.parametrize("size", ["0", "301", "ten", "-1"])
def test_1001_bad_batch_size(api: Api, size: str) -> None:
    assert_marketo_error(by_filter(api, "email", "a@example.com", batchSize=size), "1001",
                         f"Invalid value '{size}'. Required of type 'Integer'")  # fmt: skip


def test_1001_bad_page_token(api: Api) -> None:
    assert_marketo_error(by_filter(api, "email", "a@example.com", nextPageToken="garbage!"), "1001",
                         "Invalid value 'garbage!'. Required of type 'nextPageToken'")  # fmt: skip


def test_1001_page_token_of_another_query(lots: Api) -> None:
    created_ids(lots, [{"email": f"t{i}@example.com"} for i in range(3)])
    token = assert_success(by_filter(lots, "leadPartitionId", "1", batchSize=1))["nextPageToken"]
    assert_marketo_error(by_filter(lots, "email", "t1@example.com", nextPageToken=token), "1001",
                         f"Invalid value '{token}'. Required of type 'nextPageToken'")  # fmt: skip


def test_1001_non_integer_id_filter(api: Api) -> None:
    assert_marketo_error(by_filter(api, "id", "12,abc"), "1001", "Invalid value 'abc'. Required of type 'Integer'")


def test_1002_and_701_filter_parameters(api: Api) -> None:
    assert_marketo_error(api.call("GET", LEADS, params={"filterValues": "a"}), "1002",
                         "Missing value for the required parameter 'filterType'")  # fmt: skip
    assert_marketo_error(api.call("GET", LEADS, params={"filterType": "email"}), "1002",
                         "Missing value for the required parameter 'filterValues'")  # fmt: skip
    assert_marketo_error(by_filter(api, "email", " , "), "701", "filterValues cannot be blank")
    assert_marketo_error(by_filter(api, " ", "x"), "701", "filterType cannot be blank")


def test_get_lead_by_id(api: Api) -> None:
    [lead_id] = created_ids(api, [{"email": "id@example.com", "firstName": "Ida", "leadScore": 12}])
    [lead] = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json"))["result"]
    assert list(lead) == ["id", "firstName", "lastName", "email", "updatedAt", "createdAt"]
    body = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json", params={"fields": "leadScore,mktoName"}))
    assert body["result"] == [{"id": lead_id, "leadScore": 12, "mktoName": "Ida"}]


def test_get_lead_by_id_not_found_is_empty(api: Api) -> None:
    for lead_id in ("424242", "99999999999999999999"):
        body = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json"))
        assert body["result"] == []


def test_fields_parameter_repeated_or_comma_separated(api: Api) -> None:
    [lead_id] = created_ids(api, [{"email": "f@example.com", "city": "Oslo"}])
    a = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json", params=[("fields", "city"), ("fields", "email")]))
    b = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json", params={"fields": "city,email"}))
    assert a["result"] == b["result"] == [{"id": lead_id, "city": "Oslo", "email": "f@example.com"}]
    assert sync_ok(api, [{"email": "f@example.com", "city": None}])[0]["status"] == "updated"
    c = assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json", params={"fields": "city"}))
    assert c["result"] == [{"id": lead_id, "city": None}]


def test_spec_searchable_field_the_instance_lacks_finds_nothing(api: Api) -> None:
    created_ids(api, [{"email": "s@example.com"}])
    assert assert_success(by_filter(api, "sfdcLeadId", "00Q123"))["result"] == []
