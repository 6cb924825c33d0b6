"""Bulk custom object extract over real HTTP: records linked to the leads of a static list, the updatedAt
filter behind the subscription setting (1035), fields from the type (1006), and the type gates."""

from __future__ import annotations

from typing import Any

import httpx

from mkto.emulator import Emulator
from mkto.emulator._common.tables import list_members, static_lists
from tests.emulator.bulk.conftest import PAST_EVERYTHING_S, sync, today_range
from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import db, insert

EXPORT = "/bulk/v1/customobjects/car_c/export"


def _cars(api: Api, emulator: Emulator) -> int:
    ids = sync(api, [{"email": "owner1@example.com"}, {"email": "owner2@example.com"}])
    cars = [
        {"vin": "VIN1", "make": "bmw", "model": "2002", "leadId": ids[0]},
        {"vin": "VIN2", "make": "bmw", "model": "320i", "leadId": ids[1]},
        {"vin": "VIN3", "make": "fiat", "model": "500", "leadId": ids[0]},
    ]
    assert_success(api.call("POST", "/rest/v1/customobjects/car_c.json", json={"input": cars}))
    stamp = "2026-01-01T00:00:00Z"
    with db(emulator) as connection:
        list_id = insert(
            connection, static_lists, name="owners", workspace_name="Default", created_at=stamp, updated_at=stamp
        )
        insert(connection, list_members, list_id=list_id, lead_id=ids[0], created_at=stamp, updated_at=stamp)
    return list_id


def _create(api: Api, body: dict[str, Any], path: str = EXPORT) -> httpx.Response:
    return api.call("POST", f"{path}/create.json", json=body)


def _file(api: Api, body: dict[str, Any]) -> bytes:
    [job] = assert_success(_create(api, body))["result"]
    assert_success(api.call("POST", f"{EXPORT}/{job['exportId']}/enqueue.json"))
    api.advance(PAST_EVERYTHING_S)
    [done] = assert_success(api.call("GET", f"{EXPORT}/{job['exportId']}/status.json"))["result"]
    assert done["status"] == "Completed", done
    return api.call("GET", f"{EXPORT}/{job['exportId']}/file.json").content


def test_records_linked_to_the_leads_of_a_static_list(api: Api, emulator: Emulator) -> None:
    list_id = _cars(api, emulator)
    body = {"fields": ["vin", "make", "model"], "filter": {"staticListId": list_id}}
    assert _file(api, body) == b"vin,make,model\nVIN1,bmw,2002\nVIN3,fiat,500\n"
    by_name = {"fields": ["vin"], "filter": {"staticListName": "owners"}, "columnHeaderNames": {"vin": "VIN"}}
    assert _file(api, by_name) == b"VIN\nVIN1\nVIN3\n"


def test_updated_at_needs_the_subscription_and_fields_must_exist(api: Api, emulator: Emulator) -> None:
    _cars(api, emulator)
    updated = {"fields": ["vin"], "filter": {"updatedAt": today_range()}}
    assert_marketo_error(_create(api, updated), "1035")
    assert_marketo_error(_create(api, {"fields": ["wheels"], "filter": {"staticListId": 1}}), "1006", None, "wheels")
    assert_marketo_error(_create(api, {"fields": ["vin"], "filter": {"createdAt": today_range()}}), "1003")
    api.admin("PUT", "/settings", json={"bulk_extract_unsupported_filters": []})
    assert _file(api, updated) == b"vin\nVIN1\nVIN2\nVIN3\n"


def test_unknown_type_is_1013_and_disabled_custom_objects_1026(api: Api) -> None:
    body = {"fields": ["vin"], "filter": {"staticListId": 1}}
    assert_marketo_error(_create(api, body, "/bulk/v1/customobjects/boat_c/export"), "1013")
    response = api.call("GET", "/bulk/v1/customobjects/boat_c/export/00000000-0000-4000-8000-000000000000/file.json")
    assert response.status_code == 404
    api.admin("PUT", "/settings", json={"custom_objects_enabled": False})
    assert_marketo_error(_create(api, body), "1026")
