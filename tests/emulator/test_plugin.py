"""The pytest plugin: `mkto_emulator` is available to any project that installs mkto (entry point `pytest11`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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


def test_another_project_gets_the_fixture_without_any_conftest(tmp_path: Path) -> None:
    (tmp_path / "test_uses_plugin.py").write_text(
        "import httpx\n\n"
        "def test_token(mkto_emulator):\n"
        "    response = httpx.get(mkto_emulator.identity_url + '/oauth/token', params={\n"
        "        'grant_type': 'client_credentials', 'client_id': mkto_emulator.client_id,\n"
        "        'client_secret': mkto_emulator.client_secret})\n"
        "    assert response.json()['token_type'] == 'bearer'\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_uses_plugin.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
