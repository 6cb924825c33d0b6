"""Bulk import and extract, sans I/O: every step a flow over the core; file writes are operations too.

Import: files (see `_bulk_files`) → submit (a full queue, disposition QUEUE_FULL, is waited out and the file
sent again) → poll politely → failures and warnings as rows.
Extract: create → enqueue (queue full: wait and enqueue again; "Job already queued": it is) → poll → a streamed,
Range-resumable download to a file (`OpenFile`, `WriteChunk`, `Truncate`, `CloseFile`), its sha256 computed as
the chunks are written and checked against the status's `fileChecksum`. An export id saved anywhere resumes
with `finish_extract`. Every call goes through the core: limits, token and retry stay there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mkto.errors import Disposition, MarketoError, lookup

from .._bulk_files import MEDIA_TYPES, RowDecoder, read_rows
from .._core import Core
from .._operations import CloseFile, Flow, OpenFile, RequestSpec, Sink, Sleep

BULK = "/bulk/v1"
BUSY_IMPORT = frozenset({"Queued", "Importing"})
BUSY_EXTRACT = frozenset({"Queued", "Processing"})


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


def _already_queued(err: MarketoError) -> bool:
    """1029's "Job already queued" (found by the catalogue's variant, not by its text): the job is queued."""
    spec = lookup(err.code) if err.code else None
    variants = spec.variants if spec else ()
    return any(v.name == "job_already_queued" and v.pattern.fullmatch(err.message.strip()) for v in variants)


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


def extract_body(
    fields: Sequence[str] | None, filter: Mapping[str, Any], fmt: str, column_header_names: Mapping[str, str] | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"format": fmt.upper(), "filter": dict(filter)}
    if fields:
        body["fields"] = list(fields)
    if column_header_names:
        body["columnHeaderNames"] = dict(column_header_names)
    return body


def import_params(lookup_field: str | None, list_id: int | None, partition_name: str | None) -> dict[str, Any]:
    return {"lookupField": lookup_field, "listId": list_id, "partitionName": partition_name}


def verify(decoder: RowDecoder, status: Mapping[str, Any], export_id: str) -> None:
    """The streamed rows' sha256 (hashed as they arrived) against the job's `fileChecksum`."""
    expected = status.get("fileChecksum")
    if expected and decoder.checksum() != expected:
        raise ChecksumMismatch(
            f"extract {export_id}: the rows streamed had sha256 {decoder.checksum()}, not {expected}"
        )


class BulkOps:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.wait = BulkWait()

    # -- waiting --

    def _queue_full(self, err: MarketoError, waited: float) -> Flow[float]:
        """Wait out a full queue once more, or re-raise `err` when the deadline would pass."""
        if err.disposition is not Disposition.QUEUE_FULL:
            raise err
        if waited + self.wait.queue_wait_s > self.wait.queue_deadline_s:
            raise err
        yield Sleep(self.wait.queue_wait_s)
        return waited + self.wait.queue_wait_s

    def poll(self, path: str, busy: frozenset[str]) -> Flow[dict[str, Any]]:
        delay, waited = self.wait.poll_first_s, 0.0
        while True:
            response = yield from self.core.call(RequestSpec.build("GET", path))
            status: dict[str, Any] = response.result[0]
            if status.get("status") not in busy:
                return status
            if waited + delay > self.wait.job_deadline_s:
                raise BulkTimeout(f"{path} is still {status.get('status')} after {waited:g} s")
            yield Sleep(delay)
            waited += delay
            delay = min(delay * self.wait.poll_factor, self.wait.poll_max_s)

    def small_file(self, path: str) -> Flow[bytes]:
        """A failures or warnings file, kept in memory (no file operation needed)."""
        sink = Sink()
        yield from self.core.download(RequestSpec.build("GET", path), sink)
        return bytes(sink.data)

    # -- import --

    def submit_import(self, api_name: str | None, data: bytes, fmt: str, params: Mapping[str, Any]) -> Flow[int]:
        create = _import_paths(api_name)[0]
        files = {"file": (f"import.{fmt.lower()}", data, MEDIA_TYPES[fmt])}
        spec = RequestSpec.build("POST", create, params={"format": fmt, **params}, files=files)
        waited = 0.0
        while True:
            try:
                response = yield from self.core.call(spec)
                return int(response.result[0]["batchId"])
            except MarketoError as err:
                waited = yield from self._queue_full(err, waited)

    def import_status(self, api_name: str | None, batch_id: int) -> Flow[dict[str, Any]]:
        response = yield from self.core.call(RequestSpec.build("GET", _import_status_path(api_name, batch_id)))
        status: dict[str, Any] = response.result[0]
        return status

    def finish_import(
        self, api_name: str | None, batch_id: int, fmt: str
    ) -> Flow[tuple[dict[str, Any], list[dict[str, str]], list[dict[str, str]]]]:
        """Poll one batch to its end and fetch its failure and warning rows: (status, failures, warnings)."""
        status = yield from self.poll(_import_status_path(api_name, batch_id), BUSY_IMPORT)
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

    def import_all(
        self, api_name: str | None, files: Iterable[bytes], fmt: str, params: Mapping[str, Any]
    ) -> Flow[ImportResult]:
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

    def create_extract(self, kind: str, body: Mapping[str, Any]) -> Flow[str]:
        response = yield from self.core.call(
            RequestSpec.build("POST", f"{export_base(kind)}/create.json", json=dict(body))
        )
        return str(response.result[0]["exportId"])

    def start_extract(self, kind: str, body: Mapping[str, Any]) -> Flow[str]:
        export_id = yield from self.create_extract(kind, body)
        yield from self.enqueue(kind, export_id)
        return export_id

    def enqueue(self, kind: str, export_id: str) -> Flow[None]:
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

    def extract_status(self, kind: str, export_id: str) -> Flow[dict[str, Any]]:
        path = f"{export_base(kind)}/{export_id}/status.json"
        response = yield from self.core.call(RequestSpec.build("GET", path))
        status: dict[str, Any] = response.result[0]
        return status

    def completed(self, kind: str, export_id: str) -> Flow[dict[str, Any]]:
        """The job's status once Completed (enqueued first if it was only created); BulkJobFailed otherwise."""
        status = yield from self.extract_status(kind, export_id)
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

    def _to_file(
        self, path: str | os.PathLike[str], spec: RequestSpec, size: int | None, expected: str | None = None
    ) -> Flow[tuple[int, bool]]:
        """Download onto the end of the file at `path` (opened, written and closed by operations): (its size,
        whether its sha256, computed as it was written, is `expected`; a mismatch empties the file). Bytes
        beyond `size` are not this file's: it starts again."""
        sink: Sink = yield OpenFile(os.fspath(path))
        try:
            if size is not None and sink.size > size:
                yield from self.core.truncate(sink)
            end = yield from self.core.download(spec, sink, size=size)
            whole = not expected or sink.checksum() == expected
            if not whole:
                yield from self.core.truncate(sink)
        except BaseException as exc:
            if not isinstance(exc, GeneratorExit):  # closed: the file object's finaliser closes it
                yield CloseFile(sink.handle)
            raise
        yield CloseFile(sink.handle)
        return end, whole

    def finish_extract(self, kind: str, export_id: str, path: str | os.PathLike[str]) -> Flow[ExtractResult]:
        """Wait for Completed, download (resuming what `path` holds), verify the checksum."""
        status = yield from self.completed(kind, export_id)
        size = int(status.get("fileSize", 0))
        expected = status.get("fileChecksum")
        for _ in range(2):
            _, whole = yield from self._to_file(path, self.file_spec(kind, export_id), size, expected)
            if whole:
                return ExtractResult(export_id, os.fspath(path), status)
        raise ChecksumMismatch(f"extract {export_id}: the file's sha256 is not {expected} (downloaded twice)")

    def download(self, kind: str, export_id: str, path: str | os.PathLike[str]) -> Flow[int]:
        end, _ = yield from self._to_file(path, self.file_spec(kind, export_id), None)
        return end

    def extract(self, kind: str, body: Mapping[str, Any], path: str | os.PathLike[str]) -> Flow[ExtractResult]:
        export_id = yield from self.start_extract(kind, body)
        return (yield from self.finish_extract(kind, export_id, path))
