"""The gates on the real Lead Database endpoints, and the three ways clients reach Delete Leads."""

from __future__ import annotations

import json

import pytest

from .conftest import Api, assert_marketo_error, assert_nginx_page, assert_success

LEADS = "/rest/v1/leads.json"


def _create(api: Api, *emails: str) -> list[int]:
    result = assert_success(api.call("POST", LEADS, json={"input": [{"email": e} for e in emails]}))["result"]
    assert [r["status"] for r in result] == ["created"] * len(emails), result
    return [int(r["id"]) for r in result]


def _exists(api: Api, lead_id: int) -> bool:
    return bool(assert_success(api.call("GET", f"/rest/v1/lead/{lead_id}.json"))["result"])


def test_sync_over_1mb_is_413(api: Api) -> None:
    records = [{"email": f"big-{i}@example.com", "firstName": "x" * 4000} for i in range(300)]
    body = json.dumps({"input": records})
    assert len(body) > 1_048_576
    response = api.call("POST", LEADS, content=body, headers={"Content-Type": "application/json"})
    assert_nginx_page(response, 413, "Request Entity Too Large")


def test_sync_with_wrong_content_type_is_612(api: Api) -> None:
    response = api.call("POST", LEADS, content=json.dumps({"input": []}), headers={"Content-Type": "text/plain"})
    assert_marketo_error(response, "612")


def test_sync_with_invalid_json_is_609(api: Api) -> None:
    response = api.call("POST", LEADS, content=b'{"input": [{"email": ', headers={"Content-Type": "application/json"})
    assert_marketo_error(response, "609")


def test_wrong_method_on_lead_endpoints_is_605(api: Api) -> None:
    assert_marketo_error(api.call("PUT", LEADS, json={}), "605", "Request method 'PUT' not supported")
    assert_marketo_error(api.call("GET", "/rest/v1/leads/delete.json"), "605", "Request method 'GET' not supported")


def test_get_lead_by_id_with_an_over_long_query_is_414(api: Api) -> None:
    (lead_id,) = _create(api, "long@example.com")
    response = api.call("GET", f"/rest/v1/lead/{lead_id}.json", params={"fields": ",".join(["email"] * 1500)})
    assert_nginx_page(response, 414, "Request-URI Too Large")


def test_method_get_override_reaches_get_leads_by_filter(api: Api) -> None:
    (lead_id,) = _create(api, "filter@example.com")
    response = api.call("POST", LEADS, params={"_method": "GET"},
                        data={"filterType": "email", "filterValues": "filter@example.com"})
    assert [r["id"] for r in assert_success(response)["result"]] == [lead_id]
    response = api.call("POST", LEADS, data={"_method": "GET", "filterType": "id", "filterValues": str(lead_id)})
    assert [r["id"] for r in assert_success(response)["result"]] == [lead_id]


@pytest.mark.parametrize("way", ["documented", "delete_verb", "method_override"])
def test_delete_leads_three_ways(api: Api, way: str) -> None:
    keep, gone = _create(api, "keep@example.com", "gone@example.com")
    body = {"input": [{"id": gone}]}
    if way == "documented":
        response = api.call("POST", "/rest/v1/leads/delete.json", json=body)
    elif way == "delete_verb":
        response = api.call("DELETE", LEADS, json=body)
    else:
        response = api.call("POST", LEADS, params={"_method": "DELETE"}, json=body)
    assert assert_success(response)["result"] == [{"id": gone, "status": "deleted"}]
    assert not _exists(api, gone)
    assert _exists(api, keep)


def test_sync_counts_against_limits_and_reports_in_stats(api: Api) -> None:
    _create(api, "counted@example.com")
    assert api.usage()["daily"]["calls"] == 1
    usage = assert_success(api.call("GET", "/rest/v1/stats/usage.json"))["result"][0]
    assert usage["users"] == [{"userId": "api@mkto.local", "count": 1}]
