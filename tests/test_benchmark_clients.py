"""benchmarks/clients.py runs, at a size of seconds, so that it cannot rot: its table has every client's row
in both phases and its counts add up. No time is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "clients.py"
TINY = ["--gets", "3", "--syncs", "1", "--mrp-gets", "2", "--job-syncs", "1", "--job-gets", "6", "--workers", "3"]
CLIENTS = ("plain httpx", "mkto Client", "mkto AsyncClient", "marketorestpython")


def run_tiny() -> tuple[str, list[dict[str, Any]]]:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *TINY, "--json"], capture_output=True, text=True, timeout=240, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table, _, rows = done.stdout.partition("\n[")
    return table, json.loads("[" + rows.strip().rsplit("\n", 1)[0])  # the last line is the benchmarks contract


def test_every_client_gets_a_row_in_both_tables_and_the_counts_add_up() -> None:
    table, rows = run_tiny()
    assert [row["client"] for row in rows] == list(CLIENTS)
    raised_table, _, faulty_table = table.partition("\n\n")
    for name in CLIENTS:
        assert any(line.startswith(name) for line in raised_table.splitlines()), raised_table
        assert any(line.startswith(name) for line in faulty_table.splitlines()), faulty_table
    for row in rows:
        if "not_run" in row:  # a missing package is reported, never measured
            assert row["client"] == "marketorestpython" and "not installed" in row["not_run"]
            continue
        assert "error" not in row["raised"], row
        assert row["raised"]["get"]["n"] == (2 if row["client"] == "marketorestpython" else 3)
        assert row["raised"]["sync"]["n"] == 1
        faulty = row["faulty"]
        assert "error" not in faulty, row
        assert faulty["calls"] == 7
        assert faulty["completed"] + sum(faulty["exceptions"].values()) == faulty["calls"], faulty
        assert faulty["server_calls"] >= faulty["completed"]
        assert 0 <= faulty["lost"] <= 300 and faulty["duplicated"] >= 0
