"""`client.bulk`: bulk import and extract, written once as flows over the core and run by both shells.

Import: a file, bytes or dict rows → CSV/TSV files under MAX_IMPORT_BYTES → submit (a full queue, disposition
QUEUE_FULL, is waited out and the file sent again) → poll politely → failures and warnings as rows.
Extract: create → enqueue (queue full: wait and enqueue again; "Job already queued": it is) → poll → a streamed,
Range-resumable download to a file, checked against the status's `fileChecksum`. An export id saved anywhere
resumes with `resume_extract`. Every call goes through the core: limits, token and retry stay there.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import itertools
import os
from collections.abc import AsyncGenerator, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from mkto.errors import Disposition, MarketoError, MarketoResponse, lookup
from mkto.errors.limits import MAX_IMPORT_BYTES

from ._core import Core, Flow, RequestSpec, Sleep

if TYPE_CHECKING:
    from ._client import AsyncClient, Client

BULK = "/bulk/v1"
BUSY_IMPORT = frozenset({"Queued", "Importing"})
BUSY_EXTRACT = frozenset({"Queued", "Processing"})
DELIMITERS = {"CSV": ",", "TSV": "\t", "SSV": ";"}
MEDIA_TYPES = {"CSV": "text/csv", "TSV": "text/tab-separated-values", "SSV": "text/plain"}

Source: TypeAlias = "str | os.PathLike[str] | bytes | Iterable[Mapping[str, Any]]"


class BulkJobFailed(MarketoError):
    """The job ended Failed or Cancelled; `.status` is its last status record."""

    status: Mapping[str, Any] = {}


class BulkTimeout(MarketoError):
    """A job, or a full queue, outlasted the deadline given in `BulkWait`."""


class ChecksumMismatch(MarketoError):
    """The downloaded file's sha256 differs from the job's `fileChecksum` (twice: the file is discarded)."""


@dataclass(frozen=True, slots=True)
class BulkWait:
    """How politely bulk jobs are waited for (seconds of the client's `sleep`, so tests can make them virtual).

    client.bulk.wait = BulkWait(poll_first_s=2, job_deadline_s=600)
    """

    poll_first_s: float = 5.0
    poll_max_s: float = 60.0
    poll_factor: float = 1.5
    queue_wait_s: float = 60.0  # between tries on a full queue
    queue_deadline_s: float = 3_600.0
    job_deadline_s: float = 6 * 3_600.0


@dataclass(frozen=True, slots=True)
class ImportResult:
    """Every file's final status, and the failure and warning rows (each with its reason column)."""

    batches: list[dict[str, Any]]
    failures: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)

    @property
    def rows_processed(self) -> int:
        return sum(int(b.get("numOfLeadsProcessed", b.get("numOfObjectsProcessed", 0))) for b in self.batches)

    @property
    def rows_failed(self) -> int:
        return sum(int(b.get("numOfRowsFailed", 0)) for b in self.batches)


@dataclass(frozen=True, slots=True)
class ExtractResult:
    export_id: str
    path: str
    status: dict[str, Any]

    @property
    def records(self) -> int:
        return int(self.status.get("numberOfRecords", 0))


# --- files: pure helpers --------------------------------------------------------------------------------


def _writer(buffer: io.StringIO, fmt: str) -> Any:
    return csv.writer(buffer, delimiter=DELIMITERS[fmt], lineterminator="\n")


def _line(values: Sequence[Any], fmt: str) -> bytes:
    buffer = io.StringIO()
    _writer(buffer, fmt).writerow(["" if v is None else v for v in values])
    return buffer.getvalue().encode("utf-8")


def pack_rows(
    header: Sequence[str], rows: Iterable[Sequence[Any]], fmt: str, max_bytes: int = MAX_IMPORT_BYTES
) -> Iterator[bytes]:
    """Whole files of at most `max_bytes`, each starting with the header; rows never split."""
    head = _line(header, fmt)
    parts: list[bytes] = [head]
    size = len(head)
    for row in rows:
        line = _line(row, fmt)
        if len(head) + len(line) > max_bytes:
            raise ValueError(f"one row needs {len(line)} bytes: more than an import file may hold")
        if size + len(line) > max_bytes:
            yield b"".join(parts)
            parts, size = [head], len(head)
        parts.append(line)
        size += len(line)
    if len(parts) > 1:
        yield b"".join(parts)


def dict_files(
    rows: Iterable[Mapping[str, Any]], fmt: str, fields: Sequence[str] | None, max_bytes: int = MAX_IMPORT_BYTES
) -> Iterator[bytes]:
    """Dict rows as import files; the columns are `fields`, else the first row's keys."""
    it = iter(rows)
    first = next(it, None)
    if first is None:
        return
    header = list(fields) if fields else list(first)
    known = set(header)

    def values() -> Iterator[list[Any]]:
        for record in itertools.chain([first], it):
            extra = set(record) - known
            if extra:
                raise ValueError(f"row has fields outside the columns {header}: {sorted(extra)}")
            yield [record.get(name) for name in header]

    yield from pack_rows(header, values(), fmt, max_bytes)


def file_parts(path: str | os.PathLike[str], fmt: str, max_bytes: int = MAX_IMPORT_BYTES) -> Iterator[bytes]:
    """A file as it is when small enough, else re-encoded into parts under `max_bytes`, header repeated."""
    if os.path.getsize(path) <= max_bytes:
        with open(path, "rb") as f:
            yield f.read()
        return
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter=DELIMITERS[fmt])
        header = next(reader, None)
        if header is not None:
            yield from pack_rows(header, reader, fmt, max_bytes)


def source_files(
    source: Any, fmt: str, fields: Sequence[str] | None, max_bytes: int = MAX_IMPORT_BYTES
) -> Iterator[bytes]:
    """The import files for a source; `max_bytes` may be lower than Marketo's limit (smaller jobs), not higher."""
    max_bytes = min(max_bytes, MAX_IMPORT_BYTES)
    if isinstance(source, bytes | bytearray):
        if len(source) > max_bytes:
            raise ValueError("bytes over the file limit: pass a path or rows, which are split")
        return iter([bytes(source)])
    if isinstance(source, str | os.PathLike):
        return file_parts(source, fmt, max_bytes)
    return dict_files(source, fmt, fields, max_bytes)


def read_rows(data: bytes, fmt: str) -> list[dict[str, str]]:
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline=""), delimiter=DELIMITERS.get(fmt, ",")))


def iter_file_rows(path: str | os.PathLike[str], fmt: str = "CSV") -> Iterator[dict[str, str]]:
    """An extract file's rows as dicts, read as they are needed."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        yield from csv.DictReader(f, delimiter=DELIMITERS.get(fmt, ","))


class RowDecoder:
    """CSV/TSV bytes, chunk by chunk, into dict rows as soon as each row is whole (a quoted field may hold
    newlines: a record is whole when its quotes pair up). Hashes what it is fed, for the checksum."""

    def __init__(self, fmt: str = "CSV") -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._delimiter = DELIMITERS.get(fmt.upper(), ",")
        self._partial = ""  # text after the last newline
        self._record = ""  # whole lines of a record whose quotes are still open
        self._header: list[str] | None = None
        self.digest = hashlib.sha256()

    def feed(self, chunk: bytes) -> list[dict[str, str]]:
        self.digest.update(chunk)
        *lines, self._partial = (self._partial + self._decoder.decode(chunk)).split("\n")
        return self._records(line + "\n" for line in lines)

    def finish(self) -> list[dict[str, str]]:
        rest = self._partial + self._decoder.decode(b"", final=True)
        self._partial = ""
        rows = self._records([rest] if rest else [])
        if self._record:  # quotes never closed: let csv say what it makes of it
            rows += self._parse([self._record])
            self._record = ""
        return rows

    def checksum(self) -> str:
        return "sha256:" + self.digest.hexdigest()

    def _records(self, lines: Iterable[str]) -> list[dict[str, str]]:
        whole: list[str] = []
        for line in lines:
            self._record += line
            if self._record.count('"') % 2 == 0:
                whole.append(self._record)
                self._record = ""
        return self._parse(whole)

    def _parse(self, records: list[str]) -> list[dict[str, str]]:
        rows: list[dict[str, str]] = []
        for values in csv.reader(records, delimiter=self._delimiter):
            if self._header is None:
                self._header = values
            elif values:
                rows.append(dict(zip(self._header, values, strict=False)))
        return rows


def sha256_of(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _already_queued(err: MarketoError) -> bool:
    """1029's "Job already queued" (found by the catalogue's variant, not by its text): the job is queued."""
    spec = lookup(err.code) if err.code else None
    variants = spec.variants if spec else ()
    return any(v.name == "job_already_queued" and v.pattern.fullmatch(err.message.strip()) for v in variants)


# --- flows ----------------------------------------------------------------------------------------------


def _import_paths(api_name: str | None) -> tuple[str, str]:
    """(create path, the batch's own path prefix with {id})."""
    if api_name is None:
        return f"{BULK}/leads.json", f"{BULK}/leads/batch/{{id}}"
    return f"{BULK}/customobjects/{api_name}/import.json", f"{BULK}/customobjects/{api_name}/import/{{id}}"


def _import_status_path(api_name: str | None, batch_id: int) -> str:
    prefix = _import_paths(api_name)[1].format(id=int(batch_id))
    return prefix + (".json" if api_name is None else "/status.json")


def export_base(kind: str) -> str:
    """The extract path of a kind: "leads", "activities", "program/members" or "customobjects/<apiName>"."""
    return f"{BULK}/{kind.strip('/')}/export"


class BulkOps:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.wait = BulkWait()

    # -- waiting --

    def _queue_full(self, err: MarketoError, waited: float) -> Flow:
        """Wait out a full queue once more, or re-raise `err` when the deadline would pass."""
        if err.disposition is not Disposition.QUEUE_FULL:
            raise err
        if waited + self.wait.queue_wait_s > self.wait.queue_deadline_s:
            raise err
        yield Sleep(self.wait.queue_wait_s)
        return waited + self.wait.queue_wait_s

    def poll(self, path: str, busy: frozenset[str]) -> Flow:
        delay, waited = self.wait.poll_first_s, 0.0
        while True:
            response: MarketoResponse = yield from self.core.call(RequestSpec.build("GET", path))
            status: dict[str, Any] = response.result[0]
            if status.get("status") not in busy:
                return status
            if waited + delay > self.wait.job_deadline_s:
                raise BulkTimeout(f"{path} is still {status.get('status')} after {waited:g} s")
            yield Sleep(delay)
            waited += delay
            delay = min(delay * self.wait.poll_factor, self.wait.poll_max_s)

    def small_file(self, path: str) -> Flow:
        buffer = io.BytesIO()
        yield from self.core.download(RequestSpec.build("GET", path), buffer)
        return buffer.getvalue()

    # -- import --

    def submit_import(self, api_name: str | None, data: bytes, fmt: str, params: Mapping[str, Any]) -> Flow:
        create = _import_paths(api_name)[0]
        files = {"file": (f"import.{fmt.lower()}", data, MEDIA_TYPES[fmt])}
        spec = RequestSpec.build("POST", create, params={"format": fmt, **params}, files=files)
        waited = 0.0
        while True:
            try:
                response: MarketoResponse = yield from self.core.call(spec)
                return int(response.result[0]["batchId"])
            except MarketoError as err:
                waited = yield from self._queue_full(err, waited)

    def import_status(self, api_name: str | None, batch_id: int) -> Flow:
        response: MarketoResponse = yield from self.core.call(
            RequestSpec.build("GET", _import_status_path(api_name, batch_id))
        )
        return response.result[0]

    def finish_import(self, api_name: str | None, batch_id: int, fmt: str) -> Flow:
        """Poll one batch to its end and fetch its failure and warning rows: (status, failures, warnings)."""
        status: dict[str, Any] = yield from self.poll(_import_status_path(api_name, batch_id), BUSY_IMPORT)
        if status.get("status") != "Complete":
            err = BulkJobFailed(f"import batch {batch_id} ended {status.get('status')}: {status.get('message', '')}")
            err.status = status
            raise err
        prefix = _import_paths(api_name)[1].format(id=int(batch_id))
        failures: list[dict[str, str]] = []
        warnings: list[dict[str, str]] = []
        if int(status.get("numOfRowsFailed", 0)):
            failures = read_rows((yield from self.small_file(f"{prefix}/failures.json")), fmt)
        if int(status.get("numOfRowsWithWarning", 0)):
            warnings = read_rows((yield from self.small_file(f"{prefix}/warnings.json")), fmt)
        return status, failures, warnings

    def import_all(self, api_name: str | None, files: Iterable[bytes], fmt: str, params: Mapping[str, Any]) -> Flow:
        fmt = fmt.upper()
        batches: list[dict[str, Any]] = []
        failures: list[dict[str, str]] = []
        warnings: list[dict[str, str]] = []
        for data in files:
            batch_id = yield from self.submit_import(api_name, data, fmt, params)
            status, failed, warned = yield from self.finish_import(api_name, batch_id, fmt)
            batches.append(status)
            failures.extend(failed)
            warnings.extend(warned)
        return ImportResult(batches, failures, warnings)

    # -- extract --

    def start_extract(self, kind: str, body: Mapping[str, Any]) -> Flow:
        response: MarketoResponse = yield from self.core.call(
            RequestSpec.build("POST", f"{export_base(kind)}/create.json", json=dict(body))
        )
        export_id = str(response.result[0]["exportId"])
        yield from self.enqueue(kind, export_id)
        return export_id

    def enqueue(self, kind: str, export_id: str) -> Flow:
        spec = RequestSpec.build("POST", f"{export_base(kind)}/{export_id}/enqueue.json")
        waited = 0.0
        while True:
            try:
                yield from self.core.call(spec)
                return
            except MarketoError as err:
                if _already_queued(err):
                    return
                waited = yield from self._queue_full(err, waited)

    def extract_status(self, kind: str, export_id: str) -> Flow:
        path = f"{export_base(kind)}/{export_id}/status.json"
        response: MarketoResponse = yield from self.core.call(RequestSpec.build("GET", path))
        return response.result[0]

    def completed(self, kind: str, export_id: str) -> Flow:
        """The job's status once Completed (enqueued first if it was only created); BulkJobFailed otherwise."""
        status: dict[str, Any] = yield from self.extract_status(kind, export_id)
        if status.get("status") == "Created":
            yield from self.enqueue(kind, export_id)
        if status.get("status") != "Completed":
            path = f"{export_base(kind)}/{export_id}/status.json"
            status = yield from self.poll(path, BUSY_EXTRACT | {"Created"})
        if status.get("status") != "Completed":
            err = BulkJobFailed(f"extract {export_id} ended {status.get('status')}")
            err.status = status
            raise err
        return status

    def file_spec(self, kind: str, export_id: str) -> RequestSpec:
        return RequestSpec.build("GET", f"{export_base(kind)}/{export_id}/file.json")

    def finish_extract(self, kind: str, export_id: str, path: str | os.PathLike[str]) -> Flow:
        """Wait for Completed, download (resuming what `path` holds), verify the checksum."""
        status: dict[str, Any] = yield from self.completed(kind, export_id)
        size = int(status.get("fileSize", 0))
        expected = status.get("fileChecksum")
        for _ in range(2):
            with open(path, "ab") as out:
                if out.seek(0, os.SEEK_END) > size:  # not this file's bytes: start again
                    out.truncate(0)
                yield from self.core.download(self.file_spec(kind, export_id), out, size=size)
            if not expected or sha256_of(path) == expected:
                return ExtractResult(export_id, os.fspath(path), status)
            with open(path, "wb"):
                pass
        raise ChecksumMismatch(f"extract {export_id}: the file's sha256 is not {expected} (downloaded twice)")

    def download(self, kind: str, export_id: str, path: str | os.PathLike[str]) -> Flow:
        with open(path, "ab") as out:
            spec = RequestSpec.build("GET", f"{export_base(kind)}/{export_id}/file.json")
            size: int = yield from self.core.download(spec, out)
        return size

    def extract(self, kind: str, body: Mapping[str, Any], path: str | os.PathLike[str]) -> Flow:
        export_id = yield from self.start_extract(kind, body)
        result: ExtractResult = yield from self.finish_extract(kind, export_id, path)
        return result


def extract_body(
    fields: Sequence[str] | None, filter: Mapping[str, Any], fmt: str, column_header_names: Mapping[str, str] | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"format": fmt.upper(), "filter": dict(filter)}
    if fields:
        body["fields"] = list(fields)
    if column_header_names:
        body["columnHeaderNames"] = dict(column_header_names)
    return body


def _verify(decoder: RowDecoder, status: Mapping[str, Any], export_id: str) -> None:
    expected = status.get("fileChecksum")
    if expected and decoder.checksum() != expected:
        raise ChecksumMismatch(
            f"extract {export_id}: the rows streamed had sha256 {decoder.checksum()}, not {expected}"
        )


def _import_params(lookup_field: str | None, list_id: int | None, partition_name: str | None) -> dict[str, Any]:
    return {"lookupField": lookup_field, "listId": list_id, "partitionName": partition_name}


# --- sync -----------------------------------------------------------------------------------------------


class Bulk:
    """`client.bulk`: bulk import and extract, waiting politely for Marketo's queues.

    result = client.bulk.import_leads(rows)             # dict rows, a path or bytes
    client.bulk.extract_leads(["id", "email"], {"createdAt": {...}}, path="leads.csv")
    for row in client.bulk.iter_extract("leads", body): ...
    """

    def __init__(self, client: Client) -> None:
        self._client = client
        self._ops = BulkOps(client._core)

    @property
    def wait(self) -> BulkWait:
        return self._ops.wait

    @wait.setter
    def wait(self, value: BulkWait) -> None:
        self._ops.wait = value

    def import_leads(
        self,
        source: Source,
        *,
        format: str = "CSV",
        fields: Sequence[str] | None = None,
        lookup_field: str | None = None,
        list_id: int | None = None,
        partition_name: str | None = None,
        max_file_bytes: int = MAX_IMPORT_BYTES,
    ) -> ImportResult:
        files = source_files(source, format.upper(), fields, max_file_bytes)
        params = _import_params(lookup_field, list_id, partition_name)
        result: ImportResult = self._client.run(self._ops.import_all(None, files, format, params))
        return result

    def import_custom_objects(
        self,
        api_name: str,
        source: Source,
        *,
        format: str = "CSV",
        fields: Sequence[str] | None = None,
        max_file_bytes: int = MAX_IMPORT_BYTES,
    ) -> ImportResult:
        files = source_files(source, format.upper(), fields, max_file_bytes)
        result: ImportResult = self._client.run(self._ops.import_all(api_name, files, format, {}))
        return result

    def import_status(self, batch_id: int, *, api_name: str | None = None) -> dict[str, Any]:
        status: dict[str, Any] = self._client.run(self._ops.import_status(api_name, batch_id))
        return status

    def extract(self, kind: str, body: Mapping[str, Any], *, path: str | os.PathLike[str]) -> ExtractResult:
        """Any extract: kind "leads", "activities", "program/members" or "customobjects/<apiName>"."""
        result: ExtractResult = self._client.run(self._ops.extract(kind, body, path))
        return result

    def extract_leads(
        self,
        fields: Sequence[str],
        filter: Mapping[str, Any],
        *,
        path: str | os.PathLike[str],
        format: str = "CSV",
        column_header_names: Mapping[str, str] | None = None,
    ) -> ExtractResult:
        return self.extract("leads", extract_body(fields, filter, format, column_header_names), path=path)

    def start_extract(self, kind: str, body: Mapping[str, Any]) -> str:
        """Create and enqueue; the export id returned can be saved and given to `resume_extract` later."""
        export_id: str = self._client.run(self._ops.start_extract(kind, body))
        return export_id

    def resume_extract(self, export_id: str, *, path: str | os.PathLike[str], kind: str = "leads") -> ExtractResult:
        """Carry on with a saved export id: wait for it, download what `path` does not hold yet, verify."""
        result: ExtractResult = self._client.run(self._ops.finish_extract(kind, export_id, path))
        return result

    def extract_status(self, export_id: str, *, kind: str = "leads") -> dict[str, Any]:
        status: dict[str, Any] = self._client.run(self._ops.extract_status(kind, export_id))
        return status

    def download(self, export_id: str, *, path: str | os.PathLike[str], kind: str = "leads") -> int:
        """Only the download (Range-resumed onto what `path` holds); `FileNotAvailable` before Completed."""
        size: int = self._client.run(self._ops.download(kind, export_id, path))
        return size

    def iter_rows(self, export_id: str, *, kind: str = "leads") -> Generator[dict[str, str], None, None]:
        """A job's rows as dicts, parsed as the download streams (nothing on disk, little in memory); a drop
        resumes with Range. The checksum is checked at the end: `ChecksumMismatch` after the last row."""
        status: dict[str, Any] = self._client.run(self._ops.completed(kind, export_id))
        decoder = RowDecoder(str(status.get("format", "CSV")))
        flow = self._ops.core.download(self._ops.file_spec(kind, export_id), None, size=int(status.get("fileSize", 0)))
        with contextlib.closing(self._client.iterate(flow)) as chunks:  # an early stop closes the stream now
            for chunk in chunks:
                yield from decoder.feed(chunk)
        yield from decoder.finish()
        _verify(decoder, status, export_id)

    def iter_extract(
        self, kind: str, body: Mapping[str, Any], *, path: str | os.PathLike[str] | None = None
    ) -> Generator[dict[str, str], None, None]:
        """Run an extract and yield its rows: streamed (`path=None`), or through the file at `path`."""
        if path is None:
            yield from self.iter_rows(self.start_extract(kind, body), kind=kind)
            return
        self.extract(kind, body, path=path)
        yield from iter_file_rows(path, str(body.get("format", "CSV")).upper())


# --- async ----------------------------------------------------------------------------------------------


class AsyncBulk:
    """`client.bulk` for asyncio: the same flows as `Bulk` (file reads and writes stay blocking)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._ops = BulkOps(client._core)

    @property
    def wait(self) -> BulkWait:
        return self._ops.wait

    @wait.setter
    def wait(self, value: BulkWait) -> None:
        self._ops.wait = value

    async def import_leads(
        self,
        source: Source,
        *,
        format: str = "CSV",
        fields: Sequence[str] | None = None,
        lookup_field: str | None = None,
        list_id: int | None = None,
        partition_name: str | None = None,
        max_file_bytes: int = MAX_IMPORT_BYTES,
    ) -> ImportResult:
        files = source_files(source, format.upper(), fields, max_file_bytes)
        params = _import_params(lookup_field, list_id, partition_name)
        result: ImportResult = await self._client.run(self._ops.import_all(None, files, format, params))
        return result

    async def import_custom_objects(
        self,
        api_name: str,
        source: Source,
        *,
        format: str = "CSV",
        fields: Sequence[str] | None = None,
        max_file_bytes: int = MAX_IMPORT_BYTES,
    ) -> ImportResult:
        files = source_files(source, format.upper(), fields, max_file_bytes)
        result: ImportResult = await self._client.run(self._ops.import_all(api_name, files, format, {}))
        return result

    async def import_status(self, batch_id: int, *, api_name: str | None = None) -> dict[str, Any]:
        status: dict[str, Any] = await self._client.run(self._ops.import_status(api_name, batch_id))
        return status

    async def extract(self, kind: str, body: Mapping[str, Any], *, path: str | os.PathLike[str]) -> ExtractResult:
        result: ExtractResult = await self._client.run(self._ops.extract(kind, body, path))
        return result

    async def extract_leads(
        self,
        fields: Sequence[str],
        filter: Mapping[str, Any],
        *,
        path: str | os.PathLike[str],
        format: str = "CSV",
        column_header_names: Mapping[str, str] | None = None,
    ) -> ExtractResult:
        return await self.extract("leads", extract_body(fields, filter, format, column_header_names), path=path)

    async def start_extract(self, kind: str, body: Mapping[str, Any]) -> str:
        export_id: str = await self._client.run(self._ops.start_extract(kind, body))
        return export_id

    async def resume_extract(
        self, export_id: str, *, path: str | os.PathLike[str], kind: str = "leads"
    ) -> ExtractResult:
        result: ExtractResult = await self._client.run(self._ops.finish_extract(kind, export_id, path))
        return result

    async def extract_status(self, export_id: str, *, kind: str = "leads") -> dict[str, Any]:
        status: dict[str, Any] = await self._client.run(self._ops.extract_status(kind, export_id))
        return status

    async def download(self, export_id: str, *, path: str | os.PathLike[str], kind: str = "leads") -> int:
        size: int = await self._client.run(self._ops.download(kind, export_id, path))
        return size

    async def iter_rows(self, export_id: str, *, kind: str = "leads") -> AsyncGenerator[dict[str, str], None]:
        status: dict[str, Any] = await self._client.run(self._ops.completed(kind, export_id))
        decoder = RowDecoder(str(status.get("format", "CSV")))
        flow = self._ops.core.download(self._ops.file_spec(kind, export_id), None, size=int(status.get("fileSize", 0)))
        async with contextlib.aclosing(self._client.iterate(flow)) as chunks:  # an early stop closes it now
            async for chunk in chunks:
                for row in decoder.feed(chunk):
                    yield row
        for row in decoder.finish():
            yield row
        _verify(decoder, status, export_id)

    async def iter_extract(
        self, kind: str, body: Mapping[str, Any], *, path: str | os.PathLike[str] | None = None
    ) -> AsyncGenerator[dict[str, str], None]:
        if path is None:
            async for row in self.iter_rows(await self.start_extract(kind, body), kind=kind):
                yield row
            return
        await self.extract(kind, body, path=path)
        for row in iter_file_rows(path, str(body.get("format", "CSV")).upper()):
            yield row
