"""Bulk custom object import over real HTTP (the seeded `car_c`, dedupe field `vin`): job status with the
custom object keys, rows read back through Get Custom Objects, failures, and the type gates (1013, 1026)."""

from __future__ import annotations

from typing import Any

import httpx

from mkto import errors
from tests.emulator.bulk.conftest import PAST_EVERYTHING_S, csv_file
from tests.emulator.conftest import Api, assert_marketo_error, assert_success

CARS = [
    ["vin", "make", "model", "year"],
    ["WBA4R7C55HK895912", "bmw", "2002", "1999"],
    ["WBS3U9C52HP970604", "bmw", "325i", "2001"],
]


def _import(api: Api, data: bytes, name: str = "car_c", **params: Any) -> httpx.Response:
    params.setdefault("format", "csv")
    files = {"file": ("cars.csv", data, "text/csv")}
    return api.call("POST", f"/bulk/v1/customobjects/{name}/import.json", params=params, files=files)


def _status(api: Api, batch_id: int, name: str = "car_c") -> dict[str, Any]:
    [job] = assert_success(api.call("GET", f"/bulk/v1/customobjects/{name}/import/{batch_id}/status.json"))["result"]
    return dict(job)


def test_an_import_creates_custom_objects_and_reports_like_the_docs(api: Api) -> None:
    [job] = assert_success(_import(api, csv_file(CARS)))["result"]
    assert job == {"batchId": job["batchId"], "status": "Queued", "objectApiName": "car_c"}
    batch_id = int(job["batchId"])
    assert _status(api, batch_id) == {
        "batchId": batch_id,
        "operation": "import",
        "status": "Queued",
        "objectApiName": "car_c",
    }
    api.advance(PAST_EVERYTHING_S)
    status = _status(api, batch_id)
    assert status == {
        "batchId": batch_id, "operation": "import", "status": "Complete", "objectApiName": "car_c",
        "numOfObjectsProcessed": 2, "numOfRowsFailed": 0, "numOfRowsWithWarning": 0, "importTime": "30 second(s)",
        "message": "Import succeeded, 2 records imported (2 members)",
    }  # fmt: skip
    params = {"filterType": "vin", "filterValues": "WBA4R7C55HK895912,WBS3U9C52HP970604", "fields": "vin,model"}
    cars = assert_success(api.call("GET", "/rest/v1/customobjects/car_c.json", params=params))["result"]
    assert sorted(c["model"] for c in cars) == ["2002", "325i"]


def test_a_header_that_names_no_field_fails_every_row(api: Api) -> None:
    rows = [["color", "make", "model", " vin"], ["red", "bmw", "2002", "WBA4R7C55HK895912"]]
    batch_id = int(assert_success(_import(api, csv_file(rows)))["result"][0]["batchId"])
    api.advance(PAST_EVERYTHING_S)
    status = _status(api, batch_id)
    assert status["message"] == "Import completed with errors, 0 records imported (0 members), 1 failed"
    failures = api.call("GET", f"/bulk/v1/customobjects/car_c/import/{batch_id}/failures.json")
    reason = errors.get("1006").format("color")
    assert failures.text == f"color,make,model, vin,Import Failure Reason\nred,bmw,2002,WBA4R7C55HK895912,{reason}\n"
    assert api.call("GET", f"/bulk/v1/customobjects/car_c/import/{batch_id}/warnings.json").status_code == 404


def test_custom_object_and_lead_imports_share_one_queue(api: Api) -> None:
    for n in range(10):
        assert_success(_import(api, csv_file([["vin"], [f"VIN{n}"]])))
    leads = api.call(
        "POST", "/bulk/v1/leads.json", params={"format": "csv"}, files={"file": ("l.csv", b"email\na@b.co\n")}
    )
    assert_marketo_error(leads, "1016", errors.get("1016").format(10))


def test_an_unknown_type_is_1013_and_disabled_custom_objects_1026(api: Api) -> None:
    assert_marketo_error(_import(api, csv_file(CARS), name="boat_c"), "1013")
    assert api.call("GET", "/bulk/v1/customobjects/boat_c/import/1/failures.json").status_code == 404
    api.admin("PUT", "/settings", json={"custom_objects_enabled": False})
    assert_marketo_error(_import(api, csv_file(CARS)), "1026")
