"""`mkto.emulator._params`, the one parser of ids, counts and pages every area reads its parameters with.

Numbers are ASCII digits only: "¹".isdigit() is True but int("¹") raises, which once answered 611 "System
error" instead of Marketo's 1001 in every area but activities.
"""

from __future__ import annotations

from typing import Any

import pytest

from mkto import errors
from mkto.emulator import _params as p
from mkto.emulator._api import ApiError, ApiUser, Call
from tests.emulator.conftest import Api, assert_marketo_error

NOT_ASCII = ("¹", "٣", "１２", "²⁵")  # superscript one, Arabic-Indic three, fullwidth twelve, superscript 25


def _call(query: dict[str, str] | None = None, *, json: Any = None, path_params: dict[str, Any] | None = None) -> Call:
    return Call(
        method="GET", path="/", path_params=path_params or {}, params={k: [v] for k, v in (query or {}).items()},
        json=json, files={}, user=ApiUser("id", "secret"), now=None, db=None, request_id="1#1",  # type: ignore[arg-type]
    )  # fmt: skip


def _code(error: pytest.ExceptionInfo[ApiError]) -> tuple[str, str]:
    return error.value.code, error.value.message


# --- over HTTP: a non-ASCII digit is the area's 1001, never 611 -------------------------------------------

QUERY_CASES = [
    pytest.param("/rest/v1/leads.json", {"filterType": "id", "filterValues": "1", "batchSize": "{}"}, False,
                 id="leads batchSize"),
    pytest.param("/rest/v1/lists.json", {"id": "{}"}, False, id="lists id"),
    pytest.param("/rest/v1/lists/1/leads.json", {"batchSize": "{}"}, False, id="lists batchSize"),
    pytest.param("/rest/v1/campaigns.json", {"id": "{}"}, False, id="campaigns id"),
    pytest.param("/rest/v1/activities.json", {"nextPageToken": "x", "activityTypeIds": "{}"}, False,
                 id="activities activityTypeIds"),
    pytest.param("/rest/v1/opportunities.json",
                 {"filterType": "externalOpportunityId", "filterValues": "a", "batchSize": "{}"}, False,
                 id="crm batchSize"),
    pytest.param("/rest/v1/programs/1001/members.json", {"filterType": "leadId", "filterValues": "1", "batchSize": "{}"},
                 False, id="program members batchSize"),
    pytest.param("/bulk/v1/leads/export.json", {"batchSize": "{}"}, False, id="bulk jobs batchSize"),
    pytest.param("/rest/asset/v1/folders.json", {"maxReturn": "{}"}, True, id="assets maxReturn"),
    pytest.param("/rest/asset/v1/staticLists.json", {"offset": "{}"}, True, id="static lists offset"),
    pytest.param("/rest/asset/v1/smartCampaigns.json", {"maxReturn": "{}"}, True, id="smart campaigns maxReturn"),
]  # fmt: skip


@pytest.mark.parametrize("raw", NOT_ASCII)
@pytest.mark.parametrize(("path", "template", "asset"), QUERY_CASES)
def test_a_non_ascii_number_in_the_query_is_1001(api: Api, path: str, template: dict[str, str], asset: bool,
                                                 raw: str) -> None:  # fmt: skip
    params = {name: value.format(raw) for name, value in template.items()}
    assert_marketo_error(api.call("GET", path, params=params), "1001", None, raw, "Integer", asset=asset)


@pytest.mark.parametrize(("path", "name", "kind"), [
    ("/rest/asset/v1/smartCampaigns.json", "folder", "Folder"),
    ("/rest/asset/v1/staticLists.json", "folder", "Folder"),
    ("/rest/asset/v1/folders.json", "root", "FolderId"),
])  # fmt: skip
def test_a_non_ascii_folder_id_is_1001(api: Api, path: str, name: str, kind: str) -> None:
    raw = '{"id":"¹","type":"Folder"}'
    assert_marketo_error(api.call("GET", path, params={name: raw}), "1001", None, raw, kind, asset=True)


@pytest.mark.parametrize("path", [
    "/rest/v1/lead/¹.json", "/rest/v1/lists/٣.json", "/rest/v1/campaigns/¹.json", "/rest/asset/v1/folder/¹.json",
])  # fmt: skip
def test_a_non_ascii_path_id_is_an_unknown_resource(api: Api, path: str) -> None:
    """The router's `{id:int}` matches ASCII digits only, so such a path names no resource: 610, not 611."""
    assert_marketo_error(api.call("GET", path), "610")


# --- parse_id, digits, parse_int ----------------------------------------------------------------------


@pytest.mark.parametrize("raw", NOT_ASCII)
def test_digits_and_parse_id_refuse_what_int_cannot_read(raw: str) -> None:
    assert raw.isdigit() and not p.digits(raw)
    assert p.parse_id(raw) is None
    assert p.parse_int(raw, minimum=0, maximum=10**9) is None


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", 12), (" 12 ", 12), (12, 12), (12.0, 12), ("2147483647", 2**31 - 1),
    ("0", None), (0, None), (-1, None), ("-1", None), ("2147483648", None), (2**31, None), ("1" * 13, None),
    (True, None), (12.5, None), ("1.0", None), ("", None), (None, None), ([1], None), ({"id": 1}, None),
])  # fmt: skip
def test_parse_id(raw: Any, expected: int | None) -> None:
    assert p.parse_id(raw) == expected


def test_parse_int_bounds_range_and_length() -> None:
    assert p.parse_int(" 7 ", minimum=1, maximum=10) == 7
    assert p.parse_int("0", minimum=1, maximum=10) is None
    assert p.parse_int("11", minimum=1, maximum=10) is None
    assert p.parse_int("0000007", minimum=1, maximum=10, max_digits=6) is None
    assert p.parse_int("9" * 5000, minimum=0, maximum=10) is None  # int() itself would refuse 5000 digits


def test_ids_reads_every_value_and_names_the_first_bad_one() -> None:
    assert p.ids(["1", " 2", 3]) == [1, 2, 3]
    assert p.ids([]) == []
    with pytest.raises(ApiError) as error:
        p.ids(["1", "¹", "x"])
    assert _code(error) == ("1001", "Invalid value '¹'. Required of type 'Integer'")


# --- one parameter of a call --------------------------------------------------------------------------


def test_required_is_1002_when_absent_and_701_when_blank() -> None:
    assert p.required(_call({"name": "x"}), "name") == "x"
    with pytest.raises(ApiError) as error:
        p.required(_call(), "name")
    assert _code(error) == ("1002", errors.get("1002").format("name"))
    with pytest.raises(ApiError) as error:
        p.required(_call({"name": "  "}), "name")
    assert _code(error) == ("701", errors.get("701").format("name"))


def test_batch_size() -> None:
    assert p.batch_size(_call()) == 300
    assert p.batch_size(_call({"batchSize": ""})) == 300
    assert p.batch_size(_call({"batchSize": " 5 "})) == 5
    for bad in ("0", "301", "x", "¹", "-1", "1.5", "0000001"):
        with pytest.raises(ApiError) as error:
            p.batch_size(_call({"batchSize": bad}))
        assert _code(error) == ("1001", f"Invalid value '{bad}'. Required of type 'Integer'")


def test_batch_size_takes_a_smaller_maximum() -> None:
    assert p.batch_size(_call(), maximum=40) == 40
    with pytest.raises(ApiError):
        p.batch_size(_call({"batchSize": "41"}), maximum=40)


def test_int_param_and_asset_window() -> None:
    assert p.int_param(_call(), "maxDepth", 2, minimum=1, maximum=100) == 2
    assert p.int_param(_call({"maxDepth": "100"}), "maxDepth", 2, minimum=1, maximum=100) == 100
    with pytest.raises(ApiError) as error:
        p.int_param(_call({"maxDepth": "101"}), "maxDepth", 2, minimum=1, maximum=100)
    assert _code(error) == ("1001", "Invalid value '101'. Required of type 'Integer'")
    assert p.asset_window(_call()) == (0, 20)
    assert p.asset_window(_call({"offset": "40", "maxReturn": "200"})) == (40, 200)
    for name, bad in (("maxReturn", "0"), ("maxReturn", "201"), ("offset", "-1"), ("offset", "¹")):
        with pytest.raises(ApiError):
            p.asset_window(_call({name: bad}))


def test_id_param_and_path_id() -> None:
    assert p.id_param(_call(), "listId") is None
    assert p.id_param(_call({"listId": "9"}), "listId") == 9
    with pytest.raises(ApiError) as error:
        p.id_param(_call({"listId": "٣"}), "listId")
    assert _code(error) == ("1001", "Invalid value '٣'. Required of type 'Integer'")
    assert p.path_id(_call(path_params={"id": 7}), "id") == 7
    assert p.path_id(_call(path_params={"id": 2**31}), "id") == 0
    assert p.path_id(_call(), "id") == 0


def test_bool_param() -> None:
    assert p.bool_param(_call(), "isActive") is None
    assert p.bool_param(_call({"isActive": "TRUE"}), "isActive") is True
    assert p.bool_param(_call({"isActive": "false"}), "isActive") is False
    with pytest.raises(ApiError) as error:
        p.bool_param(_call({"isActive": "yes"}), "isActive")
    assert _code(error) == ("1001", "Invalid value 'yes'. Required of type 'Boolean'")


def test_datetime_and_stamp_params() -> None:
    assert p.datetime_param(_call(), "since") is None
    moment = p.datetime_param(_call({"since": "2024-01-02T03:04:05Z"}), "since")
    assert moment is not None and moment.isoformat() == "2024-01-02T03:04:05+00:00"
    assert p.stamp_param(_call({"since": "2024-01-02T03:04:05+01:00"}), "since") == "2024-01-02T02:04:05Z"
    with pytest.raises(ApiError) as error:
        p.datetime_param(_call({"since": "yesterday"}), "since")
    assert error.value.code == "704"


def test_body_and_records_tolerate_any_json() -> None:
    assert p.body(_call(json=[1])) == {}
    assert p.body(_call(json={"input": [1]})) == {"input": [1]}
    assert p.records({"input": "x"}) == []
    assert p.records({"input": [{"id": 1}]}) == [{"id": 1}]


def test_folder_param() -> None:
    assert p.folder_param(_call(), needed=False) is None
    assert p.folder_param(_call({"folder": '{"id": "12", "type": "folder"}'}), needed=True) == p.FolderRef(12, "Folder")
    with pytest.raises(ApiError) as error:
        p.folder_param(_call(), needed=True)
    assert _code(error) == ("701", errors.get("701").format("folder"))
    for bad in ('{"id": "¹", "type": "Folder"}', '{"id": 1, "type": "Email"}', "[1]", "{"):
        with pytest.raises(ApiError) as error:
            p.folder_param(_call({"folder": bad}), needed=False)
        assert _code(error) == ("1001", f"Invalid value '{bad}'. Required of type 'Folder'")


def test_paged_sends_more_result_only_when_true_unless_always() -> None:
    assert p.paged(p.Page([{"id": 1}], None, False)).more_result is None
    assert p.paged(p.Page([], "T", True)).more_result is True
    assert p.paged(p.Page([], None, False), always=True).more_result is False


def test_openapi_fragments() -> None:
    assert p.query("id", p.STR) == {"name": "id", "in": "query", "required": False, "schema": {"type": "string"}}
    assert p.query("x", p.STR, description="d")["description"] == "d"
    assert p.path("listId")["schema"] == {"type": "integer", "minimum": 1}
    assert p.json_body(p.OBJ, required=False)["requestBody"]["required"] is False
    assert "application/x-www-form-urlencoded" in p.form_body(p.OBJ)["requestBody"]["content"]
    assert p.BATCH["schema"]["maximum"] == 300
