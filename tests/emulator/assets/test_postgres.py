"""The CRM, custom object, program member and asset areas on PostgreSQL: seeded ids do not collide with the
ones the database hands out, JSON records dedupe and page, and a reset seeds again."""

from __future__ import annotations

import json

from mkto.emulator import Emulator
from tests.emulator.conftest import Api, areas, assert_success
from tests.emulator.test_postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, shared with the core's PostgreSQL test


def test_object_and_asset_areas_on_postgres(postgres_url: str) -> None:
    with Emulator(db=postgres_url, areas=areas()) as emu:
        api = Api(emu)
        for _ in range(2):  # the second round runs after a reset
            folder = api.call("POST", "/rest/asset/v1/folders.json",
                              data={"name": "F", "parent": json.dumps({"id": 1, "type": "Folder"})})  # fmt: skip
            assert folder.json()["success"] is True, folder.text
            program = api.call("POST", "/rest/asset/v1/programs.json", data={
                "name": "P", "folder": json.dumps({"id": 1, "type": "Folder"}), "type": "Event", "channel": "Webinar"})  # fmt: skip
            program_id = program.json()["result"][0]["id"]
            lead = assert_success(
                api.call("POST", "/rest/v1/leads.json", json={"input": [{"email": "pg@example.com"}]})
            )
            lead_id = lead["result"][0]["id"]
            status = api.call("POST", f"/rest/v1/programs/{program_id}/members/status.json",
                              json={"statusName": "Registered", "input": [{"leadId": lead_id}]})  # fmt: skip
            assert assert_success(status)["result"][0]["status"] == "created"
            companies = assert_success(api.call("POST", "/rest/v1/companies.json", json={"input": [
                {"externalCompanyId": "A"}, {"externalCompanyId": "A"}, {"externalCompanyId": "B"}]}))["result"]  # fmt: skip
            assert [r["status"] for r in companies] == ["created", "skipped", "created"]
            page = assert_success(api.call("GET", "/rest/v1/companies.json", params={
                "filterType": "externalCompanyId", "filterValues": "A,B", "batchSize": 1}))  # fmt: skip
            assert page["moreResult"] is True
            cars = assert_success(api.call("POST", "/rest/v1/customobjects/car_c.json",
                                           json={"input": [{"vin": "V", "leadId": lead_id}]}))["result"]  # fmt: skip
            assert cars[0]["status"] == "created"
            api.admin("POST", "/reset")
        api.close()
