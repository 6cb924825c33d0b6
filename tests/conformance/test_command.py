"""`mkto conformance` run as a user runs it: a process, its own emulator or one given by URL, over real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from mkto.conformance import SCENARIOS
from mkto.emulator import Emulator

from .conftest import BROKEN_ADAPTER


def mkto(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "mkto.cli", "conformance", *args], capture_output=True, text=True,
                          env=env, timeout=300, check=False)  # fmt: skip


@pytest.fixture(scope="module")
def remote() -> Iterator[Emulator]:
    with Emulator() as emulator:
        yield emulator


def test_json_has_one_entry_per_scenario_with_its_checks() -> None:
    done = mkto("--only", "604-transient", "--only", "record-mix", "--json")
    assert done.returncode == 0, done.stderr
    card = json.loads(done.stdout)
    assert (card["client"], card["passed"], card["total"]) == ("mkto", 2, 2)
    first = card["scenarios"][0]
    assert set(first) == {"id", "title", "codes", "passed", "evidence", "checks", "calls", "seconds"}
    assert first["id"] == "604-transient" and first["codes"] == ["604"]
    assert {c["check"] for c in first["checks"]} >= {"Succeeds", "TokenOnEveryCall", "StoredOnce"}
    assert all(set(c) == {"check", "passed", "evidence"} for c in first["checks"])


def test_the_table_names_each_scenario_and_its_verdict() -> None:
    done = mkto("--only", "702-empty", "--client", "mkto-async")
    assert done.returncode == 0, done.stderr
    assert "mkto-async: 1 of 1 pass" in done.stdout
    assert "702-empty" in done.stdout and "pass" in done.stdout


def test_a_failing_scenario_exits_1_with_its_evidence(remote: Emulator) -> None:
    command = f"{sys.executable} {BROKEN_ADAPTER}"
    done = mkto("--command", command, "--only", "604-transient", "--only", "record-mix", "--markdown",
                "--base-url", remote.base_url, "--admin-url", remote.admin_url)  # fmt: skip
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"### `{command}`: 1 of 2 scenarios pass"
    assert any(
        line.startswith("| `604-transient`") and "**FAIL**" in line and "without a token" in line for line in lines
    )
    assert any(line.startswith("| `record-mix`") and "| pass |" in line for line in lines)


def test_a_given_emulator_runs_each_scenario_on_an_instance_of_its_own(remote: Emulator) -> None:
    admin = httpx.Client(base_url=remote.admin_url, timeout=30)
    token = remote.token()
    kept = {"action": "createOnly", "input": [{"email": "kept@example.com"}]}
    httpx.post(f"{remote.base_url}/rest/v1/leads.json", json=kept, headers={"Authorization": f"Bearer {token}"})
    done = mkto("--only", "609-caller-error", "--only", "602-expired", "--json", "--base-url", remote.base_url)
    assert done.returncode == 0, done.stderr
    assert admin.get("/requests?code=609").json()["requests"] == []  # not on the default instance
    assert admin.get("/instances").json()["instances"] == []  # each one deleted after its scenario
    found = httpx.get(
        f"{remote.base_url}/rest/v1/leads.json",
        params={"filterType": "email", "filterValues": "kept@example.com"},
        headers={"Authorization": f"Bearer {remote.token()}"},
    ).json()
    assert [lead["email"] for lead in found["result"]] == ["kept@example.com"]  # its data untouched
    admin.close()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
        (["--client", "mkto", "--command", "true"], "not both"),
        (["--admin-url", "http://127.0.0.1:1/_mkto"], "--admin-url needs --base-url"),
    ],
)
def test_input_it_cannot_use_exits_2(args: list[str], message: str) -> None:
    done = mkto(*args)
    assert done.returncode == 2
    assert message in done.stderr


def test_list_names_every_scenario() -> None:
    done = mkto("--list")
    assert done.returncode == 0
    assert [line.split("\t")[0] for line in done.stdout.splitlines()] == list(SCENARIOS)
