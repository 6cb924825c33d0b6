"""benchmarks/scale.py runs at a size of seconds on both backends, so that it cannot rot: the extract file it kept has
one data row per lead, its JSON line parses with every row named, and the memory figures are real readings. No time
is asserted. PostgreSQL is skipped without MKTO_TEST_POSTGRES_URL (a failure under MKTO_REQUIRE_SERVICES=1)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import skip_or_fail

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "scale.py"
ROWS = 5_000
LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
METRICS = {  # name after the backend's label -> unit
    "filter-by-email p50": "ms",
    "filter-by-email p99": "ms",
    "extract": "s",
    "server peak RSS": "MiB",
    "client download peak RSS": "MiB",
    "file": "MB",
}


def run_small(backend: str, workdir: Path) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        skip_or_fail("wrk is not installed (Debian package wrk)")
    command = [sys.executable, str(SCRIPT), "--rows", str(ROWS), "--duration", "1s", "--rounds", "1",
               "--backends", backend, "--workdir", str(workdir), "--json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_small_run_extracts_every_lead_and_reports_every_row(backend: str, tmp_path: Path) -> None:
    if backend == "postgres" and not os.environ.get("MKTO_TEST_POSTGRES_URL"):
        skip_or_fail("MKTO_TEST_POSTGRES_URL is not set (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    report = run_small(backend, tmp_path)
    label = LABELS[backend]

    assert report["benchmark"] == "scale"
    assert "not_run" not in report, report["not_run"]
    rows = {row["name"]: row for row in report["rows"]}
    assert sorted(rows) == sorted(f"{label} {metric}" for metric in METRICS)
    for metric, unit in METRICS.items():
        row = rows[f"{label} {metric}"]
        assert row["unit"] == unit
        assert isinstance(row["value"], float) and row["value"] > 0, row
        assert row["target"] is None and row["met"] is None
    for quantile in ("p50", "p99"):
        row = rows[f"{label} filter-by-email {quantile}"]
        assert row["baseline"] > 0 and row["ratio"] == pytest.approx(row["value"] / row["baseline"], rel=1e-3)

    extract = tmp_path / f"{label.lower()}-extract.csv"
    lines = extract.read_text().splitlines()
    assert lines[0].split(",")[:2] == ["id", "email"]
    assert len(lines) - 1 == ROWS
    assert rows[f"{label} file"]["value"] == pytest.approx(extract.stat().st_size / 1e6, rel=1e-3)
