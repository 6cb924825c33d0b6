"""benchmarks/physical_limit.py runs, at a size of seconds, against real Redis: what must hold whatever the
machine's load does. Every lead is written exactly once, the shared limiter draws no 606 and no 615, and the
JSON line `python -m benchmarks` reads has its rows. The fraction of the maximum is printed, never asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import skip_or_fail

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "physical_limit.py"
SMALL = ["--leads", "6000", "--rate-calls", "5", "--rate-seconds", "1"]  # 20 calls: 4 windows of 1 s
SHARED, UNSHARED = "bulk sync shared Redis", "bulk sync unshared"


def run_script(*args: str) -> tuple[list[str], dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--json"], capture_output=True, text=True, timeout=180, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    *table, last = done.stdout.strip().splitlines()
    return table, json.loads(last)


def rows_by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    assert report["benchmark"] == "physical_limit"
    return {row["name"]: row for row in report["rows"]}


def test_the_shared_sync_writes_every_lead_once_and_draws_no_606_or_615() -> None:
    redis_url = os.environ.get("MKTO_TEST_REDIS_URL")
    if not redis_url:
        skip_or_fail("MKTO_TEST_REDIS_URL is not set: the shared run needs Redis")
    table, report = run_script(*SMALL, "--redis", redis_url)
    rows = rows_by_name(report)

    for name in (SHARED, UNSHARED):
        assert any(line.startswith(name) and "not run" not in line for line in table), table
        once = rows[f"{name}: leads written exactly once"]
        assert once["value"] == 6000 and once["met"] is True, once
        assert 0 < rows[f"{name}: of rate × 300"]["value"] <= 1
        assert rows[f"{name}: records/s"]["value"] > 0
    for code in ("606", "615"):
        assert rows[f"{SHARED}: {code}"]["value"] == 0 and rows[f"{SHARED}: {code}"]["met"] is True
    assert rows[f"{SHARED}: of rate × 300"]["target"] == ">= 0.97"
    assert rows[f"{UNSHARED}: of rate × 300"]["target"] is None
    assert rows[f"{UNSHARED}: 606"]["target"] is None
    assert all(set(row) >= {"value", "unit", "baseline", "ratio", "target", "met"} for row in rows.values())


def test_without_redis_the_shared_row_says_why_and_the_unshared_run_still_counts() -> None:
    table, report = run_script("--leads", "1500", "--rate-calls", "5", "--redis", "redis://127.0.0.1:1/0")
    rows = rows_by_name(report)

    assert any(line.startswith(SHARED) and "not run: ConnectionError" in line for line in table), table
    shared = rows[f"{SHARED}: of rate × 300"]
    assert shared["value"] is None and shared["met"] is None and "ConnectionError" in shared["not_run"]
    assert rows[f"{UNSHARED}: leads written exactly once"]["value"] == 1500
