from __future__ import annotations

import os

import httpx
import pytest

BROKEN = os.environ.get("CODE_PROOF_BROKEN") == "1"
LEADS = "/rest/v1/leads.json"


def code_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["code"])


def inject(http: httpx.Client, code: str) -> None:
    """A helper: the static check, looking for `fault(code=...)` or a `/faults` literal in the test, misses it."""
    http.post("/_mkto/faults", json={"code": code, "times": 1}).raise_for_status()


@pytest.mark.skipif(BROKEN, reason="the broken copy skips it")
def test_601_without_a_token(http: httpx.Client) -> None:
    assert code_of(httpx.get(f"{http.base_url}{LEADS}", params={"filterType": "id", "filterValues": "1"})) == "601"


def test_606_over_the_rate_window(http: httpx.Client) -> None:
    if not BROKEN:
        http.put("/_mkto/limits", json={"rate_calls": 1}).raise_for_status()
    http.get(LEADS, params={"filterType": "id", "filterValues": "1"})
    second = http.get(LEADS, params={"filterType": "id", "filterValues": "1"})
    assert second.status_code == 200  # weak: passes whether or not 606 came back


def test_609_invalid_json(http: httpx.Client) -> None:
    if BROKEN:
        inject(http, "609")
        response = http.post(LEADS, json={"input": [{"email": "a@b.c"}]})
    else:
        response = http.post(LEADS, content=b"{", headers={"Content-Type": "application/json"})
    assert code_of(response) == "609"


def test_610_unknown_resource(http: httpx.Client) -> None:
    assert code_of(http.get("/rest/v1/nothing.json")) == "610"


def test_610_again(http: httpx.Client) -> None:
    assert code_of(http.get("/rest/v1/nothing/else.json")) == "610"


def test_611_transient_from_a_fault_plan(http: httpx.Client) -> None:
    http.post("/_mkto/faults", json={"code": "611", "times": 1}).raise_for_status()
    assert code_of(http.get(LEADS, params={"filterType": "id", "filterValues": "1"})) == "611"
