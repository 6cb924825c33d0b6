"""Ids are ASCII digits: "¹".isdigit() is True but int("¹") raises, which once answered 611 instead of 1001."""

from __future__ import annotations

import pytest

from mkto.emulator._params import parse_id  # the parser the leads area uses
from tests.emulator.conftest import Api, assert_marketo_error, assert_success

NOT_ASCII = ("¹", "٣", "１２")  # superscript one, Arabic-Indic three, fullwidth twelve


@pytest.mark.parametrize("raw", NOT_ASCII)
def test_parse_id_refuses_digits_int_cannot_read(raw: str) -> None:
    assert parse_id(raw) is None
    assert parse_id(f" {raw} ") is None


def test_delete_skips_a_non_ascii_id_with_1001(api: Api) -> None:
    body = assert_success(api.call("POST", "/rest/v1/leads/delete.json", json={"input": [{"id": "¹"}]}))
    assert body["result"] == [
        {"status": "skipped", "reasons": [{"code": "1001", "message": "Invalid value '¹'. Required of type 'Integer'"}]}
    ]


def test_merge_with_a_non_ascii_lead_id_is_1001(api: Api) -> None:
    [winner] = [r["id"] for r in assert_success(api.call(
        "POST", "/rest/v1/leads.json", json={"input": [{"email": "w@example.com"}]}))["result"]]  # fmt: skip
    response = api.call("POST", f"/rest/v1/leads/{winner}/merge.json", params={"leadId": "٣"})
    assert_marketo_error(response, "1001", "Invalid value '٣'. Required of type 'Integer'")


def test_update_only_by_a_non_ascii_id_finds_no_lead(api: Api) -> None:
    body = {"action": "updateOnly", "lookupField": "id", "input": [{"id": "¹", "firstName": "X"}]}
    [result] = assert_success(api.call("POST", "/rest/v1/leads.json", json=body))["result"]
    assert result["status"] == "skipped" and result["reasons"][0]["code"] == "1004"
