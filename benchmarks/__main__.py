"""Every benchmark in turn, and one table of what they measured against their baselines:

    python -m benchmarks [--quick] [--only a,b] [--json] [--postgres URL] [--redis URL] [--prism SPEC]

Each script runs as a subprocess (`python benchmarks/NAME.py --json`, with `--quick` when given), so a script is
measured as a user would run it; what it prints goes to stderr as it comes, and its last stdout line (the rows,
as JSON) joins the table: benchmark | measure | value | baseline | ratio | target | met, with the machine, the
load average at the start and the end, and how long each script took. `--postgres` and `--redis` (by default
$MKTO_TEST_POSTGRES_URL and $MKTO_TEST_REDIS_URL) go to the scripts that take them. A script that fails is a
"failed" row and the exit status is 1; a script not in the checkout, or one whose tool (wrk) is missing, is a
"not run" row, which is not a failure. `--json` prints the whole run as one JSON object, the last line.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
CONTRACT_KEY = "benchmark"  # the first key of a script's last stdout line
COLUMNS = ("benchmark", "measure", "value", "baseline", "ratio", "target", "met")
SERVICE_FLAGS = {"postgres": "--postgres", "redis": "--redis", "prism": "--prism"}  # "prism": its spec file
WRK = "wrk"
FAILED, NOT_RUN, OK = "failed", "not run", "ok"
TAIL_CHARS = 300  # of a failed script's output, in its row


@dataclass(frozen=True)
class Script:
    """One benchmark script: its subcommand, its sizes in a full run here, the services and tool it needs."""

    name: str
    command: tuple[str, ...] = ()  # always passed first (a subcommand)
    full: tuple[str, ...] = ()  # the entry point's sizes when not --quick (chosen so a full run fits ~20 min)
    services: tuple[str, ...] = ()  # of SERVICE_FLAGS
    needs: str | None = None  # a program on PATH without which it is not run

    @property
    def path(self) -> Path:
        return HERE / f"{self.name}.py"

    def argv(self, *, quick: bool, services: Mapping[str, str | None]) -> list[str]:
        args = [sys.executable, str(self.path), *self.command, "--json"]
        args += ["--quick"] if quick else list(self.full)
        for service in self.services:
            url = services.get(service)
            if url:
                args += [SERVICE_FLAGS[service], url]
        return args


SCRIPTS = (
    Script(
        "emulator_throughput", full=("--duration", "3s", "--rounds", "5"), services=("postgres", "redis", "prism"), needs=WRK
    ),
    Script("client_overhead"),
    Script("in_process"),
    Script("shared_limits", services=("redis",)),
    Script("clients"),
    Script("bulk_extract"),
    Script("bulk_import"),
    Script("sync_speed", command=("sync",), needs=WRK),  # its `extract` is emulator_throughput's extract row
    Script("physical_limit", services=("redis",)),
    Script("scale", services=("postgres",)),
)


@dataclass
class Outcome:
    """What one script gave: its rows, or why it has none."""

    name: str
    status: str  # OK, FAILED or NOT_RUN
    reason: str = ""
    seconds: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)  # parts of it that did not run, "what: why"
    failed: list[str] = field(default_factory=list)  # parts of it that failed, "what: why"


def contract_line(stdout_lines: Sequence[str]) -> dict[str, Any] | None:
    """The script's last non-empty stdout line when it is the contract's JSON object, else None."""
    last = next((line for line in reversed(stdout_lines) if line.strip()), "")
    try:
        found = json.loads(last)
    except json.JSONDecodeError:
        return None
    return found if isinstance(found, dict) and CONTRACT_KEY in found else None


def outcome_of(
    name: str, returncode: int, stdout_lines: Sequence[str], seconds: float, stderr_tail: str = ""
) -> Outcome:
    """A finished script's outcome: failed when it exited non-zero, gave no contract line, or reported a failure."""
    tail = " ".join((stderr_tail or " ".join(stdout_lines[-5:])).split())[-TAIL_CHARS:]
    if returncode != 0:
        return Outcome(name, FAILED, f"exit status {returncode}: {tail}", seconds)
    line = contract_line(stdout_lines)
    if line is None:
        return Outcome(name, FAILED, f"no JSON line last on stdout: {tail}", seconds)
    failed = [str(note) for note in line.get("failed", [])]
    return Outcome(name, FAILED if failed else OK, "", seconds, list(line.get("rows", [])),
                   [str(note) for note in line.get("not_run", [])], failed)  # fmt: skip


def not_run_reason(script: Script) -> str | None:
    if not script.path.is_file():
        return f"benchmarks/{script.name}.py missing"
    if script.needs is not None and shutil.which(script.needs) is None:
        return f"{script.needs} not found (install it: the Debian package {script.needs})"
    return None


def run_script(script: Script, *, quick: bool, services: Mapping[str, str | None]) -> Outcome:
    """Run one script, its stdout streamed to stderr as it comes (the contract line kept back), and read it."""
    reason = not_run_reason(script)
    if reason is not None:
        return Outcome(script.name, NOT_RUN, reason)
    argv = script.argv(quick=quick, services=services)
    shown = " ".join([str(script.path.relative_to(HERE.parent)), *argv[2:]])
    print(f"== {script.name}: python {shown}", file=sys.stderr, flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=HERE.parent, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stderr is not None
    stderr_tail: collections.deque[str] = collections.deque(maxlen=5)
    relay = threading.Thread(target=forward, args=(process.stderr, stderr_tail), daemon=True)
    relay.start()
    lines: list[str] = []
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if not line.startswith("{"):  # the contract's line is for the table, not for the reader
            sys.stderr.write(line)
            sys.stderr.flush()
    returncode = process.wait()
    relay.join()
    return outcome_of(script.name, returncode, lines, time.perf_counter() - started, " ".join(stderr_tail))


def forward(stream: IO[str], tail: collections.deque[str]) -> None:
    """A script's stderr on to ours as it comes, the last lines kept for a failed row."""
    for line in stream:
        sys.stderr.write(line)
        sys.stderr.flush()
        if line.strip():
            tail.append(line.strip())


def table(outcomes: Iterable[Outcome]) -> list[list[str]]:
    """The table's rows under COLUMNS; a script or part of one that failed or did not run is a row saying so."""
    out: list[list[str]] = []
    for outcome in outcomes:
        if outcome.status != OK and outcome.reason:
            out.append([outcome.name, f"{outcome.status}: {outcome.reason}", "", "", "", "", ""])
        for row in outcome.rows:
            out.append([outcome.name, str(row["name"]), with_unit(row.get("value"), row.get("unit")),
                        with_unit(row.get("baseline"), row.get("unit")), number(row.get("ratio")),
                        str(row.get("target") or ""), met(row.get("met"))])  # fmt: skip
        out += [[outcome.name, f"{FAILED}: {note}", "", "", "", "", ""] for note in outcome.failed]
        out += [[outcome.name, f"{NOT_RUN}: {note}", "", "", "", "", ""] for note in outcome.not_run]
    return out


def number(value: float | None) -> str:
    if value is None:
        return ""
    if float(value).is_integer() or abs(value) >= 100:  # counts read as counts
        return f"{value:,.0f}"
    return f"{value:.2f}" if abs(value) >= 1 or value == 0 else f"{value:.3f}"


def with_unit(value: float | None, unit: str | None) -> str:
    return "" if value is None else f"{number(value)} {unit or ''}".rstrip()


def met(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "NO")


def render(rows: Sequence[Sequence[str]], header: Sequence[str] = COLUMNS) -> str:
    """A Markdown table, its columns padded so it reads in a terminal too."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = [header, ["-" * width for width in widths], *rows]
    return "\n".join("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |" for line in lines)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def main(argv: Sequence[str] | None = None) -> int:
    full_sizes = "\n".join(
        f"  {s.name}: {' '.join(s.command + s.full) + ', else ' if s.command + s.full else ''}"
        f"its defaults (python benchmarks/{s.name}.py --help)"
        for s in SCRIPTS
    )
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"sizes in a full run (--quick: each script's own bounded size):\n{full_sizes}",
    )  # fmt: skip
    parser.add_argument("--quick", action="store_true", help="each script at a bounded size (minutes in all)")
    parser.add_argument("--only", default=None, metavar="A,B", help="only these scripts, by name")
    parser.add_argument("--json", action="store_true", help="also print the whole run as one JSON object, last")
    parser.add_argument("--postgres", default=os.environ.get("MKTO_TEST_POSTGRES_URL"), metavar="URL",
                        help="PostgreSQL for the scripts that take it (default: $MKTO_TEST_POSTGRES_URL)")  # fmt: skip
    parser.add_argument("--redis", default=os.environ.get("MKTO_TEST_REDIS_URL"), metavar="URL",
                        help="Redis for the scripts that take it (default: $MKTO_TEST_REDIS_URL)")  # fmt: skip
    parser.add_argument("--prism", default=None, metavar="SPEC",
                        help="Marketo's OpenAPI spec for Prism beside the emulator (needs npx; default: not run)")  # fmt: skip
    args = parser.parse_args(argv)
    scripts = list(SCRIPTS)
    if args.only:
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = sorted(set(wanted) - {s.name for s in SCRIPTS})
        if unknown:
            parser.error(f"no benchmark {', '.join(unknown)}; there are: {', '.join(s.name for s in SCRIPTS)}")
        scripts = [s for s in SCRIPTS if s.name in wanted]

    began, load_before = time.perf_counter(), load()
    started_at = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    services = {"postgres": args.postgres, "redis": args.redis, "prism": args.prism}
    outcomes = [run_script(script, quick=args.quick, services=services) for script in scripts]
    total_s, load_after = time.perf_counter() - began, load()

    machine = {"cores": os.cpu_count(), "cpu": cpu_model(), "python": platform.python_version(),
               "started": started_at, "load_start": load_before, "load_end": load_after, "total_s": total_s,
               "size": "quick" if args.quick else "full"}  # fmt: skip
    print(render(table(outcomes)))
    print()
    print(render([[o.name, o.status, f"{o.seconds:.0f}"] for o in outcomes], header=("benchmark", "status", "s")))
    print()
    print(f"machine: {machine['cores']} cores, {machine['cpu']}, Python {machine['python']}; {started_at}, "
          f"{machine['size']} sizes; load average {load_before} at the start, {load_after} at the end; "
          f"{total_s:.0f} s in all")  # fmt: skip
    if args.json:
        print(json.dumps({"machine": machine, "benchmarks": [vars(o) for o in outcomes]}))
    return 1 if any(o.status == FAILED for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
