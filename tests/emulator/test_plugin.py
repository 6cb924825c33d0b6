"""The pytest plugin: `mkto_emulator` is available to any project that installs mkto (entry point `pytest11`)."""

from __future__ import annotations

import httpx

from mkto.emulator import Emulator


def test_fixture_gives_a_running_reset_emulator(mkto_emulator: Emulator) -> None:
    assert mkto_emulator.base_url.startswith("http://127.0.0.1:")
    assert mkto_emulator.identity_url == f"{mkto_emulator.base_url}/identity"
    assert mkto_emulator.admin_url == f"{mkto_emulator.base_url}/_mkto"
    assert mkto_emulator.db_url.startswith("sqlite:///")
    token = mkto_emulator.token()
    response = httpx.get(f"{mkto_emulator.base_url}/rest/v1/stats/usage.json",
                         headers={"Authorization": f"Bearer {token}"})
    assert response.json()["success"] is True
    httpx.put(f"{mkto_emulator.admin_url}/limits", json={"rate_calls": 1})
    httpx.post(f"{mkto_emulator.admin_url}/faults", json={"code": "611"})


def test_fixture_is_reset_between_tests(mkto_emulator: Emulator) -> None:
    assert httpx.get(f"{mkto_emulator.admin_url}/limits").json()["rate_calls"] == 100
    assert httpx.get(f"{mkto_emulator.admin_url}/faults").json() == {"faults": []}
    assert httpx.get(f"{mkto_emulator.admin_url}/usage").json()["daily"]["calls"] == 0


def test_plugin_is_registered_as_an_entry_point() -> None:
    from importlib.metadata import entry_points

    plugins = {ep.name: ep.value for ep in entry_points(group="pytest11")}
    assert plugins.get("mkto") == "mkto.emulator.pytest_plugin"
