"""`python -m benchmarks`: the README's command runs from the repository root and prints one table with a row per
measure of the scripts it ran; a script that fails or is missing is a row saying so; and every script in
`benchmarks/` is in the entry point's list. No time is asserted."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from benchmarks.__main__ import FAILED, NOT_RUN, OK, SCRIPTS, Script, outcome_of, run_script, table

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
FAST = ("client_overhead", "bulk_import", "sync_speed")  # seconds each at --quick
ROW = {"name": "m", "value": 2.5, "unit": "ms", "baseline": 0.5, "ratio": 5.0, "target": "<= 1.10", "met": False}


def readme_commands() -> list[str]:
    """The commands of the sh blocks in the README's Benchmarks section."""
    section = README.read_text(encoding="utf-8").split("\n## Benchmarks\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    return [line.split("#", 1)[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_readmes_quick_command_prints_the_table_and_the_json() -> None:
    command = next(c for c in readme_commands() if c.endswith("--quick"))
    program, *args = shlex.split(command)
    assert program == "python" and args[:2] == ["-m", "benchmarks"], command
    done = subprocess.run(
        [sys.executable, *args, "--only", ",".join(FAST), "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    run = json.loads(lines[-1])
    assert [b["name"] for b in run["benchmarks"]] == list(FAST)
    assert run["machine"]["cores"] >= 1 and run["machine"]["size"] == "quick"
    header = next(line for line in lines if line.startswith("| benchmark "))
    assert [cell.strip() for cell in header.strip("|").split("|")] == [
        "benchmark", "measure", "value", "baseline", "ratio", "target", "met",
    ]  # fmt: skip
    for benchmark in run["benchmarks"]:
        if benchmark["status"] == NOT_RUN:  # only for want of wrk
            assert "wrk not found" in benchmark["reason"], benchmark
            continue
        assert benchmark["status"] == OK and benchmark["rows"], benchmark
        for row in benchmark["rows"]:
            assert set(row) >= set(ROW), row
            assert any(line.startswith(f"| {benchmark['name']} ") and f" {row['name']} " in line for line in lines)
    overhead = next(b for b in run["benchmarks"] if b["name"] == "client_overhead")["rows"][0]
    assert overhead["target"] == "<= 1.10" and overhead["met"] == (overhead["ratio"] <= 1.10)
    assert "== client_overhead: python benchmarks/client_overhead.py --json --quick" in done.stderr  # progress


def test_a_failing_script_is_a_failed_row_with_its_last_words() -> None:
    crashed = subprocess.run([sys.executable, "-c", "import sys; sys.exit('wrk answered nothing')"],
                             capture_output=True, text=True, check=False)  # fmt: skip
    outcome = outcome_of("x", crashed.returncode, crashed.stdout.splitlines(), 1.0, crashed.stderr)
    assert outcome.status == FAILED
    assert table([outcome]) == [["x", "failed: exit status 1: wrk answered nothing", "", "", "", "", ""]]


def test_output_without_the_json_line_is_a_failure_and_reported_failures_are_rows() -> None:
    assert outcome_of("x", 0, ["a table", "and no JSON"], 1.0).status == FAILED
    line = json.dumps(
        {"benchmark": "x", "rows": [ROW], "failed": ["get1 bare: 3 answers failed"], "not_run": ["prism: no spec"]}
    )
    outcome = outcome_of("x", 0, ["a table", line, ""], 1.0)
    assert outcome.status == FAILED
    assert table([outcome]) == [
        ["x", "m", "2.50 ms", "0.500 ms", "5", "<= 1.10", "NO"],
        ["x", "failed: get1 bare: 3 answers failed", "", "", "", "", ""],
        ["x", "not run: prism: no spec", "", "", "", "", ""],
    ]
    assert outcome_of("x", 0, [json.dumps({"benchmark": "x", "rows": [ROW]})], 1.0).status == OK


def test_the_service_urls_and_the_prism_spec_go_only_to_the_scripts_that_take_them() -> None:
    services = {"postgres": "postgresql://db/x", "redis": "redis://r/1", "prism": "spec.json"}
    scripts = {s.name: s for s in SCRIPTS}
    throughput = scripts["emulator_throughput"].argv(quick=True, services=services)
    assert throughput[-6:] == ["--postgres", "postgresql://db/x", "--redis", "redis://r/1", "--prism", "spec.json"]
    assert "--prism" not in scripts["scale"].argv(quick=True, services=services)
    assert "--prism" not in scripts["emulator_throughput"].argv(quick=True, services={**services, "prism": None})


def test_a_script_not_in_the_checkout_is_not_run_and_not_a_failure() -> None:
    outcome = run_script(Script("no_such_benchmark"), quick=True, services={})
    assert (outcome.status, outcome.reason) == (NOT_RUN, "benchmarks/no_such_benchmark.py missing")


@pytest.mark.parametrize(
    "script", sorted(p.stem for p in (ROOT / "benchmarks").glob("*.py") if not p.stem.startswith("_"))
)
def test_every_benchmark_script_is_in_the_entry_points_list(script: str) -> None:
    assert script in {s.name for s in SCRIPTS}


def test_the_in_process_benchmark_measures_both_calls_and_their_baseline() -> None:
    done = subprocess.run(
        [sys.executable, "benchmarks/in_process.py", "--gets", "50", "--syncs", "2", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    line = json.loads(done.stdout.strip().splitlines()[-1])
    assert line["benchmark"] == "in_process"
    get, sync = line["rows"]
    assert get["name"].startswith("Get Lead by Id") and get["baseline"] > 0 and get["value"] > get["baseline"]
    assert sync["unit"] == "ms" and sync["value"] > 0
