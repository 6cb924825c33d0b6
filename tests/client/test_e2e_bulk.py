"""client.bulk against the emulator over real HTTP: the client's sleep moves the emulator's clock, so queued
jobs finish as soon as the client waits for them."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import io
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from mkto.client import AsyncClient, BulkWait, Client, FileNotAvailable, InProcessLimiterBackend, Limits
from mkto.client._bulk_files import RowDecoder, dict_files, file_parts, pack_rows
from mkto.client._core import Core
from mkto.client._limits import Grant
from mkto.client._operations import (
    Acquire,
    Emit,
    GetToken,
    OpenStream,
    RawResponse,
    ReadChunk,
    RequestSpec,
    Sink,
    Sleep,
    StreamHead,
    Truncate,
    WriteChunk,
)
from mkto.errors import NetworkError, QueueFull, QuotaExhausted

from .conftest import FAST_RETRY, Emu

WAIT = BulkWait(poll_first_s=5, poll_max_s=60, queue_wait_s=30, queue_deadline_s=600, job_deadline_s=7_200)


def client(emu: Emu, **kw: Any) -> Client:
    mkto = Client(**emu.client_kwargs(sleep=emu.virtual_sleep(), **kw))
    mkto.bulk.wait = WAIT
    return mkto


def lead_rows(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [
        {"email": f"bulk{i}@example.com", "firstName": f"F{i}", "lastName": "Bulk"} for i in range(start, start + n)
    ]


def created_filter(emu: Emu) -> dict[str, Any]:
    now = emu.now()
    return {
        "createdAt": {
            "startAt": (now - dt.timedelta(days=1)).isoformat(),
            "endAt": (now + dt.timedelta(days=2)).isoformat(),
        }
    }


def sha256(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


# --- pure -----------------------------------------------------------------------------------------------


def test_rows_are_packed_into_files_under_the_limit_each_with_the_header() -> None:
    rows = [["x" * 40, str(i)] for i in range(100)]
    files = list(pack_rows(["a", "b"], rows, "CSV", max_bytes=500))
    assert len(files) > 1
    assert all(len(f) <= 500 and f.startswith(b"a,b\n") for f in files)
    back = [r for f in files for r in list(csv.reader(f.decode().splitlines()))[1:]]
    assert back == rows
    with pytest.raises(ValueError, match="one row"):
        list(pack_rows(["a"], [["y" * 600]], "CSV", max_bytes=500))
    with pytest.raises(ValueError, match="outside the columns"):
        list(dict_files([{"a": 1}, {"b": 2}], "CSV", None))
    assert len(b"".join(dict_files(lead_rows(10), "TSV", None))) < 10 * 1024 * 1024  # Import Lead takes 10 MB


def test_row_decoder_gives_the_rows_csv_gives_whatever_the_chunking() -> None:
    text = 'id,note,name\r\n1,"multi\nline, with ""quotes""",Zoë\r\n2,,"a\u2028b"\r\n3,plain,last'
    data = "\ufeff".encode() + text.encode()
    expected = list(csv.DictReader(io.StringIO(text, newline="")))
    for size in (1, 2, 3, 7, len(data)):
        decoder = RowDecoder("CSV")
        rows = [row for i in range(0, len(data), size) for row in decoder.feed(data[i : i + size])]
        rows += decoder.finish()
        assert rows == expected, size
        assert decoder.checksum() == "sha256:" + hashlib.sha256(data).hexdigest()


# --- import ---------------------------------------------------------------------------------------------


def test_import_of_1000_rows_reports_each_failed_row(leads_emu: Emu) -> None:
    rows = lead_rows(1000)
    for i in (17, 500, 999):
        rows[i]["email"] = ""  # the lookup field empty: that row fails
    with client(leads_emu) as mkto:
        result = mkto.bulk.import_leads(rows)
        assert [b["status"] for b in result.batches] == ["Complete"]
        assert result.rows_processed == 997
        assert result.rows_failed == 3
        assert [f["firstName"] for f in result.failures] == ["F17", "F500", "F999"]
        assert all(f["Import Failure Reason"] for f in result.failures)
        found = list(mkto.leads.iter_by_filter("email", ["bulk3@example.com", "bulk998@example.com"]))
        assert sorted(lead["email"] for lead in found) == ["bulk3@example.com", "bulk998@example.com"]


def test_rows_split_into_several_files_report_failures_across_them(leads_emu: Emu, tmp_path: Path) -> None:
    rows = lead_rows(1000)
    rows[10]["email"] = rows[990]["email"] = ""
    with client(leads_emu) as mkto:
        result = mkto.bulk.import_leads(rows, max_file_bytes=8_000)
        assert len(result.batches) > 3
        assert result.rows_processed == 998
        assert [f["firstName"] for f in result.failures] == ["F10", "F990"]
    big = tmp_path / "big.csv"
    big.write_text("email,firstName\n" + "".join(f'big{i}@example.com,"B\n{i}"\n' for i in range(300)))
    parts = list(file_parts(big, "CSV", max_bytes=2_000))
    assert len(parts) > 1 and all(p.startswith(b"email,firstName\n") and len(p) <= 2_000 for p in parts)
    assert sum(len(list(csv.DictReader(io.StringIO(p.decode(), newline="")))) for p in parts) == 300


def test_import_from_a_tsv_file(leads_emu: Emu, tmp_path: Path) -> None:
    source = tmp_path / "leads.tsv"
    source.write_text("email\tfirstName\nt1@example.com\tT1\nt2@example.com\tT2\n")
    with client(leads_emu) as mkto:
        result = mkto.bulk.import_leads(source, format="TSV")
        assert result.rows_processed == 2 and not result.failures


def test_a_full_import_queue_is_waited_out_then_the_file_is_sent_again(leads_emu: Emu) -> None:
    leads_emu.fault(code="1016", times=2, method="POST", path="/bulk/v1/leads.json")
    sleep = leads_emu.virtual_sleep()
    with Client(**leads_emu.client_kwargs(sleep=sleep)) as mkto:
        mkto.bulk.wait = WAIT
        result = mkto.bulk.import_leads(lead_rows(20))
    assert result.rows_processed == 20
    assert sleep.slept[:2] == [WAIT.queue_wait_s, WAIT.queue_wait_s]  # type: ignore[attr-defined]
    posts = [r for r in leads_emu.requests() if r["method"] == "POST" and r["path"] == "/bulk/v1/leads.json"]
    assert len(posts) == 3


def test_a_queue_that_stays_full_raises_once_the_deadline_passes(leads_emu: Emu) -> None:
    leads_emu.fault(code="1016", method="POST", path="/bulk/v1/leads.json")
    with client(leads_emu) as mkto:
        mkto.bulk.wait = BulkWait(queue_wait_s=30, queue_deadline_s=90)
        with pytest.raises(QueueFull) as caught:
            mkto.bulk.import_leads(lead_rows(5))
    assert caught.value.code == "1016"


# --- extract --------------------------------------------------------------------------------------------


@pytest.fixture
def three_thousand(leads_emu: Emu) -> Emu:
    with client(leads_emu) as mkto:
        assert mkto.bulk.import_leads(lead_rows(3000)).rows_processed == 3000
    return leads_emu


def test_extract_streams_thousands_of_leads_to_a_file_with_the_right_checksum(
    three_thousand: Emu, tmp_path: Path
) -> None:
    emu = three_thousand
    path = tmp_path / "leads.csv"
    with client(emu) as mkto:
        result = mkto.bulk.extract_leads(["id", "email", "firstName"], created_filter(emu), path=path)
        assert result.records == 3000
        assert sha256(path) == result.status["fileChecksum"]
        assert path.stat().st_size == result.status["fileSize"]
        with path.open(newline="") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == 3000 and {r["email"] for r in rows} >= {"bulk0@example.com", "bulk2999@example.com"}
        streamed = list(mkto.bulk.iter_rows(result.export_id))  # parsed as it downloads, nothing on disk
        assert streamed == rows


class CutOnce(httpx.BaseTransport):
    """A real transport that drops the connection once, `after` bytes into the first file download."""

    def __init__(self, after: int) -> None:
        self.inner = httpx.HTTPTransport()
        self.after = after
        self.cut = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if self.cut or not request.url.path.endswith("/file.json") or response.status_code != 200:
            return response
        self.cut = True
        return httpx.Response(response.status_code, headers=response.headers, stream=Cut(response, self.after))

    def close(self) -> None:
        self.inner.close()


class Cut(httpx.SyncByteStream):
    def __init__(self, response: httpx.Response, after: int) -> None:
        self.response, self.after = response, after

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        for chunk in self.response.stream:  # type: ignore[union-attr]
            if sent + len(chunk) >= self.after:
                yield chunk[: self.after - sent]
                raise httpx.ReadError("connection reset by peer (test)")
            sent += len(chunk)
            yield chunk

    def close(self) -> None:
        self.response.close()


def test_a_dropped_download_resumes_with_range_into_the_identical_file(three_thousand: Emu, tmp_path: Path) -> None:
    emu = three_thousand
    fields = ["id", "email", "firstName", "lastName"]
    whole, resumed = tmp_path / "whole.csv", tmp_path / "resumed.csv"
    with client(emu) as mkto:
        export_id = mkto.bulk.start_extract("leads", {"fields": fields, "format": "CSV", "filter": created_filter(emu)})
        reference = mkto.bulk.resume_extract(export_id, path=whole)
    # The emulator drops the connection 50 KB into the next download, as a flaky network would.
    emu.fault(truncate_after_bytes=50_000, times=1, path="/bulk/v1/leads/export/*/file.json")
    with client(emu) as mkto:
        result = mkto.bulk.resume_extract(export_id, path=resumed)
    assert resumed.read_bytes() == whole.read_bytes()
    assert sha256(resumed) == result.status["fileChecksum"] == reference.status["fileChecksum"]
    downloads = [r for r in emu.requests() if r["path"].endswith("/file.json")]
    assert len(downloads) == 3  # whole, cut, the rest
    assert emu.admin.get("/faults").json() == {"faults": []}  # the drop really happened

    # A run that died with part of the file on disk carries on from the saved export id.
    partial = tmp_path / "partial.csv"
    partial.write_bytes(whole.read_bytes()[:12_345])
    with client(emu) as mkto:
        mkto.bulk.resume_extract(export_id, path=partial)
    assert partial.read_bytes() == whole.read_bytes()


def test_streamed_rows_survive_a_drop_and_stopping_early_frees_the_stream(three_thousand: Emu, tmp_path: Path) -> None:
    emu = three_thousand
    body = {"fields": ["id", "email"], "format": "CSV", "filter": created_filter(emu)}
    with client(emu) as mkto:
        export_id = mkto.bulk.start_extract("leads", body)
        mkto.bulk.resume_extract(export_id, path=tmp_path / "whole.csv")
    with (tmp_path / "whole.csv").open(newline="") as f:
        expected = list(csv.DictReader(f))
    transport = CutOnce(after=20_001)
    backend = InProcessLimiterBackend()
    limits = Limits(rate_calls=100_000, rate_seconds=20, concurrency=10, backend=backend)
    with client(emu, http_client=httpx.Client(transport=transport), limits=limits) as mkto:
        assert list(mkto.bulk.iter_rows(export_id)) == expected
        assert transport.cut
        rows = mkto.bulk.iter_rows(export_id)
        assert next(rows) == expected[0]
        rows.close()  # the consumer stops: the stream is closed and the limiter slot given back
        assert not backend._leases
    file_calls = [r for r in emu.requests() if r["path"].endswith("/file.json")]
    assert len(file_calls) == 4  # whole file, cut, the rest by Range, the abandoned one


def test_the_file_of_an_unfinished_job_is_a_clear_error(leads_emu: Emu, tmp_path: Path) -> None:
    with Client(**leads_emu.client_kwargs()) as mkto:
        export_id = mkto.bulk.start_extract(
            "leads", {"fields": ["email"], "format": "CSV", "filter": created_filter(leads_emu)}
        )
        with pytest.raises(FileNotAvailable, match="not complete"):
            mkto.bulk.download(export_id, path=tmp_path / "x.csv")
        mkto.run(mkto.bulk._ops.enqueue("leads", export_id))  # 1029 "Job already queued": it is, carry on
    assert [r.get("code") for r in leads_emu.requests() if r["path"].endswith("/enqueue.json")][-1] == "1029"


def test_the_export_quota_raises_quota_exhausted_with_its_reset_time(three_thousand: Emu, tmp_path: Path) -> None:
    emu = three_thousand
    emu.limits(export_daily_bytes=1_000)
    with client(emu) as mkto:
        mkto.bulk.extract_leads(["email"], created_filter(emu), path=tmp_path / "a.csv")
        with pytest.raises(QuotaExhausted) as caught:
            mkto.bulk.extract_leads(["email"], created_filter(emu), path=tmp_path / "b.csv")
    assert caught.value.code == "1029"
    assert caught.value.resets_at is not None and caught.value.resets_at > emu.now()


def test_async_import_and_extract(leads_emu: Emu, tmp_path: Path) -> None:
    emu = leads_emu

    async def sleep(seconds: float) -> None:
        emu.advance(seconds)

    async def main() -> tuple[int, int, int]:
        async with AsyncClient(**emu.client_kwargs(sleep=sleep)) as mkto:
            mkto.bulk.wait = WAIT
            imported = await mkto.bulk.import_leads(lead_rows(50))
            result = await mkto.bulk.extract_leads(["email"], created_filter(emu), path=tmp_path / "a.csv")
            assert sha256(tmp_path / "a.csv") == result.status["fileChecksum"]
            body = {"fields": ["email"], "format": "CSV", "filter": created_filter(emu)}
            streamed = [row async for row in mkto.bulk.iter_extract("leads", body)]
            return imported.rows_processed, result.records, len(streamed)

    assert asyncio.run(main()) == (50, 50, 50)


def test_a_full_extract_queue_is_waited_out_at_enqueue(leads_emu: Emu, tmp_path: Path) -> None:
    leads_emu.fault(code="1029", times=1, method="POST", path="/bulk/v1/leads/export/*/enqueue.json")
    sleep = leads_emu.virtual_sleep()
    with Client(**leads_emu.client_kwargs(sleep=sleep)) as mkto:
        mkto.bulk.wait = WAIT
        mkto.leads.sync([{"email": "q@example.com"}])
        result = mkto.bulk.extract_leads(["email"], created_filter(leads_emu), path=tmp_path / "q.csv")
    assert result.records == 1
    assert sleep.slept[0] == WAIT.queue_wait_s  # type: ignore[attr-defined]


def test_custom_object_import_and_other_extract_kinds(leads_emu: Emu, tmp_path: Path) -> None:
    emu = leads_emu
    with client(emu) as mkto:
        lead_ids = [o.id for o in mkto.leads.sync([{"email": f"k{i}@example.com"} for i in range(3)])]
        cars = mkto.bulk.import_custom_objects("car_c", [{"vin": f"VIN{i}", "leadId": i} for i in lead_ids])
        assert cars.rows_processed == 3 and not cars.failures
        assert {c["vin"] for c in mkto.custom_objects("car_c").iter("vin", ["VIN" + str(lead_ids[0])])}
        assert mkto.program_members.set_status(1002, lead_ids, "Registered")[0].ok

        members = mkto.bulk.extract(
            "program/members",
            {"fields": ["leadId", "statusName"], "filter": {"programId": 1002}},
            path=tmp_path / "m.csv",
        )
        assert members.records == 3  # the three members this test registered
        static = mkto.assets.create_static_list("Car owners", folder=1)
        assert static is not None and all(o.ok for o in mkto.lists.add(static["id"], lead_ids))
        car_filter = {"fields": ["vin"], "filter": {"staticListId": static["id"]}}
        cars_out = list(mkto.bulk.iter_extract("customobjects/car_c", car_filter))
        assert sorted(r["vin"] for r in cars_out) == sorted(f"VIN{i}" for i in lead_ids)
        activities = mkto.bulk.extract("activities", {"filter": created_filter(emu)}, path=tmp_path / "a.csv")
        assert activities.records == 6  # three New Lead (12) and three Add to List (24), as this test did
        with (tmp_path / "a.csv").open(newline="") as f:
            kinds = sorted((int(r["leadId"]), int(r["activityTypeId"])) for r in csv.DictReader(f))
        assert kinds == sorted([(i, 12) for i in lead_ids] + [(i, 24) for i in lead_ids])
        assert sha256(tmp_path / "a.csv") == activities.status["fileChecksum"]


# --- the core's download hook, sans I/O: scripted answers ---------------------------------------------


def drive(flow: Any, serve: Any) -> tuple[Any, list[Any]]:
    """Run a core flow, answering each operation with `serve(op)`; returns (result, operations seen)."""
    seen: list[Any] = []
    op = flow.send(None)
    try:
        while True:
            seen.append(op)
            op = flow.send(serve(op))
    except StopIteration as stop:
        return stop.value, seen


def scripted(opens: list[Any]) -> Any:
    """Serve tokens, limiter slots, sleeps, reads and writes; each OpenStream gets the next of `opens` (a
    StreamHead's handle is an iterator of chunks or NetworkErrors); a sink's handle is a BytesIO."""
    tokens = iter(["t1", "t2", "t3"])

    def serve(op: Any) -> Any:
        if isinstance(op, GetToken):
            return next(tokens)
        if isinstance(op, Acquire):
            return Grant("lease", 0.0)
        if isinstance(op, OpenStream):
            return opens.pop(0)
        if isinstance(op, ReadChunk):
            return next(op.handle, b"")
        if isinstance(op, WriteChunk):
            return op.handle.write(op.data)
        if isinstance(op, Truncate):
            op.handle.seek(0)
            return op.handle.truncate()
        return None  # Sleep, Release, CloseStream

    return serve


def head(status: int, chunks: list[Any], content_type: str = "text/csv") -> StreamHead:
    return StreamHead(status, {"Content-Type": content_type}, iter(chunks))


def core() -> Core:
    return Core(
        base_url="https://x.mktorest.com",
        client_id="id",
        client_secret="secret",
        retry=FAST_RETRY,
        limits=Limits(),
        logger=logging.getLogger("test.bulk"),
    )


def ranges(seen: list[Any]) -> list[str | None]:
    return [dict(op.request.headers).get("Range") for op in seen if isinstance(op, OpenStream)]


def test_download_resumes_after_a_drop_and_restarts_when_range_is_ignored() -> None:
    spec = RequestSpec.build("GET", "/bulk/v1/leads/export/x/file.json")
    out = io.BytesIO(b"ab")
    out.seek(0, io.SEEK_END)  # as the shell opens it: for appending
    drop = NetworkError("reset", maybe_sent=True)
    opens = [head(206, [b"cd", drop]), head(200, [b"abcd", b"ef"])]  # the second ignores Range
    size, seen = drive(core().download(spec, Sink(out, size=2), size=6), scripted(opens))
    assert (size, out.getvalue()) == (6, b"abcdef")
    assert ranges(seen) == ["bytes=2-", "bytes=4-"]
    assert any(isinstance(op, Sleep) for op in seen)


def test_download_classifies_an_envelope_and_reauthenticates() -> None:
    spec = RequestSpec.build("GET", "/bulk/v1/leads/export/x/file.json")
    expired = b'{"requestId":"r#1","success":false,"errors":[{"code":"601","message":"Access token invalid"}]}'
    out = io.BytesIO()
    opens = [head(200, [expired], "application/json"), head(200, [b"id\n1\n"])]
    _, seen = drive(core().download(spec, Sink(out)), scripted(opens))
    assert out.getvalue() == b"id\n1\n"
    assert [op.stale for op in seen if isinstance(op, GetToken)] == [None, "t1"]


def test_download_emits_chunks_when_there_is_no_file_and_skips_what_was_emitted() -> None:
    spec = RequestSpec.build("GET", "/bulk/v1/leads/export/x/file.json")
    drop = NetworkError("reset", maybe_sent=True)
    opens = [head(200, [b"abc", drop]), head(200, [b"abcdef"])]
    size, seen = drive(core().download(spec, None, size=6), scripted(opens))
    assert b"".join(op.value for op in seen if isinstance(op, Emit)) == b"abcdef"
    assert size == 6


def test_a_404_on_a_file_is_file_not_available() -> None:
    spec = RequestSpec.build("GET", "/bulk/v1/leads/export/x/file.json")
    missing = RawResponse(404, {"Content-Type": "text/plain"}, b"Requested resource not found")
    with pytest.raises(FileNotAvailable):
        drive(core().download(spec, Sink(io.BytesIO())), scripted([missing]))


def test_real_full_queues_are_waited_out_as_the_virtual_clock_runs_jobs(leads_emu: Emu, tmp_path: Path) -> None:
    emu = leads_emu
    sleep = emu.virtual_sleep()
    with Client(**emu.client_kwargs(sleep=sleep)) as mkto:
        mkto.bulk.wait = WAIT
        mkto.leads.sync([{"email": "full@example.com"}])
        body = {"fields": ["email"], "format": "CSV", "filter": created_filter(emu)}
        for _ in range(10):  # BULK_QUEUE_SIZE jobs, queued or running: the 11th is 1029
            export_id = mkto.request("POST", "/bulk/v1/leads/export/create.json", json=body).result[0]["exportId"]
            mkto.request("POST", f"/bulk/v1/leads/export/{export_id}/enqueue.json")
        assert mkto.bulk.extract("leads", body, path=tmp_path / "x.csv").records == 1
        assert sleep.slept[0] == WAIT.queue_wait_s  # type: ignore[attr-defined]

        sleep.slept.clear()  # type: ignore[attr-defined]
        for i in range(10):  # and the 11th import is 1016
            mkto.request("POST", "/bulk/v1/leads.json", params={"format": "CSV"},
                         files={"file": ("a.csv", f"email\nq{i}@example.com\n".encode(), "text/csv")})  # fmt: skip
        assert mkto.bulk.import_leads([{"email": "last@example.com"}]).rows_processed == 1
        assert sleep.slept[0] == WAIT.queue_wait_s  # type: ignore[attr-defined]
    codes = [r.get("code") for r in emu.requests()]
    assert "1029" in codes and "1016" in codes


class AsyncCutOnce(httpx.AsyncBaseTransport):
    """Cuts the first file download after it is `armed`, `after` bytes in; records each file GET's Range."""

    def __init__(self, after: int) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.after = after
        self.armed = False
        self.cut = False
        self.file_gets: list[tuple[str | None, int]] = []  # (Range header, status)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.url.path.endswith("/file.json"):
            self.file_gets.append((request.headers.get("Range"), response.status_code))
        if not self.armed or self.cut or not request.url.path.endswith("/file.json") or response.status_code != 200:
            return response
        self.cut = True
        return httpx.Response(response.status_code, headers=response.headers, stream=AsyncCut(response, self.after))

    async def aclose(self) -> None:
        await self.inner.aclose()


class AsyncCut(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response, after: int) -> None:
        self.response, self.after = response, after

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        async for chunk in self.response.stream:  # type: ignore[union-attr]
            if sent + len(chunk) >= self.after:
                yield chunk[: self.after - sent]
                raise httpx.ReadError("connection reset by peer (test)")
            sent += len(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self.response.aclose()


def test_async_streamed_rows_survive_a_drop_mid_stream_and_an_early_stop(three_thousand: Emu, tmp_path: Path) -> None:
    emu = three_thousand
    body = {"fields": ["id", "email"], "format": "CSV", "filter": created_filter(emu)}
    backend = InProcessLimiterBackend()
    limits = Limits(rate_calls=100_000, rate_seconds=20, concurrency=10, backend=backend)

    async def sleep(seconds: float) -> None:
        emu.advance(seconds)

    transport = AsyncCutOnce(after=70_000)  # past the first 64 KiB chunk the client reads

    async def main() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
        async with AsyncClient(
            **emu.client_kwargs(sleep=sleep, limits=limits, http_client=httpx.AsyncClient(transport=transport))
        ) as mkto:
            mkto.bulk.wait = WAIT
            export_id = await mkto.bulk.start_extract("leads", body)
            await mkto.bulk.resume_extract(export_id, path=tmp_path / "whole.csv")  # whole: not cut
            transport.armed = True  # the cut lands in the stream below, 70,000 bytes in
            streamed = [row async for row in mkto.bulk.iter_rows(export_id)]
            rows = mkto.bulk.iter_rows(export_id)
            first = await rows.__anext__()
            await rows.aclose()
            assert not backend._leases  # freed at once, not when the event loop finalises generators
            return streamed, [first]

    streamed, first = asyncio.run(main())
    whole = (tmp_path / "whole.csv").read_bytes()
    with (tmp_path / "whole.csv").open(newline="") as f:
        expected = list(csv.DictReader(f))
    assert transport.cut and len(whole) > 70_000
    assert len(expected) == 3000 and streamed == expected and first == expected[:1]
    gets = transport.file_gets
    assert [status for _, status in gets] == [200, 200, 206, 200]  # whole file, the cut stream, its rest, the stop
    assert gets[0][0] is None and gets[1][0] is None and gets[3][0] is None
    resumed = gets[2][0]
    assert resumed is not None and resumed.startswith("bytes=") and resumed.endswith("-")
    offset = int(resumed.removeprefix("bytes=").removesuffix("-"))
    assert 0 < offset <= 70_000  # re-requested from where the stream broke, not from the start
    assert not backend._leases
