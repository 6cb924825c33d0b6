"""The instance settings behind 1018, 714, 1026 and 616: `GET/PUT /_mkto/settings`, restored by a reset."""

from __future__ import annotations

from tests.emulator.conftest import Api

CRM_SETTINGS = {"native_crm_sync", "crm_default_record_type", "custom_objects_enabled", "custom_object_metadata_api"}


def test_settings_read_change_and_reset(api: Api) -> None:
    settings = api.admin("GET", "/settings").json()
    assert set(settings) >= CRM_SETTINGS
    assert settings["native_crm_sync"] is False and settings["custom_objects_enabled"] is True
    changed = api.admin("PUT", "/settings", json={"native_crm_sync": True}).json()
    assert changed["native_crm_sync"] is True
    api.admin("POST", "/reset")
    assert api.admin("GET", "/settings").json()["native_crm_sync"] is False


def test_unknown_settings_and_wrong_types_are_refused(api: Api) -> None:
    unknown = api.http.put("/_mkto/settings", json={"native_crm": True})
    assert unknown.status_code == 400 and "native_crm" in unknown.json()["error"]
    wrong = api.http.put("/_mkto/settings", json={"native_crm_sync": "yes"})
    assert wrong.status_code == 400
    assert api.admin("GET", "/settings").json()["native_crm_sync"] is False
