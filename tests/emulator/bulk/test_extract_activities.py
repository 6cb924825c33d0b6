"""Bulk activity extract over real HTTP: default columns, attributes as one JSON object, the createdAt,
activityTypeIds and primary-attribute filters and their documented rules."""

from __future__ import annotations

from typing import Any

import httpx

from mkto.emulator import Emulator
from mkto.emulator._common.tables import activities
from tests.emulator.bulk.conftest import PAST_EVERYTHING_S
from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import db, insert

EXPORT = "/bulk/v1/activities/export"
JANUARY = {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-31T00:00:00Z"}


def _record(emulator: Emulator) -> list[int]:
    keys = ("lead_id", "type_id", "activity_date", "primary_attribute_value_id", "primary_attribute_value",
            "campaign_id", "attributes")  # fmt: skip
    values = [
        (7, 24, "2026-01-05T10:00:00Z", 3, "prova", None, [{"name": "Source", "value": "API"}]),
        (8, 13, "2026-01-06T10:00:00Z", 56, "Email Address", 9,
         [{"name": "New Value", "value": "a@b.c"}, {"name": "Old Value", "value": None}]),
        (9, 24, "2026-02-06T10:00:00Z", 3, "prova", None, []),
    ]  # fmt: skip
    rows = [dict(zip(keys, row, strict=True)) for row in values]
    with db(emulator) as connection:
        return [insert(connection, activities, **row) for row in rows]


def _create(api: Api, body: dict[str, Any]) -> httpx.Response:
    return api.call("POST", f"{EXPORT}/create.json", json=body)


def _file(api: Api, body: dict[str, Any]) -> bytes:
    [job] = assert_success(_create(api, body))["result"]
    assert_success(api.call("POST", f"{EXPORT}/{job['exportId']}/enqueue.json"))
    api.advance(PAST_EVERYTHING_S)
    [done] = assert_success(api.call("GET", f"{EXPORT}/{job['exportId']}/status.json"))["result"]
    assert done["status"] == "Completed", done
    return api.call("GET", f"{EXPORT}/{job['exportId']}/file.json").content


def test_default_columns_and_attributes_as_json(api: Api, emulator: Emulator) -> None:
    ids = _record(emulator)
    data = _file(api, {"filter": {"createdAt": JANUARY}})
    assert data.decode() == (
        "marketoGUID,leadId,activityDate,activityTypeId,campaignId,primaryAttributeValueId,primaryAttributeValue,"
        "attributes\n"
        f'{ids[0]},7,2026-01-05T10:00:00Z,24,null,3,prova,"{{""Source"":""API""}}"\n'
        f'{ids[1]},8,2026-01-06T10:00:00Z,13,9,56,Email Address,"{{""New Value"":""a@b.c"",""Old Value"":null}}"\n'
    )


def test_type_and_primary_attribute_filters_and_chosen_fields(api: Api, emulator: Emulator) -> None:
    ids = _record(emulator)
    body = {"fields": ["marketoGUID", "actionResult"], "filter": {"createdAt": JANUARY, "activityTypeIds": [24]}}
    assert _file(api, body) == f"marketoGUID,actionResult\n{ids[0]},succeeded\n".encode()
    by_value = {"createdAt": JANUARY, "activityTypeIds": [13, 24], "primaryAttributeValues": ["Email Address"]}
    assert _file(api, {"fields": ["leadId"], "filter": by_value}) == b"leadId\n8\n"


def test_activity_filter_rules(api: Api) -> None:
    assert_marketo_error(_create(api, {}), "1002", None, "filter")
    assert_marketo_error(_create(api, {"filter": {"activityTypeIds": [1]}}), "1002", None, "createdAt")
    long = {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-03-01T00:00:00Z"}
    assert_marketo_error(_create(api, {"filter": {"createdAt": long}}), "1003")
    both = {
        "createdAt": JANUARY,
        "activityTypeIds": [24],
        "primaryAttributeValueIds": [3],
        "primaryAttributeValues": ["x"],
    }
    assert_marketo_error(_create(api, {"filter": both}), "1003")
    no_types = {"createdAt": JANUARY, "primaryAttributeValueIds": [3]}
    assert_marketo_error(_create(api, {"filter": no_types}), "1003")
    too_many = {"createdAt": JANUARY, "activityTypeIds": [24], "primaryAttributeValueIds": list(range(1, 52))}
    assert_marketo_error(_create(api, {"filter": too_many}), "1003")
    assert_marketo_error(_create(api, {"fields": ["nope"], "filter": {"createdAt": JANUARY}}), "1006", None, "nope")
