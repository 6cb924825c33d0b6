"""The request gates in their fixed order (docs/architecture.md), each answering with the catalogue's envelope or nginx page."""

from __future__ import annotations

import json
import logging

import pytest

from .conftest import Api, assert_marketo_error, assert_nginx_page, assert_success

ECHO = "/rest/v1/probe/echo.json"


# -- 414 / 413: nginx answers before the API sees anything -----------------------------------------
def test_uri_over_8k_is_414_nginx_page(api: Api) -> None:
    response = api.call("GET", ECHO, params={"filterValues": "x" * 8200})
    assert_nginx_page(response, 414, "Request-URI Too Large")


def test_uri_at_the_limit_passes(api: Api) -> None:
    api.limits(max_uri_bytes=200)
    path_and_query = ECHO + "?v="
    response = api.call("GET", ECHO, params={"v": "x" * (200 - len(path_and_query))})
    assert_success(response)
    assert_nginx_page(api.call("GET", ECHO, params={"v": "x" * (201 - len(path_and_query))}), 414, "Request-URI Too Large")


def test_414_comes_before_610_and_601(api: Api) -> None:
    response = api.call("GET", "/rest/v1/nothing.json", auth=False, params={"q": "x" * 9000})
    assert_nginx_page(response, 414, "Request-URI Too Large")


def test_body_over_1mb_is_413_nginx_page(api: Api) -> None:
    body = json.dumps({"input": ["x" * 1_048_576]})
    response = api.call("POST", ECHO, content=body, headers={"Content-Type": "application/json"})
    assert_nginx_page(response, 413, "Request Entity Too Large")


def test_413_comes_before_610_and_601(api: Api) -> None:
    response = api.call("POST", "/rest/v1/nothing.json", auth=False, content=b"x" * 1_048_577)
    assert_nginx_page(response, 413, "Request Entity Too Large")


def test_import_takes_10mb_and_refuses_more(api: Api) -> None:
    big = b"email\n" + b"a@example.com\n" * 100_000  # 1.4 MB: over the standard limit
    response = api.call("POST", "/bulk/v1/probe/import.json", files={"file": ("leads.csv", big, "text/csv")},
                        data={"format": "csv"})
    body = assert_success(response)
    assert body["result"] == [{"files": {"file": "leads.csv"}, "params": {"format": ["csv"]}}]
    too_big = b"x" * 10_485_761
    response = api.call("POST", "/bulk/v1/probe/import.json", files={"file": ("leads.csv", too_big, "text/csv")})
    assert_nginx_page(response, 413, "Request Entity Too Large")


# -- 610 / 605 -----------------------------------------------------------------------------------------
def test_unknown_resource_is_610_even_without_token(api: Api) -> None:
    assert_marketo_error(api.call("GET", "/rest/v1/nothing.json", auth=False), "610")
    assert_marketo_error(api.call("GET", "/rest/v1/probe/echo", auth=False), "610")


def test_known_path_wrong_method_is_605_before_auth(api: Api) -> None:
    assert_marketo_error(api.call("DELETE", ECHO, auth=False), "605", "Request method 'DELETE' not supported")
    response = api.call("GET", "/rest/v1/probe/form.json")
    assert_marketo_error(response, "605", "Request method 'GET' not supported")


# -- 603: permission and IP allowlist --------------------------------------------------------------------
def _user(api: Api, **fields: object) -> str:
    user = api.admin("POST", "/users", json={"email": "limited@mkto.local", **fields}).json()
    return api.token(user["client_id"], user["client_secret"])


def test_missing_permission_is_603(api: Api) -> None:
    token = _user(api, permissions=["Read-Only Lead"])
    assert_success(api.call("GET", ECHO, token=token))
    assert_marketo_error(api.call("POST", ECHO, token=token, json={}), "603")


def test_read_write_satisfies_read_only(api: Api) -> None:
    token = _user(api, permissions=["Read-Write Lead"])
    assert_success(api.call("GET", ECHO, token=token))
    assert_success(api.call("POST", ECHO, token=token, json={}))
    assert_marketo_error(api.call("GET", "/rest/asset/v1/probe.json", token=token), "603", asset=True)


def test_ip_outside_allowlist_is_603(api: Api) -> None:
    outside = _user(api, ip_allowlist=["10.1.2.0/24"])
    assert_marketo_error(api.call("GET", ECHO, token=outside), "603")
    inside = _user(api, ip_allowlist=["127.0.0.0/8"])
    assert_success(api.call("GET", ECHO, token=inside))


# -- 612 / 613 / 609 ----------------------------------------------------------------------------------------
def test_wrong_content_type_is_612(api: Api) -> None:
    response = api.call("POST", ECHO, content=b'{"a": 1}', headers={"Content-Type": "text/plain"})
    assert_marketo_error(response, "612")
    response = api.call("POST", ECHO, data={"a": "1"})
    assert_marketo_error(response, "612")


def test_charset_parameter_is_fine(api: Api) -> None:
    response = api.call("POST", ECHO, content=b'{"a": 1}', headers={"Content-Type": "application/json; charset=utf-8"})
    assert assert_success(response)["result"][0]["json"] == {"a": 1}


def test_empty_body_needs_no_content_type(api: Api) -> None:
    body = assert_success(api.call("POST", ECHO))
    assert body["result"][0]["json"] is None


def test_bad_multipart_is_613(api: Api) -> None:
    headers = {"Content-Type": "multipart/form-data; boundary=XYZ"}
    response = api.call("POST", "/bulk/v1/probe/import.json", content=b"--XYZ\r\ngarbage", headers=headers)
    assert_marketo_error(response, "613")
    response = api.call("POST", "/bulk/v1/probe/import.json", content=b"abc", headers={"Content-Type": "multipart/form-data"})
    assert_marketo_error(response, "613")


def test_invalid_json_is_609(api: Api) -> None:
    response = api.call("POST", ECHO, content=b'{"input": [', headers={"Content-Type": "application/json"})
    assert_marketo_error(response, "609")


def test_form_endpoint_gets_form_fields_as_params(api: Api) -> None:
    body = assert_success(api.call("POST", "/rest/v1/probe/form.json", data={"name": "x", "ids": "1,2"}))
    assert body["result"][0]["params"] == {"name": ["x"], "ids": ["1,2"]}


# -- _method override ----------------------------------------------------------------------------------------
def test_method_get_in_query_with_form_body(api: Api) -> None:
    response = api.call("POST", ECHO, params={"_method": "GET"}, data={"filterType": "email", "filterValues": "a@b.c"})
    body = assert_success(response)
    assert body["result"][0]["method"] == "GET"
    assert body["result"][0]["params"] == {"filterType": ["email"], "filterValues": ["a@b.c"]}


def test_method_get_in_form_body(api: Api) -> None:
    response = api.call("POST", ECHO, data={"_method": "GET", "listId": "1159"})
    body = assert_success(response)
    assert body["result"][0]["method"] == "GET"
    assert body["result"][0]["params"] == {"listId": ["1159"]}


def test_method_get_with_json_body(api: Api) -> None:
    response = api.call("POST", ECHO, params={"_method": "GET"}, json={"filterType": "dedupeFields", "input": []})
    body = assert_success(response)
    assert body["result"][0]["method"] == "GET"
    assert body["result"][0]["json"] == {"filterType": "dedupeFields", "input": []}


def test_method_override_respects_permission_of_the_target(api: Api) -> None:
    token = _user(api, permissions=["Read-Only Lead"])
    response = api.call("POST", ECHO, token=token, params={"_method": "GET"}, data={"a": "1"})
    assert_success(response)


def test_method_override_to_unregistered_method_is_605(api: Api) -> None:
    response = api.call("POST", "/rest/v1/probe/form.json", params={"_method": "GET"})
    assert_marketo_error(response, "605", "Request method 'GET' not supported")


# -- envelopes and handler errors ----------------------------------------------------------------------------
def test_lead_db_success_envelope_key_order(api: Api) -> None:
    body = assert_success(api.call("GET", ECHO))
    assert list(body) == ["requestId", "result", "success"]


def test_paging_keys_follow_success(api: Api) -> None:
    body = assert_success(api.call("GET", "/rest/v1/probe/page.json"))
    assert list(body) == ["requestId", "result", "success", "nextPageToken", "moreResult", "warnings"]
    assert body["nextPageToken"] == "GIYDAOBNGEYS2===" and body["moreResult"] is True


def test_request_ids_count_up_in_hex(api: Api) -> None:
    first = assert_success(api.call("GET", ECHO))["requestId"].split("#")[0]
    second = assert_success(api.call("GET", ECHO))["requestId"].split("#")[0]
    assert int(second, 16) == int(first, 16) + 1
    assert first == first.lower()


def test_asset_envelope_always_carries_five_keys(api: Api) -> None:
    response = api.call("GET", "/rest/asset/v1/probe.json")
    body = response.json()
    assert list(body) == ["success", "errors", "requestId", "warnings", "result"]
    assert body["errors"] == [] and body["warnings"] == []
    assert_marketo_error(api.call("GET", "/rest/asset/v1/probe.json", auth=False), "601", asset=True)


def test_handler_raising_api_error_answers_its_code(api: Api) -> None:
    response = api.call("POST", "/rest/v1/probe/rows.json", json={"names": []})
    assert_marketo_error(response, "701", None, "names")


def test_unhandled_exception_is_611_and_logged(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="mkto.emulator"):
        response = api.call("GET", "/rest/v1/probe/crash.json")
    body = assert_marketo_error(response, "611")
    record = next(r for r in caplog.records if r.name == "mkto.emulator")
    assert body["requestId"] in record.getMessage()
    assert record.exc_info is not None and "a bug in a handler" in str(record.exc_info[1])
    entry = api.admin("GET", "/requests", params={"limit": 1}).json()["requests"][0]
    assert entry["code"] == "611"


def test_date_header_follows_the_virtual_clock(api: Api) -> None:
    from .conftest import server_date

    api.admin("POST", "/clock", json={"set": "2030-01-02T03:04:05Z"})
    response = api.call("GET", ECHO)
    assert server_date(response).isoformat().startswith("2030-01-02T03:04:0")
    request_ms = int(response.json()["requestId"].split("#")[1], 16)
    assert abs(request_ms / 1000 - server_date(response).timestamp()) < 5


def test_path_starlette_cannot_route_is_still_610(api: Api) -> None:
    assert_marketo_error(api.call("GET", "/rest/v1/no%0Athing.json"), "610")
