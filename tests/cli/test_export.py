"""`mkto leads export` against the emulator: progress through create, enqueue, poll and download; a full queue
(1029) waited out in view; an interrupted run resumed to the same bytes; the day's export quota explained."""

from __future__ import annotations

import hashlib
import json
import signal
import time
from pathlib import Path

from .conftest import Emu, SlowProxy, cli_env, export_range, mkto, no_traceback, seed_leads, start


def sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def job_status(emu: Emu, export_id: str) -> dict[str, object]:
    with emu.client() as client:
        return client.bulk.extract_status(export_id)


def test_export_writes_the_file_whole_with_its_checksum(emu: Emu, tmp_path: Path) -> None:
    seed_leads(emu, 40)
    out = tmp_path / "leads.csv"
    with emu.clock_running():
        done = mkto("leads", "export", *export_range(emu), "--fields", "email,firstName", "-o", str(out),
                    "--poll", "0.2", "--json", env=cli_env(emu.env()))  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["records"] == 40
    assert sha256(out) == result["checksum"] == job_status(emu, result["export_id"])["fileChecksum"]
    assert out.read_text(encoding="utf-8").splitlines()[0] == "email,firstName"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leads.csv"]  # no state file, no part file
    for stage in ("creating the export job", "export job enqueued", f"downloading export {result['export_id']}"):
        assert stage in done.stderr
    assert "waiting 0.2 s: the job is still running" in done.stderr


def test_a_full_queue_1029_is_waited_out_in_the_progress(emu: Emu, tmp_path: Path) -> None:
    seed_leads(emu, 5)
    body = {"fields": ["email"], "format": "CSV",
            "filter": {"createdAt": {"startAt": "2000-01-01T00:00:00Z", "endAt": "2000-01-02T00:00:00Z"}}}  # fmt: skip
    with emu.client() as client:
        blocking = [client.bulk.start_extract("leads", body) for _ in range(10)]  # the queue holds ten
    out = tmp_path / "leads.csv"
    env = cli_env({**emu.env(), "FORCE_COLOR": "1", "COLUMNS": "120"})  # a terminal: the rich progress bar
    process = start("leads", "export", *export_range(emu), "-o", str(out), "--poll", "0.2", env=env)
    try:
        deadline = time.monotonic() + 60
        while len(emu.paths("/enqueue.json")) < 12 and time.monotonic() < deadline:  # ten, then two refusals
            time.sleep(0.1)
        assert not out.exists()
        with emu.client() as client:  # the queue drains: the waiting export goes in
            for export_id in blocking:
                client.request("POST", f"/bulk/v1/leads/export/{export_id}/cancel.json")
        with emu.clock_running():
            _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "\x1b[" in stderr  # drawn as a live rich progress bar
    assert "1029 Too many jobs in queue: the bulk queue is full" in stderr
    assert "waiting 0.2 s: 1029 the bulk queue is full, then trying again" in stderr
    assert [r["code"] for r in emu.paths("/enqueue.json")][10:12] == ["1029", "1029"]
    assert out.exists()


def test_an_interrupted_export_resumes_the_same_job_to_the_same_bytes(emu: Emu, tmp_path: Path) -> None:
    seed_leads(emu, 3000)
    out = tmp_path / "leads.csv"
    span = export_range(emu)
    command = ("leads", "export", *span, "--fields", "id,email,firstName,lastName,createdAt", "-o", str(out),
               "--poll", "0.2")  # fmt: skip
    part, state = tmp_path / "leads.csv.part", tmp_path / "leads.csv.state.json"
    slow = SlowProxy(emu.base_url, bytes_per_s=60_000)  # the file takes a few seconds to arrive
    try:
        with emu.clock_running():
            process = start(*command, env=cli_env({**emu.env(), "MKTO_BASE_URL": slow.base_url}))
            try:
                deadline = time.monotonic() + 90
                while (not part.exists() or part.stat().st_size == 0) and time.monotonic() < deadline:
                    time.sleep(0.02)
                process.send_signal(signal.SIGKILL)  # mid-download, with no chance to tidy up
                process.communicate(timeout=30)
            finally:
                if process.poll() is None:
                    process.kill()
    finally:
        slow.close()
    held = part.stat().st_size
    assert held > 0
    assert not out.exists()  # nothing half-written where the output goes
    export_id = json.loads(state.read_text(encoding="utf-8"))["export_id"]
    size = int(job_status(emu, export_id)["fileSize"])
    assert held < size
    creates = len(emu.paths("/create.json"))
    env = cli_env(emu.env())
    with emu.clock_running():
        resumed = mkto(*command, "--json", env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert f"resuming export {export_id} ({held:,} bytes already in leads.csv.part)" in resumed.stderr
    assert json.loads(resumed.stdout)["export_id"] == export_id
    assert len(emu.paths("/create.json")) == creates  # the same job, not a new one
    assert sha256(out) == job_status(emu, export_id)["fileChecksum"]
    assert not part.exists() and not state.exists()
    # The same export, uninterrupted, gives the same bytes.
    again = tmp_path / "again.csv"
    with emu.clock_running():
        fresh = mkto(*command[:-4], "-o", str(again), "--poll", "0.2", env=env)
    assert fresh.returncode == 0, fresh.stderr
    assert again.read_bytes() == out.read_bytes()


def test_an_interrupt_leaves_the_state_to_resume_and_says_so(emu: Emu, tmp_path: Path) -> None:
    seed_leads(emu, 5)
    out = tmp_path / "leads.csv"
    process = start("leads", "export", *export_range(emu), "-o", str(out), "--poll", "0.2", env=cli_env(emu.env()))
    state = tmp_path / "leads.csv.state.json"
    deadline = time.monotonic() + 60
    while not state.exists() and time.monotonic() < deadline:  # the job is created; the clock stands still
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in stderr
    assert "interrupted" in stderr
    assert state.exists() and not out.exists()


def test_the_export_quota_1029_is_explained_with_its_reset_time(emu: Emu, tmp_path: Path) -> None:
    seed_leads(emu, 5)
    emu.limits(export_daily_bytes=50)
    env = cli_env(emu.env())
    first = tmp_path / "first.csv"
    with emu.clock_running(step_s=5):
        assert mkto("leads", "export", *export_range(emu), "-o", str(first), "--poll", "0.2", env=env).returncode == 0
        second = tmp_path / "second.csv"
        done = mkto("leads", "export", *export_range(emu), "-o", str(second), "--poll", "0.2", env=env)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: 1029 Export daily quota") and "resets at" in last
    assert not second.exists()


def test_bad_dates_and_fields_are_refused_before_any_call(emu: Emu, tmp_path: Path) -> None:
    env = cli_env(emu.env())
    out = str(tmp_path / "x.csv")
    for args, message in (
        (["--since", "monday"], "--since 'monday' is not a date"),
        (["--since", "2026-11-30", "--until", "2026-11-01"], "--until must be after --since"),
        (["--since", "2026-11-30", "--fields", ","], "--fields names no field"),
    ):
        done = mkto("leads", "export", *args, "-o", out, env=env)
        assert done.returncode == 2, done.stderr
        no_traceback(done)
        assert message in done.stderr
    assert emu.paths("/create.json") == []
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_field_is_marketos_answer_in_one_line(emu: Emu, tmp_path: Path) -> None:
    done = mkto("leads", "export", *export_range(emu), "--fields", "email,noSuchField", "-o",
                str(tmp_path / "x.csv"), env=cli_env(emu.env()))  # fmt: skip
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "1006" in done.stderr.strip().splitlines()[-1] and "noSuchField" in done.stderr
    assert list(tmp_path.iterdir()) == []  # no output, no state, no part file


def test_other_options_start_a_new_job_instead_of_resuming(emu: Emu, tmp_path: Path) -> None:
    seed_leads(emu, 5)
    out = tmp_path / "leads.csv"
    env = cli_env(emu.env())
    process = start("leads", "export", *export_range(emu), "-o", str(out), "--poll", "0.2", env=env)
    state = tmp_path / "leads.csv.state.json"
    deadline = time.monotonic() + 60
    while not state.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    process.kill()
    process.communicate(timeout=30)
    first = json.loads(state.read_text(encoding="utf-8"))["export_id"]
    with emu.clock_running():
        done = mkto("leads", "export", *export_range(emu), "--fields", "email", "-o", str(out), "--poll", "0.2",
                    "--json", env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "leads.csv.state.json is for another export: starting a new one" in done.stderr
    assert json.loads(done.stdout)["export_id"] != first
    assert out.read_text(encoding="utf-8").splitlines()[0] == "email"
