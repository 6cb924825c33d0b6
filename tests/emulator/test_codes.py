"""Codes on the real endpoints, each with the catalogue's exact envelope and its counting rule.

The gates (401, 601, 602, 603, 606, 607, 610, 615) under their documented conditions on the Lead Database, and the
codes only a fault plan produces: the inherently transient ones (500, 502, 604, 608, 611, 614, 713, 719) and 703,
for which the emulator has no documented condition (`tests/test_every_code_is_tested.py` reports it).
"""

from __future__ import annotations

import concurrent.futures
import json

import httpx
import pytest

from mkto import errors

from .conftest import Api, assert_marketo_error, assert_nginx_page, assert_success
from .leads.conftest import user_token

LEADS = "/rest/v1/leads.json"
BY_EMAIL = {"filterType": "email", "filterValues": "a@example.com"}
PROGRAMS = "/rest/asset/v1/programs.json"
MARKETING_ACTIVITIES = json.dumps({"id": 1, "type": "Folder"})


def counted(api: Api) -> tuple[int, int]:
    """(calls in the rate window, calls today) as the emulator counts them."""
    usage = api.usage()
    return int(usage["rate_window"]["calls"]), int(usage["daily"]["calls"])


def assert_counted_as_catalogued(api: Api, code: str, before: tuple[int, int], calls: int = 1) -> None:
    """`calls` answers of `code` moved both counters exactly when the catalogue says the code counts."""
    step = calls if errors.get(code).counts_against_limits else 0
    assert counted(api) == (before[0] + step, before[1] + step), code


def get_leads(api: Api, *, token: str | None = None, auth: bool = True) -> httpx.Response:
    return api.call("GET", LEADS, params=BY_EMAIL, token=token, auth=auth)


# -- identity ------------------------------------------------------------------------------------------
def test_401_both_bodies_over_a_form_post_and_never_counted(api: Api) -> None:
    def token(client_id: str, client_secret: str) -> httpx.Response:
        form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": client_secret}
        return api.http.post("/identity/oauth/token", data=form)

    unknown = token("nobody-at-all", "x")
    assert unknown.status_code == 401
    assert unknown.json() == {
        "error": "unauthorized",
        "error_description": "No client with requested id: nobody-at-all",
    }
    wrong = token(api.emu.client_id, "not-the-secret")
    assert wrong.status_code == 401
    assert wrong.json() == {"error": "invalid_client", "error_description": "Bad client credentials"}
    assert errors.get("401").disposition is errors.Disposition.BAD_CREDENTIALS
    assert counted(api) == (0, 0)


# -- the gates on the Lead Database ------------------------------------------------------------------
def test_601_missing_or_invalid_token_on_get_leads(api: Api) -> None:
    before = counted(api)
    assert_marketo_error(get_leads(api, auth=False), "601", "Access token invalid")
    assert_marketo_error(get_leads(api, token="0e1f2a3b-0000-4000-8000-000000000000:ab"), "601")
    assert_counted_as_catalogued(api, "601", before, calls=2)


def test_602_expired_token_on_sync_leads(api: Api) -> None:
    token = api.token()
    api.advance(3601)
    before = counted(api)
    response = api.call("POST", LEADS, json={"input": [{"email": "late@example.com"}]}, token=token)
    assert_marketo_error(response, "602", "Access token expired")
    assert_counted_as_catalogued(api, "602", before)
    assert_success(get_leads(api))  # a fresh token works


def test_603_a_read_only_role_cannot_sync_leads(api: Api) -> None:
    token = user_token(api, permissions=["Read-Only Lead"])
    assert_success(get_leads(api, token=token))
    before = counted(api)
    response = api.call("POST", LEADS, json={"input": [{"email": "ro@example.com"}]}, token=token)
    assert_marketo_error(response, "603", "Access denied")
    assert_counted_as_catalogued(api, "603", before)


def test_606_more_than_the_rate_window_on_get_leads(api: Api) -> None:
    api.limits(rate_calls=2, rate_seconds=20)
    for _ in range(2):
        assert_success(get_leads(api))
    before = counted(api)
    assert_marketo_error(get_leads(api), "606", "Max rate limit '2' exceeded with in '20' secs")
    assert_counted_as_catalogued(api, "606", before)
    api.advance(21)
    assert_success(get_leads(api))


def test_607_daily_quota_on_sync_leads(api: Api) -> None:
    api.limits(daily_quota=1)
    assert_success(api.call("POST", LEADS, json={"input": [{"email": "one@example.com"}]}))
    before = counted(api)
    response = api.call("POST", LEADS, json={"input": [{"email": "two@example.com"}]})
    assert_marketo_error(response, "607", "Daily quota reached")
    assert_counted_as_catalogued(api, "607", before)


def test_610_unknown_lead_database_resource(api: Api) -> None:
    before = counted(api)
    assert_marketo_error(api.call("GET", "/rest/v1/leadz.json", params=BY_EMAIL), "610", "Requested resource not found")
    assert_counted_as_catalogued(api, "610", before)


def test_615_more_calls_in_flight_than_the_concurrency_limit_on_get_leads(api: Api) -> None:
    api.limits(concurrency=1)
    api.fault(latency_ms=2000, path=LEADS, times=1)  # holds one call; a latency-only plan answers no code
    token = api.token()

    def held_call() -> httpx.Response:
        with httpx.Client(base_url=api.emu.base_url, timeout=30) as client:
            return client.get(LEADS, params=BY_EMAIL, headers={"Authorization": f"Bearer {token}"})

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        held = pool.submit(held_call)
        while api.usage()["in_flight"]["calls"] < 1:
            assert not held.done()
        before = counted(api)
        assert_marketo_error(get_leads(api, token=token), "615", "Concurrent access limit '1' reached")
        assert_counted_as_catalogued(api, "615", before)
        assert_success(held.result())


def test_613_a_broken_multipart_body_on_bulk_import_leads(api: Api) -> None:
    before = counted(api)
    broken = {"Content-Type": "multipart/form-data; boundary=XYZ"}
    response = api.call(
        "POST", "/bulk/v1/leads.json", params={"format": "csv"}, content=b"--XYZ\r\nnot a part", headers=broken
    )
    assert_marketo_error(response, "613", "Invalid Multipart Request")
    no_boundary = {"Content-Type": "multipart/form-data"}
    response = api.call(
        "POST", "/bulk/v1/leads.json", params={"format": "csv"}, content=b"email\n", headers=no_boundary
    )
    assert_marketo_error(response, "613", "Invalid Multipart Request")
    assert_counted_as_catalogued(api, "613", before, calls=2)


# -- codes only a fault plan produces -------------------------------------------------------------------
@pytest.mark.parametrize("code", ["500", "502", "604", "608", "611", "614", "713", "719", "703"])
def test_fault_plan_answers_the_catalogue_envelope_and_counts_as_catalogued(api: Api, code: str) -> None:
    api.fault(code=code, times=1, path=LEADS)
    token = api.token()
    before = counted(api)
    body = assert_marketo_error(get_leads(api, token=token), code, errors.get(code).format())
    assert "result" not in body and "warnings" not in body
    assert_counted_as_catalogued(api, code, before)
    entry = api.admin("GET", "/requests", params={"limit": 1}).json()["requests"][0]
    assert (entry["path"], entry["code"], entry["requestId"]) == (LEADS, code, body["requestId"])
    assert_success(get_leads(api, token=token))  # the plan is spent


@pytest.mark.parametrize(("code", "phrase"), [("500", "Internal Server Error"), ("502", "Bad Gateway")])
def test_gateway_fault_is_an_nginx_page_and_counts_as_catalogued(api: Api, code: str, phrase: str) -> None:
    api.fault(code=f"http:{code}", times=1, path=LEADS)
    token = api.token()
    before = counted(api)
    assert_nginx_page(get_leads(api, token=token), int(code), phrase)
    assert_counted_as_catalogued(api, code, before)


def test_604_after_commit_the_sync_ran_but_its_answer_is_lost(api: Api) -> None:
    api.fault(code="604", times=1, path=LEADS, method="POST", after_commit=True)
    before = counted(api)
    response = api.call("POST", LEADS, json={"input": [{"email": "lost@example.com"}]})
    assert_marketo_error(response, "604", "Request time-out")
    assert_counted_as_catalogued(api, "604", before)
    found = assert_success(api.call("GET", LEADS, params={"filterType": "email", "filterValues": "lost@example.com"}))
    assert [lead["email"] for lead in found["result"]] == ["lost@example.com"]


def test_719_lock_wait_on_clone_program_in_the_asset_envelope(api: Api) -> None:
    form = {"name": "Busy", "folder": MARKETING_ACTIVITIES, "type": "Default", "channel": "Email Blast"}
    created = api.call("POST", PROGRAMS, data=form)
    assert created.status_code == 200 and created.json()["success"] is True, created.text
    source = created.json()["result"][0]["id"]
    clone = f"/rest/asset/v1/program/{source}/clone.json"
    api.fault(code="719", times=1, path="/rest/asset/v1/program/*/clone.json")
    before = counted(api)
    copy = {"name": "Copy", "folder": MARKETING_ACTIVITIES}
    body = assert_marketo_error(api.call("POST", clone, data=copy), "719", "Lock wait timeout exception", asset=True)
    assert body["warnings"] == [] and body["result"] == []
    assert_counted_as_catalogued(api, "719", before)
    again = api.call("POST", clone, data=copy)
    assert again.status_code == 200 and again.json()["success"] is True, again.text
