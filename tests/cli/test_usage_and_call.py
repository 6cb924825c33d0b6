"""`mkto usage` and `mkto call` against the emulator."""

from __future__ import annotations

import json
from pathlib import Path

from mkto.errors.limits import DAILY_QUOTA

from .conftest import Emu, cli_env, mkto, no_traceback


def test_call_gets_with_params_and_prints_the_envelope(emu: Emu) -> None:
    env = cli_env(emu.env())
    created = mkto(
        "call", "POST", "/rest/v1/leads.json", "--data", '{"input": [{"email": "ada@example.com"}]}', env=env
    )
    assert created.returncode == 0, created.stderr
    assert json.loads(created.stdout)["result"][0]["status"] == "created"
    done = mkto("call", "get", "/rest/v1/leads.json", "--param", "filterType=email",
                "--param", "filterValues=ada@example.com", "--param", "fields=email", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["success"] is True
    assert [lead["email"] for lead in body["result"]] == ["ada@example.com"]


def test_call_takes_a_body_from_a_file_and_exits_1_on_a_skipped_record(emu: Emu, tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text('{"action": "createOnly", "input": [{"email": "x@example.com"}, {"email": "x@example.com"}]}',
                    encoding="utf-8")  # fmt: skip
    done = mkto("call", "POST", "/rest/v1/leads.json", "--data", f"@{body}", env=cli_env(emu.env()))
    assert done.returncode == 1
    statuses = [r["status"] for r in json.loads(done.stdout)["result"]]
    assert statuses[0] == "created" and statuses[1] == "skipped"


def test_call_has_the_clients_protections_a_615_is_waited_out(emu: Emu) -> None:
    emu.fault(code="615", times=1, path="/rest/v1/leads/describe.json")
    done = mkto("call", "GET", "/rest/v1/leads/describe.json", env=cli_env(emu.env()))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["success"] is True
    assert "waiting" in done.stderr and "615 Concurrent access limit reached" in done.stderr
    assert [r["code"] for r in emu.paths("/rest/v1/leads/describe.json")][:1] == ["615"]


def test_call_errors_and_bad_input_are_one_line(emu: Emu, tmp_path: Path) -> None:
    env = cli_env(emu.env())
    unknown = mkto("call", "GET", "/rest/v1/nothing.json", env=env)
    assert unknown.returncode == 1
    no_traceback(unknown)
    assert unknown.stderr.startswith("Error: 610 ")
    for args, message in (
        (["--data", "{not json"], "--data is not JSON"),
        (["--data", f"@{tmp_path / 'absent.json'}"], "cannot read"),
        (["--param", "novalue"], "expected NAME=VALUE"),
    ):
        done = mkto("call", "POST", "/rest/v1/leads.json", *args, env=env)
        assert done.returncode == 2, done.stderr
        no_traceback(done)
        assert message in done.stderr


def test_usage_shows_todays_calls_quota_reset_and_errors_by_code(emu: Emu) -> None:
    env = cli_env(emu.env())
    for _ in range(2):
        assert mkto("call", "GET", "/rest/v1/nothing.json", env=env).returncode == 1
    assert mkto("call", "GET", "/rest/v1/leads/describe.json", env=env).returncode == 0
    done = mkto("usage", "--json", env=env)
    assert done.returncode == 0, done.stderr
    usage = json.loads(done.stdout)
    counted = emu.admin.get("/usage").json()
    assert usage["calls_today"] == counted["daily"]["calls"] - 2 >= 1  # all but the two stats calls themselves
    assert usage["daily_quota"] == DAILY_QUOTA
    assert usage["quota_left"] == DAILY_QUOTA - usage["calls_today"]
    assert usage["resets_at"].endswith(("T00:00:00-06:00", "T00:00:00-05:00"))  # midnight US Central
    assert {"code": "610", "count": 2, "message": "Requested resource not found"} in usage["errors"]
    table = mkto("usage", "--daily-quota", "1000", env=env)
    assert table.returncode == 0
    assert "of 1,000" in table.stdout
    assert "610" in table.stdout and "Requested resource not found" in table.stdout
