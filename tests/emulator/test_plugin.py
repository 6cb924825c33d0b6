"""The pytest plugin: `mkto_emulator` is available to any project that installs mkto (entry point `pytest11`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx

from mkto.emulator import Emulator


def test_fixture_gives_a_running_emulator(mkto_emulator: Emulator) -> None:
    assert mkto_emulator.base_url.startswith("http://127.0.0.1:")
    assert mkto_emulator.identity_url == f"{mkto_emulator.base_url}/identity"
    assert mkto_emulator.admin_url == f"{mkto_emulator.base_url}/_mkto"
    assert mkto_emulator.db_url.startswith("sqlite:///")
    token = mkto_emulator.token()
    response = httpx.get(f"{mkto_emulator.base_url}/rest/v1/stats/usage.json",
                         headers={"Authorization": f"Bearer {token}"})
    assert response.json()["success"] is True


# Test 1 dirties every kind of state the reset promises to restore; test 2, run next in the same session, sees
# each clean. Run in a child pytest, in this order, so that the reset is proved whatever this suite ran before.
DIRTY_THEN_CLEAN = """\
import httpx

def test_1_dirties(mkto_emulator):
    base, admin = mkto_emulator.base_url, mkto_emulator.admin_url
    auth = {"Authorization": "Bearer " + mkto_emulator.token()}
    synced = httpx.post(base + "/rest/v1/leads.json", headers=auth, json={"input": [{"email": "a@b.c"}]}).json()
    assert synced["result"][0]["status"] == "created", synced
    assert httpx.put(admin + "/limits", json={"rate_calls": 1}).status_code == 200
    assert httpx.post(admin + "/faults", json={"code": "611", "path": "/nowhere"}).status_code < 300
    assert httpx.get(admin + "/usage").json()["daily"]["calls"] == 1
    assert httpx.post(admin + "/clock", json={"set": "2031-01-01T00:00:00Z"}).status_code == 200

def test_2_sees_it_clean(mkto_emulator):
    base, admin = mkto_emulator.base_url, mkto_emulator.admin_url
    assert httpx.get(admin + "/limits").json()["rate_calls"] == 100
    assert httpx.get(admin + "/faults").json() == {"faults": []}
    assert httpx.get(admin + "/usage").json()["daily"]["calls"] == 0
    assert httpx.get(admin + "/requests").json() == {"requests": []}
    assert not httpx.get(admin + "/clock").json()["now"].startswith("2031")
    auth = {"Authorization": "Bearer " + mkto_emulator.token()}
    found = httpx.get(base + "/rest/v1/leads.json", headers=auth,
                      params={"filterType": "email", "filterValues": "a@b.c"}).json()
    assert found["success"] is True and found["result"] == [], found
"""


def test_the_fixture_resets_between_tests_in_a_child_project(tmp_path: Path) -> None:
    (tmp_path / "test_order.py").write_text(DIRTY_THEN_CLEAN, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-p", "no:randomly", "test_order.py"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    order = [line.split(" ")[0] for line in result.stdout.splitlines() if " PASSED" in line]
    assert order == ["test_order.py::test_1_dirties", "test_order.py::test_2_sees_it_clean"]


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
