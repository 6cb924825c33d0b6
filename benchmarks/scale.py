"""Scale: N leads (1,000,000 by default) in the emulator's store, on SQLite and on PostgreSQL.

For each backend, setup (timed, printed, not measured) writes N leads straight into the store before the server
starts: on SQLite with `bulk_extract.populate`; on PostgreSQL, on a fresh schema of `--postgres URL` (default
$MKTO_TEST_POSTGRES_URL; "not run: why" without one, the schema dropped afterwards), the emulator's own tables
(`Store.open`) filled with COPY through psycopg, the id sequence moved past them and the table analysed. Then, on
`mkto serve` with its limits raised:

  - Get Leads by Filter Type, `filterType=email` with one existing email picked at random per request, at 1
    connection with wrk (its Lua checks every answer: HTTP 200, `"success":true`, exactly one lead, the one
    asked for), p50/p99; the baseline, alternated with it round by round, is the same two statements the
    emulator runs (the count, then the first page by id) straight through the driver (sqlite3 / psycopg) in a
    tight loop on one connection;
  - a bulk lead extract of all N leads (create, enqueue, move the virtual clock, poll until Completed): the time
    from enqueue to Completed and the serving process's peak RSS (VmHWM);
  - the file downloaded to disk by `mkto.Client.bulk.download` in a process of its own, so that its VmHWM is the
    client's alone; its size, SHA-256 and data rows are checked against the job.

    python benchmarks/scale.py [--rows 1000000] [--quick] [--backends sqlite,postgres] [--postgres URL]
                               [--duration 4s] [--rounds 3] [--workdir DIR] [--json]

`--json` prints one JSON object on the last line: {"benchmark": "scale", "rows": [{"name", "value", "unit",
"baseline", "ratio", "target", "met"}, ...]} (and "not_run": {backend: why} when a backend was not run).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
from _servers import serve_emulator, stop
from bulk_extract import CREATED_AT, FIELDS, populate, rss_kib
from emulator_throughput import (
    CLIENT_ID,
    CLIENT_SECRET,
    RAISED_LIMITS,
    WRK_MISSING,
    Run,
    parse_wrk,
    postgres_schema,
    token_of,
    write_script,
    wrk_command,
)

ROWS = 1_000_000
QUICK_ROWS = 20_000
EMAIL_PREFIX, EMAIL_DOMAIN = "lead", "@example.com"  # lead{n}@example.com: what `populate` writes
COPY_BATCH = 50_000
EXTRACT_DEADLINE_S = 3_600
MIB = 1024 * 1024
SEED = 14
TERMINAL = ("Completed", "Failed", "Cancelled")
BACKENDS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}

LUA_FILTER = r"""
local headers = {["Authorization"] = "Bearer __TOKEN__"}
local wanted = ""
math.randomseed(__SEED__)
request = function()
  local n = math.random(1, __ROWS__)
  wanted = '"email":"__PREFIX__' .. n .. '__DOMAIN__"'
  return wrk.format("GET", "/rest/v1/leads.json?filterType=email&filterValues=__PREFIX__" .. n .. "__QUOTED_DOMAIN__",
    headers)
end
local check_common = response
response = function(status, headers, body)
  local before = bad
  check_common(status, headers, body)
  if bad ~= before then return end
  local _, ids = string.gsub(body, '"id":', "")
  if ids ~= 1 or not string.find(body, wanted, 1, true) then
    if bad == 0 then first_bad = "not the one lead asked for (" .. wanted .. "): " .. string.sub(body, 1, 200) end
    bad = bad + 1
  end
end
"""


def email_of(n: int) -> str:
    return f"{EMAIL_PREFIX}{n}{EMAIL_DOMAIN}"


@dataclasses.dataclass
class Latency:
    p50_ms: float
    p99_ms: float
    calls: int


@dataclasses.dataclass
class Measured:
    """One backend's figures."""

    label: str
    populate_s: float
    emulator: Latency
    raw: Latency
    extract_s: float
    server_idle_mib: float
    server_filter_peak_mib: float
    server_peak_mib: float
    client_start_mib: float
    client_peak_mib: float
    file_bytes: int
    file_rows: int
    download_s: float


# -- setup: N leads straight into the store ------------------------------------------------------------------------


def populate_sqlite(db: Path, rows: int) -> float:
    seconds = populate(db, rows)
    with sqlite3.connect(db) as conn:
        (first,) = conn.execute("SELECT email_key FROM leads WHERE id = 1").fetchone()
    conn.close()
    if first != email_of(1):  # the Lua script and the raw loop ask for the emails populate() writes
        raise SystemExit(f"populate() wrote {first!r} for lead 1, not {email_of(1)!r}: update EMAIL_PREFIX/DOMAIN")
    return seconds


def libpq_url(url: str) -> str:
    """An SQLAlchemy-style PostgreSQL URL as libpq (psycopg.connect) takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def lead_lines(start: int, stop_at: int) -> str:
    """Leads start..stop_at-1 as COPY text rows, the values `populate` writes on SQLite (JSON `data` as json.dumps
    writes it; the values hold no tab, newline or backslash, so nothing needs escaping)."""
    return "".join(
        f"{n}\t1\t{email_of(n)}\t{CREATED_AT}\t{CREATED_AT}\t"
        f"{json.dumps({'email': email_of(n), 'firstName': f'First{n}', 'lastName': f'Last{n}'})}\n"
        for n in range(start, stop_at)
    )


def populate_postgres(url: str, rows: int) -> float:
    """The emulator's tables on the schema of `url`, then `rows` leads by COPY, the id sequence past them, and
    ANALYZE (what autovacuum would do soon after such a load) so the planner knows the table's size."""
    import psycopg

    from mkto.emulator._router import AREAS, load_endpoints
    from mkto.emulator._store import Store

    load_endpoints(AREAS)  # every area's tables join the metadata
    Store.open(url).close()
    started = time.perf_counter()
    with psycopg.connect(libpq_url(url)) as conn:
        with conn.cursor() as cur:
            with cur.copy("COPY leads (id, partition_id, email_key, created_at, updated_at, data) FROM STDIN") as copy:
                for start in range(1, rows + 1, COPY_BATCH):
                    copy.write(lead_lines(start, min(rows + 1, start + COPY_BATCH)))
            cur.execute("SELECT setval(pg_get_serial_sequence('leads', 'id'), %s)", (rows,))
        conn.commit()
        conn.autocommit = True
        conn.execute("ANALYZE leads")
    return time.perf_counter() - started


# -- the filter: the emulator through wrk, the store through its driver ----------------------------------------------


def wrk_filter(base: str, token: str, rows: int, duration: str, *, tmp: Path, round_no: int) -> Run:
    script = write_script(tmp, f"filter-{round_no}", LUA_FILTER, token=token, rows=rows, seed=SEED + round_no,
                          prefix=EMAIL_PREFIX, domain=EMAIL_DOMAIN,
                          quoted_domain=EMAIL_DOMAIN.replace("@", "%40"))  # fmt: skip
    done = subprocess.run(wrk_command(base, script, 1, duration), capture_output=True, text=True, timeout=600,
                          check=False)  # fmt: skip
    return parse_wrk(done.stdout + done.stderr)


def seconds_of(duration: str) -> float:
    units = {"ms": 0.001, "s": 1.0, "m": 60.0}
    for unit in ("ms", "s", "m"):
        if duration.endswith(unit):
            return float(duration[: -len(unit)]) * units[unit]
    return float(duration)


def tight_loop(query: Callable[[str], int], rows: int, seconds: float, round_no: int) -> Latency:
    """`query(email)` for random existing emails until `seconds` pass; each must find exactly one lead."""
    pick = random.Random(SEED + round_no)
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while (started := time.perf_counter()) < deadline:
        email = email_of(pick.randint(1, rows))
        found = query(email)
        times.append(time.perf_counter() - started)
        if found != 1:
            raise SystemExit(f"the raw store found {found} leads for {email}")
    return percentiles(times)


def percentiles(times: list[float]) -> Latency:
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return Latency(statistics.median(times) * 1000, cuts[98] * 1000, len(times))


# The statements Get Leads by Filter Type runs for one email (leads/_model/_reads.py): the count, then the first
# page ordered by id (keyset after id 0, a batch of 300 plus one to see whether more follow).
COUNT_SQL = "SELECT count(*) FROM leads WHERE email_key IN ({})"
PAGE_SQL = ("SELECT id, partition_id, email_key, created_at, updated_at, data FROM leads "
            "WHERE email_key IN ({}) AND id > {} ORDER BY id LIMIT {}")  # fmt: skip
PAGE_AFTER, PAGE_LIMIT = 0, 301


@dataclasses.dataclass
class RawStore:
    """A driver connection of its own to the store, and the filter on it."""

    query: Callable[[str], int]
    close: Callable[[], None]


def raw_sqlite(db: Path) -> RawStore:
    conn = sqlite3.connect(db)
    count_sql, page_sql = COUNT_SQL.format("?"), PAGE_SQL.format("?", PAGE_AFTER, PAGE_LIMIT)

    def query(email: str) -> int:
        conn.execute(count_sql, (email,)).fetchone()
        return len(conn.execute(page_sql, (email,)).fetchall())

    return RawStore(query, conn.close)


def raw_postgres(url: str) -> RawStore:
    import psycopg

    conn = psycopg.connect(libpq_url(url), autocommit=True)
    count_sql, page_sql = COUNT_SQL.format("%s"), PAGE_SQL.format("%s", PAGE_AFTER, PAGE_LIMIT)

    def query(email: str) -> int:
        conn.execute(count_sql, (email,)).fetchone()
        return len(conn.execute(page_sql, (email,)).fetchall())

    return RawStore(query, conn.close)


def median_latency(runs: list[Latency]) -> Latency:
    return Latency(statistics.median(r.p50_ms for r in runs), statistics.median(r.p99_ms for r in runs),
                   sum(r.calls for r in runs))  # fmt: skip


# -- the extract, the server's memory, the client's download -------------------------------------------------------


def serving_pid(pid: int) -> int:
    """The process that serves: `pid`, or its only descendant if `mkto serve` handed over to a child."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return serving_pid(int(children[0])) if len(children) == 1 else pid


def extract_all(base: str, token: str, rows: int) -> tuple[str, dict[str, Any], float]:
    """(export id, its Completed status, seconds from enqueue to Completed)."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=600) as client:
        body = {"fields": FIELDS,
                "filter": {"createdAt": {"startAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-31T00:00:00Z"}}}  # fmt: skip
        created = client.post("/bulk/v1/leads/export/create.json", json=body).json()
        export_id = str(created["result"][0]["exportId"])
        started = time.perf_counter()
        client.post(f"/bulk/v1/leads/export/{export_id}/enqueue.json").raise_for_status()
        # past the start delay + 60 s + 1 s per 10,000 records: the next status poll finds the job due
        httpx.post(f"{base}/_mkto/clock", json={"advance": 400 + rows / 10_000}).raise_for_status()
        status: dict[str, Any] = {}
        while time.perf_counter() - started < EXTRACT_DEADLINE_S:
            status = client.get(f"/bulk/v1/leads/export/{export_id}/status.json").json()["result"][0]
            if status["status"] in TERMINAL:
                break
            time.sleep(0.1)
        seconds = time.perf_counter() - started
    if status.get("status") != "Completed" or status.get("numberOfRecords") != rows:
        raise SystemExit(f"extract not completed as expected: {status}")
    return export_id, status, seconds


def download_child(base: str, export_id: str, path: Path) -> None:
    """Run in a process of its own: `mkto.Client` downloads the file; prints its own RSS figures as JSON."""
    from mkto import Client

    with Client(base_url=base, client_id=CLIENT_ID, client_secret=CLIENT_SECRET) as client:
        start_kib = rss_kib(os.getpid(), "VmRSS")
        started = time.perf_counter()
        size = client.bulk.download(export_id, path=path)
        seconds = time.perf_counter() - started
    print(json.dumps({"bytes": size, "seconds": seconds, "start_kib": start_kib,
                      "peak_kib": rss_kib(os.getpid(), "VmHWM")}))  # fmt: skip


def download_apart(base: str, export_id: str, path: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--download-child", base, export_id, str(path)],
                          capture_output=True, text=True, timeout=EXTRACT_DEADLINE_S, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"the client's download failed: {done.stderr[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def check_file(path: Path, status: dict[str, Any]) -> int:
    """The file's data rows, after its size and SHA-256 are checked against the job's status."""
    digest = hashlib.sha256()
    lines = 0
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
            lines += chunk.count(b"\n")
    size = path.stat().st_size
    if size != status["fileSize"] or "sha256:" + digest.hexdigest() != status["fileChecksum"]:
        raise SystemExit(f"the downloaded file ({size} bytes, sha256:{digest.hexdigest()}) is not the job's: {status}")
    return lines - 1  # the header


# -- one backend ---------------------------------------------------------------------------------------------------


def measure(label: str, db: Path | str, raw: Callable[[], RawStore], *, populate_s: float, args: argparse.Namespace,
            workdir: Path) -> Measured:  # fmt: skip
    process, base = serve_emulator(db, CLIENT_ID, CLIENT_SECRET, limits=RAISED_LIMITS)
    try:
        pid = serving_pid(process.pid)
        idle_kib = rss_kib(pid, "VmRSS")
        token = token_of(base)
        store = raw()
        emulator_runs: list[Latency] = []
        raw_runs: list[Latency] = []
        try:
            wrk_filter(base, token, args.rows, "1s", tmp=workdir, round_no=-1)  # warm-up, not measured
            for round_no in range(args.rounds):
                steps: list[Callable[[], None]] = [
                    lambda r=round_no: emulator_runs.append(wrk_latency(base, token, args, workdir, r)),
                    lambda r=round_no: raw_runs.append(tight_loop(store.query, args.rows, seconds_of(args.duration), r)),
                ]  # fmt: skip
                for step in steps if round_no % 2 == 0 else reversed(steps):
                    step()
                print(f"{label} round {round_no + 1}: emulator p50/p99 {emulator_runs[-1].p50_ms:.3f}/"
                      f"{emulator_runs[-1].p99_ms:.3f} ms, raw {raw_runs[-1].p50_ms:.3f}/{raw_runs[-1].p99_ms:.3f} ms",
                      file=sys.stderr)  # fmt: skip
        finally:
            store.close()
        filter_peak_kib = rss_kib(pid, "VmHWM")
        export_id, status, extract_s = extract_all(base, token, args.rows)
        path = workdir / f"{label.lower()}-extract.csv"
        client = download_apart(base, export_id, path)
        file_rows = check_file(path, status)
        if file_rows != args.rows:
            raise SystemExit(f"the file has {file_rows} data rows, not {args.rows}")
        server_peak_kib = rss_kib(pid, "VmHWM")  # after writing and serving the file
    finally:
        stop(process)
    return Measured(
        label, populate_s, median_latency(emulator_runs), median_latency(raw_runs), extract_s, idle_kib / 1024,
        filter_peak_kib / 1024, server_peak_kib / 1024, client["start_kib"] / 1024, client["peak_kib"] / 1024,
        int(client["bytes"]), file_rows, float(client["seconds"]),
    )  # fmt: skip


def wrk_latency(base: str, token: str, args: argparse.Namespace, workdir: Path, round_no: int) -> Latency:
    run = wrk_filter(base, token, args.rows, args.duration, tmp=workdir, round_no=round_no)
    if run.failure:
        raise SystemExit(f"filter by email through the emulator failed: {run.failure}")
    return Latency(run.p50_ms, run.p99_ms, run.requests)


def run_sqlite(args: argparse.Namespace, workdir: Path) -> Measured:
    db = workdir / "scale.sqlite3"
    populate_s = populate_sqlite(db, args.rows)
    print(f"setup: {args.rows:,} leads into SQLite in {populate_s:.1f} s (not measured)", file=sys.stderr)
    try:
        return measure("SQLite", db, lambda: raw_sqlite(db), populate_s=populate_s, args=args, workdir=workdir)
    finally:
        for leftover in workdir.glob("scale.sqlite3*"):
            leftover.unlink()


def run_postgres(args: argparse.Namespace, workdir: Path) -> Measured | str:
    with postgres_schema(args.postgres) as (url, note):
        if url is None:
            return note
        try:
            import psycopg  # noqa: F401
        except ImportError:
            return "not run: psycopg is not installed (pip install -e '.[postgres]')"
        populate_s = populate_postgres(url, args.rows)
        print(f"setup: {args.rows:,} leads into PostgreSQL in {populate_s:.1f} s (not measured)", file=sys.stderr)
        return measure("PostgreSQL", url, lambda: raw_postgres(url), populate_s=populate_s, args=args, workdir=workdir)


# -- output ----------------------------------------------------------------------------------------------------------


def print_table(results: list[Measured], not_run: dict[str, str]) -> None:
    for label, why in not_run.items():
        print(f"{label}: {why}")
    if not results:
        return
    header = f"{'':40}" + "".join(f"{m.label:>16}{'raw store':>12}{'ratio':>8}" for m in results)
    print(header)

    def line(name: str, cells: Iterator[str]) -> None:
        print(f"{name:40}" + "".join(cells))

    line("setup: populate (not measured)", (f"{m.populate_s:>15.1f}s{'':>20}" for m in results))
    line("filter by email, 1 conn: p50", (f"{m.emulator.p50_ms:>13.3f}ms{m.raw.p50_ms:>10.3f}ms"
                                         f"{m.emulator.p50_ms / m.raw.p50_ms:>8.1f}" for m in results))  # fmt: skip
    line("filter by email, 1 conn: p99", (f"{m.emulator.p99_ms:>13.3f}ms{m.raw.p99_ms:>10.3f}ms"
                                         f"{m.emulator.p99_ms / m.raw.p99_ms:>8.1f}" for m in results))  # fmt: skip
    line("filter by email: calls measured", (f"{m.emulator.calls:>16,}{m.raw.calls:>12,}{'':>8}" for m in results))
    line("extract: enqueue to Completed", (f"{m.extract_s:>15.1f}s{'':>20}" for m in results))
    line("server RSS idle", (f"{m.server_idle_mib:>13.0f}MiB{'':>20}" for m in results))
    line("server peak RSS after the filter runs", (f"{m.server_filter_peak_mib:>13.0f}MiB{'':>20}" for m in results))
    line("server peak RSS (extract + download)", (f"{m.server_peak_mib:>13.0f}MiB{'':>20}" for m in results))
    line("client RSS before download", (f"{m.client_start_mib:>13.0f}MiB{'':>20}" for m in results))
    line("client download peak RSS", (f"{m.client_peak_mib:>13.0f}MiB{'':>20}" for m in results))
    line("client download time", (f"{m.download_s:>15.1f}s{'':>20}" for m in results))
    line("file", (f"{m.file_bytes / 1e6:>14.1f}MB{'':>20}" for m in results))
    line("file data rows", (f"{m.file_rows:>16,}{'':>20}" for m in results))


def json_rows(results: list[Measured]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []

    def add(name: str, value: float, unit: str, baseline: float | None = None) -> None:
        ratio = value / baseline if baseline else None
        rows.append({"name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": ratio,
                     "target": None, "met": None})  # fmt: skip

    for m in results:
        add(f"{m.label} filter-by-email p50", m.emulator.p50_ms, "ms", m.raw.p50_ms)
        add(f"{m.label} filter-by-email p99", m.emulator.p99_ms, "ms", m.raw.p99_ms)
        add(f"{m.label} extract", m.extract_s, "s")
        add(f"{m.label} server peak RSS", m.server_peak_mib, "MiB")
        add(f"{m.label} client download peak RSS", m.client_peak_mib, "MiB")
        add(f"{m.label} file", m.file_bytes / 1e6, "MB")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=None, help=f"leads in the store (default {ROWS:,})")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} leads, 1 round of 2 s")
    parser.add_argument("--backends", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--postgres", default=os.environ.get("MKTO_TEST_POSTGRES_URL"), metavar="URL",
                        help="PostgreSQL (default: $MKTO_TEST_POSTGRES_URL); a fresh schema is made and dropped")  # fmt: skip
    parser.add_argument("--duration", default=None, help="each wrk run and raw loop (default 4s; --quick 2s)")
    parser.add_argument("--rounds", type=int, default=None, help="alternating rounds (default 3; --quick 1)")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the extract files here")
    parser.add_argument("--json", action="store_true", help="one JSON object on the last line")
    parser.add_argument("--download-child", nargs=3, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.download_child is not None:
        base, export_id, path = args.download_child
        download_child(base, export_id, Path(path))
        return
    args.rows = args.rows or (QUICK_ROWS if args.quick else ROWS)
    args.duration = args.duration or ("2s" if args.quick else "4s")
    args.rounds = args.rounds or (1 if args.quick else 3)
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    unknown = [b for b in backends if b not in BACKENDS]
    if unknown:
        parser.error(f"unknown backend(s) {', '.join(unknown)}: choose from {', '.join(BACKENDS)}")
    if shutil.which("wrk") is None:
        print(WRK_MISSING, file=sys.stderr)
        sys.exit(1)

    started, load_before = time.perf_counter(), os.getloadavg()
    results: list[Measured] = []
    not_run: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="mkto-scale-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        if "sqlite" in backends:
            results.append(run_sqlite(args, workdir))
        if "postgres" in backends:
            outcome = run_postgres(args, workdir)
            if isinstance(outcome, str):
                not_run[BACKENDS["postgres"]] = outcome
            else:
                results.append(outcome)
    load_after = os.getloadavg()
    print(f"scale: {args.rows:,} leads; filter by email at 1 connection, wrk {args.duration} per run against the "
          f"same statements on the raw store, {args.rounds} alternating round(s), medians; "
          f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")  # fmt: skip
    print(
        f"load (1/5/15 min) {' '.join(f'{x:.2f}' for x in load_before)} at the start, "
        f"{' '.join(f'{x:.2f}' for x in load_after)} at the end; {time.perf_counter() - started:.0f} s in all"
    )
    print_table(results, not_run)
    if args.json:
        report: dict[str, Any] = {"benchmark": "scale", "rows": json_rows(results)}
        if not_run:
            report["not_run"] = not_run
        print(json.dumps(report))


if __name__ == "__main__":
    main()
