"""Large imports are processed in the background, off the request path: the call that sees the job finish on the
virtual queue answers at once, the job shows Importing (no counts, no files, its list held) while the worker
syncs its rows batch by batch, other calls answer between the batches, and the outcome is the very outcome
the inline path gives; a reset drops the work, and a job left half done goes on after a restart."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mkto import errors
from mkto.emulator import Emulator
from mkto.emulator._common.tables import leads, list_members, static_lists
from mkto.emulator.bulk import _importer, _worker
from mkto.emulator.bulk._model import _imports, _rows
from mkto.emulator.bulk._tables import import_files, import_progress, import_reasons
from tests.emulator.bulk.conftest import PAST_EVERYTHING_S, csv_file, import_file, import_ok, import_status, sync
from tests.emulator.conftest import Api, areas, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import db, insert
from tests.emulator.test_postgres import postgres_url

__all__ = ["postgres_url"]  # the fixture, shared with the core's PostgreSQL test

WAIT_S = 60.0
LARGE_ROWS = 50_000
INVALID_SCORE = "TEXT_VALUE_IN_INTEGER_FIELD"
POLLING = {"rate_calls": 1_000_000, "daily_quota": 100_000_000}  # the tests poll


def mixed_file(rows: int) -> bytes:
    """Rows over several batches: most imported, some failing (no email, a bad integer, a short row), some
    warned (an invalid address in another email field), some repeating an earlier row's email."""
    lines: list[list[str]] = [["email", "firstName", "leadScore", "email_field"]]
    for n in range(rows):
        email, score, other = f"mix{n}@example.com", str(n % 100), f"other{n}@example.com"
        if n % 97 == 5:
            email = ""
        elif n % 89 == 7:
            score = INVALID_SCORE
        elif n % 83 == 3:
            other = "INVALID_EMAIL"
        elif n % 79 == 11:
            email = f"mix{n - 11}@example.com"
        line = [email, f"F{n}", score, other]
        lines.append(line[:2] if n % 101 == 9 else line)
    return csv_file(lines)


class Gate:
    """Holds the import worker between two batches (after `after` of them, outside any transaction)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, after: int = 1) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.after = after
        self.batches = 0
        real = _importer._between_batches

        def held(took_s: float) -> None:
            self.batches += 1
            if self.batches == self.after:
                self.entered.set()
                assert self.release.wait(WAIT_S)
            real(took_s)

        monkeypatch.setattr(_importer, "_between_batches", held)

    def open(self) -> None:
        self.release.set()


@pytest.fixture
def background(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_imports, "INLINE_ROWS", 0)  # every import goes to the worker


@pytest.fixture
def fast(api: Api) -> Api:
    api.limits(**POLLING)
    return api


def worker_idle(emulator: Emulator) -> None:
    assert _worker.worker_for(emulator.emulation.store).wait_idle(WAIT_S)


def until_complete(api: Api, batch_id: int, path: str | None = None) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    while True:
        job = status_of(api, batch_id, path)
        if job["status"] != "Importing" or time.monotonic() > deadline:
            return job
        time.sleep(0.02)


def status_of(api: Api, batch_id: int, path: str | None = None) -> dict[str, Any]:
    if path is None:
        return import_status(api, batch_id)
    [job] = assert_success(api.call("GET", path.format(batch_id)))["result"]
    return dict(job)


LEAD_JOBS = ("/bulk/v1/leads/batch/{}.json", "/bulk/v1/leads/batch")
CAR_JOBS = ("/bulk/v1/customobjects/car_c/import/{}/status.json", "/bulk/v1/customobjects/car_c/import")


def outcome(api: Api, batch_id: int, jobs: tuple[str, str] = LEAD_JOBS) -> tuple[dict[str, Any], str, str]:
    """The status (less the ids), the failures file and the warnings file ("" when 404)."""
    path, base = jobs
    status = {k: v for k, v in status_of(api, batch_id, path).items() if k not in ("batchId", "importId")}
    files = []
    for which in ("failures", "warnings"):
        response = api.call("GET", f"{base}/{batch_id}/{which}.json")
        files.append(response.text if response.status_code == 200 else "")
    return status, files[0], files[1]


def make_list(emulator: Emulator, name: str) -> int:
    stamp = "2026-01-01T00:00:00Z"
    with db(emulator) as connection:
        return insert(connection, static_lists, name=name, workspace_name="Default", created_at=stamp, updated_at=stamp)


def members(emulator: Emulator, list_id: int) -> list[str]:
    m = list_members.c
    query = sa.select(leads.c.email_key).join(list_members, m.lead_id == leads.c.id).where(m.list_id == list_id)
    with db(emulator) as connection:
        return sorted(str(email) for email in connection.execute(query).scalars())


def lead_rows(emulator: Emulator) -> list[tuple[str, str]]:
    with db(emulator) as connection:
        found = connection.execute(sa.select(leads.c.email_key, leads.c.data).order_by(leads.c.email_key)).all()
    return [(str(row.email_key), str(row.data)) for row in found]


def left_over(emulator: Emulator) -> int:
    with db(emulator) as connection:
        return sum(
            connection.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in (import_files, import_progress, import_reasons)
        )


def imported_after_advance(api: Api, data: bytes, **params: Any) -> int:
    batch_id = import_ok(api, data, **params)
    api.advance(PAST_EVERYTHING_S)
    return batch_id


def test_the_background_outcome_is_the_inline_outcome(
    fast: Api, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = mixed_file(1_500)  # five batches and a short one
    inline_list = make_list(emulator, "Inline")
    batch_id = imported_after_advance(fast, data, listId=str(inline_list))
    inline = outcome(fast, batch_id)
    assert inline[0]["status"] == "Complete"
    inline_leads = lead_rows(emulator)
    inline_members = members(emulator, inline_list)
    assert len(inline_members) == len(inline_leads)  # every lead the file made or updated joined the list

    fast.admin("POST", "/reset")
    fast.limits(**POLLING)
    monkeypatch.setattr(_imports, "INLINE_ROWS", 0)
    list_id = make_list(emulator, "Background")
    batch_id = imported_after_advance(fast, data, listId=str(list_id))
    assert until_complete(fast, batch_id)["status"] == "Complete"
    background = outcome(fast, batch_id)
    assert background == inline
    status, failures, warnings = background
    assert (status["numOfRowsFailed"], status["numOfRowsWithWarning"]) == (
        failures.count("\n") - 1,
        warnings.count("\n") - 1,
    )
    assert status["numOfRowsFailed"] > 0 and status["numOfRowsWithWarning"] > 0
    assert errors.get("1002").format("email") in failures and INVALID_SCORE in failures
    assert lead_rows(emulator) == inline_leads
    assert members(emulator, list_id) == inline_members
    assert left_over(emulator) == 0


def test_a_large_import_is_processed_in_the_background_while_calls_answer(
    fast: Api, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    [known] = sync(fast, [{"email": "known@example.com", "firstName": "Known"}])
    list_id = make_list(emulator, "Big")
    data = csv_file([["email", "firstName"], *[[f"big{n}@example.com", f"B{n}"] for n in range(LARGE_ROWS)]])
    gate = Gate(monkeypatch)
    batch_id = imported_after_advance(fast, data, listId=str(list_id))
    job = import_status(fast, batch_id)  # the call that sees the job finish hands its rows to the worker
    assert gate.entered.wait(WAIT_S)
    try:
        assert job == {"batchId": batch_id, "importId": str(batch_id), "status": "Importing"}
        assert import_status(fast, batch_id) == job  # a poll answers at once, counting nothing yet
        [lead] = assert_success(fast.call("GET", f"/rest/v1/lead/{known}.json"))["result"]
        assert lead["email"] == "known@example.com"
        assert fast.call("GET", f"/bulk/v1/leads/batch/{batch_id}/failures.json").status_code == 404
        assert_marketo_error(import_file(fast, csv_file([["email"], ["x@example.com"]]), listId=str(list_id)), "1019")
        assert import_status(fast, batch_id)["status"] == "Importing"  # the GET answered while the rows went in
    finally:
        gate.open()
    answered_while_importing = 0
    while import_status(fast, batch_id)["status"] == "Importing":  # the worker is not held any more
        assert_success(fast.call("GET", f"/rest/v1/lead/{known}.json"))
        answered_while_importing += import_status(fast, batch_id)["status"] == "Importing"
    assert answered_while_importing > 0
    done = until_complete(fast, batch_id)
    assert done == {
        "batchId": batch_id, "importId": str(batch_id), "status": "Complete", "numOfLeadsProcessed": LARGE_ROWS,
        "numOfRowsFailed": 0, "numOfRowsWithWarning": 0,
        "message": f"Import succeeded, {LARGE_ROWS} records imported ({LARGE_ROWS} members)",
    }  # fmt: skip
    assert gate.batches >= LARGE_ROWS // 300
    assert len(lead_rows(emulator)) == LARGE_ROWS + 1
    assert len(members(emulator, list_id)) == LARGE_ROWS
    assert left_over(emulator) == 0  # no progress, reason or upload kept
    import_ok(fast, csv_file([["email"], ["x@example.com"]]), listId=str(list_id))  # the list is free again


def test_a_custom_object_import_in_the_background_reports_as_inline(fast: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [["vin", "make", "model"], *[[f"VIN{n:05d}", "bmw", str(n)] for n in range(700)], ["", "bmw", "x"]]

    def run() -> tuple[dict[str, Any], str, str]:
        files = {"file": ("cars.csv", csv_file(rows), "text/csv")}
        response = fast.call("POST", f"{CAR_JOBS[1]}.json", params={"format": "csv"}, files=files)
        batch_id = int(assert_success(response)["result"][0]["batchId"])
        fast.advance(PAST_EVERYTHING_S)
        until_complete(fast, batch_id, CAR_JOBS[0])
        return outcome(fast, batch_id, CAR_JOBS)

    inline = run()
    fast.admin("POST", "/reset")
    fast.limits(**POLLING)
    monkeypatch.setattr(_imports, "INLINE_ROWS", 0)
    assert run() == inline
    assert (inline[0]["numOfObjectsProcessed"], inline[0]["numOfRowsFailed"]) == (700, 1)


def test_a_reset_while_rows_are_processed_drops_the_job(
    fast: Api, emulator: Emulator, background: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(monkeypatch)
    batch_id = imported_after_advance(fast, mixed_file(1_200))
    import_status(fast, batch_id)
    assert gate.entered.wait(WAIT_S)
    try:
        assert len(lead_rows(emulator)) > 0  # the first batch is in
        fast.admin("POST", "/reset")
    finally:
        gate.open()
    worker_idle(emulator)
    assert gate.batches == 1  # no batch after the reset
    assert_marketo_error(fast.call("GET", f"/bulk/v1/leads/batch/{batch_id}.json"), "1013")
    assert lead_rows(emulator) == []
    assert left_over(emulator) == 0


def _emulator(path: Path) -> Emulator:
    return Emulator(db=path, areas=areas(), client_id="restart", client_secret="restart-secret", limits=POLLING)


def test_a_job_left_half_done_goes_on_after_a_restart_on_the_same_file(
    tmp_path: Path, background: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_file = tmp_path / "emulator.sqlite3"
    data = mixed_file(1_500)
    with Emulator(areas=areas(), limits=POLLING) as reference:  # the inline outcome of the same file
        api = Api(reference)
        monkeypatch.setattr(_imports, "INLINE_ROWS", 10_000)
        expected = outcome(api, imported_after_advance(api, data))
        expected_leads = [email for email, _ in lead_rows(reference)]
        api.close()
    monkeypatch.setattr(_imports, "INLINE_ROWS", 0)

    real = _rows.ImportRows.step
    steps: list[int] = []

    def dies_in_the_third_batch(self: _rows.ImportRows, connection: Any) -> bool:
        steps.append(1)
        if len(steps) == 3:
            raise RuntimeError("the process ends here")  # this batch's transaction rolls back
        return real(self, connection)

    with _emulator(db_file) as first:
        api = Api(first)
        monkeypatch.setattr(_rows.ImportRows, "step", dies_in_the_third_batch)
        batch_id = imported_after_advance(api, data)
        assert import_status(api, batch_id)["status"] == "Importing"
        worker_idle(first)
        monkeypatch.setattr(_rows.ImportRows, "step", real)
        with db(first) as connection:
            [progress] = connection.execute(sa.select(import_progress)).all()
        assert progress.next_line > 0  # two batches committed
        api.close()

    with _emulator(db_file) as second:
        api = Api(second)
        assert import_status(api, batch_id)["status"] == "Importing"  # this call hands the job over again
        assert until_complete(api, batch_id)["status"] == "Complete"
        assert outcome(api, batch_id) == expected  # no batch twice, none lost
        assert [email for email, _ in lead_rows(second)] == expected_leads
        assert left_over(second) == 0
        api.close()


def test_on_postgresql_the_background_outcome_is_the_inline_outcome(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = mixed_file(1_000)
    with Emulator(db=postgres_url, areas=areas(), limits=POLLING) as emu:
        api = Api(emu)
        inline = outcome(api, imported_after_advance(api, data))
        inline_leads = [email for email, _ in lead_rows(emu)]
        api.admin("POST", "/reset")
        monkeypatch.setattr(_imports, "INLINE_ROWS", 0)
        batch_id = imported_after_advance(api, data)
        assert import_status(api, batch_id)["status"] == "Importing"
        assert until_complete(api, batch_id)["status"] == "Complete"
        assert outcome(api, batch_id) == inline
        assert [email for email, _ in lead_rows(emu)] == inline_leads
        assert left_over(emu) == 0
        api.close()


def test_a_pending_import_is_handed_over_again_by_any_bulk_call(
    fast: Api, emulator: Emulator, background: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A worker that never ran (the process ended first): the next bulk call, an extract list here, hands it over.
    dropped: list[int] = []
    for module in (_imports, _importer):
        monkeypatch.setattr(module, "submit_import", lambda store, batch_id: dropped.append(batch_id))
    batch_id = imported_after_advance(fast, mixed_file(400))
    assert import_status(fast, batch_id)["status"] == "Importing"
    worker_idle(emulator)
    assert import_status(fast, batch_id)["status"] == "Importing"
    assert batch_id in dropped
    monkeypatch.undo()
    monkeypatch.setattr(_imports, "INLINE_ROWS", 0)
    assert_success(fast.call("GET", "/bulk/v1/leads/export.json"))
    worker_idle(emulator)
    assert import_status(fast, batch_id)["status"] == "Complete"


def test_an_import_takes_its_virtual_time_then_ten_thousand_rows_finish_inline_and_more_in_the_background(
    fast: Api, emulator: Emulator
) -> None:
    inline = imported_after_advance(fast, csv_file([["email"], *[[f"in{n}@example.com"] for n in range(10_000)]]))
    assert import_status(fast, inline)["numOfLeadsProcessed"] == 10_000  # done in the call that saw it finish
    rows = csv_file([["email"], *[[f"bg{n}@example.com"] for n in range(10_001)]])
    batch_id = import_ok(fast, rows)
    fast.advance(10 + 30 + 10.001 - 2)  # start delay + 30 s + 1 s per 1,000 rows, less two seconds
    assert import_status(fast, batch_id)["status"] == "Importing"
    with db(emulator) as connection:
        assert connection.execute(sa.select(import_progress)).all() == []  # not finished yet on the queue
    fast.advance(3)
    assert import_status(fast, batch_id) == {"batchId": batch_id, "importId": str(batch_id), "status": "Importing"}
    assert until_complete(fast, batch_id)["numOfLeadsProcessed"] == 10_001  # by the worker
