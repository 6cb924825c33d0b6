"""What the benchmark scripts share to run a server beside them: a free loopback port, `mkto serve` on a SQLite
file (or any `--db`, with `--state` and `--workers`) with known credentials, waiting until it answers, and stopping
it (Ctrl+C first, as a user would, then a kill if it does not go); and the `--json` / `--quick` contract every
script keeps for `python -m benchmarks`."""

from __future__ import annotations

import argparse
import json
import operator
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import httpx

STARTUP_DEADLINE_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], deadline_s: float = STARTUP_DEADLINE_S) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited early: {process.args!r}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"server did not start: {process.args!r}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve_emulator(
    db: Path | str,
    client_id: str,
    client_secret: str,
    *,
    limits: Mapping[str, Any] | None = None,
    new_session: bool = False,
    state: str | None = None,
    workers: int = 1,
) -> tuple[subprocess.Popen[bytes], str]:
    """`mkto serve` on `db` with these credentials on a free port, ready (limits changed first when given);
    (process, base URL). `new_session`: its own process group, for a caller that stops the whole group.
    `state` and `workers` are `--state` and `--workers`."""
    port = free_port()
    mkto = Path(sys.executable).with_name("mkto")
    shared = ["--state", state, "--workers", str(workers)] if state is not None else []
    process = subprocess.Popen(
        [str(mkto), "serve", "--port", str(port), "--db", str(db), "--client-id", client_id,
         "--client-secret", client_secret, "--log-level", "warning", *shared],
        stdout=subprocess.DEVNULL, start_new_session=new_session,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{base}/_mkto/health", process)
        if limits is not None:
            httpx.put(f"{base}/_mkto/limits", json=dict(limits)).raise_for_status()
    except BaseException:
        stop(process)
        raise
    return process, base


# -- the contract every benchmark script keeps for `python -m benchmarks` -------------------------------------
# `--json`: the LAST stdout line is {"benchmark": name, "rows": [...]} (and, when there are any, "not_run" and
# "failed": lists of "what: why"); `--quick`: a bounded size, the script's QUICK defaults under any explicit flag.
CONTRACT_KEY = "benchmark"
TARGET_PATTERN = re.compile(r"^\s*(>=|<=|==|<|>)?\s*(-?[\d.]+)\s*$")
COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, "==": operator.eq, "<": operator.lt, ">": operator.gt,
}  # fmt: skip


def parse_args(
    parser: argparse.ArgumentParser, quick: Mapping[str, Any], argv: Sequence[str] | None = None
) -> argparse.Namespace:
    """`parser`'s arguments with `--json` and `--quick` added; under `--quick` the `quick` values are the defaults."""
    shown = ", ".join(f"--{name.replace('_', '-')} {value}" for name, value in quick.items())
    parser.add_argument("--json", action="store_true", help="print the rows as one JSON object, the last line")
    parser.add_argument("--quick", action="store_true", help=f"a bounded size in seconds: {shown}")
    args = parser.parse_args(argv)
    if args.quick:
        parser.set_defaults(**quick)
        args = parser.parse_args(argv)
    return args


def meets(value: float, target: str) -> bool:
    """Whether `value` meets a target written as the issue writes them: ">= 0.5", "< 50", "0" (exactly)."""
    found = TARGET_PATTERN.match(target)
    if found is None:
        raise ValueError(f"a target reads like '>= 0.5' or '0', not {target!r}")
    return COMPARE[found.group(1) or "=="](value, float(found.group(2)))


def measure(
    name: str,
    value: float,
    unit: str,
    *,
    baseline: float | None = None,
    target: str | None = None,
    on_ratio: bool = False,
    ratio: float | None = None,
) -> dict[str, Any]:
    """One row of the contract. The ratio is value / baseline, or `ratio` when the benchmark worked it out
    otherwise (the median of paired rounds' ratios); the target is judged on the value, or on the ratio with
    `on_ratio` (not judged when there is no ratio)."""
    if ratio is None:
        ratio = value / baseline if baseline else None
    judged_on = ratio if on_ratio else value
    met = None if target is None or judged_on is None else meets(judged_on, target)
    return {"name": name, "value": float(value), "unit": unit, "baseline": baseline, "ratio": ratio,
            "target": target, "met": met}  # fmt: skip


def print_contract(
    benchmark: str, rows: Sequence[Mapping[str, Any]], *, not_run: Sequence[str] = (), failed: Sequence[str] = ()
) -> None:
    """The contract's one line, last on stdout."""
    line: dict[str, Any] = {CONTRACT_KEY: benchmark, "rows": list(rows)}
    if not_run:
        line["not_run"] = list(not_run)
    if failed:
        line["failed"] = list(failed)
    sys.stdout.flush()
    print(json.dumps(line), flush=True)
