"""Large extract files are written in the background, off the request path: the call that sees the job end
answers at once, the job shows Processing (its file 404) until the writer is done, then Completed with the very
file an inline write gives; other calls answer meanwhile; a cancel or a reset drops the file being written."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from mkto.emulator import Emulator
from mkto.emulator.bulk import _files, _writer
from mkto.emulator.bulk._model import _extracts
from mkto.emulator.bulk._tables import export_chunks
from tests.emulator.bulk.conftest import PAST_EVERYTHING_S, export_call, export_job, export_ok, lead_export, sync
from tests.emulator.conftest import Api, assert_marketo_error, assert_success
from tests.emulator.leads.conftest import db

PEOPLE = [{"email": f"bg{n}@example.com", "firstName": f"B{n}", "lastName": "Ground"} for n in range(40)]
WAIT_S = 30.0


class Gate:
    """Holds the background writer before its first chunk until `open()`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        real: Callable[..., Any] = _files.write_export

        def held(*args: Any, **kwargs: Any) -> Any:
            if threading.current_thread().name.startswith("mkto-bulk-extract-writer"):
                self.entered.set()
                assert self.release.wait(WAIT_S)
            return real(*args, **kwargs)

        monkeypatch.setattr(_files, "write_export", held)

    def open(self) -> None:
        self.release.set()


@pytest.fixture
def background(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_extracts, "INLINE_RECORDS", 0)  # every extract with a record goes to the writer


def _writer_idle(emulator: Emulator) -> None:
    assert _writer.writer_for(emulator.emulation.store).wait_idle(WAIT_S)


def _until_completed(api: Api, export_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + WAIT_S
    job = export_job(api, export_id)
    while job["status"] != "Completed" and time.monotonic() < deadline:
        time.sleep(0.02)
        job = export_job(api, export_id)
    return job


def _download(api: Api, export_id: str) -> bytes:
    response = export_call(api, export_id, "file")
    assert response.status_code == 200, response.text
    return response.content


def test_a_background_file_is_the_file_an_inline_write_gives(
    api: Api, emulator: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(api, PEOPLE)
    inline_id = export_ok(api, lead_export(["id", "email", "firstName"]))
    export_job(api, inline_id, "enqueue")
    api.advance(PAST_EVERYTHING_S)
    inline = export_job(api, inline_id)
    assert inline["status"] == "Completed"

    monkeypatch.setattr(_extracts, "INLINE_RECORDS", 0)
    export_id = export_ok(api, lead_export(["id", "email", "firstName"]))
    export_job(api, export_id, "enqueue")
    api.advance(PAST_EVERYTHING_S)
    job = _until_completed(api, export_id)
    assert job["status"] == "Completed", job
    assert list(job) == list(inline)
    assert (job["numberOfRecords"], job["fileSize"], job["fileChecksum"]) == (
        inline["numberOfRecords"], inline["fileSize"], inline["fileChecksum"],
    )  # fmt: skip
    data = _download(api, export_id)
    assert data == _download(api, inline_id)
    assert "sha256:" + hashlib.sha256(data).hexdigest() == job["fileChecksum"]


def test_while_the_file_is_written_the_job_is_processing_and_calls_answer(
    api: Api, emulator: Emulator, background: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    api.at_midday()
    ids = sync(api, PEOPLE)
    gate = Gate(monkeypatch)
    export_id = export_ok(api, lead_export())
    export_job(api, export_id, "enqueue")
    api.advance(PAST_EVERYTHING_S)
    started = time.monotonic()
    job = export_job(api, export_id)  # the call that sees the job end hands the file to the writer
    assert time.monotonic() - started < 5
    assert gate.entered.wait(WAIT_S)
    try:
        assert job["status"] == "Processing", job
        assert "finishedAt" not in job and "fileChecksum" not in job
        again = export_job(api, export_id)
        assert again == job  # a poll answers at once, never waiting for the file
        missing = export_call(api, export_id, "file")
        assert missing.status_code == 404
        assert_marketo_error(export_call(api, export_id, "enqueue"), "1029", "Job already queued")
        [lead] = assert_success(api.call("GET", f"/rest/v1/lead/{ids[0]}.json"))["result"]
        assert lead["email"] == PEOPLE[0]["email"]
        listed = assert_success(api.call("GET", "/bulk/v1/leads/export.json", params={"status": "Processing"}))
        assert [j["exportId"] for j in listed["result"]] == [export_id]
        none = assert_success(api.call("GET", "/bulk/v1/leads/export.json", params={"status": "Completed"}))
        assert none["result"] == []
        before = api.usage()["export_bytes_today"]["bytes"]
    finally:
        gate.open()
    done = _until_completed(api, export_id)
    assert done["status"] == "Completed" and done["numberOfRecords"] == len(PEOPLE), done
    _writer_idle(emulator)
    assert len(_download(api, export_id)) == done["fileSize"]
    assert api.usage()["export_bytes_today"]["bytes"] == before + done["fileSize"]  # toward today's quota


def test_a_cancel_while_the_file_is_written_drops_it(
    api: Api, emulator: Emulator, background: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(api, PEOPLE)
    gate = Gate(monkeypatch)
    export_id = export_ok(api, lead_export())
    export_job(api, export_id, "enqueue")
    api.advance(PAST_EVERYTHING_S)
    export_job(api, export_id)
    assert gate.entered.wait(WAIT_S)
    try:
        assert export_job(api, export_id, "cancel")["status"] == "Cancelled"
    finally:
        gate.open()
    _writer_idle(emulator)
    assert export_job(api, export_id)["status"] == "Cancelled"
    assert export_call(api, export_id, "file").status_code == 404
    with db(emulator) as connection:
        left = connection.execute(sa.select(sa.func.count()).select_from(export_chunks)).scalar_one()
    assert left == 0


def test_a_reset_while_the_file_is_written_leaves_no_chunk(
    api: Api, emulator: Emulator, background: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(api, PEOPLE)
    gate = Gate(monkeypatch)
    export_id = export_ok(api, lead_export())
    export_job(api, export_id, "enqueue")
    api.advance(PAST_EVERYTHING_S)
    export_job(api, export_id)
    assert gate.entered.wait(WAIT_S)
    try:
        api.admin("POST", "/reset")
    finally:
        gate.open()
    _writer_idle(emulator)
    with db(emulator) as connection:
        left = connection.execute(sa.select(sa.func.count()).select_from(export_chunks)).scalar_one()
    assert left == 0
    assert_marketo_error(export_call(api, export_id, "status"), "1013")


def test_a_pending_file_is_resumed_by_the_next_bulk_call(
    api: Api, emulator: Emulator, background: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A writer that never ran (the process ended first): the next bulk call hands the file over again.
    sync(api, PEOPLE)
    dropped: list[str] = []
    monkeypatch.setattr(_writer.ExportWriter, "submit", lambda self, export_id, instance: dropped.append(export_id))
    export_id = export_ok(api, lead_export())
    export_job(api, export_id, "enqueue")
    api.advance(PAST_EVERYTHING_S)
    assert export_job(api, export_id)["status"] == "Processing"
    assert export_id in dropped
    monkeypatch.undo()
    monkeypatch.setattr(_extracts, "INLINE_RECORDS", 0)
    assert _until_completed(api, export_id)["status"] == "Completed"
